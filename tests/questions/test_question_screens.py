"""Questions through the screens: phones ask and upvote, the console moderates, the projector
pins; pushes are one render for the room and bad input gets a message."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from facilitation.questions.models import Question, QuestionBoard, QuestionVote
from facilitation.questions.services import ask_question, pin_question, upvote_question
from facilitation.screens.stages import render_push
from facilitation.workshops import services
from tests.conftest import phone_for

HX = {"HTTP_HX_REQUEST": "true"}
SCRIPT = '<script>alert("x")</script><b hx-get="/x">fet</b>'


def text(response):
    return response.content.decode()


class TestPhones:
    def test_a_phone_asks_on_a_questions_step_and_sees_its_question_as_text(
        self, on_questions, phone
    ):
        response = phone.post(f"/r/{on_questions.join_code}/questions/", {"text": SCRIPT}, **HX)
        assert response.status_code == 200
        page = text(response)
        assert "&lt;script&gt;" in page and "<script>alert" not in page
        assert 'hx-get="/x"' not in page
        assert "Your questions" in page
        assert Question.objects.get().text == SCRIPT

    def test_an_empty_question_gets_a_message_beside_the_form(self, on_questions, phone):
        response = phone.post(f"/r/{on_questions.join_code}/questions/", {"text": " "}, **HX)
        assert response.status_code == 400
        assert "Write your question first" in text(response)
        assert not Question.objects.exists()

    def test_on_a_dilemma_the_panel_shows_only_when_open_any_time(
        self, dilemma_round, open_any_time, phone
    ):
        page = text(phone.get(f"/r/{open_any_time.join_code}/"))
        assert 'id="questions"' in page and "Your question" in page

    def test_a_phone_without_the_panel_cannot_ask(self, dilemma_round, phone):
        page = text(phone.get(f"/r/{dilemma_round.join_code}/"))
        assert 'id="questions"' not in page
        response = phone.post(f"/r/{dilemma_round.join_code}/questions/", {"text": "Hi"}, **HX)
        assert response.status_code == 400
        assert "This step takes no questions" in text(response)

    def test_upvoting_marks_ones_vote_and_a_second_is_refused(
        self, on_questions, participant, other_participant
    ):
        question = ask_question(on_questions, other_participant, text="Theirs")
        phone = phone_for(participant)
        url = f"/r/{on_questions.join_code}/questions/{question.pk}/upvote/"
        response = phone.post(url, **HX)
        assert response.status_code == 200
        assert f'data-voted="{question.pk}"' in text(response)
        response = phone.post(url, **HX)
        assert response.status_code == 409
        assert "already voted" in text(response)
        assert QuestionVote.objects.count() == 1

    def test_a_question_of_another_round_is_not_found(
        self, on_questions, workshop, facilitator, phone
    ):
        other = services.start_round(services.create_round(workshop, title="Nov"), by=facilitator)
        services.go_to_step(other, other.ordered_steps().first(), by=facilitator)
        from facilitation.questions.services import configure_questions

        configure_questions(other, open_any_time=True, premoderate=False, by=facilitator)
        theirs = ask_question(other, services.join_round(other), text="Elsewhere")
        response = phone.post(f"/r/{on_questions.join_code}/questions/{theirs.pk}/upvote/", **HX)
        assert response.status_code == 404
        assert not QuestionVote.objects.exists()

    def test_a_browser_that_has_not_joined_is_sent_to_join(self, on_questions, client):
        response = client.post(f"/r/{on_questions.join_code}/questions/", {"text": "Hi"})
        assert response.status_code == 200
        assert "Join this workshop round first" in text(response)
        assert not Question.objects.exists()


class TestConsole:
    def test_the_console_moderates_pins_and_merges(
        self, on_questions, console, participant, other_participant
    ):
        first = ask_question(on_questions, participant, text="First question")
        second = ask_question(on_questions, other_participant, text="Same question")
        base = f"/console/rounds/{on_questions.pk}/questions"
        page = text(console.get(f"/console/rounds/{on_questions.pk}/"))
        assert "First question" in page and "Merge duplicates" in page
        assert console.post(f"{base}/{first.pk}/", {"action": "pin"}, **HX).status_code == 200
        assert QuestionBoard.objects.get(round=on_questions).pinned == first
        response = console.post(f"{base}/merge/", {"duplicate": second.pk, "into": first.pk}, **HX)
        assert response.status_code == 200
        second.refresh_from_db()
        assert second.status == Question.Status.MERGED
        assert console.post(f"{base}/{first.pk}/", {"action": "answered"}, **HX).status_code == 200
        first.refresh_from_db()
        assert first.answered_at is not None

    def test_bad_console_input_gets_a_message(self, on_questions, console, participant):
        question = ask_question(on_questions, participant, text="Q")
        base = f"/console/rounds/{on_questions.pk}/questions"
        response = console.post(f"{base}/{question.pk}/", {"action": "explode"}, **HX)
        assert response.status_code == 400 and "not something a question can be" in text(response)
        response = console.post(f"{base}/merge/", {"duplicate": "x", "into": "9" * 40}, **HX)
        assert response.status_code == 400 and "Choose the two questions" in text(response)
        response = console.post(
            f"{base}/merge/", {"duplicate": question.pk, "into": question.pk}, **HX
        )
        assert response.status_code == 400 and "another question" in text(response)

    def test_another_facilitator_gets_not_found(self, on_questions, client, stranger, participant):
        question = ask_question(on_questions, participant, text="Q")
        client.force_login(stranger)
        url = f"/console/rounds/{on_questions.pk}/questions/{question.pk}/"
        assert client.post(url, {"action": "hide"}).status_code == 404
        question.refresh_from_db()
        assert question.status == Question.Status.VISIBLE


class TestPushes:
    def test_the_room_list_is_one_render_for_every_phone_and_its_queries_do_not_grow(
        self, on_questions, participant, other_participant
    ):
        people = [services.join_round(on_questions) for _ in range(6)]
        members = [p.pk for p in [participant, other_participant, *people]]

        def push():
            with CaptureQueriesContext(connection) as queries:
                fragments = render_push(on_questions.pk, "participant", {"questions"}, members)
            return fragments, len(queries)

        ask_question(on_questions, participant, text="One")
        few, few_queries = push()
        for person in people:
            question = ask_question(on_questions, person, text=f"From {person.pk}")
            upvote_question(question, participant)
        many, many_queries = push()
        assert len(few) == len(many) == 1 and many[0][1] is None
        assert 'id="question-list"' in many[0][0] and "From" in many[0][0]
        assert many_queries == few_queries

    def test_the_projector_shows_the_pinned_question_large(
        self, dilemma_round, open_any_time, facilitator, participant
    ):
        question = ask_question(open_any_time, participant, text="Pinned one")
        pin_question(open_any_time, question, by=facilitator)
        ((html, _),) = render_push(open_any_time.pk, "projector", {"questions"}, [])
        assert 'id="pinned-question"' in html and "Pinned one" in html
        ((console, _),) = render_push(open_any_time.pk, "facilitator", {"questions"}, [])
        assert 'id="console-questions"' in console and "on the projector" in console

    def test_moderation_updates_the_authors_own_list(
        self, on_questions, facilitator, participant, other_participant
    ):
        from facilitation.questions.services import configure_questions, moderate_question

        configure_questions(on_questions, open_any_time=False, premoderate=True, by=facilitator)
        question = ask_question(on_questions, participant, text="Approve me")
        members = [participant.pk, other_participant.pk]
        waiting = render_push(on_questions.pk, "participant", {"own-questions"}, members)
        assert [(receivers, "Waiting for" in html) for html, receivers in waiting] == [
            ({participant.pk}, True)
        ]
        moderate_question(question, "approve", by=facilitator)
        ((html, receivers),) = render_push(
            on_questions.pk, "participant", {"own-questions"}, members
        )
        assert receivers == {participant.pk} and "On the board" in html
