"""Questions from the room: asking, withdrawing, upvoting, moderating, and what is refused."""

import pytest

from facilitation.questions.models import Question, QuestionVote
from facilitation.questions.services import (
    MAX_OPEN_QUESTIONS_PER_PERSON,
    QUESTION_MAX_LENGTH,
    ask_question,
    board_questions,
    configure_questions,
    mark_answered,
    merge_question,
    moderate_question,
    own_questions,
    pin_question,
    upvote_question,
    withdraw_question,
)
from facilitation.workshops import services
from facilitation.workshops.models import Event


class TestAsking:
    def test_a_question_on_a_questions_step_is_on_the_board_with_an_event(
        self, on_questions, participant
    ):
        question = ask_question(on_questions, participant, text="  Why   Snapchat? ")
        assert question.text == "Why Snapchat?" and question.status == Question.Status.VISIBLE
        assert question.step == on_questions.current_step
        event = Event.objects.get(kind="question.asked")
        assert event.participant == participant
        assert event.payload == {
            "question": question.pk,
            "text": "Why Snapchat?",
            "status": "visible",
        }
        assert board_questions(on_questions) == [question]

    def test_questions_open_on_every_step_when_the_facilitator_says_so(
        self, dilemma_round, facilitator, participant
    ):
        with pytest.raises(services.ActionRefused, match="takes no questions"):
            ask_question(dilemma_round, participant, text="Now?")
        configure_questions(dilemma_round, open_any_time=True, premoderate=False, by=facilitator)
        assert (
            ask_question(dilemma_round, participant, text="Now?").step == dilemma_round.current_step
        )
        assert Event.objects.filter(kind="questions.configured").count() == 1

    def test_with_premoderation_a_question_waits_and_the_room_does_not_see_it(
        self, open_any_time, facilitator, participant
    ):
        configure_questions(open_any_time, open_any_time=True, premoderate=True, by=facilitator)
        question = ask_question(open_any_time, participant, text="Waiting?")
        assert question.status == Question.Status.WAITING
        assert board_questions(open_any_time) == []
        moderate_question(question, "approve", by=facilitator)
        assert board_questions(open_any_time) == [question]

    @pytest.mark.parametrize(
        "text, message",
        [
            ("", "Write your question first"),
            ("   \n ", "Write your question first"),
            ("x" * (QUESTION_MAX_LENGTH + 1), "at most 300 characters; this one has 301"),
            ("Hidden\u202etext", "control characters"),
            ("Null\x00byte", "control characters"),
        ],
    )
    def test_bad_text_is_refused_with_a_message_and_nothing_stored(
        self, on_questions, participant, text, message
    ):
        with pytest.raises(services.ActionRefused, match=message) as refused:
            ask_question(on_questions, participant, text=text)
        assert refused.value.status == 400
        assert not Question.objects.exists()

    def test_markup_is_kept_as_text(self, on_questions, participant):
        question = ask_question(on_questions, participant, text="<b>bold</b> & <script>x</script>")
        assert question.text == "<b>bold</b> & <script>x</script>"

    def test_one_person_cannot_flood_the_board(self, on_questions, participant):
        for n in range(MAX_OPEN_QUESTIONS_PER_PERSON):
            ask_question(on_questions, participant, text=f"Question {n}")
        with pytest.raises(services.ActionRefused, match="already have 5 open questions"):
            ask_question(on_questions, participant, text="One more")
        assert Question.objects.count() == MAX_OPEN_QUESTIONS_PER_PERSON

    def test_a_paused_round_and_a_stranger_to_the_round_are_refused(
        self, on_questions, facilitator, participant, workshop
    ):
        services.pause_round(on_questions, by=facilitator)
        with pytest.raises(services.ActionRefused, match="paused"):
            ask_question(on_questions, participant, text="Paused?")
        services.resume_round(on_questions, by=facilitator)
        other_round = services.create_round(workshop, title="November")
        stranger = services.join_round(services.start_round(other_round, by=facilitator))
        with pytest.raises(services.ActionRefused, match="Join this workshop round first"):
            ask_question(on_questions, stranger, text="Me too?")
        assert not Question.objects.exists()

    def test_the_author_withdraws_their_own_question_only(
        self, on_questions, participant, other_participant
    ):
        question = ask_question(on_questions, participant, text="Mine")
        with pytest.raises(services.ActionRefused, match="only withdraw your own"):
            withdraw_question(question, other_participant)
        withdraw_question(question, participant)
        question.refresh_from_db()
        assert question.status == Question.Status.WITHDRAWN
        assert board_questions(on_questions) == []
        with pytest.raises(services.ActionRefused, match="no longer on the board"):
            withdraw_question(question, participant)


class TestUpvoting:
    def test_others_upvote_once_each_and_the_board_sorts_by_votes(
        self, on_questions, participant, other_participant
    ):
        third = services.join_round(on_questions, display_name="Cai")
        first = ask_question(on_questions, participant, text="First")
        second = ask_question(on_questions, other_participant, text="Second")
        upvote_question(second, participant)
        upvote_question(second, third)
        upvote_question(first, third)
        assert [(q.text, q.upvotes) for q in board_questions(on_questions)] == [
            ("Second", 2),
            ("First", 1),
        ]
        with pytest.raises(services.ActionRefused, match="already voted"):
            upvote_question(second, participant)
        assert QuestionVote.objects.count() == 3
        assert own_questions(on_questions, [participant.pk])[participant.pk] == (
            [first],
            {second.pk},
        )

    def test_ones_own_question_takes_no_vote(self, on_questions, participant):
        question = ask_question(on_questions, participant, text="Mine")
        with pytest.raises(services.ActionRefused, match="your own question") as refused:
            upvote_question(question, participant)
        assert refused.value.status == 403
        assert not QuestionVote.objects.exists()

    def test_hidden_answered_and_waiting_questions_take_no_votes(
        self, on_questions, facilitator, participant, other_participant
    ):
        question = ask_question(on_questions, participant, text="Hide me")
        moderate_question(question, "hide", by=facilitator)
        with pytest.raises(services.ActionRefused, match="not open for votes"):
            upvote_question(question, other_participant)
        moderate_question(question, "show", by=facilitator)
        mark_answered(question, True, by=facilitator)
        with pytest.raises(services.ActionRefused, match="not open for votes"):
            upvote_question(question, other_participant)
        assert not QuestionVote.objects.exists()

    def test_a_question_of_another_round_is_refused(
        self, on_questions, workshop, facilitator, participant
    ):
        other_round = services.start_round(
            services.create_round(workshop, title="November"), by=facilitator
        )
        configure_questions(other_round, open_any_time=True, premoderate=False, by=facilitator)
        elsewhere = services.join_round(other_round)
        theirs = ask_question(other_round, elsewhere, text="Elsewhere")
        # The participant attends only the first round: the other round's question is refused.
        with pytest.raises(services.ActionRefused, match="Join this workshop round first"):
            upvote_question(theirs, participant)
        assert not QuestionVote.objects.exists()


class TestModeration:
    def test_answered_questions_move_to_their_own_list(
        self, on_questions, facilitator, participant
    ):
        question = ask_question(on_questions, participant, text="Answer me")
        mark_answered(question, True, by=facilitator)
        question.refresh_from_db()
        assert question.answered_at is not None
        assert Event.objects.filter(kind="question.answered").exists()
        mark_answered(question, False, by=facilitator)
        question.refresh_from_db()
        assert question.answered_at is None

    def test_merging_moves_the_votes_and_the_duplicates_author(
        self, on_questions, facilitator, participant, other_participant
    ):
        third = services.join_round(on_questions, display_name="Cai")
        original = ask_question(on_questions, participant, text="Why leave X?")
        duplicate = ask_question(on_questions, other_participant, text="Why did they leave X?")
        upvote_question(duplicate, third)
        upvote_question(duplicate, participant)  # the original's author: not counted twice
        merge_question(duplicate, into=original, by=facilitator)
        duplicate.refresh_from_db()
        assert duplicate.status == Question.Status.MERGED and duplicate.merged_into == original
        assert [(q.text, q.upvotes) for q in board_questions(on_questions)] == [("Why leave X?", 2)]
        with pytest.raises(services.ActionRefused, match="another question"):
            merge_question(original, into=original, by=facilitator)

    def test_pinning_shows_one_question_and_hiding_unpins_it(
        self, on_questions, facilitator, participant
    ):
        question = ask_question(on_questions, participant, text="Pin me")
        board = pin_question(on_questions, question, by=facilitator)
        assert board.pinned == question
        moderate_question(question, "hide", by=facilitator)
        board.refresh_from_db()
        assert board.pinned is None
        with pytest.raises(services.ActionRefused, match="Only a question on the board"):
            pin_question(on_questions, question, by=facilitator)

    def test_only_the_workshops_facilitators_moderate(self, on_questions, stranger, participant):
        question = ask_question(on_questions, participant, text="Mine")
        for act in (
            lambda: moderate_question(question, "hide", by=stranger),
            lambda: mark_answered(question, True, by=stranger),
            lambda: pin_question(on_questions, question, by=stranger),
            lambda: configure_questions(
                on_questions, open_any_time=True, premoderate=True, by=stranger
            ),
        ):
            with pytest.raises(services.ActionRefused, match="Only the workshop's facilitators"):
                act()
        question.refresh_from_db()
        assert question.status == Question.Status.VISIBLE

    def test_a_withdrawn_persons_questions_and_votes_leave_the_room(
        self, on_questions, participant, other_participant
    ):
        from facilitation.workshops.participants import withdraw

        question = ask_question(on_questions, participant, text="Theirs")
        mine = ask_question(on_questions, other_participant, text="Mine")
        upvote_question(mine, participant)
        withdraw(participant, round=on_questions)
        assert [(q.text, q.upvotes) for q in board_questions(on_questions)] == [("Mine", 0)]
        assert question not in board_questions(on_questions)
