"""Field notes: what the workshop's facilitators and researchers observe while a round runs.

A note is tied to the step on screen when it was written (none in the lobby), optionally to a
participant (by pseudonym) or a breakout group, and coded with the workshop's codebook. Notes
are never shown to participants or on the projector: no function here pushes to the round's
screens, and the observer view reads them over HTTP only. Each change is one transaction with
its event (``fieldnote.written``, ``.edited``, ``.deleted``), so the facilitation log and the
exports can tell what was observed when.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from facilitation.deliberation.models import Code
from facilitation.workshops.models import BreakoutGroup, Participant, Round
from facilitation.workshops.services import ActionRefused, record_event

from .models import FieldNote

TEXT_MAX_LENGTH = FieldNote._meta.get_field("text").max_length
# The observer view lists this many of a round's notes, newest first (the exports hold all).
LISTED = 50


def may_observe(workshop, user):
    """Whether ``user`` may observe the workshop's rounds: its facilitators and researchers."""
    return workshop.is_researched_by(user)


def write_field_note(round, *, by, text, participant_id=None, group_id=None, code_ids=()):
    """Write a field note on ``round``, tied to the step on screen now (none in the lobby).

    ``participant_id`` (someone attending the round), ``group_id`` (one of its breakout groups)
    and ``code_ids`` (of the workshop's codebook) are optional. Effects: a FieldNote with its
    codes, and a ``fieldnote.written`` event with its whole content. Nothing is pushed: notes
    are not for the room.
    """
    with transaction.atomic():
        round = Round.objects.select_for_update().select_related("workshop").get(pk=round.pk)
        _check_observer(round.workshop, by)
        if round.status not in (Round.Status.LIVE, Round.Status.PAUSED):
            raise ActionRefused(
                _("Field notes are written while the round runs; this round is not running.")
            )
        text = clean_text(text)
        participant = _participant(round, participant_id)
        group = _group(round, group_id)
        codes = _codes(round.workshop, code_ids)
        note = FieldNote.objects.create(
            round=round,
            step_id=round.current_step_id,
            author=by,
            participant=participant,
            group=group,
            text=text,
        )
        note.codes.set(codes)
        _record("fieldnote.written", note, by=by, codes=codes)
    return note


def edit_field_note(note, *, by, text, participant_id=None, group_id=None, code_ids=()):
    """Change one's own field note: its text, whom it is about, its codes.

    Effects: the FieldNote updated (its step and time stay), and a ``fieldnote.edited`` event
    with the new content and the previous text.
    """
    with transaction.atomic():
        note = _own(note, by)
        round = note.round
        text = clean_text(text)
        participant = _participant(round, participant_id, keep=note.participant_id)
        group = _group(round, group_id)
        codes = _codes(round.workshop, code_ids)
        previous = note.text
        note.text, note.participant, note.group = text, participant, group
        note.save(update_fields=["text", "participant", "group", "updated_at"])
        note.codes.set(codes)
        _record("fieldnote.edited", note, by=by, codes=codes, previous=previous)
    return note


def delete_field_note(note, *, by):
    """Take back one's own field note: gone from the observer view and the QDA project and
    transcript, kept in the tables (``deleted``). Effects: the flag and a ``fieldnote.deleted``
    event."""
    with transaction.atomic():
        note = _own(note, by)
        note.deleted = True
        note.save(update_fields=["deleted", "updated_at"])
        _record("fieldnote.deleted", note, by=by, codes=list(note.codes.all()))
    return note


def clean_text(text):
    """Line breaks as ``\\n`` (offsets are the same in every tool), trimmed; refuse empty or
    too long, saying the limit."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ActionRefused(_("Write something before saving a field note."), status=400)
    if len(text) > TEXT_MAX_LENGTH:
        raise ActionRefused(
            _("A field note can have at most %(max)d characters; this one has %(length)d.")
            % {"max": TEXT_MAX_LENGTH, "length": len(text)},
            status=400,
        )
    return text


# Reading -----------------------------------------------------------------------------------------


def listed_notes(round):
    """The round's field notes the observer view lists: newest first, deleted ones left out."""
    return (
        FieldNote.objects.filter(round=round, deleted=False)
        .select_related("step", "participant", "group", "author")
        .prefetch_related("codes")
        .order_by("-created_at", "-pk")[:LISTED]
    )


def observer_names(workshop):
    """user id -> "O1", "O2", ...: observers numbered in the order of their first field note in
    the workshop, so exports never name an account and the numbers are the same in every
    export of the workshop."""
    names = {}
    for user_id in (
        FieldNote.objects.filter(round__workshop=workshop, author__isnull=False)
        .order_by("created_at", "pk")
        .values_list("author_id", flat=True)
    ):
        names.setdefault(user_id, f"O{len(names) + 1}")
    return names


# Helpers -----------------------------------------------------------------------------------------


def _check_observer(workshop, user):
    if user is None or not may_observe(workshop, user):
        raise ActionRefused(
            _("Only the workshop's facilitators and researchers can write field notes."),
            status=403,
        )


def _own(note, by):
    note = (
        FieldNote.objects.select_for_update(of=("self",))
        .select_related("round__workshop")
        .get(pk=note.pk)
    )
    _check_observer(note.round.workshop, by)
    if note.author_id != by.pk:
        raise ActionRefused(_("You can only change your own field notes."), status=403)
    if note.deleted:
        raise ActionRefused(_("That field note has been deleted."), status=404)
    return note


def _id(value):
    """A database id from a form value, or None for "none"; anything else is refused."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 0 < number < 2**63:
        raise ValueError
    return number


def _participant(round, participant_id, *, keep=None):
    try:
        pk = _id(participant_id)
    except ValueError:
        pk = 0
    if pk is None:
        return None
    participant = Participant.objects.filter(
        pk=pk, workshop=round.workshop, attendances__round=round
    ).first()
    if participant is None:
        raise ActionRefused(_("That participant is not in this round."), status=400)
    # A note already about someone who withdrew since may keep them; a new link may not.
    if participant.withdrawn_at is not None and participant.pk != keep:
        raise ActionRefused(
            _("%(pseudonym)s has withdrawn from the workshop; write the note without them.")
            % {"pseudonym": participant.pseudonym},
            status=400,
        )
    return participant


def _group(round, group_id):
    try:
        pk = _id(group_id)
    except ValueError:
        pk = 0
    if pk is None:
        return None
    group = BreakoutGroup.objects.filter(pk=pk, round=round).first()
    if group is None:
        raise ActionRefused(_("That group is not in this round."), status=400)
    return group


def _codes(workshop, code_ids):
    try:
        pks = {_id(value) for value in code_ids or ()} - {None}
    except ValueError:
        pks = {0}
    codes = list(Code.objects.filter(pk__in=pks, workshop=workshop).order_by("name"))
    if len(codes) != len(pks):
        raise ActionRefused(_("That code is not in this workshop's codebook."), status=400)
    return codes


def _record(kind, note, *, by, codes, **extra):
    record_event(
        kind,
        workshop=note.round.workshop,
        round=note.round,
        step=note.step,
        user=by,
        field_note=note.pk,
        text=note.text,
        about=note.participant_id,
        group=note.group.number if note.group else None,
        codes=[code.name for code in codes],
        **extra,
    )
