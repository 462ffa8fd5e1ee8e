"""The facilitator chooses what a recap step shows (results of the earlier round, the code of
conduct, the open questions): one form on the step's page, one domain call."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from facilitation.identifiers import parse_ids
from facilitation.recap.services import choose_recap
from facilitation.workshops.models import Step
from facilitation.workshops.services import ActionRefused

from ..recap_stage import recap_picker
from .authoring import step_page
from .base import facilitated_round


@login_required
@require_POST
def console_choose_recap(request, round_id, step_id):
    round = facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round, kind=Step.Kind.RECAP)
    picked = request.POST.getlist("pick")
    show_conduct = bool(request.POST.get("show_conduct"))
    show_questions = bool(request.POST.get("show_questions"))
    ids = parse_ids(picked)
    error, status = None, 200
    if ids is None:
        error, status = _("Choose results from the list."), 400
    else:
        try:
            choose_recap(
                step,
                step_ids=ids,
                show_conduct=show_conduct,
                show_questions=show_questions,
                by=request.user,
            )
        except ActionRefused as refusal:
            error, status = refusal.message, refusal.status
    notice = None if error else _("Saved: the recap shows your choice.")
    posted = (set(picked), show_conduct, show_questions) if error else None
    if request.htmx:
        context = {"round": round, "step": step}
        context.update(recap_picker(step, posted=posted, error=error, notice=notice))
        return render(request, "recap/picker.html#picker", context, status=status)
    if error:
        picker = recap_picker(step, posted=posted, error=error)
        return step_page(request, round, step, status=status, recap_picker=picker)
    messages.success(request, notice)
    return redirect("console-step-edit", round.pk, step.pk)
