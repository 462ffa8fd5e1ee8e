"""Discussion steps: each breakout group keeps a shared list of notes on the step's prompt.

Each function does its change in one transaction with an event and pushes "discussion" to the
round's screens after commit (paced per audience: phones about once a second, the projector
faster). The facilitator closes notes with the step's lock and shows the report-back on the
projector with ``set_report_back``.
"""

from collections import defaultdict

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from facilitation.live.push import notify_round
from facilitation.workshops.groups import group_of
from facilitation.workshops.models import Step
from facilitation.workshops.participants import still_counted
from facilitation.workshops.services import ActionRefused, record_event
from facilitation.workshops.taking_part import Capability, check_can_take_part

from .answer_kinds.open_text import tidy_text
from .conduct import propose_clause
from .models import DiscussionNote
from .services import switch_step_setting

NOTE_MAX_LENGTH = DiscussionNote._meta.get_field("text").max_length
# Enough for any real discussion; stops one phone from flooding its group's list.
MAX_NOTES_PER_PERSON = 30
WRITING_NOTES = Capability(things=_lazy("notes"), kinds=frozenset({Step.Kind.DISCUSSION}))


def add_note(step, participant, *, group, text):
    """Add a note to the list of ``group``, the participant's group, on a discussion step.

    ``group`` is the group the phone showed when the note was written: if the facilitator has
    moved the person since, the note is refused rather than landing in a list they did not see.
    Effects: a DiscussionNote, a ``discussion.note_added`` event with its text, and a push.
    """
    with transaction.atomic():
        step = _lock(step)
        check_can_take_part(participant, capability=WRITING_NOTES, step=step)
        current = group_of(step.round, participant)
        if current is None:
            raise ActionRefused(
                _("You are not in a group yet. The facilitator will place you."), status=403
            )
        if group is None or group.pk != current.pk:
            raise ActionRefused(
                _("You are in %(group)s now, so your note was not added to another group.")
                % {"group": current.name},
                status=403,
            )
        text = clean_note(text)
        written = DiscussionNote.objects.filter(step=step, participant=participant).count()
        if written >= MAX_NOTES_PER_PERSON:
            raise ActionRefused(
                _("You can add at most %(max)d notes to one discussion.")
                % {"max": MAX_NOTES_PER_PERSON},
                status=400,
            )
        note = DiscussionNote.objects.create(
            step=step, group=current, participant=participant, text=text
        )
        _record("discussion.note_added", note, participant=participant)
    return note


def edit_note(note, participant, *, text):
    """Change the text of one's own note (in whichever group it was written)."""
    with transaction.atomic():
        check_can_take_part(participant, capability=WRITING_NOTES, step=_lock(note.step))
        note = _own(note, participant)
        text = clean_note(text)
        if text != note.text:
            previous, note.text = note.text, text
            note.save(update_fields=["text", "updated_at"])
            _record("discussion.note_edited", note, participant=participant, previous=previous)
    return note


def delete_note(note, participant):
    """Withdraw one's own note: gone from every screen, kept in the record."""
    with transaction.atomic():
        check_can_take_part(participant, capability=WRITING_NOTES, step=_lock(note.step))
        note = _own(note, participant)
        note.deleted = True
        note.save(update_fields=["deleted", "updated_at"])
        _record("discussion.note_deleted", note, participant=participant)
    return note


def set_report_back(step, on, *, by):
    """Show each group's notes on the projector (on) or the groups at work (off)."""
    return switch_step_setting(
        step,
        "report_back",
        on,
        kind=Step.Kind.DISCUSSION,
        not_this_kind=_("Only discussions have a report-back."),
        event="discussion.report_back",
        by=by,
        topics=["stage"],
        urgent=True,
    )


def propose_note_as_clause(note, *, by):
    """Turn a group's note into a proposed clause of the workshop's code of conduct.

    The clause says which group it came from and that the discussion step prompted it; the note
    remembers its clause, so it is proposed once. Effects: those of ``propose_clause``, a
    ``discussion.note_proposed`` event, and the discussion pushed again.
    """
    with transaction.atomic():
        note = (
            DiscussionNote.objects.select_for_update(of=("self",))
            .select_related("step__round__workshop", "group")
            .get(pk=note.pk)
        )
        if note.deleted:
            raise ActionRefused(_("This note was deleted by its author."))
        if note.clause_id:
            raise ActionRefused(_("This note is already a proposed clause."))
        round = note.step.round
        clause = propose_clause(
            round.workshop,
            note.text,
            _("From the notes of %(group)s.") % {"group": note.group.name},
            by_user=by,
            round=round,
            motivated_by=note.step,
        )
        note.clause = clause
        note.save(update_fields=["clause"])
        record_event(
            "discussion.note_proposed",
            workshop=round.workshop,
            round=round,
            step=note.step,
            user=by,
            note=note.pk,
            clause=clause.pk,
            group=note.group.number,
        )
        notify_round(round.pk, "discussion")
    return clause


def clean_note(text):
    """Collapse white space; refuse an empty note or one over the limit, saying the limit."""
    # Control characters (NUL among them: PostgreSQL refuses it) have no place in a note.
    text = tidy_text(text or "", one_line=True)
    if not text:
        raise ActionRefused(_("Write something before adding a note."), status=400)
    if len(text) > NOTE_MAX_LENGTH:
        raise ActionRefused(
            _("A note can have at most %(max)d characters; this one has %(length)d.")
            % {"max": NOTE_MAX_LENGTH, "length": len(text)},
            status=400,
        )
    return text


# Reading -----------------------------------------------------------------------------------------


def notes_by_group(step):
    """The step's notes (deleted ones left out) by group id, oldest first."""
    notes = defaultdict(list)
    for note in step.discussion_notes.filter(still_counted(), deleted=False).order_by(
        "created_at", "pk"
    ):
        notes[note.group_id].append(note)
    return notes


def own_notes(step, participant_ids):
    """Each participant's own notes on the step (deleted ones left out), by participant id."""
    mine = defaultdict(list)
    for note in (
        step.discussion_notes.filter(participant_id__in=participant_ids, deleted=False)
        .select_related("group")
        .order_by("created_at", "pk")
    ):
        mine[note.participant_id].append(note)
    return dict(mine)


# Helpers -----------------------------------------------------------------------------------------


def _lock(step):
    return (
        Step.objects.select_for_update(of=("self", "round"))
        .select_related("round__workshop")
        .get(pk=step.pk)
    )


def _own(note, participant):
    notes = DiscussionNote.objects.select_for_update(of=("self",)).select_related("step", "group")
    note = notes.get(pk=note.pk)
    if note.participant_id != participant.pk:
        raise ActionRefused(_("You can only change your own notes."), status=403)
    if note.deleted:
        raise ActionRefused(_("That note has been deleted."), status=404)
    return note


def _record(kind, note, *, participant=None, user=None, **extra):
    step = note.step
    record_event(
        kind,
        workshop=step.round.workshop,
        round=step.round,
        step=step,
        participant=participant,
        user=user,
        note=note.pk,
        group=note.group.number,
        text=note.text,
        **extra,
    )
    notify_round(step.round_id, "discussion")
