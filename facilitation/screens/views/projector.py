"""The projector: read-only, opened from the console (a facilitator's own browser adds keys)."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from facilitation.workshops.models import Round

from ..stages import PROJECTOR, public_base_url, stage_context
from .base import speak_workshop_language


@require_GET
def projector(request, key):
    round = get_object_or_404(
        Round.objects.select_related("workshop", "current_step"), projector_key=key
    )
    speak_workshop_language(round.workshop)
    base_url = public_base_url(request.build_absolute_uri("/"))
    context = stage_context(round, PROJECTOR, base_url=base_url)
    # A facilitator's own browser may drive the room from here with keys; for anyone else the
    # projector stays read-only (the keys' endpoints check the same again).
    context["drives"] = round.workshop.is_facilitated_by(request.user)
    return render(request, "projector/round.html", context)
