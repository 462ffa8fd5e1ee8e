"""Someone who withdraws leaves every place the room sees (when the workshop removes what they
gave), and can no longer add to any of them."""

import pytest

from facilitation.deliberation import conduct
from facilitation.deliberation.annotations import annotate, placed_annotations, plus_one
from facilitation.deliberation.discussion import add_note, notes_by_group
from facilitation.workshops import services
from facilitation.workshops.groups import split_into_groups
from facilitation.workshops.models import Step, Workshop
from facilitation.workshops.participants import withdraw


@pytest.fixture
def groups(live_round, participant, other_participant, facilitator):
    return split_into_groups(live_round, method="random", count=1, by=facilitator)


def on(round, kind, facilitator):
    step = round.steps.filter(kind=kind).order_by("position").first()
    services.go_to_step(round, step, by=facilitator)
    return step


def anonymising(workshop):
    Workshop.objects.filter(pk=workshop.pk).update(on_withdrawal=Workshop.Withdrawal.ANONYMISE)


class TestDiscussionNotes:
    def test_their_notes_leave_the_groups_lists(
        self, live_round, groups, participant, other_participant, facilitator
    ):
        step = on(live_round, Step.Kind.DISCUSSION, facilitator)
        add_note(step, participant, group=groups[0], text="Annas idé")
        add_note(step, other_participant, group=groups[0], text="Bos idé")
        withdraw(participant)
        assert [n.text for n in notes_by_group(step)[groups[0].pk]] == ["Bos idé"]

    def test_an_anonymising_workshop_keeps_them(self, live_round, groups, participant, facilitator):
        anonymising(live_round.workshop)
        step = on(live_round, Step.Kind.DISCUSSION, facilitator)
        add_note(step, participant, group=groups[0], text="Annas idé")
        withdraw(participant)
        assert [n.text for n in notes_by_group(step)[groups[0].pk]] == ["Annas idé"]

    def test_they_cannot_add_one(self, live_round, groups, participant, facilitator):
        step = on(live_round, Step.Kind.DISCUSSION, facilitator)
        withdraw(participant)
        with pytest.raises(services.ActionRefused, match="withdrawn"):
            add_note(step, participant, group=groups[0], text="Efteråt")
        assert not step.discussion_notes.exists()


class TestCodeOfConduct:
    def test_their_stances_and_proposals_leave_the_counts(
        self, live_round, participant, other_participant, facilitator
    ):
        on(live_round, Step.Kind.CONDUCT, facilitator)
        clause = conduct.propose_clause(
            live_round.workshop, "Vi svarar alla.", by_participant=participant, round=live_round
        )
        conduct.endorse(clause, participant, "agree", round=live_round)
        conduct.endorse(clause, other_participant, "agree", round=live_round)
        assert conduct.support_of(clauses=[clause])[0][clause.pk].agree == 2
        withdraw(participant)
        assert conduct.support_of(clauses=[clause])[0][clause.pk].agree == 1
        assert clause not in conduct.proposed_clauses(live_round.workshop)

    def test_they_cannot_propose(self, live_round, participant, facilitator):
        on(live_round, Step.Kind.CONDUCT, facilitator)
        withdraw(participant)
        with pytest.raises(services.ActionRefused, match="withdrawn"):
            conduct.propose_clause(
                live_round.workshop, "Efteråt.", by_participant=participant, round=live_round
            )


def test_their_plus_ones_stop_counting(live_round, participant, other_participant, facilitator):
    finding = on(live_round, Step.Kind.FINDING, facilitator)
    start = finding.body.index("Equal")
    note = annotate(finding, participant, start=start, end=start + 15, note="Viktigt")
    plus_one(note, other_participant)
    assert [p.supporters for p in placed_annotations(finding)] == [2]
    withdraw(other_participant)
    assert [p.supporters for p in placed_annotations(finding)] == [1]
