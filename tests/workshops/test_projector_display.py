"""Blanking the projector and showing the join code over it: round display states the room sees."""

import pytest

from facilitation.screens.stages import render_push
from facilitation.workshops import services
from facilitation.workshops.models import Event


def event_kinds(round):
    return list(Event.objects.filter(round=round).values_list("kind", flat=True))


class TestBlankingTheProjector:
    def test_blanking_and_coming_back_are_recorded(self, dilemma_round, facilitator):
        round = services.blank_projector(dilemma_round, blank=True, by=facilitator)
        assert round.projector_blanked
        round = services.blank_projector(dilemma_round, blank=False, by=facilitator)
        assert not round.projector_blanked
        assert event_kinds(round)[-2:] == ["projector.blanked", "projector.unblanked"]
        assert Event.objects.filter(kind="projector.blanked").get().user == facilitator

    def test_asking_for_the_present_state_records_nothing(self, dilemma_round, facilitator):
        services.blank_projector(dilemma_round, blank=True, by=facilitator)
        before = Event.objects.count()
        services.blank_projector(dilemma_round, blank=True, by=facilitator)
        assert Event.objects.count() == before

    def test_it_keeps_the_step_and_its_answers_state(self, dilemma_round, dilemma, facilitator):
        services.reveal_results(dilemma, by=facilitator)
        round = services.blank_projector(dilemma_round, blank=True, by=facilitator)
        dilemma.refresh_from_db()
        assert round.current_step == dilemma and dilemma.results_revealed


class TestTheJoinOverlay:
    def test_showing_and_hiding_are_recorded(self, dilemma_round, facilitator):
        round = services.show_join_overlay(dilemma_round, shown=True, by=facilitator)
        assert round.join_overlay_shown
        round = services.show_join_overlay(dilemma_round, shown=False, by=facilitator)
        assert not round.join_overlay_shown
        assert event_kinds(round)[-2:] == ["join_overlay.shown", "join_overlay.hidden"]

    def test_it_goes_over_a_blanked_projector(self, dilemma_round, facilitator):
        services.blank_projector(dilemma_round, blank=True, by=facilitator)
        round = services.show_join_overlay(dilemma_round, shown=True, by=facilitator)
        assert round.projector_blanked and round.join_overlay_shown


@pytest.mark.parametrize(
    "change",
    [
        lambda round, by: services.blank_projector(round, blank=True, by=by),
        lambda round, by: services.show_join_overlay(round, shown=True, by=by),
    ],
)
def test_a_closed_round_refuses_and_records_nothing(live_round, facilitator, change):
    services.close_round(live_round, by=facilitator)
    before = Event.objects.count()
    with pytest.raises(services.ActionRefused, match="closed"):
        change(live_round, by=facilitator)
    live_round.refresh_from_db()
    assert not live_round.projector_blanked and not live_round.join_overlay_shown
    assert Event.objects.count() == before


class TestWhatIsPushed:
    def test_the_projector_gets_its_stage_with_the_dark_screen(self, dilemma_round, facilitator):
        services.blank_projector(dilemma_round, blank=True, by=facilitator)
        [(html, _receivers)] = render_push(dilemma_round.pk, "projector", {"display"}, ["http://x"])
        assert 'id="stage"' in html and 'class="blank-screen"' in html
        assert dilemma_round.join_code in html

    def test_the_join_overlay_carries_the_qr_code_over_a_step(self, dilemma_round, facilitator):
        services.show_join_overlay(dilemma_round, shown=True, by=facilitator)
        [(html, _receivers)] = render_push(dilemma_round.pk, "projector", {"display"}, ["http://x"])
        assert 'class="join-overlay"' in html and "<svg" in html
        assert f"http://x/r/{dilemma_round.join_code}/" in html

    def test_the_console_is_told_and_phones_are_not_redrawn(
        self, dilemma_round, facilitator, participant
    ):
        services.blank_projector(dilemma_round, blank=True, by=facilitator)
        [(html, _receivers)] = render_push(
            dilemma_round.pk, "facilitator", {"display"}, ["http://x"]
        )
        assert "Show the projector again" in html and "blanked" in html
        assert render_push(dilemma_round.pk, "participant", {"display"}, [participant.pk]) == []
