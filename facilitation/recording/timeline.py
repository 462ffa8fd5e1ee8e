"""A recording's timeline: the round's moments and the observers' field notes on the
recording's own clock, and the stretch of audio each step was on screen.

Everything here reads; nothing changes the record. The recording's page, its WebVTT files and
the research exports (tables, QDA project) all read the same marks from here.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from facilitation.fieldnotes.models import FieldNote
from facilitation.fieldnotes.services import observer_names
from facilitation.workshops.models import Event, Step

from .chapters import chapter_label, webvtt, webvtt_notes
from .models import Recording
from .services import chapters, offset_of, pauses

# How long a field note's cue lasts in its WebVTT file: long enough to be read while playing.
FIELD_NOTE_CUE_SECONDS = 10.0


@dataclass(frozen=True)
class Mark:
    """One moment on a recording's timeline: a round's event (a chapter) or a field note."""

    offset: float  # seconds into the audio
    kind: str  # the event's kind, or "field_note"
    label: str
    step: Step | None
    event: Event | None = None
    field_note: FieldNote | None = None

    @property
    def is_field_note(self):
        return self.field_note is not None


@dataclass(frozen=True)
class StepSpan:
    """A stretch of a recording during which one step was on screen."""

    step: Step
    start: float  # seconds into the audio
    end: float
    started_at: datetime  # the same stretch on the wall clock
    ended_at: datetime

    @property
    def begin_ms(self):
        return round(self.start * 1000)

    @property
    def end_ms(self):
        return round(self.end * 1000)


def chapter_marks(recording):
    """The round's moments between the recording's start and stop, as marks in order."""
    return [
        Mark(offset, event.kind, chapter_label(event), event.step, event=event)
        for offset, event in chapters(recording)
    ]


def field_note_marks(recording, *, notes=None):
    """The field notes written while ``recording`` ran (deleted ones left out), as marks in
    order, each labelled with its observer (O1, O2, ...) and its text. ``notes`` narrows the
    notes drawn from (an export leaves out those its rules remove)."""
    notes = FieldNote.objects.all() if notes is None else notes
    notes = notes.filter(
        round_id=recording.round_id, deleted=False, created_at__gte=recording.started_at
    )
    if recording.stopped_at is not None:
        notes = notes.filter(created_at__lte=recording.stopped_at)
    notes = list(notes.select_related("step").order_by("created_at", "pk"))
    if not notes:
        return []
    observers = observer_names(recording.round.workshop)
    spans = pauses(recording)
    return [
        Mark(
            offset_of(recording, note.created_at, spans),
            "field_note",
            field_note_label(note, observers),
            note.step,
            field_note=note,
        )
        for note in notes
    ]


def field_note_label(note, observers):
    text = " ".join(note.text.split())
    observer = observers.get(note.author_id) or _("observer")
    return _("Field note (%(observer)s): %(text)s") % {
        "observer": observer,
        "text": text[:200] + ("…" if len(text) > 200 else ""),
    }


def timeline(recording, *, notes=None):
    """Every mark of the recording, chapters and field notes together, in order of offset."""
    marks = chapter_marks(recording) + field_note_marks(recording, notes=notes)
    return sorted(marks, key=lambda mark: (mark.offset, mark.is_field_note))


def audio_length(recording):
    """Seconds of audio the recording holds: its duration once stopped; while it runs, up to
    its last stored chunk."""
    if recording.duration_seconds is not None:
        return recording.duration_seconds
    last = recording.chunks.order_by("-sequence").values_list("created_at", flat=True).first()
    return offset_of(recording, last, pauses(recording)) if last else 0.0


def step_spans(recording):
    """The stretches of audio each step was on screen, in order: from the step on screen at the
    start (or the moment a step was shown) to the next step shown, the lobby or the end. A step
    shown twice has two stretches; the lobby has none."""
    started = (
        Event.objects.filter(
            round_id=recording.round_id,
            kind="recording.started",
            payload__recording=recording.pk,
        )
        .select_related("step")
        .first()
    )
    length = audio_length(recording)
    end_at = recording.stopped_at or timezone.now()
    # (offset, moment, step) at each change of what is on screen.
    changes = [(0.0, recording.started_at, started.step if started else None)]
    for offset, event in chapters(recording):
        if event.kind == "step.shown":
            changes.append((min(offset, length), event.created_at, event.step))
    found = []
    for number, (offset, moment, step) in enumerate(changes):
        if step is None:
            continue
        following = changes[number + 1] if number + 1 < len(changes) else (length, end_at, None)
        if following[0] > offset:
            found.append(StepSpan(step, offset, following[0], moment, following[1]))
    return found


def recordings_of(scope):
    """The recordings an export covers (its round, or every round of its workshop), in order."""
    return list(
        scope.in_rounds(Recording.objects.select_related("round__workshop")).order_by(
            "round__created_at", "round_id", "started_at", "pk"
        )
    )


def chapters_vtt(recording):
    """The recording's chapters (the round's moments) as a WebVTT chapters file."""
    marks = chapter_marks(recording)
    return webvtt([(m.offset, m.label) for m in marks], audio_length(recording))


def field_notes_vtt(recording, *, notes=None):
    """The field notes written while it ran as a WebVTT file (each cue shown for a few
    seconds), or None when there are none."""
    marks = field_note_marks(recording, notes=notes)
    if not marks:
        return None
    return webvtt_notes(
        [(m.offset, m.label) for m in marks],
        audio_length(recording),
        seconds=FIELD_NOTE_CUE_SECONDS,
    )
