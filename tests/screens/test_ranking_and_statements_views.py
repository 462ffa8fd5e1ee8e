"""How ranking and statements steps look and work on the phone, the projector and the console."""

import pytest

from facilitation.deliberation.models import Response, Statement
from facilitation.deliberation.services import submit_answer
from facilitation.deliberation.statements import submit_statement
from facilitation.screens.stages import render_push
from facilitation.workshops import services
from facilitation.workshops.models import Step
from tests.conftest import phone_for

HTMX = {"HTTP_HX_REQUEST": "true"}


def vote_url(round, step):
    return f"/r/{round.join_code}/steps/{step.pk}/vote/"


def statement_url(round, step):
    return f"/r/{round.join_code}/steps/{step.pk}/statements/"


def moderate_url(round, statement, decision):
    return f"/console/rounds/{round.pk}/statements/{statement.pk}/{decision}/"


def projector_page(client, round):
    return client.get(f"/projector/{round.projector_key}/").content.decode()


def show(round, kind, facilitator, **fields):
    step = round.steps.get(kind=kind)
    if fields:
        Step.objects.filter(pk=step.pk).update(**fields)
    services.go_to_step(round, step, by=facilitator)
    step.refresh_from_db()
    return step


def ranks(step, *positions):
    """Payload giving the step's items, in their order, the ranks ``positions``."""
    return {f"rank_{o.pk}": [str(r)] for o, r in zip(step.options.all(), positions, strict=True)}


class TestRankingOnThePhone:
    @pytest.fixture
    def step(self, live_round, facilitator):
        return show(live_round, Step.Kind.RANKING, facilitator)

    def test_every_item_has_a_labelled_rank_select(self, phone, live_round, step):
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        for option in step.options.all():
            field = f"rank-{step.pk}-{option.pk}"
            assert f'<select id="{field}" name="rank_{option.pk}" required' in page
            assert f'<label for="{field}">' in page
            assert option.label in page
        assert page.count('<option value="5"') == 5
        assert "1 for your first choice, 5 for your last" in page

    def test_a_ranking_is_saved_and_shown_back_in_order(self, phone, live_round, step):
        response = phone.post(vote_url(live_round, step), ranks(step, 3, 1, 2, 5, 4), **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        first, second, third, fourth, fifth = step.options.all()
        assert f'name="rank_{first.pk}"' in html
        assert html.count(" selected") == 5
        assert '<option value="3" selected>3</option>' in html
        saved = html[html.index("Your ranking as saved") :]
        order = [saved.index(o.label) for o in (second, third, first, fifth, fourth)]
        assert order == sorted(order)
        assert "Your answer is saved" in html
        assert [o.label for o in (second, third, first, fifth, fourth)] == [
            step.options.get(pk=pk).label for pk in Response.objects.get().value
        ]

    def test_a_repeated_rank_gets_a_message_and_stores_nothing(self, phone, live_round, step):
        response = phone.post(vote_url(live_round, step), ranks(step, 1, 1, 2, 3, 4), **HTMX)
        assert response.status_code == 400
        html = response.content.decode()
        assert "Each rank can go to one item only; 1 is given to" in html
        assert 'role="alert"' in html
        assert not Response.objects.exists()

    def test_a_missing_rank_gets_a_message(self, phone, live_round, step):
        payload = ranks(step, 1, 2, 3, 4, 5)
        payload[f"rank_{step.options.last().pk}"] = [""]
        response = phone.post(vote_url(live_round, step), payload, **HTMX)
        assert response.status_code == 400
        assert "Give every item a rank" in response.content.decode()

    def test_without_htmx_a_ranking_redirects_back(self, phone, live_round, step):
        response = phone.post(vote_url(live_round, step), ranks(step, 1, 2, 3, 4, 5))
        assert response.status_code == 302
        assert Response.objects.count() == 1

    def test_the_selects_are_disabled_once_voting_closes(
        self, phone, live_round, step, facilitator
    ):
        services.lock_voting(step, by=facilitator)
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert '<fieldset class="rank-items" disabled>' in page


class TestRankingResults:
    def test_the_projector_shows_average_and_range_beside_every_bar(
        self, client, live_round, facilitator, participant, other_participant
    ):
        step = show(live_round, Step.Kind.RANKING, facilitator, hide_results=False)
        submit_answer(step, participant, ranks(step, 1, 2, 3, 4, 5))
        submit_answer(step, other_participant, ranks(step, 2, 1, 3, 5, 4))
        page = projector_page(client, live_round)
        assert "average 1.5 · ranks 1–2" in page
        assert "average 3.0 · ranks 3–3" in page
        assert "average 4.5 · ranks 4–5" in page
        assert page.count('class="bar-value"') == 5
        assert "2 answers · average rank, best first" in page
        assert "the highest to the lowest rank given" in page

    def test_hidden_results_show_the_items_only(self, client, live_round, facilitator, participant):
        step = show(live_round, Step.Kind.RANKING, facilitator)
        submit_answer(step, participant, ranks(step, 1, 2, 3, 4, 5))
        page = projector_page(client, live_round)
        assert "average" not in page
        assert "1 answer so far · results are hidden" in page
        assert step.options.first().label in page

    def test_an_unanswered_item_says_so(self, console, live_round, facilitator):
        show(live_round, Step.Kind.RANKING, facilitator)
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert page.count("not ranked yet") == 5


class TestStatementsOnThePhone:
    @pytest.fixture
    def step(self, live_round, facilitator):
        return show(live_round, Step.Kind.STATEMENTS, facilitator)

    def test_approved_statements_come_with_three_answers_each(self, phone, live_round, step):
        Statement.objects.create(step=step, text="Still waiting", status="pending")
        Statement.objects.create(step=step, text="Turned down", status="rejected")
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert page.count('name="answer" value="agree"') == 6
        assert page.count('name="answer" value="disagree"') == 6
        assert page.count('name="answer" value="pass"') == 6
        assert "Still waiting" not in page
        assert "Turned down" not in page
        assert "Add a statement of your own" in page

    def test_an_answer_is_marked_and_the_others_stay_open(self, phone, live_round, step):
        first = step.statements.first()
        response = phone.post(
            vote_url(live_round, step), {"statement": first.pk, "answer": "disagree"}, **HTMX
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert f'id="statement-{first.pk}-disagree" name="answer" value="disagree"' in html
        assert html.count('aria-pressed="true"') == 1
        pressed = html.index('aria-pressed="true"')
        assert html.rindex(f'id="statement-{first.pk}-disagree"', 0, pressed) > 0
        assert "Your answers are saved" in html

    def test_a_bad_answer_gets_a_message(self, phone, live_round, step):
        first = step.statements.first()
        response = phone.post(
            vote_url(live_round, step), {"statement": first.pk, "answer": "maybe"}, **HTMX
        )
        assert response.status_code == 400
        assert "Answer agree, disagree or pass." in response.content.decode()
        assert not Response.objects.exists()

    def test_an_anonymous_statements_step_says_it_cannot_be_answered(
        self, phone, live_round, facilitator
    ):
        show(live_round, Step.Kind.STATEMENTS, facilitator, anonymous=True)
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert "cannot be answered on a fully anonymous step" in page
        assert "Add a statement of your own" not in page
        assert '<fieldset class="statement-choices" disabled>' in page

    def test_without_submissions_there_is_no_form(self, phone, live_round, facilitator):
        show(live_round, Step.Kind.STATEMENTS, facilitator, settings={})
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert "Add a statement of your own" not in page


class TestSubmittingOnThePhone:
    @pytest.fixture
    def step(self, live_round, facilitator):
        return show(live_round, Step.Kind.STATEMENTS, facilitator)

    def test_a_statement_is_thanked_for_and_the_field_emptied(self, phone, live_round, step):
        response = phone.post(statement_url(live_round, step), {"text": "Answer by noon"}, **HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert "appears once the facilitator approves it" in html
        assert "hx-preserve" not in html[html.index("<textarea") : html.index("</textarea>")]
        statement = Statement.objects.get(text="Answer by noon")
        assert statement.status == Statement.Status.PENDING
        # Not among the statements to answer: only under the author's own, as waiting.
        assert html.count("Answer by noon") == 1
        mine = html[html.index('id="my-statements"') :]
        assert "Answer by noon" in mine and "Waiting for the facilitator's approval" in mine

    def test_a_refused_statement_keeps_the_text_and_says_why_beside_the_field(
        self, phone, live_round, step
    ):
        duplicate = step.statements.first().text.upper()
        response = phone.post(statement_url(live_round, step), {"text": duplicate}, **HTMX)
        assert response.status_code == 400
        html = response.content.decode()
        form = html[html.index('class="statement-submit"') :]
        assert "That statement is already on the list." in form
        assert 'aria-invalid="true"' in form
        assert 'hx-preserve="true"' in form
        assert Statement.objects.filter(status="pending").count() == 0

    def test_an_overlong_statement_says_the_limit(self, phone, live_round, step):
        response = phone.post(statement_url(live_round, step), {"text": "z" * 300}, **HTMX)
        assert response.status_code == 400
        assert "at most 280 characters; this one has 300" in response.content.decode()

    def test_submissions_closed_get_a_message(self, phone, live_round, step):
        Step.objects.filter(pk=step.pk).update(settings={})
        response = phone.post(statement_url(live_round, step), {"text": "Hello"}, **HTMX)
        assert response.status_code == 409
        assert "Adding statements is not open for this step." in response.content.decode()
        assert not Statement.objects.filter(text="Hello").exists()

    def test_without_htmx_it_redirects_with_a_message(self, phone, live_round, step):
        response = phone.post(statement_url(live_round, step), {"text": "Plain form"})
        assert response.status_code == 302
        page = phone.get(response.url).content.decode()
        assert "appears once the facilitator approves it" in page

    def test_a_stranger_cannot_submit(self, client, live_round, step):
        response = client.post(statement_url(live_round, step), {"text": "Sneaky"})
        assert "Join this workshop round before answering" in response.content.decode()
        assert not Statement.objects.filter(text="Sneaky").exists()

    def test_a_step_of_another_round_is_not_found(self, phone, live_round, facilitator):
        other = services.create_round(live_round.workshop, title="November")
        step = Step.objects.create(round=other, position=1, kind="statements", title="S")
        response = phone.post(statement_url(live_round, step), {"text": "Hi"})
        assert response.status_code == 404

    def test_csrf_is_enforced(self, participant, live_round, step):
        strict = phone_for(participant)
        strict.handler.enforce_csrf_checks = True
        response = strict.post(statement_url(live_round, step), {"text": "No token"})
        assert response.status_code == 403
        assert not Statement.objects.filter(text="No token").exists()


class TestModerationOnTheConsole:
    @pytest.fixture
    def step(self, live_round, facilitator):
        return show(live_round, Step.Kind.STATEMENTS, facilitator)

    @pytest.fixture
    def waiting(self, step, participant):
        return submit_statement(step, participant, "Reply within a day")

    def test_the_console_lists_what_waits_with_approve_and_reject(
        self, console, live_round, waiting
    ):
        page = console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        assert "1 statement waits for approval" in page
        assert "Reply within a day" in page
        assert moderate_url(live_round, waiting, "approve") in page
        assert moderate_url(live_round, waiting, "reject") in page

    def test_the_results_push_carries_the_queue_to_consoles_only(self, live_round, waiting):
        [(console_html, _)] = render_push(live_round.pk, "facilitator", {"results"}, [])
        [(projector_html, _)] = render_push(live_round.pk, "projector", {"results"}, [])
        assert "Reply within a day" in console_html
        assert "Reply within a day" not in projector_html
        assert "waits for approval" not in projector_html

    def test_approving_puts_it_on_phones_and_the_projector(
        self, console, client, phone, live_round, waiting
    ):
        # Its author sees it only among their own, as waiting; not among the room's statements.
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert "Reply within a day" not in page[: page.index('id="my-statements"')]
        response = console.post(moderate_url(live_round, waiting, "approve"), **HTMX)
        assert response.status_code == 200
        assert "0 statements wait for approval" in response.content.decode()
        waiting.refresh_from_db()
        assert waiting.status == Statement.Status.APPROVED
        assert "Reply within a day" in phone.get(f"/r/{live_round.join_code}/").content.decode()
        assert "Reply within a day" in projector_page(client, live_round)

    def test_rejecting_keeps_it_off_every_screen_but_tells_its_author(
        self, console, client, phone, live_round, waiting, other_participant
    ):
        console.post(moderate_url(live_round, waiting, "reject"), **HTMX)
        waiting.refresh_from_db()
        assert waiting.status == Statement.Status.REJECTED
        other = phone_for(other_participant).get(f"/r/{live_round.join_code}/").content.decode()
        assert "Reply within a day" not in other
        assert "Reply within a day" not in projector_page(client, live_round)
        page = phone.get(f"/r/{live_round.join_code}/").content.decode()
        mine = page[page.index('id="my-statements"') :]
        assert "Reply within a day" not in page[: page.index('id="my-statements"')]
        assert "Reply within a day" in mine and "did not add this statement" in mine

    def test_an_unknown_decision_is_not_found(self, console, live_round, waiting):
        assert console.post(moderate_url(live_round, waiting, "delete")).status_code == 404
        waiting.refresh_from_db()
        assert waiting.status == Statement.Status.PENDING

    def test_another_facilitator_cannot_moderate(self, client, stranger, live_round, waiting):
        client.force_login(stranger)
        assert client.post(moderate_url(live_round, waiting, "approve")).status_code == 404
        waiting.refresh_from_db()
        assert waiting.status == Statement.Status.PENDING

    def test_a_participant_cannot_moderate(self, phone, live_round, waiting):
        response = phone.post(moderate_url(live_round, waiting, "approve"))
        assert response.status_code == 302
        waiting.refresh_from_db()
        assert waiting.status == Statement.Status.PENDING

    def test_a_statement_of_another_round_is_not_found(
        self, console, live_round, facilitator, waiting
    ):
        other = services.create_round(live_round.workshop, title="November")
        assert console.post(moderate_url(other, waiting, "approve")).status_code == 404

    def test_a_closed_round_answers_with_the_reason(
        self, console, live_round, facilitator, waiting
    ):
        services.close_round(live_round, by=facilitator)
        response = console.post(moderate_url(live_round, waiting, "approve"), **HTMX)
        assert response.status_code == 409
        assert "This round is closed" in response.content.decode()


class TestStatementResults:
    def test_the_projector_shows_each_share_as_text(
        self, client, live_round, facilitator, participant, other_participant
    ):
        step = show(live_round, Step.Kind.STATEMENTS, facilitator)
        first = step.statements.first()
        submit_answer(step, participant, {"statement": [first.pk], "answer": ["agree"]})
        submit_answer(step, other_participant, {"statement": [first.pk], "answer": ["pass"]})
        page = projector_page(client, live_round)
        assert "agree 50% (1)" in page
        assert "disagree 0% (0)" in page
        assert "pass 50% (1)" in page
        assert "2 people have answered" in page
        assert 'class="part-pass" x="50" width="50"' in page


class TestParticipantTextIsEscaped:
    def test_a_statement_with_markup_is_shown_as_text_everywhere(
        self, console, client, phone, live_round, facilitator, participant
    ):
        step = show(live_round, Step.Kind.STATEMENTS, facilitator)
        evil = '<script>alert("x")</script><b>bold</b>'
        statement = submit_statement(step, participant, evil)
        escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"
        assert escaped in console.get(f"/console/rounds/{live_round.pk}/").content.decode()
        console.post(moderate_url(live_round, statement, "approve"), **HTMX)
        for page in (
            phone.get(f"/r/{live_round.join_code}/").content.decode(),
            projector_page(client, live_round),
            console.get(f"/console/rounds/{live_round.pk}/").content.decode(),
        ):
            assert escaped in page
            assert "<script>alert" not in page
            assert "<b>bold</b>" not in page
