"""Participants' pages: joining, re-joining, the stage, answering."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget
from django_ratelimit.decorators import ratelimit

from facilitation.deliberation.services import submit_answer
from facilitation.workshops import services

from ..answer_forms import answer_form_response
from ..code_guessing import count_unknown_code
from ..forms import JoinCodeForm, JoinForm
from ..identity import participant_from_cookies, remember_participant
from ..stages import PARTICIPANT, stage_context
from .base import (
    answer_on_stage,
    attendee,
    attending,
    join_page,
    participant_browser,
    phone_context,
    round_for_phone,
    step_to_answer,
)
from .consent import participation_page


@require_GET
def home(request):
    form = JoinCodeForm(request.GET or None)
    if form.is_valid():
        try:
            round = services.find_round_to_join(form.cleaned_data["code"])
        except services.ActionRefused as refusal:
            if refusal.status == 404:
                count_unknown_code(request)
            form.add_error("code", refusal.message)
            return render(request, "home.html", {"form": form}, status=refusal.status)
        return redirect("phone-round", round.join_code)
    return render(request, "home.html", {"form": form})


@require_GET
def phone_round(request, code):
    round = round_for_phone(code)
    participant = attending(request, round)
    if participant is None:
        return join_page(request, round)
    # Pushes to this phone are rendered outside any request: they speak what this page speaks.
    services.remember_language(participant, request.LANGUAGE_CODE)
    if page := participation_page(request, round, participant):
        return page
    context = {
        "participant": participant,
        "welcome": "welcome" in request.GET,
        **phone_context(round, participant),
    }
    return render(request, "phone/round.html", context)


# Not limited per address: a hall shares one (guessing codes is, in screens.code_guessing).
@require_POST
def phone_join(request, code):
    round = round_for_phone(code)
    form = JoinForm(request.POST)
    if not form.is_valid():
        return join_page(request, round, join_form=form, status=400)
    try:
        participant = services.join_round(
            round,
            display_name=form.cleaned_data["display_name"],
            participant=participant_from_cookies(request.COOKIES, round.workshop_id),
            language=request.LANGUAGE_CODE,
        )
    except services.ActionRefused as refusal:
        return join_page(
            request, round, join_form=form, error=refusal.message, status=refusal.status
        )
    response = redirect(reverse("phone-round", args=[round.join_code]) + "?welcome")
    remember_participant(response, participant)
    return response


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_vote(request, code, step_id):
    # A hall votes within seconds: this path reads only what the checks and the answer need.
    step = step_to_answer(code, step_id)
    round = step.round
    participant = attendee(request, round)
    if participant is None:
        return join_page(
            request, round_for_phone(code), error=_("Join this workshop round before answering.")
        )
    try:
        response = submit_answer(step, participant, dict(request.POST.lists()))
    except services.ActionRefused as refusal:
        if not request.htmx:
            messages.error(request, refusal.message)
            return redirect("phone-round", round.join_code)
        # The refusal may be news (a lock, a move, a pause): the whole stage, as it is now.
        round = round_for_phone(code)
        context = {
            "error": refusal.message,
            **stage_context(round, PARTICIPANT, answer=answer_on_stage(round, participant)),
        }
        page = render(request, "phone/round.html#stage", context, status=refusal.status)
        return reswap(retarget(page, "#stage"), "outerHTML")
    if not request.htmx:
        return redirect("phone-round", round.join_code)
    # Only what the phone must now show: its own answer marked and the status line. The rest of
    # the stage has not changed, and the room's results come by push at the phones' pace.
    return answer_form_response(request, response)


# Projector ---------------------------------------------------------------------------------------
