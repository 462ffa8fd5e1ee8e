"""The facilitator's pages for a workshop across its rounds: the next round from an earlier one,
what participants are asked (attributes, consent, withdrawal), archiving."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from facilitation.deliberation.conduct import latest_version, open_clauses
from facilitation.deliberation.rounds import RERUNNABLE_KINDS
from facilitation.identifiers import parse_ids
from facilitation.recap.services import has_results, start_round_from
from facilitation.workshops import participants as participation
from facilitation.workshops.models import Step, Workshop
from facilitation.workshops.services import ActionRefused

from .base import facilitated_round, facilitated_workshop


class NewRoundForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title of the new round"), max_length=200)


@login_required
@require_http_methods(["GET", "POST"])
def console_new_round(request, round_id):
    """Choose what of ``round``'s agenda the next round copies, what it asks again, and whether
    it opens with a recap of ``round``."""
    source = facilitated_round(request, round_id)
    steps = list(source.ordered_steps())
    error, status = None, 200
    if request.method == "POST":
        form = NewRoundForm(request.POST)
        chosen = request.POST.getlist("copy")
        reruns = request.POST.getlist("rerun")
        with_recap = bool(request.POST.get("recap"))
        if parse_ids(chosen + reruns) is None:
            error, status = _("Choose steps from the list."), 400
        elif form.is_valid():
            try:
                round = start_round_from(
                    source,
                    title=form.cleaned_data["title"],
                    step_ids=chosen,
                    rerun_ids=[r for r in reruns if r in chosen],
                    with_recap=with_recap,
                    by=request.user,
                )
            except ActionRefused as refusal:
                error, status = refusal.message, refusal.status
            else:
                messages.success(
                    request, _("The new round is a draft: check its agenda, then start it.")
                )
                return redirect("console-round", round.pk)
        else:
            status = 400
        chosen_ids, rerun_ids = set(chosen), set(reruns)
    else:
        form = NewRoundForm(initial={"title": _("%(title)s (continued)") % {"title": source.title}})
        # An earlier recap looks back further than the new round needs: not copied unless ticked.
        chosen_ids = {str(step.pk) for step in steps if step.kind != Step.Kind.RECAP}
        with_recap = has_results(source)
        rerun_ids = {str(step.pk) for step in steps if step.kind in RERUNNABLE_KINDS}
    rows = [
        {
            "step": step,
            "copy": str(step.pk) in chosen_ids,
            "rerunnable": step.kind in RERUNNABLE_KINDS,
            "rerun": str(step.pk) in rerun_ids,
        }
        for step in steps
    ]
    context = {
        "source": source,
        "form": form,
        "rows": rows,
        "error": error,
        "code_version": latest_version(source.workshop),
        "open_clauses": open_clauses(source.workshop),
        "with_recap": with_recap,
    }
    return render(request, "console/new_round.html", context, status=status)


class ParticipationForm(forms.Form):
    attributes = forms.CharField(
        label=gettext_lazy("Questions for the research"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy(
            "One question per line, asked once of each participant; every answer is optional. "
            "To offer choices, add them after a colon, separated by commas, e.g. "
            "“Role: Communicator, Manager, Other”."
        ),
    )
    consent_text = forms.CharField(
        label=gettext_lazy("Consent text"),
        required=False,
        max_length=participation.CONSENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "If you write one, participants must accept it before taking part. Markdown."
        ),
    )
    on_withdrawal = forms.ChoiceField(
        label=gettext_lazy("When a participant withdraws"),
        choices=Workshop.Withdrawal.choices,
        widget=forms.RadioSelect,
    )
    recorded = forms.BooleanField(
        label=gettext_lazy("This workshop is recorded"),
        required=False,
        help_text=gettext_lazy(
            "The room's audio is recorded from the console. Participants are told before they "
            "take part; the consent text must say so."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def console_participation(request, workshop_id):
    workshop = facilitated_workshop(request, workshop_id)
    error, status = None, 200
    if request.method == "POST":
        form = ParticipationForm(request.POST)
        if form.is_valid():
            try:
                participation.configure_participation(
                    workshop, by=request.user, **form.cleaned_data
                )
            except ActionRefused as refusal:
                error, status = refusal.message, refusal.status
            else:
                messages.success(request, _("Saved."))
                return redirect("console-participation", workshop.pk)
        else:
            status = 400
    else:
        form = ParticipationForm(
            initial={
                "attributes": participation.attributes_as_text(workshop.participant_attributes),
                "consent_text": workshop.consent_text,
                "on_withdrawal": workshop.on_withdrawal,
                "recorded": workshop.recorded,
            }
        )
    withdrawn = workshop.participants.exclude(withdrawn_at=None).count()
    context = {"workshop": workshop, "form": form, "error": error, "withdrawn": withdrawn}
    return render(request, "console/participation.html", context, status=status)


@login_required
@require_POST
def console_archive(request, workshop_id, action):
    workshop = facilitated_workshop(request, workshop_id)
    if action == "archive":
        participation.archive_workshop(workshop, by=request.user)
        messages.success(
            request, _("“%(title)s” is archived. Find it under “Archived”.") % {"title": workshop}
        )
        return redirect("console-home")
    if action == "unarchive":
        participation.unarchive_workshop(workshop, by=request.user)
        messages.success(request, _("“%(title)s” is back in your workshops.") % {"title": workshop})
        return redirect("console-home")
    raise Http404
