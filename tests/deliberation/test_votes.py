import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.deliberation.models import Response
from facilitation.deliberation.services import cast_vote, tally
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step


def vote_events(step):
    events = Event.objects.filter(step=step, kind="answer.given").values_list("payload", flat=True)
    return [(e["option"], e["previous_option"]) for e in events]


class TestCastVote:
    def test_a_vote_is_stored_with_its_event(self, dilemma_round, dilemma, participant):
        option = dilemma.options.first()
        cast_vote(dilemma, participant, option.pk)
        assert Response.objects.get().option == option
        assert vote_events(dilemma) == [(option.pk, None)]

    def test_changing_the_vote_updates_the_one_response_and_keeps_history(
        self, dilemma_round, dilemma, participant
    ):
        first, second = dilemma.options.all()[:2]
        cast_vote(dilemma, participant, first.pk)
        cast_vote(dilemma, participant, second.pk)
        assert Response.objects.get().option == second
        assert vote_events(dilemma)[-1] == (second.pk, first.pk)

    def test_the_same_vote_twice_is_harmless(self, dilemma_round, dilemma, participant):
        option = dilemma.options.first()
        cast_vote(dilemma, participant, option.pk)
        cast_vote(dilemma, participant, option.pk)
        assert Response.objects.count() == 1
        assert len(vote_events(dilemma)) == 1

    def test_an_option_of_another_step_is_refused(self, dilemma_round, dilemma, participant):
        other = Step.objects.filter(kind="dilemma").exclude(pk=dilemma.pk).first()
        with pytest.raises(services.ActionRefused, match="not one of this question"):
            cast_vote(dilemma, participant, other.options.first().pk)
        assert not Response.objects.exists()

    def test_a_step_that_is_not_current_is_refused(self, live_round, dilemma, participant):
        with pytest.raises(services.ActionRefused, match="no longer on screen"):
            cast_vote(dilemma, participant, dilemma.options.first().pk)
        assert not Response.objects.exists()

    def test_a_locked_step_is_refused_and_the_earlier_vote_stands(
        self, dilemma_round, dilemma, participant, facilitator
    ):
        first, second = dilemma.options.all()[:2]
        cast_vote(dilemma, participant, first.pk)
        services.lock_voting(dilemma, by=facilitator)
        with pytest.raises(services.ActionRefused, match="closed"):
            cast_vote(dilemma, participant, second.pk)
        assert Response.objects.get().option == first

    def test_a_paused_round_is_refused(self, dilemma_round, dilemma, participant, facilitator):
        services.pause_round(dilemma_round, by=facilitator)
        with pytest.raises(services.ActionRefused, match="paused"):
            cast_vote(dilemma, participant, dilemma.options.first().pk)

    def test_a_closed_round_is_refused(self, dilemma_round, dilemma, participant, facilitator):
        services.close_round(dilemma_round, by=facilitator)
        with pytest.raises(services.ActionRefused, match="not running"):
            cast_vote(dilemma, participant, dilemma.options.first().pk)
        assert not Response.objects.exists()

    def test_someone_who_has_not_joined_this_round_is_refused(
        self, dilemma_round, dilemma, facilitator
    ):
        november = services.start_round(
            services.create_round(dilemma_round.workshop, title="November"), by=facilitator
        )
        absent = services.join_round(november)
        with pytest.raises(services.ActionRefused, match="Join this workshop round"):
            cast_vote(dilemma, absent, dilemma.options.first().pk)


class TestTally:
    def test_it_counts_votes_and_shares_per_option(
        self, dilemma_round, dilemma, participant, other_participant, live_round
    ):
        third = services.join_round(live_round)
        first, second = dilemma.options.all()[:2]
        cast_vote(dilemma, participant, first.pk)
        cast_vote(dilemma, other_participant, first.pk)
        cast_vote(dilemma, third, second.pk)
        results = tally(dilemma)
        assert results.total == 3
        counts = [(r.option, r.votes, r.percent) for r in results.options]
        assert counts[0] == (first, 2, 67)
        assert counts[1] == (second, 1, 33)
        assert all(votes == 0 for _option, votes, _percent in counts[2:])
        assert results.leading == 2

    def test_no_votes_means_zero_percent_everywhere(self, dilemma):
        results = tally(dilemma)
        assert results.total == 0
        assert {r.percent for r in results.options} == {0}


@pytest.mark.django_db
@settings(max_examples=30, deadline=None)
@given(option_id=st.one_of(st.integers(min_value=-(2**63), max_value=2**63 - 1), st.none()))
def test_no_option_id_outside_the_step_is_ever_stored(option_id):
    """Whatever id arrives, either it is one of the step's options or nothing is stored."""
    from django.contrib.auth import get_user_model

    from facilitation.deliberation.demo import load_demo_workshop

    user, _ = get_user_model().objects.get_or_create(username="hypothesis-facilitator")
    workshop, _ = load_demo_workshop("en", facilitators=[user])
    round = workshop.rounds.get()
    if round.status == "draft":
        services.start_round(round, by=user)
    step = round.steps.filter(kind="dilemma").first()
    services.go_to_step(round, step, by=user)
    participant = services.join_round(round)
    valid = set(step.options.values_list("pk", flat=True))
    try:
        cast_vote(step, participant, option_id)
    except services.ActionRefused:
        assert option_id not in valid
        assert not Response.objects.filter(participant=participant).exists()
    else:
        assert Response.objects.get(participant=participant).option_id in valid
