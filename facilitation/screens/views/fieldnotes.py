"""The observer view: a facilitator or researcher follows a round and writes field notes.

Only the workshop's facilitators and researchers see it (anyone else: 404). The step header
follows the round by polling a small fragment every few seconds rather than joining the
facilitator's websocket: that socket admits facilitators only and pushes the whole console,
while observers are a handful of people who need a title and a status. Notes are never pushed
anywhere.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from facilitation.fieldnotes.models import FieldNote
from facilitation.fieldnotes.services import (
    delete_field_note,
    edit_field_note,
    listed_notes,
    may_observe,
    write_field_note,
)
from facilitation.workshops.models import Round
from facilitation.workshops.services import ActionRefused


def observed_round(request, round_id):
    """The round, if the user facilitates or researches its workshop; else a 404."""
    round = get_object_or_404(Round.objects.select_related("workshop", "current_step"), pk=round_id)
    if not may_observe(round.workshop, request.user):
        raise Http404
    return round


def observer_context(round, **extra):
    return {
        "round": round,
        "step": round.current_step,
        "notes": listed_notes(round),
        "attendees": [
            a.participant
            for a in round.attendances.filter(participant__withdrawn_at__isnull=True)
            .select_related("participant")
            .order_by("participant__number")
        ],
        "groups": round.groups.order_by("number"),
        "codes": round.workshop.codes.order_by("name"),
        **extra,
    }


@login_required
@require_GET
def console_observe(request, round_id):
    round = observed_round(request, round_id)
    return render(request, "console/observe.html", observer_context(round))


@login_required
@require_GET
def console_observe_now(request, round_id):
    """The step header alone, polled by the observer view."""
    round = observed_round(request, round_id)
    return render(request, "console/observe.html#now", observer_context(round))


def _after(request, round, action):
    """Do an observer's action; show the notes as they now are, with the refusal's message."""
    error, status, posted = None, 200, {}
    try:
        action()
    except ActionRefused as refusal:
        error, status, posted = refusal.message, refusal.status, request.POST
    if not request.htmx and error is None:
        return redirect("console-observe", round.pk)
    round.refresh_from_db()
    context = observer_context(round, error=error, posted=posted)
    template = "console/observe.html#notes" if request.htmx else "console/observe.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def console_write_field_note(request, round_id):
    round = observed_round(request, round_id)
    return _after(
        request,
        round,
        lambda: write_field_note(
            round,
            by=request.user,
            text=request.POST.get("text", ""),
            participant_id=request.POST.get("participant") or None,
            group_id=request.POST.get("group") or None,
            code_ids=request.POST.getlist("codes"),
        ),
    )


@login_required
@require_POST
def console_delete_field_note(request, round_id, note_id):
    round = observed_round(request, round_id)
    note = get_object_or_404(FieldNote, pk=note_id, round=round)
    return _after(request, round, lambda: delete_field_note(note, by=request.user))


@login_required
@require_POST
def console_edit_field_note(request, round_id, note_id):
    """Reword one's own note; whom it is about and its codes stay as they were."""
    round = observed_round(request, round_id)
    note = get_object_or_404(FieldNote, pk=note_id, round=round)
    return _after(
        request,
        round,
        lambda: edit_field_note(
            note,
            by=request.user,
            text=request.POST.get("text", ""),
            participant_id=note.participant_id,
            group_id=note.group_id,
            code_ids=list(note.codes.values_list("pk", flat=True)),
        ),
    )
