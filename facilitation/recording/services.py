"""Recording the room: a round's audio, recorded in a facilitator's browser, with the round's
events as its chapters.

A facilitator of a workshop set to be recorded (``Workshop.recorded``, which needs a consent
text) starts a recording of a live or paused round, pauses, resumes and stops it; each change is
one transaction with its event (``recording.started``, ``.paused``, ``.resumed``, ``.stopped``)
and an urgent ``recording`` push, which redraws the "Recording" mark on the projector, every
phone and the console. The browser sends the audio in numbered chunks (``store_chunk``), stored
through Django's default storage; sending a chunk again is harmless, so a reconnect resumes.
"""

import re
from datetime import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from facilitation.live.push import notify_round
from facilitation.workshops.models import Event, Round
from facilitation.workshops.services import ActionRefused, record_event

from . import webm
from .models import Recording, RecordingChunk

# What a browser's MediaRecorder makes of Opus: WebM (Chromium, Firefox) or Ogg (Firefox).
CONTAINERS = {"audio/webm": ".webm", "audio/ogg": ".ogg"}
MIME_TYPE = re.compile(r"^(audio/(?:webm|ogg))(?:;\s*codecs=\"?opus\"?)?$", re.IGNORECASE)
# How each container's first bytes begin: EBML for WebM, the page mark for Ogg.
MAGIC = {"audio/webm": b"\x1a\x45\xdf\xa3", "audio/ogg": b"OggS"}
# The round's events that mark a moment worth hearing: the recording's chapters.
CHAPTER_KINDS = (
    "round.started",
    "round.paused",
    "round.resumed",
    "round.closed",
    "step.shown",
    "results.revealed",
    "results.hidden",
    "voting.locked",
    "voting.unlocked",
    "pass.opened",
    "groups.split",
    "groups.dissolved",
    "discussion.report_back",
    "conduct.clause_accepted",
    "conduct.amendment_accepted",
)


def may_record(workshop, user):
    """Whether ``user`` may start, pause, stop and upload a recording: a facilitator."""
    return user is not None and workshop.is_facilitated_by(user)


def may_listen(workshop, user):
    """Whether ``user`` may play a recording: the workshop's facilitators and researchers."""
    return user is not None and workshop.is_researched_by(user)


def max_bytes():
    return settings.RECORDING_MAX_BYTES


def total_max_bytes():
    return settings.RECORDING_TOTAL_MAX_BYTES


def start_recording(round, *, by, mime_type):
    """Start a new recording of ``round`` in ``mime_type`` (Opus in WebM or Ogg).

    Refused unless ``by`` facilitates the workshop, the workshop is set to be recorded and the
    round runs. Effects: a Recording (status recording), a ``recording.started`` event and an
    urgent ``recording`` push (the mark appears on every screen).
    """
    match = MIME_TYPE.match((mime_type or "").strip())
    if match is None:
        raise ActionRefused(
            _("Recordings are Opus audio in WebM or Ogg; this browser offered “%(type)s”.")
            % {"type": (mime_type or "")[:60]},
            status=400,
        )
    with transaction.atomic():
        round = Round.objects.select_for_update().select_related("workshop").get(pk=round.pk)
        _check_recorder(round.workshop, by)
        if not round.workshop.recorded:
            raise ActionRefused(
                _(
                    "This workshop is not set to be recorded. Turn recording on in its "
                    "participation settings, with a consent text that says so."
                )
            )
        _check_running(round)
        recording = Recording.objects.create(
            round=round,
            started_by=by,
            mime_type=match.group(1).lower(),
            started_at=timezone.now(),
        )
        _record("recording.started", recording, by=by, mime_type=recording.mime_type)
        notify_round(round.pk, "recording", urgent=True)
    return recording


def pause_recording(recording, *, by):
    """Pause a running recording. Effects: status paused, a ``recording.paused`` event, an
    urgent ``recording`` push."""
    return _change(recording, by=by, kind="recording.paused")


def resume_recording(recording, *, by):
    """Resume a paused recording. Effects: status recording, the pause added to the time the
    audio leaves out, a ``recording.resumed`` event, an urgent ``recording`` push."""
    return _change(recording, by=by, kind="recording.resumed")


def stop_recording(recording, *, by):
    """Stop a recording for good (a running or a paused one). Effects: status stopped, its stop
    time, a ``recording.stopped`` event with its size and duration, an urgent ``recording``
    push. Chunks sent after this are refused."""
    return _change(recording, by=by, kind="recording.stopped")


def continue_recording(recording, *, by, mime_type):
    """Take a recording up again from a new page (the one recording it was reloaded, closed or
    crashed): the same recording goes on from its next chunk number.

    Refused unless ``by`` facilitates the workshop, the recording is not stopped, its round
    runs and the browser records the same format. Effects: the time since its last stored
    chunk (or since it was paused) counts as a pause, so the round's events keep their place
    in the audio; the recording runs again under a new ``segment`` number (chunks of the page
    before are refused from now on); a WebM stream is set to be joined to the audio before
    (``webm``); a ``recording.continued`` event with the chunk number it goes on from and the
    gap; an urgent ``recording`` push.
    """
    match = MIME_TYPE.match((mime_type or "").strip())
    with transaction.atomic():
        recording = _locked(recording)
        _check_recorder(recording.round.workshop, by)
        if recording.status == Recording.Status.STOPPED:
            raise ActionRefused(_state_message(recording))
        _check_running(recording.round)
        if match is None or match.group(1).lower() != recording.mime_type:
            raise ActionRefused(
                _(
                    "This recording is %(type)s audio, which this browser does not record. "
                    "Stop it and start a new one."
                )
                % {"type": recording.mime_type},
                status=400,
            )
        now = timezone.now()
        last = recording.chunks.order_by("-sequence").first()
        gap_from = recording.paused_at or (last.created_at if last else recording.started_at)
        gap_from = min(gap_from, now)
        recording.paused_seconds += (now - gap_from).total_seconds()
        recording.status, recording.paused_at = Recording.Status.RECORDING, None
        recording.segment += 1
        next_sequence = last.sequence + 1 if last else 0
        recording.joining = {}
        if next_sequence and recording.mime_type == "audio/webm":
            # The new stream goes on where the audio so far ends (the gap left out of both).
            spans = pauses(recording)
            if spans and spans[-1][1] is None:
                spans[-1] = (spans[-1][0], now)  # paused when the page closed
            else:
                spans.append((gap_from, now))
            recording.joining = webm.new_state(1000 * offset_of(recording, now, spans))
            recording.joining["from_sequence"] = next_sequence
        recording.save(
            update_fields=["status", "paused_at", "paused_seconds", "segment", "joining"]
        )
        _record(
            "recording.continued",
            recording,
            by=by,
            segment=recording.segment,
            sequence=next_sequence,
            gap_from=gap_from.isoformat(),
            gap_seconds=round((now - gap_from).total_seconds(), 3),
        )
        notify_round(recording.round_id, "recording", urgent=True)
    return recording


def stop_running_recordings(round, *, by):
    """Stop every recording of ``round`` that is not stopped (as the round closes), each as
    ``stop_recording`` does. Returns how many were stopped."""
    running = list(round.recordings.exclude(status=Recording.Status.STOPPED))
    for recording in running:
        stop_recording(recording, by=by)
    return len(running)


def _change(recording, *, by, kind):
    allowed = {
        "recording.paused": {Recording.Status.RECORDING},
        "recording.resumed": {Recording.Status.PAUSED},
        "recording.stopped": {Recording.Status.RECORDING, Recording.Status.PAUSED},
    }[kind]
    with transaction.atomic():
        recording = _locked(recording)
        _check_recorder(recording.round.workshop, by)
        if recording.status not in allowed:
            raise ActionRefused(_state_message(recording))
        now = timezone.now()
        if recording.paused_at is not None and kind != "recording.paused":
            recording.paused_seconds += (now - recording.paused_at).total_seconds()
            recording.paused_at = None
        if kind == "recording.paused":
            recording.status, recording.paused_at = Recording.Status.PAUSED, now
        elif kind == "recording.resumed":
            recording.status = Recording.Status.RECORDING
        else:
            recording.status, recording.stopped_at = Recording.Status.STOPPED, now
        recording.save(update_fields=["status", "paused_at", "paused_seconds", "stopped_at"])
        extra = {}
        if kind == "recording.stopped":
            extra = {"byte_size": recording.byte_size, "duration": recording.duration_seconds}
        _record(kind, recording, by=by, **extra)
        notify_round(recording.round_id, "recording", urgent=True)
    return recording


def store_chunk(recording, *, by, sequence, data, segment=0):
    """Store chunk number ``sequence`` (0, 1, 2, ...) of a recording's audio, sent by the page
    recording ``segment`` (0 the first page; see ``continue_recording``).

    ``data`` is the chunk's bytes. A chunk already stored under that number is not stored
    again (the browser may resend after a lost answer): returns ``(chunk, False)``. Refused:
    anyone but a facilitator, a stopped recording or a round that no longer runs, a chunk of a
    page the recording was since taken up from, a number that skips one, an empty chunk, a
    first chunk (of the recording or of a page that took it up) that is not WebM or Ogg audio,
    a chunk that would take the recording over ``RECORDING_MAX_BYTES`` or every recording
    over ``RECORDING_TOTAL_MAX_BYTES`` (413), and a full disk (507). Effects: the file in the
    default storage (a continuing WebM stream joined to the audio before), a RecordingChunk
    row, the recording's size grown. No event and no push: chunks come every few seconds and
    the room sees nothing of them.
    """
    try:
        sequence = int(sequence)
    except (TypeError, ValueError):
        sequence = -1
    if not 0 <= sequence < 2**31:
        raise ActionRefused(_("A chunk needs its number (0, 1, 2, ...)."), status=400)
    try:
        segment = int(segment or 0)
    except (TypeError, ValueError):
        segment = -1
    with transaction.atomic():
        recording = _locked(recording)
        _check_recorder(recording.round.workshop, by)
        if segment != recording.segment:
            raise ActionRefused(
                _(
                    "This recording has been taken up by another page; this page no longer "
                    "records it."
                )
            )
        existing = recording.chunks.filter(sequence=sequence).first()
        if existing is not None:
            return existing, False
        if recording.status == Recording.Status.STOPPED:
            raise ActionRefused(_("This recording has been stopped; it takes no more audio."))
        if recording.round.is_closed:
            raise ActionRefused(_("This round is closed; its recordings take no more audio."))
        expected = recording.chunks.count()
        if sequence != expected:
            raise ActionRefused(
                _("Chunk %(got)d arrived, but chunk %(expected)d is next.")
                % {"got": sequence, "expected": expected}
            )
        if not data:
            raise ActionRefused(_("That chunk is empty."), status=400)
        joining = recording.joining
        first_of_page = sequence == joining.get("from_sequence", 0)
        if first_of_page and not data.startswith(MAGIC[recording.mime_type]):
            raise ActionRefused(
                _("That is not %(type)s audio.") % {"type": recording.mime_type}, status=400
            )
        if joining:
            try:
                data, recording.joining = webm.restamp(data, joining)
            except ValueError as error:
                raise ActionRefused(
                    _("That is not %(type)s audio.") % {"type": recording.mime_type}, status=400
                ) from error
            recording.joining["from_sequence"] = joining["from_sequence"]
        if recording.byte_size + len(data) > max_bytes():
            raise too_large()
        if total_bytes() + len(data) > total_max_bytes():
            raise storage_full()
        name = chunk_name(recording, sequence)
        try:
            stored = default_storage.save(name, ContentFile(data))
        except OSError as error:
            raise ActionRefused(
                _("The server could not store the audio (its disk may be full): %(error)s")
                % {"error": error.strerror or error},
                status=507,
            ) from error
        try:
            chunk = RecordingChunk.objects.create(
                recording=recording, sequence=sequence, name=stored, size=len(data)
            )
        except IntegrityError:
            default_storage.delete(stored)
            raise
        recording.byte_size += len(data)
        recording.save(update_fields=["byte_size", "joining"])
    return chunk, True


def too_large():
    return ActionRefused(
        _("The recording has reached its size limit (%(limit)s). Stop it and start a new one.")
        % {"limit": human_size(max_bytes())},
        status=413,
    )


def total_bytes():
    """Bytes of audio every recording on the server holds together."""
    return Recording.objects.aggregate(total=Sum("byte_size"))["total"] or 0


def storage_full():
    limit = total_max_bytes()
    return ActionRefused(
        _(
            "The server's space for recordings is full (%(limit)s in all). Stop this recording; "
            "an administrator can make room or raise RECORDING_TOTAL_MAX_BYTES."
        )
        % {"limit": human_size(limit)},
        status=507,
    )


def human_size(limit):
    if limit >= 1024**3:
        return f"{limit / 1024**3:.1f} GB"
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} B"


def chunk_name(recording, sequence):
    extension = CONTAINERS[recording.mime_type]
    return f"recordings/{recording.round_id}/{recording.pk}/{sequence:06d}{extension}"


# Reading -----------------------------------------------------------------------------------------


def recording_state(round):
    """What the room's "Recording" mark says: ``"recording"``, ``"paused"`` or None."""
    if round.is_closed:
        return None
    statuses = set(
        Recording.objects.filter(round=round)
        .exclude(status=Recording.Status.STOPPED)
        .values_list("status", flat=True)
    )
    if Recording.Status.RECORDING in statuses:
        return "recording"
    return "paused" if statuses else None


def pauses(recording):
    """The recording's pauses as (start, end) moments, from its events (end None: paused now);
    the gap before a page took it up again is one too."""
    spans = []
    for event in Event.objects.filter(
        round_id=recording.round_id,
        kind__in=(
            "recording.paused",
            "recording.resumed",
            "recording.continued",
            "recording.stopped",
        ),
        payload__recording=recording.pk,
    ).order_by("created_at", "pk"):
        if event.kind == "recording.paused":
            spans.append([event.created_at, None])
        elif spans and spans[-1][1] is None:
            spans[-1][1] = event.created_at
        elif event.kind == "recording.continued" and event.payload.get("gap_from"):
            # The audio lost between the last chunk that arrived and the new page.
            gap_from = datetime.fromisoformat(event.payload["gap_from"])
            spans.append([min(gap_from, event.created_at), event.created_at])
    return [tuple(span) for span in spans]


def offset_of(recording, moment, spans):
    """Seconds into the audio at which ``moment`` falls: time since the start, less the pauses
    before it (a moment during a pause falls where the audio resumes)."""
    seconds = (moment - recording.started_at).total_seconds()
    for start, end in spans:
        if start >= moment:
            break
        seconds -= (min(end or moment, moment) - start).total_seconds()
    return max(0.0, seconds)


def chapters(recording):
    """The round's events between the recording's start and stop that mark a moment (a step
    shown, results revealed, groups split, ...), each with its offset in the audio in seconds,
    as (offset, event) pairs in order."""
    events = Event.objects.filter(
        round_id=recording.round_id,
        kind__in=CHAPTER_KINDS,
        created_at__gte=recording.started_at,
    ).select_related("step")
    if recording.stopped_at is not None:
        events = events.filter(created_at__lte=recording.stopped_at)
    spans = pauses(recording)
    return [
        (offset_of(recording, event.created_at, spans), event)
        for event in events.order_by("created_at", "pk")
    ]


def audio_chunks(recording):
    """The recording's chunks in order, as (storage name, size)."""
    return list(recording.chunks.order_by("sequence").values_list("name", "size"))


def read_audio(recording, start=0, end=None, *, chunks=None):
    """Yield the recording's audio bytes from ``start`` to ``end`` (inclusive; None: the end),
    reading the chunks from the storage one at a time. ``chunks`` (from ``audio_chunks``), when
    given, spares the generator the database, so it can run in any thread."""
    position = 0
    for name, size in audio_chunks(recording) if chunks is None else chunks:
        chunk_start, chunk_end = position, position + size - 1
        position += size
        if chunk_end < start:
            continue
        if end is not None and chunk_start > end:
            break
        with default_storage.open(name, "rb") as file:
            data = file.read()
        low = max(0, start - chunk_start)
        high = size if end is None else min(size, end - chunk_start + 1)
        yield data[low:high]


# Helpers -----------------------------------------------------------------------------------------


def _check_recorder(workshop, user):
    if not may_record(workshop, user):
        raise ActionRefused(_("Only the workshop's facilitators can record the room."), status=403)


def _check_running(round):
    if round.status not in (Round.Status.LIVE, Round.Status.PAUSED):
        raise ActionRefused(_("A round is recorded while it runs; this round is not running."))


def _locked(recording):
    return (
        Recording.objects.select_for_update(of=("self",))
        .select_related("round__workshop")
        .get(pk=recording.pk)
    )


def _state_message(recording):
    return {
        Recording.Status.RECORDING: _("This recording is already running."),
        Recording.Status.PAUSED: _("This recording is paused."),
        Recording.Status.STOPPED: _("This recording has been stopped."),
    }[recording.status]


def _record(kind, recording, *, by, **extra):
    record_event(
        kind,
        workshop=recording.round.workshop,
        round=recording.round,
        step=recording.round.current_step,
        user=by,
        recording=recording.pk,
        **extra,
    )


def log_export(recordings, *, by, format, include_names=False):
    """Record that ``recordings`` left the server in an export (their audio and chapters).

    Effects: one ``recording.exported`` event per recording, naming the format (``by`` None:
    from the command line). Called before the export streams, so that a download cut short is
    in the log too.
    """
    with transaction.atomic():
        for recording in recordings:
            record_event(
                "recording.exported",
                workshop=recording.round.workshop,
                round=recording.round,
                user=by,
                recording=recording.pk,
                format=format,
                include_names=include_names,
            )
