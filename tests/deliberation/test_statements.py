"""Statements: answered agree / disagree / pass one at a time; added by participants, moderated."""

from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from facilitation.deliberation.models import Response, Statement
from facilitation.deliberation.services import submit_answer, tally
from facilitation.deliberation.statements import moderate_statement, submit_statement
from facilitation.workshops import services
from facilitation.workshops.models import Event, Step
from tests.deliberation.test_answer_kinds import add_step


def answer(step, participant, statement, choice):
    return submit_answer(step, participant, {"statement": [str(statement.pk)], "answer": [choice]})


@pytest.fixture
def step(live_round, facilitator):
    """The demo's statements step (six approved statements, submissions open), on screen."""
    step = live_round.steps.get(kind=Step.Kind.STATEMENTS)
    services.go_to_step(live_round, step, by=facilitator)
    return step


@pytest.fixture
def first(step):
    return step.statements.first()


@pytest.fixture
def second(step):
    return step.statements.all()[1]


class TestAnswering:
    def test_answers_build_up_one_statement_at_a_time(self, step, participant, first, second):
        answer(step, participant, first, "agree")
        response = answer(step, participant, second, "pass")
        assert response.value == {str(first.pk): "agree", str(second.pk): "pass"}
        assert Response.objects.count() == 1
        events = Event.objects.filter(kind="answer.given").order_by("id")
        assert [e.payload["value"] for e in events] == [
            {str(first.pk): "agree"},
            {str(first.pk): "agree", str(second.pk): "pass"},
        ]

    def test_changing_one_answer_keeps_the_others(self, step, participant, first, second):
        answer(step, participant, first, "agree")
        answer(step, participant, second, "agree")
        response = answer(step, participant, first, "disagree")
        assert response.value == {str(first.pk): "disagree", str(second.pk): "agree"}

    def test_the_same_answer_again_records_nothing_new(self, step, participant, first):
        answer(step, participant, first, "agree")
        answer(step, participant, first, "agree")
        assert Event.objects.filter(kind="answer.given").count() == 1

    def test_the_value_survives_a_reload_with_string_keys(self, step, participant, first):
        answer(step, participant, first, "agree")
        assert Response.objects.get().value == {str(first.pk): "agree"}


class TestRefusedAnswers:
    def refused(self, step, participant, payload, message, status=400):
        with pytest.raises(services.ActionRefused, match=message) as refusal:
            submit_answer(step, participant, payload)
        assert refusal.value.status == status
        assert not Response.objects.exists()

    @pytest.mark.parametrize("choice", ["", "maybe", "AGREE", "<b>agree</b>"])
    def test_an_answer_other_than_agree_disagree_or_pass(self, step, participant, first, choice):
        payload = {"statement": [str(first.pk)], "answer": [choice]}
        self.refused(step, participant, payload, "agree, disagree or pass")

    def test_two_answers_at_once(self, step, participant, first):
        payload = {"statement": [str(first.pk)], "answer": ["agree", "disagree"]}
        self.refused(step, participant, payload, "agree, disagree or pass")

    def test_no_statement(self, step, participant):
        self.refused(step, participant, {"answer": ["agree"]}, "Choose a statement")

    def test_two_statements_at_once(self, step, participant, first, second):
        payload = {"statement": [str(first.pk), str(second.pk)], "answer": ["agree"]}
        self.refused(step, participant, payload, "Choose a statement")

    @pytest.mark.parametrize("statement_id", ["999999", "x", "-1", "99999999999999999999999"])
    def test_an_unknown_statement(self, step, participant, statement_id):
        payload = {"statement": [statement_id], "answer": ["agree"]}
        self.refused(step, participant, payload, "not one you can answer")

    @pytest.mark.parametrize("status", [Statement.Status.PENDING, Statement.Status.REJECTED])
    def test_a_statement_that_is_not_approved(self, step, participant, status):
        waiting = Statement.objects.create(step=step, text="Not yet", status=status)
        payload = {"statement": [str(waiting.pk)], "answer": ["agree"]}
        self.refused(step, participant, payload, "not one you can answer")

    def test_a_statement_of_another_step(self, step, participant, live_round):
        other = add_step(live_round, "statements")
        elsewhere = Statement.objects.create(step=other, text="Elsewhere")
        payload = {"statement": [str(elsewhere.pk)], "answer": ["agree"]}
        self.refused(step, participant, payload, "not one you can answer")

    def test_a_fully_anonymous_statements_step_is_not_supported(self, step, participant, first):
        Step.objects.filter(pk=step.pk).update(anonymous=True)
        payload = {"statement": [str(first.pk)], "answer": ["agree"]}
        self.refused(step, participant, payload, "fully anonymous")

    def test_a_locked_step(self, step, participant, first, facilitator):
        services.lock_voting(step, by=facilitator)
        payload = {"statement": [str(first.pk)], "answer": ["agree"]}
        self.refused(step, participant, payload, "closed", status=409)


class TestResults:
    def test_shares_per_approved_statement_of_those_who_answered_it(
        self, step, participant, other_participant, live_round, first, second
    ):
        third = services.join_round(live_round)
        answer(step, participant, first, "agree")
        answer(step, other_participant, first, "agree")
        answer(step, third, first, "disagree")
        answer(step, participant, second, "pass")
        results = tally(step)
        assert results.total == 3
        by_text = {r.statement: r for r in results.statements}
        one, two = by_text[first], by_text[second]
        assert (one.agree, one.disagree, one.passed, one.total) == (2, 1, 0, 3)
        assert (one.agree_percent, one.disagree_percent, one.pass_percent) == (67, 33, 0)
        assert (one.disagree_starts_at, one.pass_starts_at) == (67, 100)
        assert (two.agree, two.disagree, two.passed, two.pass_percent) == (0, 0, 1, 100)
        assert [r.statement for r in results.statements] == list(step.statements.all())

    def test_pending_statements_are_listed_apart_and_rejected_ones_not_at_all(
        self, step, first, participant
    ):
        waiting = Statement.objects.create(step=step, text="Waiting", status="pending")
        Statement.objects.create(step=step, text="Gone", status="rejected")
        results = tally(step)
        assert results.pending == [waiting]
        assert "Gone" not in [r.statement.text for r in results.statements]
        assert "Waiting" not in [r.statement.text for r in results.statements]

    def test_answers_to_a_statement_rejected_later_are_no_longer_counted(
        self, step, participant, first, facilitator
    ):
        answer(step, participant, first, "agree")
        moderate_statement(first, approve=False, by=facilitator)
        assert first not in [r.statement for r in tally(step).statements]


class TestSubmitting:
    def test_a_statement_waits_for_approval_with_its_event(self, step, participant):
        with mock.patch("facilitation.deliberation.statements.notify_round") as notify:
            statement = submit_statement(step, participant, "  We need   more time.\n")
        notify.assert_called_once_with(step.round_id, "results")
        assert statement.text == "We need more time."
        assert statement.status == Statement.Status.PENDING
        assert statement.submitted_by == participant
        event = Event.objects.get(kind="statement.submitted")
        assert event.participant == participant
        assert event.payload == {"statement": statement.pk, "text": "We need more time."}

    def refused(self, step, participant, text, message, status=400):
        before = Statement.objects.count(), Event.objects.count()
        with pytest.raises(services.ActionRefused, match=message) as refusal:
            submit_statement(step, participant, text)
        assert refusal.value.status == status
        assert (Statement.objects.count(), Event.objects.count()) == before

    @pytest.mark.parametrize("text", ["", "   ", "\u200b\u200b", "\n\t"])
    def test_an_empty_statement(self, step, participant, text):
        self.refused(step, participant, text, "Write a statement")

    def test_a_statement_over_280_characters_says_how_long_it_is(self, step, participant):
        self.refused(step, participant, "x" * 281, "at most 280 characters; this one has 281")

    def test_exactly_280_characters_are_fine(self, step, participant):
        assert len(submit_statement(step, participant, "y" * 280).text) == 280

    def test_a_duplicate_of_an_approved_statement_ignoring_case_and_spacing(
        self, step, participant, first
    ):
        self.refused(step, participant, "  " + first.text.upper(), "already on the list")

    def test_a_duplicate_of_a_waiting_statement(self, step, participant, other_participant):
        submit_statement(step, other_participant, "Öppna kommentarer är bra")
        before = Statement.objects.count()
        with pytest.raises(services.ActionRefused, match="already on the list"):
            submit_statement(step, participant, "ÖPPNA kommentarer ÄR bra")
        assert Statement.objects.count() == before

    def test_submissions_closed_by_the_step_settings(self, step, participant):
        Step.objects.filter(pk=step.pk).update(settings={})
        self.refused(step, participant, "Hello", "not open for this step", status=409)

    def test_a_locked_step_takes_no_statements(self, step, participant, facilitator):
        services.lock_voting(step, by=facilitator)
        self.refused(step, participant, "Hello", "closed", status=409)

    def test_a_step_of_another_kind_takes_no_statements(self, dilemma_round, dilemma, participant):
        self.refused(dilemma, participant, "Hello", "takes no statements")

    def test_a_step_not_on_screen_takes_no_statements(
        self, step, participant, live_round, facilitator
    ):
        services.go_to_step(live_round, None, by=facilitator)
        self.refused(step, participant, "Hello", "no longer on screen", status=409)

    def test_someone_who_has_not_joined_this_round(self, step, facilitator):
        november = services.start_round(
            services.create_round(step.round.workshop, title="November"), by=facilitator
        )
        absent = services.join_round(november)
        self.refused(step, absent, "Hello", "Join this workshop round", status=403)

    def test_an_anonymous_step_takes_no_statements(self, step, participant):
        Step.objects.filter(pk=step.pk).update(anonymous=True)
        self.refused(step, participant, "Hello", "fully anonymous")

    def test_at_most_five_statements_wait_per_person(self, step, participant, other_participant):
        for number in range(5):
            submit_statement(step, participant, f"Statement {number}")
        self.refused(step, participant, "One more", "5 statements waiting", status=409)
        submit_statement(step, other_participant, "Someone else may")


class TestModerating:
    @pytest.fixture
    def waiting(self, step, participant):
        return submit_statement(step, participant, "Evenings are part of the job")

    def test_approving_shows_it_to_the_room_at_once(self, waiting, facilitator, participant, step):
        with mock.patch("facilitation.deliberation.statements.notify_round") as notify:
            moderate_statement(waiting, approve=True, by=facilitator)
        notify.assert_called_once_with(step.round_id, "stage", urgent=True)
        assert waiting.status == Statement.Status.APPROVED
        event = Event.objects.get(kind="statement.approved")
        assert event.user == facilitator
        assert event.payload["previous"] == "pending"
        answer(step, participant, waiting, "agree")

    def test_rejecting_a_waiting_statement_updates_the_console_and_tells_its_author(
        self, waiting, facilitator, step
    ):
        with mock.patch("facilitation.deliberation.statements.notify_round") as notify:
            moderate_statement(waiting, approve=False, by=facilitator)
        notify.assert_called_once_with(step.round_id, "results", "own-statements", urgent=True)
        assert waiting.status == Statement.Status.REJECTED
        assert Event.objects.filter(kind="statement.rejected").count() == 1

    def test_withdrawing_an_approved_statement_updates_every_screen(self, first, facilitator, step):
        with mock.patch("facilitation.deliberation.statements.notify_round") as notify:
            moderate_statement(first, approve=False, by=facilitator)
        notify.assert_called_once_with(step.round_id, "stage", urgent=True)

    def test_the_same_decision_twice_records_one_event(self, waiting, facilitator):
        moderate_statement(waiting, approve=True, by=facilitator)
        moderate_statement(waiting, approve=True, by=facilitator)
        assert Event.objects.filter(kind="statement.approved").count() == 1

    def test_a_closed_round_cannot_be_moderated(self, waiting, facilitator, live_round):
        services.close_round(live_round, by=facilitator)
        with pytest.raises(services.ActionRefused, match="closed"):
            moderate_statement(waiting, approve=True, by=facilitator)
        waiting.refresh_from_db()
        assert waiting.status == Statement.Status.PENDING


@pytest.mark.django_db
@settings(max_examples=80, deadline=None)
@given(
    payload=st.one_of(
        st.fixed_dictionaries(
            {
                "statement": st.sampled_from(["first", "pending", "rejected"]).map(lambda s: [s]),
                "answer": st.sampled_from(["agree", "disagree", "pass", "maybe"]).map(
                    lambda a: [a]
                ),
            }
        ),
        st.fixed_dictionaries(
            {},
            optional={
                "statement": st.lists(
                    st.one_of(
                        st.sampled_from(["first", "pending", "rejected"]),
                        st.integers(min_value=-(2**70), max_value=2**70).map(str),
                        st.text(max_size=8),
                    ),
                    max_size=2,
                ),
                "answer": st.lists(
                    st.one_of(st.sampled_from(["agree", "disagree", "pass"]), st.text(max_size=8)),
                    max_size=2,
                ),
                "option": st.lists(st.text(max_size=8), max_size=2),
            },
        ),
    )
)
def test_random_payloads_store_a_valid_answer_or_nothing(payload):
    """Whatever arrives, the stored value only ever holds approved statements and valid answers."""
    from django.contrib.auth import get_user_model

    from facilitation.deliberation.demo import load_demo_workshop

    user, _ = get_user_model().objects.get_or_create(username="hypothesis-facilitator")
    workshop, _ = load_demo_workshop("en", facilitators=[user])
    round = workshop.rounds.get()
    if round.status == "draft":
        services.start_round(round, by=user)
    step = round.steps.get(kind=Step.Kind.STATEMENTS)
    services.go_to_step(round, step, by=user)
    for status in ("pending", "rejected"):
        Statement.objects.get_or_create(step=step, text=status, status=status)
    named = {s.text: str(s.pk) for s in step.statements.filter(text__in=["pending", "rejected"])}
    named["first"] = str(step.statements.filter(status="approved").first().pk)
    payload = {key: [named.get(v, v) for v in values] for key, values in payload.items()}
    participant = services.join_round(round)
    approved = {
        str(pk) for pk in step.statements.filter(status="approved").values_list("pk", flat=True)
    }
    try:
        submit_answer(step, participant, payload)
    except services.ActionRefused as refusal:
        assert refusal.status == 400
        assert refusal.message
        assert not Response.objects.filter(participant=participant).exists()
    else:
        value = Response.objects.get(participant=participant).value
        assert len(value) == 1
        [(statement_id, choice)] = value.items()
        assert statement_id in approved
        assert choice in {"agree", "disagree", "pass"}
