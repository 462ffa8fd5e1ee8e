"""What a participant gives or takes back: consent, the attributes the research asks, withdrawal."""

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from facilitation.workshops import participants as participation
from facilitation.workshops.services import ActionRefused

from ..identity import participant_from_cookies
from .base import attending, join_page, participant_browser, round_for_phone


class AttributesForm(forms.Form):
    """One optional field per attribute the workshop asks: a choice list or a short text."""

    def __init__(self, workshop, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for attribute in workshop.participant_attributes or []:
            if attribute.get("choices"):
                choices = [("", _("(rather not say)"))] + [(c, c) for c in attribute["choices"]]
                field = forms.ChoiceField(label=attribute["label"], choices=choices, required=False)
            else:
                field = forms.CharField(
                    label=attribute["label"],
                    required=False,
                    max_length=participation.MAX_ANSWER_LENGTH,
                    error_messages={
                        "max_length": gettext_lazy("At most %(limit_value)d characters.")
                    },
                )
            self.fields[attribute["key"]] = field


def participation_page(request, round, participant, *, error=None, form=None, status=200):
    """The page a participant sees instead of the stage, while something comes first: they have
    withdrawn, the consent text waits for their answer, or the research's questions do."""
    context = {"round": round, "participant": participant, "error": error}
    if participant.withdrawn_at is not None:
        return render(request, "phone/withdrawn.html", context, status=status)
    if participation.needs_consent(participant):
        return render(request, "phone/consent.html", context, status=status)
    if participation.should_ask_attributes(participant):
        context["form"] = form or AttributesForm(round.workshop)
        return render(request, "phone/attributes.html", context, status=status)
    return None


def _to_the_stage(round):
    # Just joined: the phone opens with the personal code shown, as it does after joining.
    return redirect(reverse("phone-round", args=[round.join_code]) + "?welcome")


def _participant_or_join_page(request, round):
    participant = attending(request, round)
    if participant is None:
        return None, join_page(request, round, error=_("Join this workshop round first."))
    return participant, None


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_consent(request, code):
    round = round_for_phone(code)
    participant, page = _participant_or_join_page(request, round)
    if page:
        return page
    try:
        participation.give_consent(participant, round=round)
    except ActionRefused as refusal:
        return participation_page(
            request, round, participant, error=refusal.message, status=refusal.status
        )
    return _to_the_stage(round)


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_describe(request, code):
    round = round_for_phone(code)
    participant, page = _participant_or_join_page(request, round)
    if page:
        return page
    form = AttributesForm(round.workshop, request.POST)
    answers = {} if "skip" in request.POST else None
    if answers is None:
        if not form.is_valid():
            message = _("Check the answers marked below.")
            return participation_page(
                request, round, participant, error=message, form=form, status=400
            )
        answers = form.cleaned_data
    try:
        participation.describe_participant(participant, answers, round=round)
    except ActionRefused as refusal:
        return participation_page(
            request, round, participant, error=refusal.message, form=form, status=refusal.status
        )
    return _to_the_stage(round)


@require_http_methods(["GET", "POST"])
@ratelimit(key=participant_browser, rate="60/m", method="POST", block=True)
def phone_withdraw(request, code):
    """GET: what withdrawing means here, and a button to confirm. POST: withdraw."""
    round = round_for_phone(code)
    participant = participant_from_cookies(request.COOKIES, round.workshop_id)
    if participant is None:
        return join_page(request, round, error=_("This browser has not joined this workshop."))
    if request.method == "GET":
        if participant.withdrawn_at is not None:
            return participation_page(request, round, participant)
        return render(request, "phone/withdraw.html", {"round": round, "participant": participant})
    try:
        participation.withdraw(participant, round=round)
    except ActionRefused as refusal:
        return participation_page(
            request, round, participant, error=refusal.message, status=refusal.status
        )
    return redirect("phone-round", round.join_code)
