"""The code of conduct: participants propose, endorse and amend; facilitators decide; anyone in
the workshop reads its versions, compares two of them and prints or downloads one."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from facilitation.deliberation import conduct
from facilitation.deliberation.models import Amendment, Annotation, Clause, ConductVersion
from facilitation.identifiers import parse_id
from facilitation.workshops import services
from facilitation.workshops.models import Step

from ..conduct_stage import conduct_context, own_stances
from ..identity import participant_from_cookies
from ..stages import PARTICIPANT
from .base import (
    act,
    attempt_as_participant,
    back_to_phone,
    console_stage,
    facilitated_round,
    join_page,
    participant_browser,
    round_for_phone,
)

# Participants ------------------------------------------------------------------------------------


def _phone_conduct_action(request, code, action):
    """Do a participant's action on the code and show the code as it now is for them (with the
    refusal's message if there was one)."""
    attempt = attempt_as_participant(request, code, action)
    if attempt.participant is None:
        return join_page(request, attempt.round, error=_("Join this workshop round first."))
    attempt.round = round = round_for_phone(code)  # as the action left it
    on_step = round.current_step is not None and round.current_step.kind == Step.Kind.CONDUCT
    if not request.htmx:
        return back_to_phone(request, attempt, "phone-round" if on_step else "conduct-page")
    context = _participant_context(round, attempt.participant)
    context["conduct_error"] = attempt.error
    return render(request, "steps/conduct.html#participant-conduct", context, status=attempt.status)


def _participant_context(round, participant):
    stances = own_stances(round.workshop, [participant.pk])[participant.pk]
    return {
        "round": round,
        "step": round.current_step,
        "audience": PARTICIPANT,
        **conduct_context(round, PARTICIPANT, stances),
    }


def _motivation(round, value):
    """The step ("step-<id>") or note ("note-<id>") of this round chosen as the motivation."""
    if not value:
        return None
    kind, _dash, pk = value.partition("-")
    found = None
    pk = parse_id(pk)
    if pk and kind == "step":
        found = Step.objects.filter(round=round, pk=pk).first()
    elif pk and kind == "note":
        found = (
            Annotation.objects.filter(step__round=round, pk=pk, status=Annotation.Status.VISIBLE)
            .select_related("step__round")
            .first()
        )
    if found is None:
        raise services.ActionRefused(
            _("Choose what motivated the clause from the list."), status=400
        )
    return found


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_propose_clause(request, code):
    def action(round, participant):
        conduct.propose_clause(
            round.workshop,
            request.POST.get("text", ""),
            request.POST.get("rationale", ""),
            by_participant=participant,
            round=round,
            code_ids=request.POST.getlist("codes"),
            motivated_by=_motivation(round, request.POST.get("motivated_by", "")),
        )

    return _phone_conduct_action(request, code, action)


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_propose_amendment(request, code, clause_id):
    def action(round, participant):
        clause = get_object_or_404(Clause, pk=clause_id, workshop=round.workshop)
        conduct.propose_amendment(
            clause,
            request.POST.get("text", ""),
            request.POST.get("rationale", ""),
            by_participant=participant,
            round=round,
        )

    return _phone_conduct_action(request, code, action)


@require_POST
@ratelimit(key=participant_browser, rate="120/m", block=True)
def phone_endorse(request, code, target, pk):
    if target not in {"clause", "amendment"}:
        raise Http404

    def action(round, participant):
        if target == "clause":
            item = get_object_or_404(Clause, pk=pk, workshop=round.workshop)
        else:
            item = get_object_or_404(Amendment, pk=pk, clause__workshop=round.workshop)
        conduct.endorse(
            item,
            participant,
            request.POST.get("stance", ""),
            request.POST.get("objection", ""),
            round=round,
        )

    return _phone_conduct_action(request, code, action)


# Facilitators ------------------------------------------------------------------------------------


def _reason(request):
    return request.POST.get("reason", "")


def _chosen(model, request, field, message, *, related=(), **scope):
    pk = parse_id(request.POST.get(field, ""))
    found = model._default_manager.filter(pk=pk, **scope).select_related(*related).first()
    if found is None:
        raise services.ActionRefused(message, status=400)
    return found


def _into(model, request, **scope):
    return _chosen(model, request, "into", _("Choose what to merge it into."), **scope)


CLAUSE_ACTIONS = {
    "accept": lambda c, r, by, rd: conduct.accept_clause(c, by=by, reason=_reason(r), round=rd),
    "reject": lambda c, r, by, rd: conduct.reject_clause(c, by=by, reason=_reason(r), round=rd),
    "drop": lambda c, r, by, rd: conduct.drop_clause(c, by=by, reason=_reason(r), round=rd),
    "up": lambda c, r, by, rd: conduct.move_clause(c, -1, by=by, round=rd),
    "down": lambda c, r, by, rd: conduct.move_clause(c, 1, by=by, round=rd),
    "merge": lambda c, r, by, rd: conduct.merge_clauses(
        c, _into(Clause, r, workshop=c.workshop), by=by, reason=_reason(r), round=rd
    ),
}
AMENDMENT_ACTIONS = {
    "accept": lambda a, r, by, rd: conduct.accept_amendment(a, by=by, reason=_reason(r), round=rd),
    "reject": lambda a, r, by, rd: conduct.reject_amendment(a, by=by, reason=_reason(r), round=rd),
    "merge": lambda a, r, by, rd: conduct.merge_amendments(
        a, _into(Amendment, r, clause=a.clause), by=by, reason=_reason(r), round=rd
    ),
}


@login_required
@require_POST
def console_conduct_clause(request, round_id, clause_id):
    round = facilitated_round(request, round_id)
    clause = get_object_or_404(Clause, pk=clause_id, workshop=round.workshop)
    action = CLAUSE_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return console_stage(request, round, error=_("Choose what to do."), status=400)
    return act(request, round, lambda by: action(clause, request, by, round))


@login_required
@require_POST
def console_conduct_amendment(request, round_id, amendment_id):
    round = facilitated_round(request, round_id)
    amendment = get_object_or_404(
        Amendment.objects.select_related("clause"),
        pk=amendment_id,
        clause__workshop=round.workshop,
    )
    action = AMENDMENT_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return console_stage(request, round, error=_("Choose what to do."), status=400)
    return act(request, round, lambda by: action(amendment, request, by, round))


@login_required
@require_POST
def console_conduct_merge_clauses(request, round_id):
    """The console's one clause merge picker: the duplicate ("clause") and the one to keep."""
    round = facilitated_round(request, round_id)

    def merge(by):
        duplicate = _chosen(
            Clause,
            request,
            "clause",
            _("Choose the clause to merge (“Merge this”)."),
            workshop=round.workshop,
        )
        into = _into(Clause, request, workshop=round.workshop)
        return conduct.merge_clauses(duplicate, into, by=by, reason=_reason(request), round=round)

    return act(request, round, merge)


@login_required
@require_POST
def console_conduct_merge_amendments(request, round_id):
    """One clause's merge picker for its proposed wordings."""
    round = facilitated_round(request, round_id)

    def merge(by):
        duplicate = _chosen(
            Amendment,
            request,
            "amendment",
            _("Choose the wording to merge (“Merge this”)."),
            related=["clause"],
            clause__workshop=round.workshop,
        )
        into = _into(Amendment, request, clause=duplicate.clause)
        return conduct.merge_amendments(
            duplicate, into, by=by, reason=_reason(request), round=round
        )

    return act(request, round, merge)


@login_required
@require_POST
def console_conduct_propose(request, round_id):
    round = facilitated_round(request, round_id)
    return act(
        request,
        round,
        lambda by: conduct.propose_clause(
            round.workshop,
            request.POST.get("text", ""),
            request.POST.get("rationale", ""),
            by_user=by,
            round=round,
            code_ids=request.POST.getlist("codes"),
        ),
    )


@login_required
@require_POST
def console_conduct_open(request, round_id):
    round = facilitated_round(request, round_id)
    on = request.POST.get("on", "")
    if on not in {"0", "1"}:
        error = _("Say whether proposals are open at any time.")
        return console_stage(request, round, error=error, status=400)
    return act(
        request, round, lambda by: conduct.set_open_any_time(round.workshop, on == "1", by=by)
    )


# Reading: anyone in the workshop -----------------------------------------------------------------


def _reader(request, code):
    """The round and who reads: a participant of the workshop or one of its facilitators."""
    round = round_for_phone(code)
    if round.workshop.is_facilitated_by(request.user):
        return round, None
    participant = participant_from_cookies(request.COOKIES, round.workshop_id)
    if participant is None:
        raise Http404
    return round, participant


def _version(round, number):
    return get_object_or_404(ConductVersion, workshop=round.workshop, number=number)


@require_GET
def conduct_page(request, code):
    """The code as it stands (with the forms, when proposals are open) and its versions."""
    round, participant = _reader(request, code)
    if participant is not None and round.is_attended_by(participant):
        context = _participant_context(round, participant)
    else:
        context = {"round": round, **conduct_context(round, "reader")}
        context["conduct_open"] = False
    context["versions"] = conduct.versions(round.workshop)
    context["participant"] = participant
    return render(request, "conduct/page.html", context)


@require_GET
def conduct_compare(request, code):
    """Two versions side by side: kept, amended, added and dropped clauses, and why."""
    round, participant = _reader(request, code)
    versions = conduct.versions(round.workshop)
    if not versions:
        raise Http404
    frozen = [v for v in versions if v.frozen_for_round]
    default_older = frozen[-1] if frozen else versions[0]

    def chosen(name, default):
        value = request.GET.get(name, "")
        return next((v for v in versions if str(v.number) == value), default)

    older, newer = chosen("older", default_older), chosen("newer", versions[-1])
    if older.number > newer.number:
        older, newer = newer, older
    context = {
        "round": round,
        "participant": participant,
        "versions": versions,
        "older": older,
        "newer": newer,
        "rows": conduct.compare_versions(older, newer),
    }
    return render(request, "conduct/compare.html", context)


@require_GET
def conduct_print(request, code, number):
    """A version as a print-ready page (the browser prints it to PDF)."""
    round, _participant = _reader(request, code)
    version = _version(round, number)
    people = conduct.contributors(version)
    clauses = [
        {**entry, "by": people["by_clause"].get(entry["clause"], "")} for entry in version.clauses
    ]
    context = {"round": round, "version": version, "clauses": clauses, "people": people}
    return render(request, "conduct/print.html", context)


@require_GET
def conduct_markdown(request, code, number):
    round, _participant = _reader(request, code)
    version = _version(round, number)
    response = HttpResponse(
        conduct.version_as_markdown(round.workshop, version),
        content_type="text/markdown; charset=utf-8",
    )
    filename = f"{slugify(round.workshop.title) or 'workshop'}-code-of-conduct-v{version.number}.md"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
