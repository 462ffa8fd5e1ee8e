"""Recording the room: the console's controls and chunk uploads, and a recording's page.

Starting, pausing, stopping and uploading are for the workshop's facilitators; playing for its
facilitators and researchers. Anyone else gets a 404, as on every console page. The controls
answer JSON for ``static/recording.js``: ``{"error": message}`` with a 4xx status when refused.
"""

import re

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from facilitation.screens.views.base import speak_workshop_language
from facilitation.workshops.models import Round
from facilitation.workshops.services import ActionRefused, record_event

from . import services, timeline
from .chapters import webvtt_cues
from .models import Recording

ACTIONS = {
    "pause": services.pause_recording,
    "resume": services.resume_recording,
    "stop": services.stop_recording,
    # A new page takes the recording up again (after a reload or a crash).
    "continue": services.continue_recording,
}
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def _round(request, round_id, allowed):
    round = get_object_or_404(Round.objects.select_related("workshop", "current_step"), pk=round_id)
    if not allowed(round.workshop, request.user):
        raise Http404
    speak_workshop_language(round.workshop)
    return round


def _recording(round, recording_id):
    # Another round's recording id is simply not found here.
    return get_object_or_404(Recording, pk=recording_id, round=round)


def recording_json(recording, *, status=200):
    round_id = recording.round_id
    return JsonResponse(
        {
            "id": recording.pk,
            "status": recording.status,
            "mime_type": recording.mime_type,
            "byte_size": recording.byte_size,
            "chunks_url": reverse("console-recording-chunks", args=[round_id, recording.pk]),
            "next_sequence": recording.chunks.count(),
            "segment": recording.segment,
            "page_url": reverse("console-recording", args=[round_id, recording.pk]),
        },
        status=status,
    )


def refused(refusal):
    return JsonResponse({"error": refusal.message}, status=refusal.status)


@login_required
@require_POST
def console_start_recording(request, round_id):
    round = _round(request, round_id, services.may_record)
    try:
        recording = services.start_recording(
            round, by=request.user, mime_type=request.POST.get("mime_type", "")
        )
    except ActionRefused as refusal:
        return refused(refusal)
    return recording_json(recording, status=201)


@login_required
@require_POST
def console_recording_action(request, round_id, recording_id, action):
    round = _round(request, round_id, services.may_record)
    recording = _recording(round, recording_id)
    if action not in ACTIONS:
        raise Http404
    extra = {"mime_type": request.POST.get("mime_type", "")} if action == "continue" else {}
    try:
        recording = ACTIONS[action](recording, by=request.user, **extra)
    except ActionRefused as refusal:
        return refused(refusal)
    return recording_json(recording)


@login_required
@require_POST
def console_recording_chunk(request, round_id, recording_id):
    round = _round(request, round_id, services.may_record)
    recording = _recording(round, recording_id)
    upload = request.FILES.get("chunk")
    if upload is not None and upload.size > services.max_bytes():
        # Not read into memory at all: it could never fit.
        return refused(services.too_large())
    try:
        chunk, stored = services.store_chunk(
            recording,
            by=request.user,
            sequence=request.POST.get("sequence"),
            segment=request.POST.get("segment", 0),
            data=upload.read() if upload is not None else b"",
        )
    except ActionRefused as refusal:
        return refused(refusal)
    recording.refresh_from_db()
    return JsonResponse(
        {"sequence": chunk.sequence, "stored": stored, "byte_size": recording.byte_size},
        status=201 if stored else 200,
    )


@login_required
@require_GET
def console_recording(request, round_id, recording_id):
    round = _round(request, round_id, services.may_listen)
    recording = _recording(round, recording_id)
    # Who listened when is part of the record.
    record_event(
        "recording.played",
        workshop=round.workshop,
        round=round,
        user=request.user,
        recording=recording.pk,
    )
    marks = timeline.timeline(recording)
    context = {
        "round": round,
        "recording": recording,
        "marks": marks,
        "has_field_notes": any(mark.is_field_note for mark in marks),
        "others": round.recordings.exclude(pk=recording.pk),
    }
    return render(request, "recording/page.html", context)


@login_required
@require_GET
def console_recording_chapters(request, round_id, recording_id):
    """The recording's chapters as a WebVTT file, to go beside the audio in a player or a
    transcription tool."""
    round = _round(request, round_id, services.may_listen)
    recording = _recording(round, recording_id)
    return vtt_response(timeline.chapters_vtt(recording), f"recording-{recording.pk}.vtt")


@login_required
@require_GET
def console_recording_field_notes(request, round_id, recording_id):
    """The field notes written while it ran, as a WebVTT file (each note a cue)."""
    round = _round(request, round_id, services.may_listen)
    recording = _recording(round, recording_id)
    # None written meanwhile: a file without cues (the page offers no link then).
    text = timeline.field_notes_vtt(recording) or webvtt_cues([])
    return vtt_response(text, f"recording-{recording.pk}-field-notes.vtt")


def vtt_response(text, filename):
    response = HttpResponse(text, content_type="text/vtt; charset=utf-8")
    # Inline, so that the page's player can load it as a track; a link downloads it.
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def audio_stream(request, recording, start=0, end=None):
    """The audio's bytes as the server wants them: under ASGI an asynchronous iterator (a
    synchronous one would be read whole into memory first), each chunk read in a thread."""
    pieces = services.read_audio(recording, start, end, chunks=services.audio_chunks(recording))
    if not isinstance(request, ASGIRequest):
        return pieces

    async def each():
        while (
            piece := await sync_to_async(next, thread_sensitive=False)(pieces, None)
        ) is not None:
            yield piece

    return each()


@login_required
@require_GET
def console_recording_audio(request, round_id, recording_id):
    """The audio, the chunks in order; a byte range when asked (so that the player can seek)."""
    round = _round(request, round_id, services.may_listen)
    recording = _recording(round, recording_id)
    total = recording.byte_size
    if request.headers.get("Sec-Fetch-Dest") not in ("audio", "video"):
        # Fetched by anything but the page's player (a download, a tool): who took the audio
        # is part of the record, as a play of the page is.
        record_event(
            "recording.downloaded",
            workshop=round.workshop,
            round=round,
            user=request.user,
            recording=recording.pk,
            range=request.headers.get("Range", "")[:100],
        )
    match = RANGE.match(request.headers.get("Range", "").strip())
    if match and total and (match.group(1) or match.group(2)):
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last) if last else total - 1, total - 1)
        else:
            start, end = max(0, total - int(last)), total - 1
        if start > end or start >= total:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{total}"
            return response
        response = StreamingHttpResponse(
            audio_stream(request, recording, start, end),
            status=206,
            content_type=recording.mime_type,
        )
        response["Content-Range"] = f"bytes {start}-{end}/{total}"
        response["Content-Length"] = str(end - start + 1)
    else:
        response = StreamingHttpResponse(
            audio_stream(request, recording), content_type=recording.mime_type
        )
        response["Content-Length"] = str(total)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    return response
