"""Ranking: every item ordered once; the room's average rank per item, with its range."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.deliberation.models import Option, Response
from facilitation.deliberation.services import submit_answer, tally
from facilitation.workshops import services
from facilitation.workshops.models import Event
from tests.deliberation.test_answer_kinds import add_step


def ranking(step, *labels):
    """The payload a phone posts for the order ``labels`` (first is ranked 1)."""
    ids = {option.label: option.pk for option in step.options.all()}
    return {f"rank_{ids[label]}": [str(rank)] for rank, label in enumerate(labels, start=1)}


def order_of(step, response):
    labels = dict(step.options.values_list("pk", "label"))
    return [labels[option_id] for option_id in response.value]


@pytest.fixture
def step(live_round, facilitator):
    step = add_step(live_round, "ranking", options="ABCD")
    services.go_to_step(live_round, step, by=facilitator)
    return step


class TestAnswering:
    def test_a_complete_ordering_is_stored_as_option_ids_best_first(self, step, participant):
        response = submit_answer(step, participant, ranking(step, "C", "A", "D", "B"))
        assert order_of(step, response) == ["C", "A", "D", "B"]
        event = Event.objects.get(kind="answer.given", step=step)
        assert event.payload["value"] == response.value

    def test_the_fields_may_arrive_in_any_order(self, step, participant):
        a, b, c, d = step.options.all()
        payload = {f"rank_{d.pk}": ["1"], f"rank_{b.pk}": ["4"], f"rank_{a.pk}": ["3"]}
        payload[f"rank_{c.pk}"] = [" 2 "]
        response = submit_answer(step, participant, payload | {"csrfmiddlewaretoken": ["x"]})
        assert order_of(step, response) == ["D", "C", "A", "B"]

    def test_ranking_again_replaces_the_earlier_order(self, step, participant):
        submit_answer(step, participant, ranking(step, "A", "B", "C", "D"))
        submit_answer(step, participant, ranking(step, "D", "C", "B", "A"))
        assert order_of(step, Response.objects.get()) == ["D", "C", "B", "A"]
        assert Event.objects.filter(kind="answer.given").count() == 2

    def test_a_locked_ranking_is_refused(self, step, participant, facilitator):
        services.lock_voting(step, by=facilitator)
        with pytest.raises(services.ActionRefused, match="closed"):
            submit_answer(step, participant, ranking(step, "A", "B", "C", "D"))
        assert not Response.objects.exists()


class TestRefusals:
    def refused(self, step, participant, payload, message):
        with pytest.raises(services.ActionRefused, match=message) as refusal:
            submit_answer(step, participant, payload)
        assert refusal.value.status == 400
        assert not Response.objects.exists()
        assert not Event.objects.filter(kind="answer.given").exists()

    def test_an_item_without_a_rank_is_named(self, step, participant):
        payload = ranking(step, "A", "B", "C")
        self.refused(step, participant, payload, "Still without one: “D”")

    def test_an_empty_form_names_every_item(self, step, participant):
        payload = {f"rank_{o.pk}": [""] for o in step.options.all()}
        self.refused(step, participant, payload, "“A”, “B”, “C”, “D”")

    def test_one_rank_given_twice_names_both_items(self, step, participant):
        payload = ranking(step, "A", "B", "C", "D")
        b = step.options.get(label="B")
        payload[f"rank_{b.pk}"] = ["1"]
        self.refused(step, participant, payload, "1 is given to “A”, “B”")

    def test_two_ranks_for_one_item_are_refused(self, step, participant):
        payload = ranking(step, "A", "B", "C", "D")
        a = step.options.get(label="A")
        payload[f"rank_{a.pk}"] = ["1", "2"]
        self.refused(step, participant, payload, "“A” one rank only")

    @pytest.mark.parametrize("rank", ["0", "5", "-1", "two", "1.5", "<b>"])
    def test_a_rank_outside_one_to_n_is_refused(self, step, participant, rank):
        payload = ranking(step, "A", "B", "C", "D")
        a = step.options.get(label="A")
        payload[f"rank_{a.pk}"] = [rank]
        self.refused(step, participant, payload, "Ranks go from 1 to 4")

    @pytest.mark.parametrize(
        "name", ["rank_999999", "rank_x", "rank_", "rank_99999999999999999999"]
    )
    def test_a_field_for_no_item_of_this_step_is_refused(self, step, participant, name):
        payload = ranking(step, "A", "B", "C", "D") | {name: ["1"]}
        self.refused(step, participant, payload, "not one of the items")

    def test_an_item_of_another_step_is_refused(self, step, participant, live_round):
        other = add_step(live_round, "ranking", options="XY").options.first()
        payload = ranking(step, "A", "B", "C", "D") | {f"rank_{other.pk}": ["1"]}
        self.refused(step, participant, payload, "not one of the items")

    def test_a_ranking_with_too_few_items_cannot_be_answered(
        self, live_round, participant, facilitator
    ):
        step = add_step(live_round, "ranking", options="A")
        services.go_to_step(live_round, step, by=facilitator)
        self.refused(step, participant, ranking(step, "A"), "2 to 10 items")

    def test_a_ranking_with_too_many_items_cannot_be_answered(
        self, live_round, participant, facilitator
    ):
        step = add_step(live_round, "ranking", options="ABCDEFGHIJK")
        services.go_to_step(live_round, step, by=facilitator)
        self.refused(step, participant, ranking(step, *"ABCDEFGHIJK"), "2 to 10 items")


class TestResults:
    def test_items_come_best_first_with_average_range_and_borda_bar(
        self, step, participant, other_participant, live_round
    ):
        third = services.join_round(live_round)
        submit_answer(step, participant, ranking(step, "A", "B", "C", "D"))
        submit_answer(step, other_participant, ranking(step, "B", "A", "C", "D"))
        submit_answer(step, third, ranking(step, "A", "C", "B", "D"))
        results = tally(step)
        assert results.total == 3
        rows = [(r.option.label, r.average, r.best, r.worst, r.percent) for r in results.items]
        assert rows == [
            ("A", 1.3, 1, 2, 89),  # (4 - 4/3) / 3 of the most Borda points
            ("B", 2.0, 1, 3, 67),
            ("C", 2.7, 2, 3, 44),
            ("D", 4.0, 4, 4, 0),
        ]
        assert [r.leading for r in results.items] == [True, False, False, False]

    def test_ties_keep_the_order_of_the_items_and_lead_together(
        self, step, participant, other_participant
    ):
        submit_answer(step, participant, ranking(step, "C", "D", "A", "B"))
        submit_answer(step, other_participant, ranking(step, "D", "C", "A", "B"))
        results = tally(step)
        assert [r.option.label for r in results.items] == ["C", "D", "A", "B"]
        assert [r.leading for r in results.items] == [True, True, False, False]

    def test_without_answers_every_item_is_unranked(self, step):
        results = tally(step)
        assert results.total == 0
        assert {(r.average, r.percent, r.leading) for r in results.items} == {(None, 0, False)}
        assert [r.option.label for r in results.items] == ["A", "B", "C", "D"]

    def test_hidden_answers_are_not_counted(self, step, participant, other_participant):
        submit_answer(step, participant, ranking(step, "A", "B", "C", "D"))
        submit_answer(step, other_participant, ranking(step, "D", "C", "B", "A"))
        Response.objects.filter(participant=other_participant).update(hidden=True)
        results = tally(step)
        assert results.total == 1
        assert results.items[0].option.label == "A"
        assert results.items[0].average == 1.0


random_fields = st.dictionaries(
    st.one_of(
        st.sampled_from(["A", "B", "C"]),
        st.text(max_size=12),
        st.integers(min_value=-(2**70), max_value=2**70).map(lambda n: f"rank_{n}"),
    ),
    st.lists(st.one_of(st.sampled_from(["1", "2", "3", " 2 "]), st.text(max_size=6)), max_size=3),
    max_size=5,
)
orderings = st.permutations(["A", "B", "C"]).map(
    lambda order: {label: [str(rank)] for rank, label in enumerate(order, start=1)}
)

some_ranks = st.lists(st.sampled_from(["1", "2", "3", "4", "0", ""]), min_size=3, max_size=3).map(
    lambda given: {label: [rank] for label, rank in zip("ABC", given, strict=True)}
)


@pytest.mark.django_db
@settings(max_examples=80, deadline=None)
@given(ranks=st.one_of(orderings, some_ranks, random_fields))
def test_random_payloads_give_a_full_ordering_or_a_refusal_with_nothing_stored(ranks):
    """Whatever arrives, either every item is stored once in the order asked, or nothing."""
    from django.contrib.auth import get_user_model

    from facilitation.deliberation.demo import load_demo_workshop

    user, _ = get_user_model().objects.get_or_create(username="hypothesis-facilitator")
    workshop, _ = load_demo_workshop("en", facilitators=[user])
    round = workshop.rounds.get()
    if round.status == "draft":
        services.start_round(round, by=user)
    step = round.steps.filter(kind="ranking", title="ranking").first()
    if step is None:
        step = add_step(round, "ranking", options="ABC")
    services.go_to_step(round, step, by=user)
    participant = services.join_round(round)
    ids = {option.label: option.pk for option in Option.objects.filter(step=step)}
    payload = {(f"rank_{ids[key]}" if key in ids else key): values for key, values in ranks.items()}
    try:
        submit_answer(step, participant, payload)
    except services.ActionRefused as refusal:
        assert refusal.status == 400
        assert refusal.message
        assert not Response.objects.filter(participant=participant).exists()
    else:
        stored = Response.objects.get(participant=participant).value
        assert sorted(stored) == sorted(ids.values())
        for rank, option_id in enumerate(stored, start=1):
            given = [v for v in payload[f"rank_{option_id}"] if v.strip()]
            assert [int(v) for v in given] == [rank]
