"""Authoring: facilitators set up workshops, rounds and agendas, and share them as templates.

Every write is a POST to a thin view that calls one domain function (``workshops.authoring``,
``deliberation.authoring``, ``deliberation.workshop_templates``); refusals come back as messages
on the page, with what was typed kept in the form.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from facilitation.deliberation import authoring as agenda
from facilitation.deliberation.step_content import spec_of
from facilitation.deliberation.workshop_templates import (
    TemplateRefused,
    import_template,
    parse_template,
    template_json,
)
from facilitation.workshops import authoring
from facilitation.workshops.models import Round, Step, Workshop
from facilitation.workshops.services import ActionRefused, create_round

from ..authoring_forms import (
    InviteForm,
    OptionFormSet,
    RoundForm,
    StatementFormSet,
    StepForm,
    TemplateImportForm,
    WorkshopForm,
    options_of,
    statements_of,
)
from ..recap_stage import recap_picker
from ..stages import PARTICIPANT, PROJECTOR, public_base_url, stage_context
from .base import facilitated_round, facilitated_workshop

# Workshops --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def workshop_new(request):
    # A new workshop starts in the language its facilitator is using.
    form = WorkshopForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        workshop = authoring.create_workshop(by=request.user, **form.cleaned_data)
        messages.success(request, _("Workshop created. Add its first round below."))
        return redirect("console-workshop", workshop.pk)
    return render(request, "authoring/workshop_new.html", {"form": form})


def _workshop_page(request, workshop, *, status=200, **forms):
    context = {
        "workshop": workshop,
        "rounds": workshop.rounds.order_by("created_at", "pk"),
        "facilitators": workshop.facilitators.order_by("username"),
        "workshop_form": forms.get("workshop_form") or WorkshopForm(instance=workshop),
        "round_form": forms.get("round_form") or RoundForm(),
        "invite_form": forms.get("invite_form") or InviteForm(),
    }
    return render(request, "authoring/workshop.html", context, status=status)


@login_required
@require_GET
def workshop_page(request, workshop_id):
    return _workshop_page(request, facilitated_workshop(request, workshop_id))


@login_required
@require_POST
def workshop_edit(request, workshop_id):
    workshop = facilitated_workshop(request, workshop_id)
    form = WorkshopForm(request.POST, instance=Workshop.objects.get(pk=workshop.pk))
    if not form.is_valid():
        return _workshop_page(request, workshop, workshop_form=form, status=400)
    authoring.update_workshop(workshop, by=request.user, **form.cleaned_data)
    messages.success(request, _("Workshop saved."))
    return redirect("console-workshop", workshop.pk)


@login_required
@require_POST
def round_new(request, workshop_id):
    workshop = facilitated_workshop(request, workshop_id)
    form = RoundForm(request.POST)
    if not form.is_valid():
        return _workshop_page(request, workshop, round_form=form, status=400)
    round = create_round(workshop, title=form.cleaned_data["title"], by=request.user)
    messages.success(request, _("Round created. Add its steps."))
    return redirect("console-agenda", round.pk)


@login_required
@require_POST
def facilitator_invite(request, workshop_id):
    workshop = facilitated_workshop(request, workshop_id)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            user = authoring.invite_facilitator(
                workshop, username=form.cleaned_data["username"], by=request.user
            )
        except ActionRefused as refusal:
            form.add_error("username", refusal.message)
        else:
            messages.success(
                request,
                _("%(name)s now co-facilitates this workshop.") % {"name": user.get_username()},
            )
            return redirect("console-workshop", workshop.pk)
    return _workshop_page(request, workshop, invite_form=form, status=400)


@login_required
@require_GET
def workshop_export(request, workshop_id):
    workshop = facilitated_workshop(request, workshop_id)
    response = HttpResponse(template_json(workshop), content_type="application/json")
    name = slugify(workshop.title)[:60] or "workshop"
    response["Content-Disposition"] = f'attachment; filename="{name}-template.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def workshop_import(request):
    form = TemplateImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            workshop = import_template(
                parse_template(form.cleaned_data["template"]), by=request.user
            )
        except TemplateRefused as refusal:
            problems = refusal.problems
        else:
            messages.success(request, _("Template imported: its rounds are drafts, ready to edit."))
            return redirect("console-workshop", workshop.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "authoring/import.html", {"form": form, "problems": problems}, status=status
    )


# A round's agenda -------------------------------------------------------------------------------


def _agenda_context(round, **extra):
    steps = list(round.ordered_steps().prefetch_related("options"))
    return {
        "round": round,
        "workshop": round.workshop,
        "steps": steps,
        "kinds": Step.Kind.choices,
        "deleted": agenda.deleted_steps(round)[:5],
        "round_form": extra.pop("round_form", None) or RoundForm(instance=round),
        **extra,
    }


@login_required
@require_GET
def agenda_page(request, round_id):
    round = facilitated_round(request, round_id)
    return render(request, "authoring/agenda.html", _agenda_context(round))


@login_required
@require_POST
def round_rename(request, round_id):
    round = facilitated_round(request, round_id)
    form = RoundForm(request.POST, instance=Round.objects.get(pk=round.pk))
    if not form.is_valid():
        context = _agenda_context(round, round_form=form)
        return render(request, "authoring/agenda.html", context, status=400)
    authoring.rename_round(round, title=form.cleaned_data["title"], by=request.user)
    messages.success(request, _("Round renamed."))
    return redirect("console-agenda", round.pk)


def _agenda_answer(request, round, *, notice=None, error=None, undo=None, status=200):
    """The agenda after an action: its list for htmx, else the page (with a message)."""
    if request.htmx:
        round.refresh_from_db()
        context = _agenda_context(round, notice=notice, error=error, undo=undo)
        return render(request, "authoring/agenda.html#steps", context, status=status)
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect("console-agenda", round.pk)


ARRANGEMENTS = {
    "up": lambda step, by: agenda.move_step(step, -1, by=by),
    "down": lambda step, by: agenda.move_step(step, 1, by=by),
    "duplicate": agenda.duplicate_step,
    "delete": agenda.delete_step,
}


@login_required
@require_POST
def step_arrange(request, round_id, step_id, action):
    """Move a step up or down, duplicate it or delete it (with undo)."""
    round = facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round)
    if action not in ARRANGEMENTS:
        raise Http404
    try:
        result = ARRANGEMENTS[action](step, by=request.user)
    except ActionRefused as refusal:
        return _agenda_answer(request, round, error=refusal.message, status=refusal.status)
    notice = {
        "up": _("“%(title)s” moved up."),
        "down": _("“%(title)s” moved down."),
        "duplicate": _("“%(title)s” duplicated."),
        "delete": _("“%(title)s” deleted."),
    }[action] % {"title": step.title}
    undo = result if action == "delete" else None
    return _agenda_answer(request, round, notice=notice, undo=undo)


@login_required
@require_POST
def step_restore(request, round_id, event_id):
    round = facilitated_round(request, round_id)
    try:
        step = agenda.restore_step(round, event_id, by=request.user)
    except ActionRefused as refusal:
        return _agenda_answer(request, round, error=refusal.message, status=refusal.status)
    return _agenda_answer(request, round, notice=_("“%(title)s” restored.") % {"title": step.title})


# Editing one step -------------------------------------------------------------------------------


def _option_initial(step):
    return [
        {
            "id": option.pk,
            "label": option.label,
            "explanation": option.explanation,
            "honours": option.honours,
            "strains": option.strains,
            "ORDER": number,
        }
        for number, option in enumerate(step.options.order_by("position"), start=1)
    ]


def _statement_initial(step):
    own = step.statements.filter(submitted_by__isnull=True).exclude(status="rejected")
    return [{"text": s.text, "ORDER": n} for n, s in enumerate(own, start=1)]


def _step_forms(request, kind, step=None):
    spec = spec_of(kind)
    # No request: the forms as stored (the page shown again after another form on it).
    data = request.POST if request is not None and request.method == "POST" else None
    initial = StepForm.initial_for(step) if step else None
    form = StepForm(kind, data, initial=initial)
    options = statements = None
    if spec.options is not None:
        options = OptionFormSet(
            data,
            prefix="options",
            initial=_option_initial(step) if step else None,
            form_kwargs={"logics": spec.logics},
        )
    if spec.statements:
        statements = StatementFormSet(
            data, prefix="statements", initial=_statement_initial(step) if step else None
        )
    return form, options, statements


def _save_step(request, round, kind, step, form, options, statements):
    """Store the step if every form is valid; return it, or None with the problems in ``form``."""
    if not all(f.is_valid() for f in (form, options, statements) if f is not None):
        return None
    settings = dict(step.settings) if step and form.spec.open_settings else None
    content = form.content(
        options_of(options) if options is not None else [],
        statements_of(statements) if statements is not None else [],
        settings=settings,
    )
    try:
        if step is None:
            return agenda.add_step(round, content, by=request.user)
        return agenda.edit_step(step, content, by=request.user)
    except agenda.ContentRefused as refusal:
        for problem in refusal.problems:
            form.add_error(None, problem)
    except ActionRefused as refusal:
        form.add_error(None, refusal.message)
    return None


def _step_page(request, round, kind, step, form, options, statements, status=200, **extra):
    context = {
        "round": round,
        "workshop": round.workshop,
        "step": step,
        "kind": kind,
        "kind_label": Step.Kind(kind).label if kind in Step.Kind.values else kind,
        "spec": spec_of(kind),
        "form": form,
        "options": options,
        "statements": statements,
        "answers": agenda.answer_count(step) if step else 0,
        "pending_statements": step.statements.filter(submitted_by__isnull=False)
        if step and spec_of(kind).statements
        else [],
    }
    if step is not None and kind == Step.Kind.RECAP:
        # What the recap shows is chosen on its page, in a form of its own.
        context.update(extra.pop("recap_picker", None) or recap_picker(step))
    context.update(extra)
    return render(request, "authoring/step.html", context, status=status)


def step_page(request, round, step, *, status=200, **extra):
    """``step``'s page with its forms as stored, e.g. after a refused form of its own kind."""
    form, options, statements = _step_forms(None, step.kind, step)
    return _step_page(request, round, step.kind, step, form, options, statements, status, **extra)


def _after_save(request, round, step, created):
    if created and step.kind == Step.Kind.RECAP:
        messages.success(request, _("Recap added. Choose below what it shows."))
        return redirect("console-step-edit", round.pk, step.pk)
    if "continue" in request.POST:
        messages.success(request, _("Saved. Two new empty rows are ready below."))
        return redirect("console-step-edit", round.pk, step.pk)
    messages.success(request, _("Step added.") if created else _("Step saved."))
    return redirect("console-agenda", round.pk)


@login_required
@require_http_methods(["GET", "POST"])
def step_new(request, round_id):
    round = facilitated_round(request, round_id)
    kind = request.GET.get("kind") or request.POST.get("kind")
    if kind not in Step.Kind.values:
        messages.error(request, _("Choose a kind of step to add."))
        return redirect("console-agenda", round.pk)
    form, options, statements = _step_forms(request, kind)
    if request.method == "POST":
        step = _save_step(request, round, kind, None, form, options, statements)
        if step is not None:
            return _after_save(request, round, step, created=True)
    status = 400 if request.method == "POST" else 200
    return _step_page(request, round, kind, None, form, options, statements, status)


@login_required
@require_http_methods(["GET", "POST"])
def step_edit(request, round_id, step_id):
    round = facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round)
    form, options, statements = _step_forms(request, step.kind, step)
    if request.method == "POST":
        saved = _save_step(request, round, step.kind, step, form, options, statements)
        if saved is not None:
            return _after_save(request, round, saved, created=False)
    status = 400 if request.method == "POST" else 200
    return _step_page(request, round, step.kind, step, form, options, statements, status)


AUDIENCES = {"phone": PARTICIPANT, "projector": PROJECTOR}


@login_required
@require_GET
def step_preview(request, round_id, step_id, audience):
    """The step as ``audience`` will see it when it is on the screens, with nothing to click.

    Rendered from the same partials and stage context as the live screens, on a copy of the round
    that shows this step (nothing is saved); ``?results=1`` shows the results revealed.
    """
    round = facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round)
    if audience not in AUDIENCES:
        raise Http404
    shown = copy.copy(round)
    shown.current_step, shown.status = step, Round.Status.LIVE
    with_results = request.GET.get("results") == "1"
    if with_results:
        step.results_revealed = True
    base_url = public_base_url(request.build_absolute_uri("/"))
    context = stage_context(shown, AUDIENCES[audience], base_url=base_url)
    context.update(
        preview=audience,
        with_results=with_results,
        agenda_url=reverse("console-agenda", args=[round.pk]),
        page=f"{audience}/round.html#stage",
    )
    return render(request, "authoring/preview.html", context)
