import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from facilitation.deliberation.answer_kinds.placement import (
    REASON_LENGTH,
    compare_placements,
    x_of,
)
from facilitation.deliberation.models import Response
from facilitation.deliberation.moderation import set_answer_hidden
from facilitation.deliberation.services import open_second_pass, submit_answer, tally
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step
from tests.deliberation.test_open_text import add_step


@pytest.fixture
def placement(live_round, facilitator):
    return add_step(live_round, Step.Kind.PLACEMENT, facilitator)


def place(step, participant, position, reason=""):
    return submit_answer(step, participant, {"position": [str(position)], "reason": [reason]})


def people(round, count):
    return [services.join_round(round) for _ in range(count)]


class TestPlacing:
    def test_a_placement_is_stored_with_its_reason_and_event(self, placement, participant):
        place(placement, participant, 70, "  Räckvidd   väger\ntungt  ")
        value = {"position": 70, "reason": "Räckvidd väger tungt"}
        assert Response.objects.get().value == value
        event = Event.objects.get(kind="answer.given", step=placement)
        assert event.payload["value"] == value

    def test_the_reason_is_optional(self, placement, participant):
        submit_answer(placement, participant, {"position": ["0"]})
        assert Response.objects.get().value == {"position": 0, "reason": ""}

    @pytest.mark.parametrize("position", ["-1", "101", "50.5", "fifty", "", " ", "1e2"])
    def test_a_position_off_the_line_is_refused(self, placement, participant, position):
        with pytest.raises(services.ActionRefused, match="from 0 to 100") as refused:
            submit_answer(placement, participant, {"position": [position]})
        assert refused.value.status == 400
        assert not Response.objects.exists()

    def test_two_positions_are_refused(self, placement, participant):
        with pytest.raises(services.ActionRefused, match="from 0 to 100"):
            submit_answer(placement, participant, {"position": ["10", "20"]})
        assert not Response.objects.exists()

    def test_the_limit_is_said_when_a_reason_is_too_long(self, placement, participant):
        with pytest.raises(
            services.ActionRefused, match="at most 140 characters; this one has 141"
        ):
            place(placement, participant, 50, "ö" * (REASON_LENGTH + 1))
        assert not Response.objects.exists()
        place(placement, participant, 50, "ö" * REASON_LENGTH)
        assert Response.objects.get().value["reason"] == "ö" * REASON_LENGTH

    def test_moving_updates_the_one_answer(self, placement, participant):
        place(placement, participant, 20)
        place(placement, participant, 80, "changed my mind")
        assert Response.objects.get().value == {"position": 80, "reason": "changed my mind"}


class TestTally:
    def test_spread_mean_median_and_reasons_in_order_of_position(self, placement, live_round):
        for person, (position, reason) in zip(
            people(live_round, 4),
            [(80, "Reach"), (10, "Lag först"), (30, ""), (45, "Both")],
            strict=True,
        ):
            place(placement, person, position, reason)
        results = tally(placement)
        assert results.total == 4
        assert [p.position for p in results.placed] == [10, 30, 45, 80]
        assert results.mean == 41
        assert results.median == pytest.approx(37.5)
        assert [p.reason for p in results.reasons] == ["Lag först", "Both", "Reach"]
        assert results.placed[0].x == x_of(10)

    def test_a_whole_median_is_shown_without_decimals(self, placement, live_round):
        for person, position in zip(people(live_round, 2), [40, 44], strict=True):
            place(placement, person, position)
        assert repr(tally(placement).median) == "42"

    def test_dots_at_the_same_place_are_stacked(self, placement, live_round):
        for person in people(live_round, 3):
            place(placement, person, 50)
        levels = [p.level for p in tally(placement).placed]
        assert levels == [0, 1, 2]
        assert len({p.y for p in tally(placement).placed}) == 3

    def test_no_answers(self, placement):
        results = tally(placement)
        assert (results.total, results.mean, results.median) == (0, None, None)

    def test_hidden_answers_do_not_count(self, placement, live_round, facilitator):
        first, second = people(live_round, 2)
        place(placement, first, 0, "rude")
        place(placement, second, 100)
        set_answer_hidden(Response.objects.get(value__position=0), True, by=facilitator)
        results = tally(placement)
        assert [p.position for p in results.placed] == [100]
        assert [r.value["reason"] for r in results.moderation] == ["rude"]


class TestSecondPass:
    def test_moves_from_the_first_to_the_second_pass(self, placement, live_round, facilitator):
        anna, bo, cecilia, david, eva = people(live_round, 5)
        for person, position in [(anna, 20), (bo, 60), (cecilia, 50), (david, 30)]:
            place(placement, person, position)
        open_second_pass(placement, by=facilitator)
        placement.refresh_from_db()
        assert placement.current_pass == 2
        # Anna towards platform, Bo towards government, Cecilia stays (within 5), Eva is new.
        for person, position in [(anna, 70), (bo, 10), (cecilia, 53), (eva, 90)]:
            place(placement, person, position)
        comparison = compare_placements(placement, tally(placement, 1), tally(placement, 2))
        assert [(m.first, m.second, m.direction) for m in comparison.moves] == [
            (20, 70, "platform"),
            (50, 53, "stayed"),
            (60, 10, "government"),
        ]
        assert (
            comparison.towards_platform,
            comparison.towards_government,
            comparison.stayed,
        ) == (1, 1, 1)
        assert tally(placement, 1).total == 4
        assert tally(placement, 2).total == 4

    def test_a_hidden_answer_is_not_followed(self, placement, live_round, facilitator):
        (anna,) = people(live_round, 1)
        place(placement, anna, 20)
        open_second_pass(placement, by=facilitator)
        hidden = place(placement, anna, 80)
        set_answer_hidden(hidden, True, by=facilitator)
        comparison = compare_placements(placement, tally(placement, 1), tally(placement, 2))
        assert comparison.moves == []

    def test_anonymous_answers_cannot_be_followed(self, live_round, facilitator):
        step = add_step(live_round, Step.Kind.PLACEMENT, facilitator, anonymous=True)
        (anna,) = people(live_round, 1)
        place(step, anna, 20)
        open_second_pass(step, by=facilitator)
        step.refresh_from_db()
        place(step, anna, 80)
        comparison = compare_placements(step, tally(step, 1), tally(step, 2))
        assert comparison.anonymous
        assert comparison.moves == []


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    position=st.lists(
        st.one_of(
            st.integers(min_value=-(2**70), max_value=2**70).map(str),
            st.text(max_size=8),
            st.sampled_from(["0", "100", "50", "+7", " 42 "]),
        ),
        max_size=2,
    ),
    reason=st.lists(st.text(max_size=200), max_size=2),
)
def test_any_payload_is_either_a_valid_placement_or_refused_with_nothing_stored(position, reason):
    from django.contrib.auth import get_user_model

    from facilitation.deliberation.demo import load_demo_workshop

    user, _ = get_user_model().objects.get_or_create(username="hypothesis-facilitator")
    workshop, _ = load_demo_workshop("en", facilitators=[user])
    round = workshop.rounds.get()
    if round.status == "draft":
        services.start_round(round, by=user)
    step = round.steps.filter(kind=Step.Kind.PLACEMENT).first() or add_step(
        round, Step.Kind.PLACEMENT, user
    )
    services.go_to_step(round, step, by=user)
    participant = services.join_round(round)
    try:
        submit_answer(step, participant, {"position": position, "reason": reason})
    except services.ActionRefused as refusal:
        assert refusal.status == 400
        assert refusal.message
        assert not Response.objects.filter(participant=participant).exists()
    else:
        value = Response.objects.get(participant=participant).value
        assert set(value) == {"position", "reason"}
        assert isinstance(value["position"], int)
        assert 0 <= value["position"] <= 100
        assert isinstance(value["reason"], str)
        assert len(value["reason"]) <= REASON_LENGTH
        assert "\n" not in value["reason"]
        assert value["reason"] == value["reason"].strip()
