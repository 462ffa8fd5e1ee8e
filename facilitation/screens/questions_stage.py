"""What the screens show of a round's questions: the phones' panel, the projector's pinned
question and board, the console's moderation lists.

The room's list is the same for every phone (one render); a phone's own questions and the ones
it voted for are in ``#my-questions``, rendered for that person with their own stage (page load,
the response to their action, an ``own-questions`` push), and ``balans.js`` marks the shared
list from it (as the notes wall does). A whole stage pushed to many phones carries nobody's own
questions: its ``#my-questions`` is marked ``hx-preserve``, so each phone keeps the one it has.
"""

from facilitation.questions.models import Question, QuestionBoard
from facilitation.questions.services import QUESTION_MAX_LENGTH, board_questions
from facilitation.workshops.models import Step

from .audiences import FACILITATOR, PARTICIPANT, PROJECTOR

# The projector's board shows this many of the top questions; the rest are on phones.
PROJECTOR_TOP = 6
# The console lists this many per list at once; the rest are counted (a hall asks hundreds).
CONSOLE_PAGE = 100


def board_for_screens(round):
    """The round's board without creating one (a page view writes nothing), read once per
    render of the round however many variants it renders."""
    if not hasattr(round, "_question_board"):
        board = QuestionBoard.objects.filter(round_id=round.pk).select_related("pinned").first()
        round._question_board = board or QuestionBoard(round_id=round.pk)
    return round._question_board


def on_questions_step(round):
    return round.current_step is not None and round.current_step.kind == Step.Kind.QUESTIONS


def questions_shown(round):
    """Whether phones show the round's questions now: open on every step, or on a questions
    step."""
    return board_for_screens(round).open_any_time or on_questions_step(round)


def questions_context(round, audience, mine=None, mine_version=0):
    """``mine``: for a phone, (its open questions, ids of questions it voted for), read at
    ``mine_version`` (``questions.services.own_questions``)."""
    board = board_for_screens(round)
    on_step = on_questions_step(round)
    shown = questions_shown(round)
    context = {
        "question_board": board,
        "questions_shown": shown,
        # On a questions step the step itself is the panel; elsewhere it sits below the stage.
        "questions_panel": board.open_any_time and not on_step,
        "question_max": QUESTION_MAX_LENGTH,
    }
    if audience == FACILITATOR:
        everything = board_questions(round, for_room=False)
        waiting = [q for q in everything if q.status == Question.Status.WAITING]
        hidden = [q for q in everything if q.status == Question.Status.HIDDEN]
        visible = [q for q in everything if q.status == Question.Status.VISIBLE]
        open_ = [q for q in visible if not q.answered_at]
        answered = [q for q in visible if q.answered_at]
        context["questions_console"] = {
            "waiting": waiting[:CONSOLE_PAGE],
            "open": open_[:CONSOLE_PAGE],
            "answered": answered[:CONSOLE_PAGE],
            "hidden": hidden[:CONSOLE_PAGE],
            "more": sum(
                max(0, len(part) - CONSOLE_PAGE) for part in (waiting, open_, answered, hidden)
            ),
            "total": len(everything),
        }
        return context
    if not shown and not (audience == PROJECTOR and board.pinned_id):
        return context
    room = board_questions(round)
    context["room_questions"] = [q for q in room if not q.answered_at]
    context["answered_questions"] = [q for q in room if q.answered_at]
    if audience == PROJECTOR:
        context["top_questions"] = context["room_questions"][:PROJECTOR_TOP]
        pinned = next((q for q in room if q.pk == board.pinned_id), None)
        context["pinned_question"] = pinned
    if audience == PARTICIPANT:
        # A stage pushed to many phones carries nobody's own questions: each phone keeps the
        # "Your questions" it has (hx-preserve) until its own action or an own-questions push.
        context["keep_own_questions"] = mine is None
        own, voted = mine or ([], set())
        context["own_questions"] = own
        context["own_question_ids"] = " ".join(str(q.pk) for q in own)
        context["voted_question_ids"] = " ".join(str(pk) for pk in sorted(voted))
        # The phone keeps the newer of two renders (balans.js); one that shows nobody's claims 0.
        context["own_questions_version"] = mine_version if mine is not None else 0
    return context
