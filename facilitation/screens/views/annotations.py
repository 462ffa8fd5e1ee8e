"""Annotations: participants mark passages of a finding, facilitators moderate them."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from facilitation.deliberation.annotations import (
    MODERATION,
    annotate,
    delete_annotation,
    edit_annotation,
    merge_annotations,
    moderate_annotation,
    plus_one,
    set_premoderation,
)
from facilitation.deliberation.finding_parts import show_finding_part
from facilitation.deliberation.models import Annotation
from facilitation.identifiers import is_whole_number, parse_id
from facilitation.workshops import services
from facilitation.workshops.models import Step

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


def _phone_annotation_action(request, code, action, *, wall_only=False):
    """Do a participant's action on a finding and show their stage (or just the wall) as it now
    is, with the refusal's message if there was one."""
    attempt = attempt_as_participant(request, code, action)
    round, error, status = attempt.round, attempt.error, attempt.status
    if attempt.participant is None:
        return join_page(request, round, error=_("Join this workshop round before annotating."))
    if not request.htmx:
        return back_to_phone(request, attempt)
    round.refresh_from_db()
    context = phone_context(round, attempt.participant)
    if wall_only and context.get("wall") is not None:
        context["wall_error"] = error
        return render(request, "steps/finding.html#participant-annotations", context, status=status)
    context["error"] = error
    return render(request, "phone/round.html#stage", context, status=status)


def _note_content(request):
    return {
        "note": request.POST.get("note", ""),
        "code_ids": request.POST.getlist("codes"),
        "reaction": request.POST.get("reaction", ""),
    }


def _position(value):
    if not is_whole_number(value.strip(), max_digits=9):
        raise services.ActionRefused(_("Tap a sentence or select a passage first."), status=400)
    return int(value)


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_annotate(request, code, step_id):
    def action(round, participant):
        step = get_object_or_404(Step, pk=step_id, round=round)
        start = _position(request.POST.get("start", ""))
        end = _position(request.POST.get("end", ""))
        annotate(step, participant, start=start, end=end, **_note_content(request))

    return _phone_annotation_action(request, code, action)


def _annotation_of(round, annotation_id):
    return get_object_or_404(
        Annotation.objects.select_related("step"), pk=annotation_id, step__round=round
    )


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_edit_annotation(request, code, annotation_id):
    def action(round, participant):
        annotation = _annotation_of(round, annotation_id)
        edit_annotation(annotation, participant, **_note_content(request))

    return _phone_annotation_action(request, code, action)


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_delete_annotation(request, code, annotation_id):
    def action(round, participant):
        delete_annotation(_annotation_of(round, annotation_id), participant)

    return _phone_annotation_action(request, code, action)


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_plus_one(request, code, annotation_id):
    def action(round, participant):
        plus_one(_annotation_of(round, annotation_id), participant)

    return _phone_annotation_action(request, code, action, wall_only=True)


@login_required
@require_POST
def console_moderate_annotation(request, round_id, annotation_id, action):
    round = facilitated_round(request, round_id)
    annotation = _annotation_of(round, annotation_id)
    if action not in MODERATION:
        raise Http404
    return act(request, round, lambda by: moderate_annotation(annotation, action=action, by=by))


def _note_of(round, value):
    return Annotation.objects.filter(pk=parse_id(value), step__round=round).first()


def _merge(request, round, duplicate, into):
    if duplicate is None:
        error = _("Choose the note to merge (“Merge this”).")
        return console_stage(request, round, error=error, status=400)
    if into is None:
        error = _("Choose the note to merge it into.")
        return console_stage(request, round, error=error, status=400)
    return act(request, round, lambda by: merge_annotations(duplicate, into, by=by))


@login_required
@require_POST
def console_merge_annotation(request, round_id, annotation_id):
    round = facilitated_round(request, round_id)
    annotation = _annotation_of(round, annotation_id)
    return _merge(request, round, annotation, _note_of(round, request.POST.get("into", "")))


@login_required
@require_POST
def console_merge_annotations(request, round_id):
    """The console's one merge picker: the duplicate ("note") and the note to keep ("into")."""
    round = facilitated_round(request, round_id)
    duplicate = _note_of(round, request.POST.get("note", ""))
    return _merge(request, round, duplicate, _note_of(round, request.POST.get("into", "")))


@login_required
@require_POST
def console_premoderation(request, round_id, step_id):
    round = facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round)
    on = request.POST.get("on", "")
    if on not in {"0", "1"}:
        error = _("Say whether notes should wait for approval.")
        return console_stage(request, round, error=error, status=400)
    return act(request, round, lambda by: set_premoderation(step, on == "1", by=by))


@login_required
@require_POST
def console_finding_part(request, round_id, step_id):
    """Show another part of a long finding on the projector (the console's next/previous part)."""
    round = facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round)
    part = request.POST.get("part", "")
    if not part.isdigit() or int(part) < 1:
        error = _("Choose the part of the finding to show.")
        return console_stage(request, round, error=error, status=400)
    return act(request, round, lambda by: show_finding_part(step, part=int(part) - 1, by=by))
