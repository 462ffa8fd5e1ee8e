"""The facilitator's console: the round's lifecycle and the current step."""

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from facilitation.deliberation.conduct import freeze_round_version
from facilitation.deliberation.models import Response
from facilitation.deliberation.moderation import set_answer_hidden
from facilitation.deliberation.services import open_second_pass
from facilitation.identifiers import is_whole_number, parse_id
from facilitation.recording.services import stop_running_recordings
from facilitation.workshops import services
from facilitation.workshops.models import Step, Workshop

from ..stages import FACILITATOR, public_base_url, stage_context
from .base import (
    act,
    console_stage,
    facilitated_round,
)


@login_required
@require_GET
def console_home(request):
    # Archived workshops leave the list; "?archived=1" lists them to open, export or unarchive.
    archived = request.GET.get("archived") == "1"
    workshops = Workshop.objects.filter(
        facilitators=request.user, archived_at__isnull=not archived
    ).prefetch_related("rounds")
    researched = Workshop.objects.filter(researchers=request.user).exclude(
        facilitators=request.user
    )
    context = {"workshops": workshops, "archived": archived, "researched": researched}
    return render(request, "console/home.html", context)


@login_required
@require_GET
def console_round(request, round_id):
    round = facilitated_round(request, round_id)
    base_url = public_base_url(request.build_absolute_uri("/"))
    return render(
        request, "console/round.html", stage_context(round, FACILITATOR, base_url=base_url)
    )


def close_round(round, *, by):
    """Close the round, freeze the workshop's code of conduct as a version named after it, and
    stop the round's recordings that still run."""
    with transaction.atomic():
        services.close_round(round, by=by)
        freeze_round_version(round, by=by)
        stop_running_recordings(round, by=by)
    return round


ROUND_ACTIONS = {
    "start": services.start_round,
    "pause": services.pause_round,
    "resume": services.resume_round,
    "close": close_round,
    "next": lambda round, by: services.move_through_agenda(round, 1, by=by),
    "previous": lambda round, by: services.move_through_agenda(round, -1, by=by),
    "blank": lambda round, by: services.blank_projector(round, blank=True, by=by),
    "unblank": lambda round, by: services.blank_projector(round, blank=False, by=by),
    "show-join": lambda round, by: services.show_join_overlay(round, shown=True, by=by),
    "hide-join": lambda round, by: services.show_join_overlay(round, shown=False, by=by),
}
STEP_ACTIONS = {
    "lock": services.lock_voting,
    "unlock": services.unlock_voting,
    "reveal": services.reveal_results,
    "conceal": services.conceal_results,
    "second-pass": open_second_pass,
}


@login_required
@require_POST
def console_round_action(request, round_id, action):
    round = facilitated_round(request, round_id)
    if action not in ROUND_ACTIONS:
        raise Http404
    return act(request, round, ROUND_ACTIONS[action], round)


@login_required
@require_POST
def console_go_to(request, round_id):
    round = facilitated_round(request, round_id)
    target = request.POST.get("step", "")
    step = None
    if target != "lobby":
        step = Step.objects.filter(round=round, pk=parse_id(target)).first()
        if step is None:
            return console_stage(
                request, round, error=_("That step is not on this agenda."), status=400
            )
    return act(request, round, services.go_to_step, round, step)


@login_required
@require_POST
def console_step_action(request, round_id, step_id, action):
    round = facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round)
    if action not in STEP_ACTIONS:
        raise Http404
    return act(request, round, STEP_ACTIONS[action], step)


@login_required
@require_POST
def console_start_timer(request, round_id, step_id):
    round = facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round)
    seconds = request.POST.get("seconds", "")
    seconds = int(seconds) if is_whole_number(seconds, max_digits=6) else None
    return act(request, round, lambda by: services.start_timer(step, seconds=seconds, by=by))


@login_required
@require_POST
def console_answer_visibility(request, round_id, response_id):
    """Hide a participant's answer from the room, or show it again (``hidden`` is 1 or 0)."""
    round = facilitated_round(request, round_id)
    response = get_object_or_404(Response, pk=response_id, step__round=round)
    hidden = request.POST.get("hidden", "")
    if hidden not in {"0", "1"}:
        error = _("Say whether to hide or show the answer.")
        return console_stage(request, round, error=error, status=400)
    return act(request, round, lambda by: set_answer_hidden(response, hidden == "1", by=by))


# Statements: participants add them, facilitators approve or reject them ---------------------------
