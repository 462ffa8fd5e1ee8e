"""Statements: participants add them, facilitators approve or reject them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from facilitation.deliberation.models import Statement
from facilitation.deliberation.statements import moderate_statement, submit_statement
from facilitation.workshops import services
from facilitation.workshops.models import Step

from .base import (
    act,
    attending,
    facilitated_round,
    join_page,
    participant_browser,
    phone_context,
    round_for_phone,
)


@require_POST
@ratelimit(key=participant_browser, rate="10/m", block=True)
def phone_submit_statement(request, code, step_id):
    round = round_for_phone(code)
    participant = attending(request, round)
    if participant is None:
        return join_page(request, round, error=_("Join this workshop round before answering."))
    step = get_object_or_404(Step, pk=step_id, round=round)
    error, status = None, 200
    try:
        submit_statement(step, participant, request.POST.get("text", ""))
    except services.ActionRefused as refusal:
        error, status = refusal.message, refusal.status
    if not request.htmx:
        if error:
            messages.error(request, error)
        else:
            messages.success(
                request, _("Thank you. Your statement appears once the facilitator approves it.")
            )
        return redirect("phone-round", round.join_code)
    round.refresh_from_db()
    context = {
        # Shown beside the statement form rather than at the top of the stage.
        "statement_error": error,
        "statement_sent": error is None,
        **phone_context(round, participant),
    }
    return render(request, "phone/round.html#stage", context, status=status)


@login_required
@require_POST
def console_moderate_statement(request, round_id, statement_id, decision):
    round = facilitated_round(request, round_id)
    statement = get_object_or_404(Statement, pk=statement_id, step__round=round)
    if decision not in {"approve", "reject"}:
        raise Http404
    approve = decision == "approve"
    return act(request, round, lambda by: moderate_statement(statement, approve=approve, by=by))


# Annotations: participants mark passages of a finding, facilitators moderate them ----------------
