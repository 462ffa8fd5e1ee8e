"""Annotating findings: marking a passage, saying why, tagging it with codes; +1s; moderation.

Each function does its change in one transaction with an event and pushes "annotations" to the
round's screens after commit. Passages are anchored with ``anchoring`` (W3C selectors), so an
annotation finds its passage again after the facilitator corrects the text, or shows as detached.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from facilitation.identifiers import parse_ids
from facilitation.live.push import notify_round
from facilitation.workshops.models import Step
from facilitation.workshops.participants import still_counted
from facilitation.workshops.services import ActionRefused, record_event
from facilitation.workshops.taking_part import Capability, check_can_take_part

from .anchoring import AnchorError, Selector, anchor, describe, heat, sentences
from .answer_kinds.open_text import tidy_text
from .models import Annotation, Code, PlusOne
from .own_contributions import read_own
from .services import switch_step_setting

NOTE_MAX_LENGTH = Annotation._meta.get_field("note").max_length
ANNOTATING = Capability(things=_lazy("notes"), kinds=frozenset({Step.Kind.FINDING}))
# Notes one person may make on one finding (deleted ones count: they stay in the record).
MAX_NOTES_PER_PERSON = 30


def annotate(step, participant, *, start, end, note="", code_ids=(), reaction=""):
    """Mark text[start:end] of a finding, with an optional note, codes and quick reaction.

    Effects: an Annotation (visible, or waiting for approval when the step says
    ``premoderate``), an ``annotation.created`` event with its content, and a push.
    """
    with transaction.atomic():
        step = _lock(step)
        check_can_take_part(participant, capability=ANNOTATING, step=step)
        try:
            selector = describe(step.body, start, end)
        except AnchorError as error:
            raise ActionRefused(str(error), status=400) from error
        fields = _clean_content(step, note=note, code_ids=code_ids, reaction=reaction)
        if Annotation.objects.filter(step=step, participant=participant).count() >= (
            MAX_NOTES_PER_PERSON
        ):
            raise ActionRefused(
                _("You can add at most %(max)d notes to one finding.")
                % {"max": MAX_NOTES_PER_PERSON},
                status=400,
            )
        annotation = Annotation.objects.create(
            step=step,
            participant=participant,
            exact=selector.exact,
            prefix=selector.prefix,
            suffix=selector.suffix,
            start=selector.start,
            end=selector.end,
            note=fields["note"],
            reaction=fields["reaction"],
            status=(
                Annotation.Status.PENDING
                if step.settings.get("premoderate")
                else Annotation.Status.VISIBLE
            ),
        )
        annotation.codes.set(fields["codes"])
        _record("annotation.created", annotation, participant=participant)
    return annotation


def edit_annotation(annotation, participant, *, note="", code_ids=(), reaction=""):
    """Change the note, codes or reaction of one's own annotation (the passage stays)."""
    with transaction.atomic():
        check_can_take_part(participant, capability=ANNOTATING, step=_lock(annotation.step))
        annotation = _own(annotation, participant)
        fields = _clean_content(annotation.step, note=note, code_ids=code_ids, reaction=reaction)
        annotation.note, annotation.reaction = fields["note"], fields["reaction"]
        annotation.save(update_fields=["note", "reaction", "updated_at"])
        annotation.codes.set(fields["codes"])
        _record("annotation.edited", annotation, participant=participant)
    return annotation


def delete_annotation(annotation, participant):
    """Withdraw one's own annotation: gone from every screen, kept in the record."""
    with transaction.atomic():
        check_can_take_part(participant, capability=ANNOTATING, step=_lock(annotation.step))
        annotation = _own(annotation, participant)
        annotation.status = Annotation.Status.DELETED
        annotation.save(update_fields=["status", "updated_at"])
        _record("annotation.deleted", annotation, participant=participant)
    return annotation


def plus_one(annotation, participant):
    """Support someone else's annotation; doing it twice counts once."""
    with transaction.atomic():
        check_can_take_part(participant, capability=ANNOTATING, step=_lock(annotation.step))
        annotation = Annotation.objects.select_related("step__round").get(pk=annotation.pk)
        if annotation.status != Annotation.Status.VISIBLE or annotation.merged_into_id:
            raise ActionRefused(_("That note is no longer on the wall."), status=404)
        if annotation.participant_id == participant.pk:
            raise ActionRefused(_("You cannot +1 your own note."), status=400)
        _given, created = PlusOne.objects.get_or_create(
            annotation=annotation, participant=participant
        )
        if created:
            _record("annotation.plus_one", annotation, participant=participant)
    return annotation


MODERATION = {
    "approve": ("status", Annotation.Status.VISIBLE),
    "hide": ("status", Annotation.Status.HIDDEN),
    "show": ("status", Annotation.Status.VISIBLE),
    "pin": ("pinned", True),
    "unpin": ("pinned", False),
}


def moderate_annotation(annotation, *, action, by):
    """The facilitator approves, hides, shows, pins or unpins an annotation; all is recorded."""
    if action not in MODERATION:
        raise ActionRefused(_("Unknown moderation action."), status=400)
    field, value = MODERATION[action]
    with transaction.atomic():
        _lock_notes_of(annotation.step_id)
        annotation = Annotation.objects.select_for_update().get(pk=annotation.pk)
        if annotation.status == Annotation.Status.DELETED:
            raise ActionRefused(_("Its author has deleted that note."), status=409)
        if annotation.step.round.is_closed:
            raise ActionRefused(_("This round is closed; nothing in it can change."))
        if getattr(annotation, field) != value:
            setattr(annotation, field, value)
            annotation.save(update_fields=[field, "updated_at"])
            _record(f"annotation.{action}", annotation, user=by)
    return annotation


def merge_annotations(duplicate, into, *, by):
    """Fold a duplicate into another annotation of the same finding; its +1s (and its author's
    support) carry over, and the duplicate leaves the wall but stays in the record."""
    with transaction.atomic():
        _lock_notes_of(duplicate.step_id)
        duplicate = Annotation.objects.select_for_update().get(pk=duplicate.pk)
        into = Annotation.objects.select_for_update().get(pk=into.pk)
        if duplicate.pk == into.pk or duplicate.step_id != into.step_id:
            raise ActionRefused(_("Only two different notes on the same finding can be merged."))
        visible = {Annotation.Status.VISIBLE, Annotation.Status.PENDING}
        if duplicate.status not in visible or into.status not in visible or into.merged_into_id:
            raise ActionRefused(_("One of these notes is no longer on the wall."), status=409)
        supporters = set(duplicate.plus_ones.values_list("participant_id", flat=True))
        supporters.add(duplicate.participant_id)
        supporters -= set(into.plus_ones.values_list("participant_id", flat=True))
        supporters.discard(into.participant_id)
        PlusOne.objects.bulk_create(
            [PlusOne(annotation=into, participant_id=pk) for pk in sorted(supporters)]
        )
        duplicate.merged_into = into
        duplicate.save(update_fields=["merged_into", "updated_at"])
        _record("annotation.merged", duplicate, user=by, into=into.pk)
    return into


def set_premoderation(step, on, *, by):
    """Whether new notes on this finding wait for the facilitator's approval (recorded)."""
    return switch_step_setting(
        step,
        "premoderate",
        on,
        kind=Step.Kind.FINDING,
        not_this_kind=_("Only findings have notes to moderate."),
        event="annotation.premoderation",
        by=by,
        topics=["annotations"],
    )


def own_annotations(step, participant_ids):
    """Each participant's own notes on the finding (deleted ones left out), by participant id,
    with the version of the record they show (``own_contributions.read_own``)."""

    def read():
        mine = {}
        annotations = step.annotations.filter(participant_id__in=participant_ids).exclude(
            status=Annotation.Status.DELETED
        )
        for annotation in annotations.prefetch_related("codes", "plus_ones").order_by("pk"):
            mine.setdefault(annotation.participant_id, []).append(annotation)
        return mine

    return read_own(step, "annotation.", read)


# Reading -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """An annotation where it stands in the text now (or detached)."""

    annotation: Annotation
    start: int | None
    end: int | None
    supporters: int

    @property
    def detached(self):
        return self.start is None


def placed_annotations(step, *, for_room=True):
    """The finding's annotations re-anchored in its current text, pinned first, then in order.

    For the room: visible ones only, merged duplicates left out. For the console: everything but
    what authors deleted.
    """
    annotations = step.annotations.exclude(status=Annotation.Status.DELETED).prefetch_related(
        "codes",
        # A +1 of someone who withdrew stops counting, like their own notes.
        Prefetch("plus_ones", queryset=PlusOne.objects.filter(still_counted("participant"))),
    )
    if for_room:
        annotations = annotations.filter(
            still_counted("participant"), status=Annotation.Status.VISIBLE, merged_into=None
        )
    placed = []
    for annotation in annotations:
        found = anchor(step.body, _selector_of(annotation))
        placed.append(
            Placed(
                annotation,
                found.start if found else None,
                found.end if found else None,
                1 + len(annotation.plus_ones.all()),
            )
        )
    return sorted(
        placed,
        key=lambda p: (not p.annotation.pinned, p.detached, p.start or 0, p.annotation.pk),
    )


def heat_map(step, placed=None):
    """For each sentence of the finding: (start, end, text, how many marked it)."""
    placed = placed if placed is not None else placed_annotations(step)
    spans = [(p.start, p.end) for p in placed if not p.detached]
    return [(s, e, step.body[s:e], count) for s, e, count in heat(step.body, spans)]


def sentence_spans(step):
    return sentences(step.body)


# Helpers -----------------------------------------------------------------------------------------


def _lock(step):
    return (
        Step.objects.select_for_update(of=("self", "round"))
        .select_related("round__workshop")
        .get(pk=step.pk)
    )


def _lock_notes_of(step_id):
    """The facilitator's changes of a finding's notes wait for those of participants (who hold
    the step's row with ``_lock``) and for each other, so the notes' events are numbered in the
    order they commit (``own_contributions.read_own``). The round's row is not needed for that."""
    Step.objects.select_for_update().only("pk").get(pk=step_id)


def _own(annotation, participant):
    annotation = (
        Annotation.objects.select_for_update(of=("self",))
        .select_related("step")
        .get(pk=annotation.pk)
    )
    if annotation.participant_id != participant.pk:
        raise ActionRefused(_("You can only change your own notes."), status=403)
    if annotation.status == Annotation.Status.DELETED:
        raise ActionRefused(_("That note has been deleted."), status=404)
    return annotation


def _clean_content(step, *, note, code_ids, reaction):
    # Control characters (NUL among them: PostgreSQL refuses it) have no place in a note.
    note = tidy_text(note or "", one_line=True)
    if len(note) > NOTE_MAX_LENGTH:
        raise ActionRefused(
            _("A note can have at most %(max)d characters; this one has %(length)d.")
            % {"max": NOTE_MAX_LENGTH, "length": len(note)},
            status=400,
        )
    if reaction and reaction not in Annotation.Reaction.values:
        raise ActionRefused(_("That is not one of the quick reactions."), status=400)
    wanted = parse_ids(code_ids)
    if wanted is None:
        raise ActionRefused(_("That code is not in this workshop's codebook."), status=400)
    wanted = set(wanted)
    codes = list(Code.objects.filter(workshop_id=step.round.workshop_id, pk__in=wanted))
    if len(codes) != len(wanted):
        raise ActionRefused(_("That code is not in this workshop's codebook."), status=400)
    return {"note": note, "codes": codes, "reaction": reaction or ""}


def _selector_of(annotation):
    return Selector(
        exact=annotation.exact,
        prefix=annotation.prefix,
        suffix=annotation.suffix,
        start=annotation.start,
        end=annotation.end,
    )


def _record(kind, annotation, *, participant=None, user=None, **extra):
    step = annotation.step
    record_event(
        kind,
        workshop=step.round.workshop,
        round=step.round,
        step=step,
        participant=participant,
        user=user,
        annotation=annotation.pk,
        exact=annotation.exact,
        start=annotation.start,
        end=annotation.end,
        note=annotation.note,
        reaction=annotation.reaction,
        codes=sorted(annotation.codes.values_list("pk", flat=True)),
        status=annotation.status,
        **extra,
    )
    # A facilitator's act also changes what the author sees under "Your notes" (hidden, merged),
    # and is pushed at once: not at the phones' pace, behind the wall's +1s, where the author's
    # message lagged the projector by up to a second and was missed by an author looking up.
    if user is not None:
        notify_round(step.round_id, "annotations", "own-notes", urgent=True)
    else:
        notify_round(step.round_id, "annotations")
