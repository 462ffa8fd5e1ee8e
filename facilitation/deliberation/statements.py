"""Statements that participants add to a statements step, and the facilitator's moderation.

A participant may submit a statement when the step allows it (``settings["allow_submissions"]``);
it waits, unseen by the room, until a facilitator approves or rejects it. Each function does its
whole change in one transaction, records an event and notifies the round's screens after commit.
"""

import unicodedata

from django.db import transaction
from django.utils.translation import gettext as _

from facilitation.live.push import notify_round
from facilitation.workshops.models import Step
from facilitation.workshops.services import ActionRefused, record_event

from .answer_kinds.statements import not_supported_anonymously
from .models import Statement
from .own_contributions import read_own

# The rules for answering (attending, round live, step current and open) hold for submitting too.
from .services import check_can_answer

STATEMENT_MAX_LENGTH = Statement._meta.get_field("text").max_length
# Statements one participant may have waiting for approval at once, so nobody floods the console.
MAX_WAITING_PER_PARTICIPANT = 5


def clean_statement_text(text):
    """Collapse white space and drop invisible characters; refuse empty or overlong text."""
    visible = "".join(ch for ch in (text or "") if unicodedata.category(ch) not in {"Cc", "Cf"})
    cleaned = " ".join(visible.split())
    if not cleaned:
        raise ActionRefused(_("Write a statement before sending it."), status=400)
    if len(cleaned) > STATEMENT_MAX_LENGTH:
        raise ActionRefused(
            _("A statement can have at most %(max)d characters; this one has %(length)d.")
            % {"max": STATEMENT_MAX_LENGTH, "length": len(cleaned)},
            status=400,
        )
    return cleaned


def _same_text(text):
    return " ".join(text.split()).casefold()


def submit_statement(step, participant, text):
    """Add ``participant``'s statement to ``step``, waiting for a facilitator's approval.

    Refused when the step takes no submissions, answers are closed, the text is empty, longer than
    280 characters or already among the step's statements (ignoring case and spacing), or the
    participant already has several statements waiting. Effects: a pending Statement, a
    ``statement.submitted`` event, and a push of the results (the console lists what waits).
    """
    with transaction.atomic():
        step = (
            Step.objects.select_for_update(of=("self", "round"))
            .select_related("round__workshop")
            .get(pk=step.pk)
        )
        check_can_answer(step, participant)
        if step.kind != Step.Kind.STATEMENTS:
            raise ActionRefused(_("This step takes no statements."), status=400)
        if step.anonymous:
            raise ActionRefused(not_supported_anonymously(), status=400)
        if not step.settings.get("allow_submissions"):
            raise ActionRefused(_("Adding statements is not open for this step."))
        text = clean_statement_text(text)
        existing = step.statements.values_list("text", flat=True)
        if _same_text(text) in {_same_text(other) for other in existing}:
            raise ActionRefused(_("That statement is already on the list."), status=400)
        waiting = step.statements.filter(
            submitted_by=participant, status=Statement.Status.PENDING
        ).count()
        if waiting >= MAX_WAITING_PER_PARTICIPANT:
            raise ActionRefused(
                _(
                    "You have %(count)d statements waiting for approval. "
                    "Send more once the facilitator has looked at them."
                )
                % {"count": waiting}
            )
        statement = Statement.objects.create(
            step=step, text=text, status=Statement.Status.PENDING, submitted_by=participant
        )
        record_event(
            "statement.submitted",
            workshop=step.round.workshop,
            round=step.round,
            step=step,
            participant=participant,
            statement=statement.pk,
            text=text,
        )
        notify_round(step.round_id, "results")
    return statement


def moderate_statement(statement, *, approve, by):
    """Approve a statement (the room sees it and can answer it) or reject it (it disappears).

    Works on statements in any state, so a facilitator can change their mind. Effects: the new
    status, a ``statement.approved`` or ``statement.rejected`` event, and an urgent push: of the
    whole stage when what the room sees changes (its author's stage, rendered for them, says
    that it was approved), else of the console's results and of the author's own statements
    (``own-statements``).
    """
    with transaction.atomic():
        step = (
            Step.objects.select_for_update()
            .select_related("round__workshop")
            .get(pk=statement.step_id)
        )
        locked = Statement.objects.get(pk=statement.pk)
        if step.round.is_closed:
            raise ActionRefused(_("This round is closed; nothing in it can change."))
        status = Statement.Status.APPROVED if approve else Statement.Status.REJECTED
        if locked.status != status:
            previous = locked.status
            locked.status = status
            locked.save(update_fields=["status"])
            record_event(
                f"statement.{status}",
                workshop=step.round.workshop,
                round=step.round,
                step=step,
                user=by,
                statement=locked.pk,
                text=locked.text,
                previous=previous,
            )
            seen_by_room = Statement.Status.APPROVED in {previous, status}
            if seen_by_room:
                notify_round(step.round_id, "stage", urgent=True)
            else:
                # Its author's phone says at once what became of it.
                notify_round(step.round_id, "results", "own-statements", urgent=True)
    statement.refresh_from_db()
    return statement


def own_statements(step, participant_ids):
    """Each participant's own statements on ``step``, by participant id, in the order they sent
    them, whatever became of them (waiting, approved, not accepted): their phone says it. With
    the version of the record they show (``own_contributions.read_own``)."""

    def read():
        mine = {}
        sent = step.statements.filter(submitted_by_id__in=participant_ids)
        for statement in sent.order_by("created_at", "pk"):
            mine.setdefault(statement.submitted_by_id, []).append(statement)
        return mine

    return read_own(step, "statement.", read)
