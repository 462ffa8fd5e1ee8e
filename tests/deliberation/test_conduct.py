"""The shared code of conduct: every transition, versions, diffs, rebuilding from events."""

import threading

import pytest
from django.db import connection

from facilitation.deliberation import conduct
from facilitation.deliberation.models import (
    Amendment,
    Annotation,
    Clause,
    Code,
    ConductVersion,
    Endorsement,
)
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step
from facilitation.workshops.services import ActionRefused


@pytest.fixture
def conduct_step(live_round):
    return live_round.steps.get(kind=Step.Kind.CONDUCT)


@pytest.fixture
def on_conduct(live_round, conduct_step, facilitator):
    """The live round showing its code-of-conduct step."""
    return services.go_to_step(live_round, conduct_step, by=facilitator)


def propose(round, participant, text="We reply within two working days.", **kwargs):
    return conduct.propose_clause(
        round.workshop, text, by_participant=participant, round=round, **kwargs
    )


class TestTheDemoSeedsACode:
    def test_the_demo_starts_with_three_accepted_clauses_in_version_1(self, workshop):
        clauses = conduct.current_clauses(workshop)
        assert len(clauses) == 3
        assert [c.position for c in clauses] == [1, 2, 3]
        version = conduct.latest_version(workshop)
        assert version.number == 1
        assert [entry["text"] for entry in version.clauses] == [c.text for c in clauses]

    def test_the_swedish_demo_records_its_starting_reason_in_swedish(self, db):
        from facilitation.deliberation.demo import load_demo_workshop

        workshop, _created = load_demo_workshop("sv")
        change = conduct.latest_version(workshop).changes[0]
        assert change["reason"] == "Skriven före workshoppen som en utgångspunkt."


class TestProposing:
    def test_a_participant_proposes_a_clause_with_codes_and_motivation(
        self, on_conduct, participant, dilemma
    ):
        code = Code.objects.filter(workshop=on_conduct.workshop).first()
        clause = propose(
            on_conduct,
            participant,
            rationale="Slow answers feel like indifference.",
            code_ids=[code.pk],
            motivated_by=dilemma,
        )
        assert clause.status == Clause.Status.PROPOSED
        assert clause.proposed_by == participant and clause.round == on_conduct
        assert list(clause.codes.all()) == [code]
        assert clause.motivated_by_step == dilemma
        event = Event.objects.get(kind="conduct.clause_proposed", payload__clause=clause.pk)
        assert event.participant == participant
        assert event.payload["text"] == "We reply within two working days."

    def test_an_annotation_as_motivation_links_its_finding_too(
        self, on_conduct, participant, facilitator
    ):
        finding = on_conduct.steps.filter(kind=Step.Kind.FINDING).first()
        note = Annotation.objects.create(
            step=finding, participant=participant, exact="x", start=0, end=1
        )
        clause = conduct.propose_clause(
            on_conduct.workshop, "We keep records.", by_user=facilitator, motivated_by=note
        )
        assert clause.motivated_by_annotation == note and clause.motivated_by_step == finding
        assert clause.proposed_by_facilitator and clause.proposed_by is None

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("   ", "cannot be empty"),
            ("x" * 401, "at most 400 characters; this one has 401"),
            ("Be <b>kind</b>", "plain text"),
            ('<script>alert("x")</script>', "plain text"),
            ("Click javascript:alert(1)", "plain text"),
        ],
    )
    def test_bad_clauses_are_refused_and_nothing_is_stored(
        self, on_conduct, participant, text, message
    ):
        before = Clause.objects.count()
        with pytest.raises(ActionRefused, match=message):
            propose(on_conduct, participant, text)
        assert Clause.objects.count() == before

    def test_white_space_and_invisible_characters_are_tidied(self, on_conduct, participant):
        clause = propose(on_conduct, participant, "  We  reply\n\nfast\u200b.  ")
        assert clause.text == "We reply fast."

    def test_a_duplicate_of_a_live_clause_is_refused(self, on_conduct, participant, workshop):
        existing = conduct.current_clauses(workshop)[0]
        with pytest.raises(ActionRefused, match="already has this clause"):
            propose(on_conduct, participant, existing.text.upper())

    def test_proposals_wait_for_the_conduct_step_unless_open_any_time(
        self, live_round, participant, facilitator
    ):
        with pytest.raises(ActionRefused, match="takes no proposals"):
            propose(live_round, participant)
        conduct.set_open_any_time(live_round.workshop, True, by=facilitator)
        assert propose(live_round, participant).status == Clause.Status.PROPOSED
        assert Event.objects.filter(kind="conduct.open_any_time", payload__on=True).exists()

    def test_closing_proposals_on_the_step_refuses_them_unless_open_any_time(
        self, on_conduct, conduct_step, participant, facilitator
    ):
        services.lock_voting(conduct_step, by=facilitator)
        with pytest.raises(ActionRefused, match="closed proposals on this step"):
            propose(on_conduct, participant)
        conduct.set_open_any_time(on_conduct.workshop, True, by=facilitator)
        assert propose(on_conduct, participant).status == Clause.Status.PROPOSED

    def test_someone_who_has_not_joined_the_round_cannot_propose(
        self, on_conduct, workshop, facilitator
    ):
        stranger = services.join_round(on_conduct, display_name="X")
        other_round = services.create_round(workshop, title="November", by=facilitator)
        with pytest.raises(ActionRefused, match="Join this workshop round"):
            propose(other_round, stranger)

    def test_a_paused_round_takes_no_proposals(self, on_conduct, participant, facilitator):
        services.pause_round(on_conduct, by=facilitator)
        with pytest.raises(ActionRefused, match="paused"):
            propose(on_conduct, participant)

    def test_a_participant_cannot_propose_as_a_facilitator(self, workshop, stranger):
        with pytest.raises(ActionRefused, match="Only the workshop's facilitators"):
            conduct.propose_clause(workshop, "We are kind.", by_user=stranger)


class TestEndorsing:
    def test_agree_then_change_to_disagree_with_an_objection(self, on_conduct, participant):
        clause = propose(on_conduct, participant)
        conduct.endorse(clause, participant, "agree", round=on_conduct)
        endorsement = conduct.endorse(
            clause, participant, "disagree", "Two days is too slow.", round=on_conduct
        )
        assert Endorsement.objects.get() == endorsement
        assert (endorsement.stance, endorsement.objection) == ("disagree", "Two days is too slow.")
        stances = list(
            Event.objects.filter(kind="conduct.endorsed").values_list("payload__stance", flat=True)
        )
        assert stances == ["agree", "disagree"]

    def test_the_same_stance_again_records_nothing_new(self, on_conduct, participant):
        clause = propose(on_conduct, participant)
        conduct.endorse(clause, participant, "pass", round=on_conduct)
        conduct.endorse(clause, participant, "pass", round=on_conduct)
        assert Event.objects.filter(kind="conduct.endorsed").count() == 1

    def test_a_disagree_without_an_objection_is_refused(self, on_conduct, participant):
        clause = propose(on_conduct, participant)
        with pytest.raises(ActionRefused, match="why you disagree"):
            conduct.endorse(clause, participant, "disagree", "  ", round=on_conduct)
        assert not Endorsement.objects.exists()

    def test_an_unknown_stance_is_refused(self, on_conduct, participant):
        clause = propose(on_conduct, participant)
        with pytest.raises(ActionRefused, match="agree, disagree or pass"):
            conduct.endorse(clause, participant, "love", round=on_conduct)

    def test_a_rejected_clause_cannot_be_endorsed(self, on_conduct, participant, facilitator):
        clause = propose(on_conduct, participant)
        conduct.reject_clause(clause, by=facilitator, reason="Out of scope")
        with pytest.raises(ActionRefused, match="rejected"):
            conduct.endorse(clause, participant, "agree", round=on_conduct)
        assert not Endorsement.objects.exists()

    def test_support_counts_stances_and_keeps_objections(
        self, on_conduct, participant, other_participant
    ):
        clause = propose(on_conduct, participant)
        conduct.endorse(clause, participant, "agree", round=on_conduct)
        conduct.endorse(clause, other_participant, "disagree", "Too vague", round=on_conduct)
        support = conduct.support_of(clauses=[clause])[0][clause.pk]
        assert (support.agree, support.disagree, support.passed) == (1, 1, 0)
        assert support.objections == ["Too vague"] and support.agree_share == 50


class TestDeciding:
    def test_accepting_appends_the_clause_and_makes_a_version(
        self, on_conduct, participant, facilitator, workshop
    ):
        clause = propose(on_conduct, participant, rationale="Speed builds trust.")
        conduct.accept_clause(clause, by=facilitator, round=on_conduct)
        clause.refresh_from_db()
        assert clause.status == Clause.Status.ACCEPTED and clause.position == 4
        version = conduct.latest_version(workshop)
        assert version.number == 2
        assert version.clauses[-1]["text"] == clause.text
        assert version.changes == [
            {"clause": clause.pk, "what": "added", "reason": "Speed builds trust."}
        ]
        with pytest.raises(ActionRefused, match="already in the code"):
            conduct.accept_clause(clause, by=facilitator)

    def test_rejecting_needs_a_reason_and_is_recorded(self, on_conduct, participant, facilitator):
        clause = propose(on_conduct, participant)
        with pytest.raises(ActionRefused, match="A reason cannot be empty"):
            conduct.reject_clause(clause, by=facilitator, reason="")
        conduct.reject_clause(clause, by=facilitator, reason="Covered by clause 1")
        clause.refresh_from_db()
        assert clause.status == Clause.Status.REJECTED
        event = Event.objects.get(kind="conduct.clause_rejected")
        assert event.payload["reason"] == "Covered by clause 1" and event.user == facilitator

    def test_only_facilitators_of_this_workshop_decide(self, on_conduct, participant, stranger):
        clause = propose(on_conduct, participant)
        for action in (
            lambda: conduct.accept_clause(clause, by=stranger),
            lambda: conduct.reject_clause(clause, by=stranger, reason="no"),
            lambda: conduct.move_clause(clause, 1, by=stranger),
            lambda: conduct.set_open_any_time(on_conduct.workshop, True, by=stranger),
        ):
            with pytest.raises(ActionRefused, match="Only the workshop's facilitators"):
                action()
        clause.refresh_from_db()
        assert clause.status == Clause.Status.PROPOSED

    def test_merging_carries_endorsements_over(
        self, on_conduct, participant, other_participant, facilitator
    ):
        first = propose(on_conduct, participant, "We reply within two days.")
        duplicate = propose(on_conduct, other_participant, "We answer within 2 days.")
        conduct.endorse(duplicate, participant, "disagree", "Say working days", round=on_conduct)
        conduct.endorse(duplicate, other_participant, "agree", round=on_conduct)
        conduct.endorse(first, participant, "agree", round=on_conduct)
        conduct.merge_clauses(duplicate, first, by=facilitator, reason="Same idea")
        duplicate.refresh_from_db()
        assert duplicate.status == Clause.Status.MERGED and duplicate.merged_into == first
        stances = dict(first.endorsements.values_list("participant_id", "stance"))
        # Anna's own stance on the clause stands; Bo's agree carries over.
        assert stances == {participant.pk: "agree", other_participant.pk: "agree"}
        with pytest.raises(ActionRefused, match=f"merged into clause #{first.pk}"):
            conduct.endorse(duplicate, participant, "agree", round=on_conduct)

    def test_an_accepted_clause_merged_into_another_leaves_the_code(
        self, on_conduct, facilitator, workshop
    ):
        one, two, three = conduct.current_clauses(workshop)
        conduct.merge_clauses(three, one, by=facilitator, reason="Overlap")
        assert [c.pk for c in conduct.current_clauses(workshop)] == [one.pk, two.pk]
        assert conduct.latest_version(workshop).changes[0]["what"] == "merged"

    def test_moving_reorders_the_code_and_makes_a_version(self, facilitator, workshop):
        one, two, three = conduct.current_clauses(workshop)
        conduct.move_clause(three, -1, by=facilitator)
        assert [c.pk for c in conduct.current_clauses(workshop)] == [one.pk, three.pk, two.pk]
        with pytest.raises(ActionRefused, match="already at that end"):
            conduct.move_clause(one, -1, by=facilitator)
        assert conduct.latest_version(workshop).number == 2

    def test_dropping_takes_a_clause_out_with_its_reason(self, facilitator, workshop):
        one, two, three = conduct.current_clauses(workshop)
        conduct.drop_clause(two, by=facilitator, reason="We no longer need it")
        assert [(c.pk, c.position) for c in conduct.current_clauses(workshop)] == [
            (one.pk, 1),
            (three.pk, 2),
        ]


class TestAmending:
    def test_an_amendment_is_endorsed_then_accepted_and_rewords_the_clause(
        self, on_conduct, participant, other_participant, facilitator, workshop
    ):
        clause = conduct.current_clauses(workshop)[0]
        old = clause.text
        amendment = conduct.propose_amendment(
            clause,
            old.replace("every resident", "every resident and business"),
            "Businesses ask too.",
            by_participant=participant,
            round=on_conduct,
        )
        assert amendment.base_text == old and amendment.base_revision == 1
        conduct.endorse(amendment, other_participant, "agree", round=on_conduct)
        conduct.accept_amendment(amendment, by=facilitator, round=on_conduct)
        clause.refresh_from_db()
        assert clause.text == amendment.text and clause.revision == 2
        version = conduct.latest_version(workshop)
        assert version.changes == [
            {"clause": clause.pk, "what": "amended", "reason": "Businesses ask too."}
        ]
        with pytest.raises(ActionRefused, match="already decided"):
            conduct.endorse(amendment, participant, "agree", round=on_conduct)

    def test_an_amendment_that_changes_nothing_is_refused(self, on_conduct, participant, workshop):
        clause = conduct.current_clauses(workshop)[0]
        with pytest.raises(ActionRefused, match="same as the clause"):
            conduct.propose_amendment(
                clause, f"  {clause.text} ", by_participant=participant, round=on_conduct
            )
        assert not Amendment.objects.exists()

    def test_two_conflicting_amendments_the_second_gets_a_conflict_message(
        self, on_conduct, participant, other_participant, facilitator, workshop
    ):
        clause = conduct.current_clauses(workshop)[0]
        first = conduct.propose_amendment(
            clause, "We answer everyone alike.", by_participant=participant, round=on_conduct
        )
        second = conduct.propose_amendment(
            clause, "We treat everyone alike.", by_participant=other_participant, round=on_conduct
        )
        conduct.accept_amendment(first, by=facilitator)
        with pytest.raises(ActionRefused, match="reworded since this amendment was written"):
            conduct.accept_amendment(second, by=facilitator)
        second.refresh_from_db()
        clause.refresh_from_db()
        assert second.status == Amendment.Status.PROPOSED  # nothing lost
        assert clause.text == "We answer everyone alike."

    def test_an_amendment_to_a_clause_just_merged_is_refused_with_where_it_went(
        self, on_conduct, participant, facilitator, workshop
    ):
        one, _two, three = conduct.current_clauses(workshop)
        conduct.merge_clauses(three, one, by=facilitator)
        with pytest.raises(ActionRefused, match=f"merged into clause #{one.pk}"):
            conduct.propose_amendment(
                three, "Something new.", by_participant=participant, round=on_conduct
            )

    def test_rejecting_and_merging_amendments(
        self, on_conduct, participant, other_participant, facilitator, workshop
    ):
        clause = conduct.current_clauses(workshop)[1]
        a = conduct.propose_amendment(
            clause, "We never let likes decide.", by_participant=participant, round=on_conduct
        )
        b = conduct.propose_amendment(
            clause, "Likes never decide.", by_participant=other_participant, round=on_conduct
        )
        conduct.endorse(b, participant, "agree", round=on_conduct)
        conduct.merge_amendments(b, a, by=facilitator, reason="Same")
        assert a.endorsements.get().participant == participant
        conduct.reject_amendment(a, by=facilitator, reason="The original is clearer")
        a.refresh_from_db()
        assert a.status == Amendment.Status.REJECTED
        assert conduct.latest_version(workshop).number == 1
        assert conduct.open_clauses(workshop) == []


class TestVersions:
    def test_freezing_a_round_names_a_version_after_it_once(
        self, on_conduct, facilitator, workshop
    ):
        services.close_round(on_conduct, by=facilitator)
        frozen = conduct.freeze_round_version(on_conduct, by=facilitator)
        again = conduct.freeze_round_version(on_conduct, by=facilitator)
        assert frozen == again and frozen.name == on_conduct.title and frozen.frozen_for_round
        assert frozen.clauses == ConductVersion.objects.get(number=1).clauses

    def test_compare_shows_kept_amended_added_and_dropped_with_reasons(
        self, on_conduct, participant, facilitator, workshop
    ):
        may = conduct.latest_version(workshop)
        one, two, three = conduct.current_clauses(workshop)
        amendment = conduct.propose_amendment(
            one,
            "We answer every resident alike.",
            "Shorter",
            by_participant=participant,
            round=on_conduct,
        )
        conduct.accept_amendment(amendment, by=facilitator)
        conduct.drop_clause(two, by=facilitator, reason="Too narrow")
        new = propose(on_conduct, participant, "We say when we got it wrong.", rationale="Trust")
        conduct.accept_clause(new, by=facilitator)
        november = conduct.latest_version(workshop)
        rows = {row["clause"]: row for row in conduct.compare_versions(november, may)}
        assert rows[one.pk]["what"] == "amended" and rows[one.pk]["reasons"] == ["Shorter"]
        assert ("insert", "alike.") in rows[one.pk]["diff"]
        assert rows[two.pk]["what"] == "dropped" and rows[two.pk]["reasons"] == ["Too narrow"]
        assert rows[three.pk]["what"] == "kept"
        assert rows[new.pk]["what"] == "added" and rows[new.pk]["reasons"] == ["Trust"]

    def test_every_version_can_be_rebuilt_from_the_events(
        self, on_conduct, participant, facilitator, workshop
    ):
        one, two, three = conduct.current_clauses(workshop)
        clause = propose(on_conduct, participant, "We keep it short.")
        amendment = conduct.propose_amendment(
            clause, "We keep posts short.", by_participant=participant, round=on_conduct
        )
        conduct.accept_amendment(amendment, by=facilitator)  # before acceptance: no version
        conduct.accept_clause(clause, by=facilitator)
        conduct.move_clause(clause, -2, by=facilitator)
        conduct.merge_clauses(two, one, by=facilitator)
        conduct.drop_clause(three, by=facilitator, reason="Old")
        later = conduct.propose_amendment(
            one, "We answer all alike.", by_participant=participant, round=on_conduct
        )
        conduct.accept_amendment(later, by=facilitator)
        services.close_round(on_conduct, by=facilitator)
        conduct.freeze_round_version(on_conduct, by=facilitator)
        stored = {
            v.number: [{k: e[k] for k in ("clause", "text", "rationale")} for e in v.clauses]
            for v in conduct.versions(workshop)
        }
        assert len(stored) == 7
        assert conduct.versions_from_events(workshop) == stored

    def test_markdown_export_escapes_and_lists_contributors_as_pseudonyms(
        self, on_conduct, participant, facilitator, workshop
    ):
        clause = propose(on_conduct, participant, "We use *stars* [links] sparingly.")
        conduct.accept_clause(clause, by=facilitator)
        text = conduct.version_as_markdown(workshop, conduct.latest_version(workshop))
        assert r"We use \*stars\* \[links\] sparingly." in text
        assert "Proposed and amended by: P01" in text
        assert "Anna" not in text


class TestDiff:
    def test_a_word_level_diff(self):
        assert conduct.word_diff("We reply fast.", "We always reply quickly.") == [
            ("equal", "We "),
            ("insert", "always "),
            ("equal", "reply "),
            ("delete", "fast."),
            ("insert", "quickly."),
        ]

    def test_identical_texts_are_all_equal(self):
        assert conduct.word_diff("a b", "a b") == [("equal", "a b")]


@pytest.mark.django_db(transaction=True)
def test_two_facilitators_accepting_conflicting_amendments_at_once_one_wins(
    facilitator, live_round
):
    """Run on PostgreSQL for real row locks; SQLite serialises writes anyway."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are a PostgreSQL matter")
    workshop = live_round.workshop
    clause = conduct.current_clauses(workshop)[0]
    first = conduct.propose_amendment(clause, "One wording.", by_user=facilitator)
    second = conduct.propose_amendment(clause, "Another wording.", by_user=facilitator)
    results = []

    def accept(amendment):
        try:
            conduct.accept_amendment(amendment, by=facilitator)
            results.append("ok")
        except ActionRefused as refusal:
            results.append(refusal.message)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(a,)) for a in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results)[1] == "ok" and "reworded since" in sorted(results)[0]
    assert Amendment.objects.filter(status="accepted").count() == 1


class TestProposalsPerPerson:
    def test_a_participant_proposes_at_most_ten_clauses_and_wordings_in_a_round(
        self, on_conduct, participant, other_participant, facilitator
    ):
        clauses = [
            propose(on_conduct, participant, f"Clause number {n}.")
            for n in range(conduct.MAX_PROPOSALS_PER_PERSON - 1)
        ]
        conduct.propose_amendment(
            clauses[0], "Clause number zero.", by_participant=participant, round=on_conduct
        )
        events = Event.objects.count()
        with pytest.raises(ActionRefused, match="at most 10 clauses and new wordings"):
            propose(on_conduct, participant, "One clause too many.")
        with pytest.raises(ActionRefused, match="at most 10 clauses and new wordings"):
            conduct.propose_amendment(
                clauses[1], "Another wording.", by_participant=participant, round=on_conduct
            )
        assert not Clause.objects.filter(text="One clause too many.").exists()
        assert Event.objects.count() == events
        # Others, and the facilitator, are not held back by it.
        propose(on_conduct, other_participant, "Someone else's clause.")
        conduct.propose_clause(on_conduct.workshop, "A facilitator's clause.", by_user=facilitator)
