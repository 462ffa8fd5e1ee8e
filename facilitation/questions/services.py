"""Questions from the room: asking, withdrawing, upvoting, and the facilitator's moderation.

Each function does its change in one transaction, after locking the round's ``QuestionBoard``
row, with an event, and pushes "questions" to the round's screens after commit (paced per
audience, so a burst of upvotes is a few renders, not one per vote).
"""

import unicodedata

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from facilitation.deliberation.own_contributions import read_own
from facilitation.live.push import notify_round
from facilitation.workshops.models import Round, Step
from facilitation.workshops.participants import still_counted
from facilitation.workshops.services import ActionRefused, record_event
from facilitation.workshops.taking_part import Capability, check_can_take_part

from .models import Question, QuestionBoard, QuestionVote

QUESTION_MAX_LENGTH = Question._meta.get_field("text").max_length
# Questions one person may have waiting or on the board at once: enough to ask, not to flood.
MAX_OPEN_QUESTIONS_PER_PERSON = 5
ASKING = Capability(things=_lazy("questions"), kinds=frozenset({Step.Kind.QUESTIONS}))
OPEN = (Question.Status.WAITING, Question.Status.VISIBLE)
# What the facilitator does to a question also changes its author's "Your questions".
AUTHORS_TOO = ("questions", "own-questions")


def board_of(round):
    board, _created = QuestionBoard.objects.get_or_create(round=round)
    return board


def _lock(round):
    board_of(round)
    board = QuestionBoard.objects.select_for_update(of=("self",)).get(round=round)
    board.round = Round.objects.select_related("workshop", "current_step").get(pk=round.pk)
    return board


def questions_open(round, board):
    """Whether phones of ``round`` may ask now: on every step, or on a questions step."""
    step = round.current_step
    return board.open_any_time or (step is not None and step.kind == Step.Kind.QUESTIONS)


def _check_participant(board, participant):
    round = board.round
    check_can_take_part(
        participant,
        capability=ASKING,
        round=round,
        step=round.current_step,
        any_step=board.open_any_time,
    )


def _record(kind, question, *, participant=None, user=None, topics=("questions",), **extra):
    round = question.round
    record_event(
        kind,
        workshop=round.workshop,
        round=round,
        step=question.step,
        participant=participant,
        user=user,
        question=question.pk,
        **extra,
    )
    notify_round(round.pk, *topics)


def clean_question(text):
    """The question as it is kept (spaces collapsed), or a refusal saying what is wrong."""
    text = " ".join((text or "").split())
    if not text:
        raise ActionRefused(_("Write your question first."), status=400)
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in text):
        raise ActionRefused(
            _("The question contains invisible control characters; type it again."), status=400
        )
    if len(text) > QUESTION_MAX_LENGTH:
        raise ActionRefused(
            _("A question can have at most %(max)d characters; this one has %(length)d.")
            % {"max": QUESTION_MAX_LENGTH, "length": len(text)},
            status=400,
        )
    return text


def ask_question(round, participant, *, text):
    """Ask a question from a phone, while questions are open (on every step, or a questions
    step). Effects: a Question (visible, or waiting when the board pre-moderates), a
    ``question.asked`` event with its text, and a push. At most
    ``MAX_OPEN_QUESTIONS_PER_PERSON`` waiting or visible questions per person and round.
    """
    text = clean_question(text)
    with transaction.atomic():
        board = _lock(round)
        _check_participant(board, participant)
        mine = Question.objects.filter(
            round=board.round, participant=participant, status__in=OPEN, answered_at=None
        )
        if mine.count() >= MAX_OPEN_QUESTIONS_PER_PERSON:
            raise ActionRefused(
                _(
                    "You already have %(count)d open questions. Wait until some are answered, "
                    "or withdraw one."
                )
                % {"count": MAX_OPEN_QUESTIONS_PER_PERSON}
            )
        status = Question.Status.WAITING if board.premoderate else Question.Status.VISIBLE
        question = Question.objects.create(
            round=board.round,
            step=board.round.current_step,
            participant=participant,
            text=text,
            status=status,
        )
        _record("question.asked", question, participant=participant, text=text, status=status)
    return question


def withdraw_question(question, participant):
    """The author takes their question back. Effects: status withdrawn (kept in the record),
    a ``question.withdrawn`` event, a push; a pinned question is unpinned."""
    with transaction.atomic():
        board = _lock(question.round)
        question = _question(question, board)
        if question.participant_id != participant.pk:
            raise ActionRefused(_("You can only withdraw your own questions."), status=403)
        if question.status not in OPEN:
            raise ActionRefused(_("That question is no longer on the board."), status=404)
        question.status = Question.Status.WITHDRAWN
        question.save(update_fields=["status"])
        _unpin(board, question)
        _record("question.withdrawn", question, participant=participant)
    return question


def upvote_question(question, participant):
    """Add one upvote to someone else's visible question of a round the person takes part in.

    Effects: a QuestionVote, a ``question.upvoted`` event, a paced push. Refused for one's own
    question, a second vote, and a question that is not on the board.
    """
    with transaction.atomic():
        board = _lock(question.round)
        question = _question(question, board)
        _check_participant(board, participant)
        if question.status != Question.Status.VISIBLE or question.answered_at:
            raise ActionRefused(_("That question is not open for votes."), status=404)
        if question.participant_id == participant.pk:
            raise ActionRefused(_("You cannot vote for your own question."), status=403)
        try:
            with transaction.atomic():
                QuestionVote.objects.create(question=question, participant=participant)
        except IntegrityError:
            raise ActionRefused(_("You have already voted for this question.")) from None
        _record("question.upvoted", question, participant=participant)
    return question


# Moderation --------------------------------------------------------------------------------------


def _check_facilitator(round, by):
    if by is None or not round.workshop.is_facilitated_by(by):
        raise ActionRefused(_("Only the workshop's facilitators can do this."), status=403)
    if round.is_closed:
        raise ActionRefused(_("This round is closed; nothing in it can change."))


def _question(question, board):
    question = Question.objects.select_for_update(of=("self",)).get(pk=question.pk)
    if question.round_id != board.round.pk:
        raise ActionRefused(_("That question belongs to another round."), status=404)
    question.round = board.round
    return question


def _unpin(board, question):
    if board.pinned_id == question.pk:
        board.pinned = None
        board.save(update_fields=["pinned"])


def configure_questions(round, *, open_any_time, premoderate, by):
    """Open questions on every step (or only on questions steps) and turn pre-moderation on or
    off. Effects: the board's settings, a ``questions.configured`` event, an urgent push."""
    with transaction.atomic():
        board = _lock(round)
        _check_facilitator(board.round, by)
        wanted = {"open_any_time": bool(open_any_time), "premoderate": bool(premoderate)}
        changed = {k: v for k, v in wanted.items() if getattr(board, k) != v}
        if changed:
            for name, value in changed.items():
                setattr(board, name, value)
            board.save(update_fields=list(changed))
            record_event(
                "questions.configured",
                workshop=board.round.workshop,
                round=board.round,
                user=by,
                **wanted,
            )
            notify_round(round.pk, "stage", urgent=True)
    return board


MODERATIONS = {
    # action: (statuses it applies to, the new status, the event)
    "approve": ({Question.Status.WAITING}, Question.Status.VISIBLE, "question.approved"),
    "hide": (set(OPEN), Question.Status.HIDDEN, "question.hidden"),
    "show": ({Question.Status.HIDDEN}, Question.Status.VISIBLE, "question.shown"),
}


def moderate_question(question, action, *, by):
    """Approve a waiting question, hide one, or show a hidden one again. Effects: its status,
    a ``question.<approved|hidden|shown>`` event, a push; hiding unpins it."""
    if action not in MODERATIONS:
        raise ActionRefused(_("That is not something a question can be."), status=400)
    applies_to, status, event = MODERATIONS[action]
    with transaction.atomic():
        board = _lock(question.round)
        _check_facilitator(board.round, by)
        question = _question(question, board)
        if question.status not in applies_to:
            raise ActionRefused(_("That question has changed meanwhile; nothing was done."))
        question.status = status
        question.save(update_fields=["status"])
        if status == Question.Status.HIDDEN:
            _unpin(board, question)
        _record(event, question, user=by, topics=AUTHORS_TOO)
    return question


def mark_answered(question, answered, *, by):
    """Move a question to the answered list (or back). Effects: ``answered_at``, a
    ``question.answered`` or ``question.reopened`` event, a push."""
    with transaction.atomic():
        board = _lock(question.round)
        _check_facilitator(board.round, by)
        question = _question(question, board)
        if question.status != Question.Status.VISIBLE:
            raise ActionRefused(_("Only a question on the board can be answered."))
        if bool(question.answered_at) != bool(answered):
            question.answered_at = timezone.now() if answered else None
            question.save(update_fields=["answered_at"])
            _record(
                "question.answered" if answered else "question.reopened",
                question,
                user=by,
                topics=AUTHORS_TOO,
            )
    return question


def merge_question(duplicate, *, into, by):
    """Fold ``duplicate`` into ``into``, a question of the same round on the board: its voters
    (other than the author of ``into``) vote for ``into``, and so does its author. Effects:
    the duplicate merged, votes moved, a ``question.merged`` event, a push."""
    if duplicate.pk == into.pk:
        raise ActionRefused(_("Choose another question to merge into."), status=400)
    with transaction.atomic():
        board = _lock(duplicate.round)
        _check_facilitator(board.round, by)
        duplicate = _question(duplicate, board)
        target = _question(into, board)
        if duplicate.status not in OPEN or target.status != Question.Status.VISIBLE:
            raise ActionRefused(_("Both questions must be on the board to merge them."))
        voters = set(duplicate.votes.values_list("participant_id", flat=True))
        voters.add(duplicate.participant_id)
        voters.discard(target.participant_id)
        already = set(target.votes.values_list("participant_id", flat=True))
        QuestionVote.objects.bulk_create(
            QuestionVote(question=target, participant_id=pk) for pk in voters - already
        )
        duplicate.status = Question.Status.MERGED
        duplicate.merged_into = target
        duplicate.save(update_fields=["status", "merged_into"])
        _unpin(board, duplicate)
        _record("question.merged", duplicate, user=by, into=target.pk, topics=AUTHORS_TOO)
    return target


def pin_question(round, question, *, by):
    """Show ``question`` large on the projector (``None``: nothing pinned). Effects: the board's
    pin, a ``question.pinned`` or ``question.unpinned`` event, an urgent push."""
    with transaction.atomic():
        board = _lock(round)
        _check_facilitator(board.round, by)
        if question is not None:
            question = _question(question, board)
            if question.status != Question.Status.VISIBLE:
                raise ActionRefused(_("Only a question on the board can be pinned."))
        previous = board.pinned_id
        if previous != (question.pk if question else None):
            board.pinned = question
            board.save(update_fields=["pinned"])
            record_event(
                "question.pinned" if question else "question.unpinned",
                workshop=board.round.workshop,
                round=board.round,
                user=by,
                question=question.pk if question else previous,
            )
            notify_round(round.pk, "questions", urgent=True)
    return board


# Reading -----------------------------------------------------------------------------------------


def board_questions(round, *, for_room=True):
    """The round's questions with their vote counts, most votes first, then oldest.

    For the room: the visible ones (withdrawn people's per the workshop's rule left out);
    otherwise, for the console, everything but withdrawn and merged ones. One query.
    """
    questions = Question.objects.filter(round=round)
    if for_room:
        questions = questions.filter(status=Question.Status.VISIBLE).filter(
            still_counted("participant")
        )
    else:
        questions = questions.filter(
            status__in=[Question.Status.WAITING, Question.Status.VISIBLE, Question.Status.HIDDEN]
        )
    return list(
        questions.annotate(
            upvotes=Count("votes", filter=still_counted("votes__participant"))
        ).order_by("-upvotes", "created_at", "pk")
    )


def own_questions(round, participant_ids):
    """{participant id: ([their open questions], {ids of questions they voted for})}, with the
    version of the record it shows (``own_contributions.read_own``: the round's newest
    ``question.`` event; every change of a round's questions locks its board first)."""

    def read():
        found = {pk: ([], set()) for pk in participant_ids}
        for question in Question.objects.filter(
            round=round, participant_id__in=participant_ids, status__in=OPEN
        ).order_by("created_at", "pk"):
            found[question.participant_id][0].append(question)
        for participant_id, question_id in QuestionVote.objects.filter(
            question__round=round, participant_id__in=participant_ids
        ).values_list("participant_id", "question_id"):
            found[participant_id][1].add(question_id)
        return found

    return read_own(round, "question.", read)
