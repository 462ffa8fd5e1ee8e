"""Research exports: a page per workshop for its facilitators and researchers, and the downloads.

Downloads stream (``StreamingHttpResponse``), so a big workshop leaves as it is read.
"""

from asgiref.sync import sync_to_async
from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from facilitation.identifiers import parse_id
from facilitation.recording.models import Recording
from facilitation.research.exports import EXPORT_FORMATS, log_recordings_leaving
from facilitation.research.scope import ExportScope
from facilitation.workshops.models import Workshop


def researched_workshop(request, workshop_id):
    """The workshop, if the user facilitates or researches it; else a 404 (no hint it exists)."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    if not workshop.is_researched_by(request.user):
        raise Http404
    return workshop


@login_required
@require_GET
def console_exports(request, workshop_id):
    workshop = researched_workshop(request, workshop_id)
    return render(
        request,
        "console/exports.html",
        {
            "workshop": workshop,
            "rounds": workshop.rounds.order_by("created_at", "pk"),
            "formats": EXPORT_FORMATS.values(),
            "recordings_by_round": recordings_by_round(workshop),
        },
    )


def recordings_by_round(workshop):
    """round id -> its recordings that have audio, for the page's links and its opt-in."""
    found = {}
    for recording in Recording.objects.filter(round__workshop=workshop, byte_size__gt=0):
        found.setdefault(recording.round_id, []).append(recording)
    return found


@login_required
@require_GET
def console_download_export(request, workshop_id):
    workshop = researched_workshop(request, workshop_id)
    export = EXPORT_FORMATS.get(request.GET.get("format", ""))
    if export is None:
        raise Http404
    round = None
    if request.GET.get("round"):
        round = workshop.rounds.filter(pk=parse_id(request.GET["round"])).first()
        if round is None:
            raise Http404
    scope = ExportScope(
        workshop,
        round,
        include_names=request.GET.get("names") == "1",
        include_recordings=request.GET.get("recordings") == "1",
    )
    log_recordings_leaving(scope, export.key, by=request.user)
    chunks = export.chunks(scope)
    if isinstance(request, ASGIRequest):
        chunks = pieces_in_thread(chunks)
    response = StreamingHttpResponse(chunks, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename(scope)}"'
    # Research records are personal data: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response


async def pieces_in_thread(chunks, size=256 * 1024):
    """Serve a synchronous export under ASGI piece by piece.

    Given a synchronous iterator, Django's ASGI handler reads it whole into a list before
    sending anything; this hands it over in pieces of about ``size`` bytes instead, each read
    in the thread that may use the database.
    """
    iterator = iter(chunks)

    def take():
        piece, taken = [], 0
        for chunk in iterator:
            piece.append(chunk)
            taken += len(chunk)
            if taken >= size:
                break
        return b"".join(piece)

    while piece := await sync_to_async(take)():
        yield piece
