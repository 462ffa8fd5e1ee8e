import pytest

from facilitation.workshops import services
from facilitation.workshops.models import Event, Round, Step


def event_kinds(round):
    return list(Event.objects.filter(round=round).values_list("kind", flat=True))


class TestRoundLifecycle:
    def test_start_pause_resume_close(self, draft_round, facilitator):
        services.start_round(draft_round, by=facilitator)
        services.pause_round(draft_round, by=facilitator)
        services.resume_round(draft_round, by=facilitator)
        round = services.close_round(draft_round, by=facilitator)
        assert round.status == Round.Status.CLOSED
        assert event_kinds(round)[-4:] == [
            "round.started",
            "round.paused",
            "round.resumed",
            "round.closed",
        ]
        assert Event.objects.filter(kind="round.closed").get().user == facilitator

    @pytest.mark.parametrize(
        "action, status",
        [
            (services.start_round, Round.Status.LIVE),
            (services.pause_round, Round.Status.DRAFT),
            (services.resume_round, Round.Status.LIVE),
            (services.close_round, Round.Status.DRAFT),
            (services.start_round, Round.Status.CLOSED),
        ],
    )
    def test_a_change_that_does_not_fit_the_status_is_refused(
        self, draft_round, facilitator, action, status
    ):
        draft_round.status = status
        draft_round.save()
        before = Event.objects.count()
        with pytest.raises(services.ActionRefused, match="cannot be done now"):
            action(draft_round, by=facilitator)
        draft_round.refresh_from_db()
        assert draft_round.status == status
        assert Event.objects.count() == before


class TestAgenda:
    def test_next_goes_from_the_lobby_through_the_steps(self, live_round, facilitator):
        steps = list(live_round.ordered_steps())
        assert live_round.current_step is None
        services.move_through_agenda(live_round, 1, by=facilitator)
        live_round.refresh_from_db()
        assert live_round.current_step == steps[0]
        services.move_through_agenda(live_round, 1, by=facilitator)
        live_round.refresh_from_db()
        assert live_round.current_step == steps[1]
        services.move_through_agenda(live_round, -1, by=facilitator)
        live_round.refresh_from_db()
        assert live_round.current_step == steps[0]
        assert event_kinds(live_round).count("step.shown") == 3

    def test_previous_from_the_first_step_is_the_lobby(self, live_round, facilitator):
        services.move_through_agenda(live_round, 1, by=facilitator)
        live_round.refresh_from_db()
        services.move_through_agenda(live_round, -1, by=facilitator)
        live_round.refresh_from_db()
        assert live_round.current_step is None

    def test_there_is_nothing_before_the_lobby_or_after_the_last_step(
        self, live_round, facilitator
    ):
        with pytest.raises(services.ActionRefused, match="start of the agenda"):
            services.move_through_agenda(live_round, -1, by=facilitator)
        services.go_to_step(live_round, live_round.ordered_steps().last(), by=facilitator)
        live_round.refresh_from_db()
        with pytest.raises(services.ActionRefused, match="last step"):
            services.move_through_agenda(live_round, 1, by=facilitator)

    def test_jumping_to_a_step_of_another_round_is_refused(self, live_round, facilitator):
        other = services.create_round(live_round.workshop, title="November")
        foreign = Step.objects.create(round=other, position=1, kind="finding", title="F")
        with pytest.raises(services.ActionRefused):
            services.go_to_step(live_round, foreign, by=facilitator)
        live_round.refresh_from_db()
        assert live_round.current_step is None

    def test_showing_the_current_step_again_records_nothing(self, dilemma_round, facilitator):
        before = Event.objects.count()
        services.go_to_step(dilemma_round, dilemma_round.current_step, by=facilitator)
        assert Event.objects.count() == before

    def test_a_closed_round_cannot_move(self, dilemma_round, facilitator):
        services.close_round(dilemma_round, by=facilitator)
        with pytest.raises(services.ActionRefused, match="closed"):
            services.move_through_agenda(dilemma_round, 1, by=facilitator)


class TestStepControls:
    def test_lock_and_reveal_are_recorded(self, dilemma, facilitator):
        services.lock_voting(dilemma, by=facilitator)
        services.reveal_results(dilemma, by=facilitator)
        services.unlock_voting(dilemma, by=facilitator)
        services.conceal_results(dilemma, by=facilitator)
        dilemma.refresh_from_db()
        assert not dilemma.voting_locked and not dilemma.results_revealed
        assert list(
            Event.objects.filter(step=dilemma).values_list("kind", flat=True).order_by("id")
        ) == ["voting.locked", "results.revealed", "voting.unlocked", "results.hidden"]

    def test_nothing_changes_in_a_closed_round(self, dilemma_round, dilemma, facilitator):
        services.close_round(dilemma_round, by=facilitator)
        with pytest.raises(services.ActionRefused):
            services.reveal_results(dilemma, by=facilitator)
        dilemma.refresh_from_db()
        assert not dilemma.results_revealed


class TestEvents:
    def test_events_cannot_be_rewritten(self, live_round):
        event = Event.objects.filter(round=live_round).first()
        event.kind = "forged"
        with pytest.raises(ValueError, match="append-only"):
            event.save()
