"""The recap's domain: which round it looks back on, what it may pick, and what it shows."""

import pytest

from facilitation.deliberation import conduct
from facilitation.deliberation.authoring import add_step
from facilitation.deliberation.rounds import new_round_from
from facilitation.questions.services import configure_questions
from facilitation.recap.models import Recap, RecapPick
from facilitation.recap.services import (
    MAX_PICKS,
    add_recap_step,
    choices_of,
    choose_recap,
    has_results,
    open_questions,
    previous_round,
    recap_content,
    result_steps,
    start_round_from,
    version_ended_with,
)
from facilitation.workshops import services
from facilitation.workshops.models import Event, Round, Step
from facilitation.workshops.services import ActionRefused


def choose(step, picks, *, by, conduct=True, questions=True):
    return choose_recap(
        step, step_ids=[p.pk for p in picks], show_conduct=conduct, show_questions=questions, by=by
    )


class TestStartingARoundWithARecap:
    def test_the_recap_is_the_first_step_and_looks_back_on_the_source(
        self, may, november, recap_step
    ):
        assert november.ordered_steps().first() == recap_step
        assert recap_step.title == "Where we left off"
        assert previous_round(november) == may
        assert choices_of(recap_step) == choices_of(recap_step).__class__(
            picks=[], show_conduct=True, show_questions=True
        )
        assert Event.objects.filter(round=november, kind="step.added", step=recap_step).exists()

    def test_without_a_recap_the_round_is_copied_as_before(self, may, facilitator):
        round = start_round_from(may, title="Plain", by=facilitator)
        assert not round.steps.filter(kind=Step.Kind.RECAP).exists()
        assert round.steps.count() == may.steps.count()

    def test_a_refused_copy_leaves_no_round_and_no_recap(self, may, facilitator):
        before = Round.objects.count()
        with pytest.raises(ActionRefused):
            start_round_from(may, title=" ", with_recap=True, by=facilitator)
        assert Round.objects.count() == before
        assert not Recap.objects.exists()

    def test_a_swedish_workshop_gets_a_swedish_title(self, may, facilitator):
        may.workshop.language = "sv"
        may.workshop.save()
        round = start_round_from(may, title="Nov", with_recap=True, by=facilitator)
        assert round.steps.get(kind=Step.Kind.RECAP).title == "Där vi slutade"

    def test_a_round_not_started_from_another_has_nothing_to_recap(self, workshop, facilitator):
        fresh = services.create_round(workshop, title="Fresh", by=facilitator)
        step = add_recap_step(fresh, by=facilitator)
        assert previous_round(fresh) is None
        content = recap_content(step)
        assert content.previous is None and content.picks == [] and content.conduct is None


class TestWhatCanBePicked:
    def test_only_answered_steps_that_take_answers_have_results(self, may, dilemma, scale):
        assert result_steps(may) == [dilemma, scale]
        assert has_results(may)

    def test_a_round_nobody_answered_has_no_results(self, draft_round):
        assert result_steps(draft_round) == [] and not has_results(draft_round)

    def test_picks_are_stored_in_the_earlier_agenda_order(
        self, may, recap_step, dilemma, scale, facilitator
    ):
        choose(recap_step, [scale, dilemma], by=facilitator, questions=False)
        assert choices_of(recap_step).picks == [dilemma.pk, scale.pk]
        assert not choices_of(recap_step).show_questions
        event = Event.objects.get(kind="recap.chosen")
        assert event.payload["picks"] == [dilemma.pk, scale.pk]
        assert event.payload["previous_round"] == may.pk

    def test_choosing_again_replaces_the_picks(self, recap_step, dilemma, scale, facilitator):
        choose(recap_step, [dilemma, scale], by=facilitator)
        choose(recap_step, [scale], by=facilitator)
        assert choices_of(recap_step).picks == [scale.pk]
        assert RecapPick.objects.count() == 1

    def test_more_than_three_are_refused_and_nothing_is_saved(
        self, may, recap_step, dilemma, scale, facilitator
    ):
        choose(recap_step, [dilemma], by=facilitator)
        others = list(may.steps.exclude(pk__in=[dilemma.pk, scale.pk])[:2])
        with pytest.raises(ActionRefused, match="at most 3 results; you chose 4"):
            choose(recap_step, [dilemma, scale, *others], by=facilitator)
        assert choices_of(recap_step).picks == [dilemma.pk]
        assert MAX_PICKS == 3

    def test_a_step_of_another_round_is_refused(self, november, recap_step, facilitator, workshop):
        own = november.steps.exclude(kind=Step.Kind.RECAP).first()
        with pytest.raises(ActionRefused, match="one of the chosen steps is not on its agenda"):
            choose(recap_step, [own], by=facilitator)
        assert not RecapPick.objects.exists()

    def test_a_step_without_answers_is_refused(self, may, recap_step, facilitator):
        unanswered = may.steps.get(kind=Step.Kind.RANKING)
        with pytest.raises(ActionRefused, match="has no results to show"):
            choose(recap_step, [unanswered], by=facilitator)
        finding = may.steps.filter(kind=Step.Kind.FINDING).first()
        with pytest.raises(ActionRefused, match="has no results to show"):
            choose(recap_step, [finding], by=facilitator)
        assert not RecapPick.objects.exists()

    def test_a_step_that_is_no_recap_is_refused(self, may, dilemma, facilitator):
        with pytest.raises(ActionRefused, match="not a recap"):
            choose(dilemma, [], by=facilitator)

    def test_picks_in_a_round_from_nowhere_are_refused(self, workshop, dilemma, facilitator):
        fresh = services.create_round(workshop, title="Fresh", by=facilitator)
        step = add_recap_step(fresh, by=facilitator)
        with pytest.raises(ActionRefused, match="not started from an earlier one"):
            choose(step, [dilemma], by=facilitator)
        choose(step, [], by=facilitator, conduct=False)  # the switches alone are fine
        assert not choices_of(step).show_conduct

    def test_a_closed_rounds_recap_cannot_change(self, november, recap_step, dilemma, facilitator):
        services.start_round(november, by=facilitator)
        services.close_round(november, by=facilitator)
        with pytest.raises(ActionRefused, match="closed"):
            choose(recap_step, [dilemma], by=facilitator)
        assert not RecapPick.objects.exists()


class TestWhatTheRecapShows:
    def test_the_picks_conduct_version_and_open_questions_of_the_earlier_round(
        self, may, recap_step, dilemma, scale, facilitator
    ):
        choose(recap_step, [dilemma, scale], by=facilitator)
        content = recap_content(recap_step)
        assert content.previous == may
        assert content.picks == [dilemma, scale]
        frozen = may.workshop.conduct_versions.get(round=may, frozen_for_round=True)
        assert content.conduct == frozen
        # Visible and unanswered, most votes first; the answered one is left out.
        assert [q.text for q in content.open_questions] == [
            "Can we see the rules?",
            "Who answers on weekends?",
        ]

    def test_switched_off_parts_are_not_read(self, recap_step, facilitator):
        choose(recap_step, [], by=facilitator, conduct=False, questions=False)
        content = recap_content(recap_step)
        assert content.conduct is None and content.open_questions == []

    def test_the_version_is_the_one_the_round_ended_with_not_a_later_one(
        self, may, november, facilitator
    ):
        ended = version_ended_with(may)
        clause = conduct.propose_clause(
            may.workshop, "A later clause", by_user=facilitator, round=november
        )
        conduct.accept_clause(clause, by=facilitator, round=november)
        assert conduct.latest_version(may.workshop).number > ended.number
        assert version_ended_with(may) == ended

    def test_an_open_round_shows_the_code_as_it_stands(self, live_round, workshop):
        assert version_ended_with(live_round) == conduct.latest_version(workshop)

    def test_a_hidden_or_waiting_question_is_not_open(
        self, dilemma_round, participant, facilitator
    ):
        from facilitation.questions.services import ask_question, moderate_question

        configure_questions(dilemma_round, open_any_time=True, premoderate=False, by=facilitator)
        hidden = ask_question(dilemma_round, participant, text="Hide me")
        moderate_question(hidden, "hide", by=facilitator)
        configure_questions(dilemma_round, open_any_time=True, premoderate=True, by=facilitator)
        ask_question(dilemma_round, participant, text="Waiting")
        assert open_questions(dilemma_round) == []


class TestARecapAmongOtherSteps:
    def test_copying_a_round_with_a_recap_does_not_copy_its_picks(
        self, november, recap_step, dilemma, facilitator
    ):
        choose(recap_step, [dilemma], by=facilitator)
        later = new_round_from(november, title="Later", by=facilitator)
        copied = later.steps.get(kind=Step.Kind.RECAP)
        assert choices_of(copied).picks == []
        assert previous_round(later) == november

    def test_a_recap_added_from_the_agenda_uses_the_defaults(self, november, facilitator):
        step = add_step(november, {"kind": "recap", "title": "Last time"}, by=facilitator)
        assert choices_of(step).show_conduct and choices_of(step).show_questions
        assert not Recap.objects.filter(step=step).exists()
