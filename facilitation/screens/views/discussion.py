"""Breakout groups and discussions: the facilitator splits the room, groups write notes."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from facilitation.deliberation.discussion import (
    add_note,
    delete_note,
    edit_note,
    propose_note_as_clause,
    set_report_back,
)
from facilitation.deliberation.models import DiscussionNote
from facilitation.identifiers import is_whole_number, parse_id
from facilitation.workshops.groups import (
    dissolve_groups,
    move_to_group,
    person_named,
    place_ungrouped,
    split_into_groups,
)
from facilitation.workshops.models import BreakoutGroup, Step

from .base import (
    act,
    attempt_as_participant,
    back_to_phone,
    console_stage,
    facilitated_round,
    join_page,
    participant_browser,
    phone_context,
)

# Phones ------------------------------------------------------------------------------------------


def _phone_note_action(request, code, action):
    """Do a participant's action on a discussion and show their stage as it now is, with the
    refusal's message if there was one."""
    attempt = attempt_as_participant(request, code, action)
    round = attempt.round
    if attempt.participant is None:
        return join_page(request, round, error=_("Join this workshop round before adding notes."))
    if not request.htmx:
        return back_to_phone(request, attempt)
    round.refresh_from_db()
    context = {"error": attempt.error, **phone_context(round, attempt.participant)}
    return render(request, "phone/round.html#stage", context, status=attempt.status)


def _note_of(round, note_id):
    return get_object_or_404(
        DiscussionNote.objects.select_related("step", "group"), pk=note_id, step__round=round
    )


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_add_note(request, code, step_id):
    def action(round, participant):
        step = get_object_or_404(Step, pk=step_id, round=round)
        group_id = request.POST.get("group", "")
        group = BreakoutGroup.objects.filter(round=round, pk=parse_id(group_id)).first()
        add_note(step, participant, group=group, text=request.POST.get("text", ""))

    return _phone_note_action(request, code, action)


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_edit_note(request, code, note_id):
    def action(round, participant):
        edit_note(_note_of(round, note_id), participant, text=request.POST.get("text", ""))

    return _phone_note_action(request, code, action)


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_delete_note(request, code, note_id):
    def action(round, participant):
        delete_note(_note_of(round, note_id), participant)

    return _phone_note_action(request, code, action)


# Console -----------------------------------------------------------------------------------------


def _whole_number(value):
    value = (value or "").strip()
    return int(value) if is_whole_number(value, max_digits=4) else None


@login_required
@require_POST
def console_split_groups(request, round_id):
    """Split the room: ``method`` random or balanced (by ``attribute``), and ``by`` "count"
    (``number`` groups) or "size" (``number`` people per group)."""
    round = facilitated_round(request, round_id)
    number = _whole_number(request.POST.get("number"))
    by_size = request.POST.get("by") == "size"
    if number is None:
        error = _("Give the number as a whole number, e.g. 4.")
        return console_stage(request, round, error=error, status=400)
    return act(
        request,
        round,
        lambda by: split_into_groups(
            round,
            method=request.POST.get("method", ""),
            attribute=request.POST.get("attribute", ""),
            count=None if by_size else number,
            size=number if by_size else None,
            by=by,
        ),
    )


@login_required
@require_POST
def console_move_to_group(request, round_id):
    """Move the person ``person`` names (a pseudonym or a name) to a group (``group`` a group
    id, or "new" for a new group)."""
    round = facilitated_round(request, round_id)
    target = request.POST.get("group", "")
    group = None
    if target != "new":
        group = BreakoutGroup.objects.filter(round=round, pk=parse_id(target)).first()
        if group is None:
            error = _("Choose the group to move this person to.")
            return console_stage(request, round, error=error, status=400)

    def move(*, by):
        move_to_group(round, person_named(round, request.POST.get("person", "")), group, by=by)

    return act(request, round, move)


@login_required
@require_POST
def console_place_ungrouped(request, round_id):
    round = facilitated_round(request, round_id)
    return act(request, round, lambda by: place_ungrouped(round, by=by))


@login_required
@require_POST
def console_dissolve_groups(request, round_id):
    round = facilitated_round(request, round_id)
    return act(request, round, lambda by: dissolve_groups(round, by=by))


@login_required
@require_POST
def console_report_back(request, round_id, step_id):
    round = facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round)
    on = request.POST.get("on", "")
    if on not in {"0", "1"}:
        error = _("Say whether to show the report-back.")
        return console_stage(request, round, error=error, status=400)
    return act(request, round, lambda by: set_report_back(step, on == "1", by=by))


@login_required
@require_POST
def console_propose_note_as_clause(request, round_id, note_id):
    """The console's "Propose as clause" button on a group's note."""
    round = facilitated_round(request, round_id)
    note = _note_of(round, note_id)
    return act(request, round, lambda by: propose_note_as_clause(note, by=by))
