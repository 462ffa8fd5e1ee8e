"""Single and multiple choice, scale, anonymity, timers and the second vote."""

from datetime import timedelta

import pytest
from django.utils import timezone

from facilitation.deliberation.models import Option, Receipt, Response
from facilitation.deliberation.services import (
    cast_vote,
    open_second_pass,
    own_answer,
    submit_answer,
    tally,
)
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step


def add_step(round, kind, *, options=(), **fields):
    position = (round.steps.order_by("-position").first().position or 0) + 1
    step = Step.objects.create(round=round, position=position, kind=kind, title=kind, **fields)
    for number, label in enumerate(options, start=1):
        Option.objects.create(step=step, position=number, label=label)
    return step


class TestMultipleChoice:
    @pytest.fixture
    def step(self, live_round, show):
        return show(
            add_step(live_round, "multiple_choice", options="ABCD", settings={"max_picks": 2})
        )

    def test_picks_are_stored_and_counted_per_person(self, step, participant, other_participant):
        a, b, c, _d = step.options.all()
        submit_answer(step, participant, {"option": [str(a.pk), str(b.pk)]})
        submit_answer(step, other_participant, {"option": [str(b.pk)]})
        results = tally(step)
        assert results.total == 2
        assert [(r.option.label, r.votes, r.percent) for r in results.options] == [
            ("A", 1, 50),
            ("B", 2, 100),
            ("C", 0, 0),
            ("D", 0, 0),
        ]

    @pytest.mark.parametrize(
        "picks, message",
        [
            ([], "at least one"),
            (["A", "A"], "only once"),
            (["A", "B", "C"], "at most 2"),
            (["999999"], "not one of this question"),
            (["x"], "not one of this question"),
        ],
    )
    def test_bad_picks_are_refused_and_nothing_is_stored(self, step, participant, picks, message):
        ids = {o.label: str(o.pk) for o in step.options.all()}
        with pytest.raises(services.ActionRefused, match=message):
            submit_answer(step, participant, {"option": [ids.get(p, p) for p in picks]})
        assert not Response.objects.exists()


class TestScale:
    @pytest.fixture
    def step(self, live_round, show):
        settings = {"points": 5, "low_label": "not at all", "high_label": "completely"}
        return show(add_step(live_round, "scale", settings=settings))

    def test_values_give_a_distribution_and_a_median(
        self, step, participant, other_participant, live_round
    ):
        third = services.join_round(live_round)
        for person, value in [(participant, "2"), (other_participant, "4"), (third, "5")]:
            submit_answer(step, person, {"value": [value]})
        results = tally(step)
        assert results.median == 4
        assert [p.votes for p in results.points] == [0, 1, 0, 1, 1]
        assert results.low_label == "not at all"

    @pytest.mark.parametrize("value", ["0", "6", "-1", "three", "", "2.5"])
    def test_values_outside_the_scale_are_refused(self, step, participant, value):
        with pytest.raises(services.ActionRefused, match="from 1 to 5"):
            submit_answer(step, participant, {"value": [value]})
        assert not Response.objects.exists()


class TestAnonymousSteps:
    @pytest.fixture
    def step(self, live_round, show):
        return show(add_step(live_round, "single_choice", options="AB", anonymous=True))

    def test_the_stored_answer_names_nobody(self, step, participant):
        cast_vote(step, participant, step.options.first().pk)
        response = Response.objects.get()
        assert response.participant is None
        assert Receipt.objects.filter(step=step, participant=participant).exists()
        event = Event.objects.get(kind="answer.given")
        assert event.participant is None
        assert own_answer(step, participant) is True

    def test_an_anonymous_answer_cannot_be_changed(self, step, participant):
        first, second = step.options.all()
        cast_vote(step, participant, first.pk)
        with pytest.raises(services.ActionRefused, match="cannot be changed"):
            cast_vote(step, participant, second.pk)
        assert Response.objects.get().option == first


class TestTimer:
    def test_answers_close_when_the_time_is_up(self, dilemma_round, dilemma, participant):
        services.start_timer(dilemma, seconds=60, by=None)
        cast_vote(dilemma, participant, dilemma.options.first().pk)
        Step.objects.filter(pk=dilemma.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
        with pytest.raises(services.ActionRefused, match="Time is up"):
            cast_vote(dilemma, participant, dilemma.options.last().pk)
        assert Response.objects.get().option == dilemma.options.first()

    def test_only_offered_lengths_are_accepted(self, dilemma, facilitator):
        with pytest.raises(services.ActionRefused, match="timer lengths"):
            services.start_timer(dilemma, seconds=7, by=facilitator)
        dilemma.refresh_from_db()
        assert dilemma.closes_at is None

    def test_reopening_clears_a_timer_that_ran_out(self, dilemma_round, dilemma, facilitator):
        services.start_timer(dilemma, seconds=30, by=facilitator)
        Step.objects.filter(pk=dilemma.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
        services.unlock_voting(dilemma, by=facilitator)
        assert dilemma.accepts_answers()
        assert Event.objects.filter(kind="timer.started").get().payload == {"seconds": 30}


class TestSecondPass:
    def test_a_second_vote_keeps_the_first_and_compares_both(
        self, dilemma_round, dilemma, participant, other_participant, facilitator
    ):
        first, second = dilemma.options.all()[:2]
        cast_vote(dilemma, participant, first.pk)
        cast_vote(dilemma, other_participant, first.pk)
        services.lock_voting(dilemma, by=facilitator)
        open_second_pass(dilemma, by=facilitator)
        assert dilemma.current_pass == 2 and dilemma.accepts_answers()
        assert own_answer(dilemma, participant) is None
        cast_vote(dilemma, participant, second.pk)
        assert tally(dilemma, 1).options[0].votes == 2
        assert tally(dilemma, 2).options[1].votes == 1
        assert Response.objects.filter(participant=participant).count() == 2

    def test_only_kinds_that_allow_it_get_a_second_vote(self, live_round, show, facilitator):
        step = show(add_step(live_round, "scale"))
        with pytest.raises(services.ActionRefused, match="no second vote"):
            open_second_pass(step, by=facilitator)

    def test_a_second_vote_opens_once(self, dilemma, facilitator):
        open_second_pass(dilemma, by=facilitator)
        with pytest.raises(services.ActionRefused, match="already open"):
            open_second_pass(dilemma, by=facilitator)


def test_a_finding_takes_no_answers(live_round, show, participant):
    finding = show(live_round.steps.filter(kind="finding").first())
    with pytest.raises(services.ActionRefused, match="takes no answers"):
        submit_answer(finding, participant, {"option": ["1"]})


@pytest.mark.parametrize(
    "points, expected", [(2, 2), (11, 11), (12, 5), (1, 5), ("7", 5), (None, 5)]
)
def test_a_scale_has_2_to_11_points(live_round, points, expected):
    from facilitation.deliberation.answer_kinds import scale_points

    step = add_step(live_round, "scale", settings={"points": points})
    assert list(scale_points(step)) == list(range(1, expected + 1))
