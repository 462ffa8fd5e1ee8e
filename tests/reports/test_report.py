"""The round report as a domain function: every step in order with what the room answered, the
notes, the groups, the questions, the code of conduct; nobody named; withdrawal respected; a
bounded number of queries however much the room wrote."""

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from facilitation.deliberation import conduct
from facilitation.deliberation.annotations import annotate, plus_one, sentence_spans
from facilitation.deliberation.discussion import add_note
from facilitation.deliberation.services import cast_vote
from facilitation.questions.services import ask_question, configure_questions, upvote_question
from facilitation.reports.report import TOP_NOTES, round_report
from facilitation.workshops import services
from facilitation.workshops.groups import group_of, split_into_groups
from facilitation.workshops.models import Step, Workshop
from facilitation.workshops.participants import withdraw
from tests import played

# One round played for the module (tests.played): every test here sees it, asked for or not.
played_once, facilitator, workshop, played_round = played.SHARED


def show(round, kind, facilitator):
    step = round.steps.filter(kind=kind).order_by("position").first()
    services.go_to_step(round, step, by=facilitator)
    return step


def entry_of(report, step):
    return next(e for e in report.steps if e.step.pk == step.pk)


def rendered(report):
    return render_to_string("reports/report.html#report", {"report": report, "audience": "report"})


class TestContent:
    def test_every_step_is_there_in_the_agendas_order_with_what_the_room_answered(
        self, played_round
    ):
        report = round_report(round=played_round)
        steps = list(played_round.ordered_steps())
        assert [e.step.pk for e in report.steps] == [s.pk for s in steps]
        assert [e.number for e in report.steps] == list(range(1, len(steps) + 1))
        for entry in report.steps:
            if entry.kind.collects_answers:
                assert entry.results["results"].total > 0, entry.step.title
        assert report.is_final and report.closed_at and report.started_at
        assert report.taking_part == 12
        html = rendered(report)
        for step in steps:
            assert step.title in html or step.title.replace("'", "&#x27;") in html

    def test_a_finding_has_its_heat_map_and_its_top_notes_with_the_passages_they_mark(
        self, played_round
    ):
        report = round_report(round=played_round)
        finding = next(e for e in report.steps if e.step.kind == Step.Kind.FINDING)
        assert finding.noted > 0 and finding.paragraphs
        assert 0 < len(finding.top_notes) <= TOP_NOTES
        for top in finding.top_notes:
            placed = top["placed"]
            assert top["quote"] == finding.step.body[placed.start : placed.end]
        supports = [t["placed"].supporters for t in finding.top_notes if not t["annotation"].pinned]
        assert supports == sorted(supports, reverse=True)
        assert 'class="finding-text heat-map' in rendered(report)

    def test_a_discussion_has_each_groups_report_back(self, played_round):
        report = round_report(round=played_round)
        discussion = next(e for e in report.steps if e.step.kind == Step.Kind.DISCUSSION)
        assert discussion.report_backs
        html = rendered(report)
        for group, notes in discussion.report_backs:
            assert str(group.name) in html
            assert all(note.text in html or "&" in note.text for note in notes)

    def test_the_questions_are_split_into_answered_and_open_with_their_votes(self, played_round):
        report = round_report(round=played_round)
        assert report.has_questions
        assert len(report.answered_questions) == 1
        assert report.open_questions
        votes = [q.upvotes for q in report.open_questions]
        assert votes == sorted(votes, reverse=True)
        assert "Still open" in rendered(report)

    def test_the_code_of_conduct_is_the_version_frozen_at_the_close_with_what_changed(
        self, played_round
    ):
        report = round_report(round=played_round)
        code = report.conduct
        assert code.version.frozen_for_round and code.version.round_id == played_round.pk
        assert code.began_with is not None and code.began_with.number < code.version.number
        assert code.changes, "the sample round accepts a clause and a new wording"
        assert {row["what"] for row in code.changes} <= {"added", "amended", "dropped"}
        assert "What changed during the round" in rendered(report)

    def test_a_change_of_the_code_during_a_live_round_shows_as_added(self, live_round, facilitator):
        before = conduct.latest_version(live_round.workshop)
        clause = conduct.propose_clause(
            live_round.workshop, "We answer within a day", by_user=facilitator, round=live_round
        )
        conduct.accept_clause(clause, by=facilitator, reason="Agreed", round=live_round)
        report = round_report(round=live_round)
        assert not report.is_final
        assert report.conduct.began_with == before
        [change] = report.conduct.changes
        assert change["what"] == "added" and change["new"]["text"] == "We answer within a day"
        assert change["reasons"] == ["Agreed"]
        html = rendered(report)
        assert "still open" in html and "We answer within a day" in html

    def test_a_draft_round_has_its_steps_and_nothing_answered(self, draft_round):
        report = round_report(round=draft_round)
        assert len(report.steps) == draft_round.steps.count()
        assert report.taking_part == 0 and report.started_at is None
        assert report.conduct.changes == []
        assert "has not started yet" in rendered(report)


class TestNobodyIsNamed:
    def test_display_names_and_pseudonyms_are_nowhere(self, live_round, facilitator):
        people = [services.join_round(live_round, display_name=f"Namn{n}sson") for n in range(3)]
        dilemma = show(live_round, Step.Kind.DILEMMA, facilitator)
        for person in people:
            cast_vote(dilemma, person, dilemma.options.first().pk)
        discussion = show(live_round, Step.Kind.DISCUSSION, facilitator)
        [group] = split_into_groups(live_round, method="random", count=1, by=facilitator)
        add_note(discussion, people[0], group=group, text="Our group's idea")
        configure_questions(live_round, open_any_time=True, premoderate=False, by=facilitator)
        ask_question(live_round, people[1], text="Who decides?")
        html = rendered(round_report(round=live_round))
        assert "Our group's idea" in html or "Our group&#x27;s idea" in html
        assert "Who decides?" in html
        assert "sson" not in html
        for person in people:
            assert person.pseudonym not in html


class TestWithdrawal:
    @pytest.fixture
    def contributions(self, live_round, participant, other_participant, facilitator):
        """Anna votes, marks a passage, writes in her group and asks; then she withdraws."""
        dilemma = show(live_round, Step.Kind.DILEMMA, facilitator)
        cast_vote(dilemma, participant, dilemma.options.first().pk)
        cast_vote(dilemma, other_participant, dilemma.options.last().pk)
        finding = show(live_round, Step.Kind.FINDING, facilitator)
        start, end = sentence_spans(finding)[0][:2]
        annotate(finding, participant, start=start, end=end, note="Annas note")
        discussion = show(live_round, Step.Kind.DISCUSSION, facilitator)
        [group] = split_into_groups(live_round, method="random", count=1, by=facilitator)
        add_note(discussion, participant, group=group, text="Annas idea")
        add_note(discussion, other_participant, group=group, text="Bos idea")
        configure_questions(live_round, open_any_time=True, premoderate=False, by=facilitator)
        ask_question(live_round, participant, text="Annas question")
        withdraw(participant)
        return dilemma, finding, discussion

    def test_a_workshop_that_removes_leaves_out_all_they_gave(self, live_round, contributions):
        dilemma, finding, discussion = contributions
        report = round_report(round=live_round)
        assert entry_of(report, dilemma).results["results"].total == 1
        assert entry_of(report, finding).noted == 0
        [(_group, notes)] = entry_of(report, discussion).report_backs
        assert [n.text for n in notes] == ["Bos idea"]
        assert report.open_questions == []
        assert report.taking_part == 1
        html = rendered(report)
        assert "Annas" not in html

    def test_a_workshop_that_anonymises_keeps_it_all_without_a_name(
        self, live_round, contributions
    ):
        Workshop.objects.filter(pk=live_round.workshop_id).update(
            on_withdrawal=Workshop.Withdrawal.ANONYMISE
        )
        dilemma, finding, discussion = contributions
        report = round_report(round=live_round)
        assert entry_of(report, dilemma).results["results"].total == 2
        assert entry_of(report, finding).noted == 1
        [(_group, notes)] = entry_of(report, discussion).report_backs
        assert [n.text for n in notes] == ["Annas idea", "Bos idea"]
        assert [q.text for q in report.open_questions] == ["Annas question"]
        assert "Anna</" not in rendered(report)


class TestQueries:
    def room_writes(self, round, facilitator, finding, dilemma, discussion, people):
        start, end = sentence_spans(finding)[0][:2]
        services.go_to_step(round, finding, by=facilitator)
        notes = [annotate(finding, p, start=start, end=end, note=f"Note {p.pk}") for p in people]
        for person in people:
            for note in notes[:3]:
                if note.participant_id != person.pk:
                    plus_one(note, person)
        services.go_to_step(round, dilemma, by=facilitator)
        for person in people:
            cast_vote(dilemma, person, dilemma.options.first().pk)
        services.go_to_step(round, discussion, by=facilitator)
        split_into_groups(round, method="random", count=2, by=facilitator)
        for person in people:
            add_note(discussion, person, group=group_of(round, person), text=f"Idea {person.pk}")
        asked = [ask_question(round, p, text=f"Question {p.pk}") for p in people[:5]]
        for person in people:
            for question in asked:
                if question.participant_id != person.pk:
                    upvote_question(question, person)

    def test_the_report_costs_the_same_queries_for_a_few_notes_or_many(
        self, live_round, facilitator
    ):
        configure_questions(live_round, open_any_time=True, premoderate=False, by=facilitator)
        steps = {k: live_round.steps.filter(kind=k).order_by("position").first() for k in Step.Kind}
        finding, dilemma = steps[Step.Kind.FINDING], steps[Step.Kind.DILEMMA]
        discussion = steps[Step.Kind.DISCUSSION]
        few = [services.join_round(live_round) for _ in range(6)]
        self.room_writes(live_round, facilitator, finding, dilemma, discussion, few)

        def cost():
            with CaptureQueriesContext(connection) as queries:
                rendered(round_report(round=live_round))
            return len(queries)

        with_few = cost()
        many = [services.join_round(live_round) for _ in range(24)]
        self.room_writes(live_round, facilitator, finding, dilemma, discussion, many)
        assert round_report(round=live_round).steps[0].noted >= 30
        assert cost() == with_few
        assert with_few < 12 * live_round.steps.count()
