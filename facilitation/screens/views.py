"""Thin views: parse input, call one domain function, return what the actor should now see."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.decorators import ratelimit

from facilitation.deliberation.annotations import (
    MODERATION,
    annotate,
    delete_annotation,
    edit_annotation,
    merge_annotations,
    moderate_annotation,
    own_annotations,
    plus_one,
    set_premoderation,
)
from facilitation.deliberation.models import Annotation, Response, Statement
from facilitation.deliberation.moderation import set_answer_hidden
from facilitation.deliberation.services import open_second_pass, own_answer, submit_answer
from facilitation.deliberation.statements import moderate_statement, submit_statement
from facilitation.workshops import services
from facilitation.workshops.models import Round, Step, Workshop

from .forms import JoinCodeForm, JoinForm, RejoinForm
from .identity import has_unrecognised_cookie, participant_from_cookies, remember_participant
from .stages import FACILITATOR, PARTICIPANT, PROJECTOR, public_base_url, stage_context


def first_error(form):
    return next(iter(form.errors.values()))[0]


def participant_browser(group, request):
    """Rate-limit key for participants: their cookies, since a whole room may share one address."""
    cookies = sorted(v for k, v in request.COOKIES.items() if k.startswith("balans_p"))
    return "|".join(cookies) or request.META.get("REMOTE_ADDR", "")


def rate_limited(request, exception):
    return render(
        request,
        "error.html",
        {"message": _("Too many attempts in a short time. Wait a minute and try again.")},
        status=429,
    )


# Participants ------------------------------------------------------------------------------------


@require_GET
def home(request):
    form = JoinCodeForm(request.GET or None)
    if form.is_valid():
        try:
            round = services.find_round_to_join(form.cleaned_data["code"])
        except services.ActionRefused as refusal:
            form.add_error("code", refusal.message)
            return render(request, "home.html", {"form": form}, status=refusal.status)
        return redirect("phone-round", round.join_code)
    return render(request, "home.html", {"form": form})


def _round_for_phone(code):
    return get_object_or_404(
        Round.objects.select_related("workshop", "current_step"), join_code=code
    )


def _attending(request, round):
    """The participant this browser is, if they have joined this round."""
    participant = participant_from_cookies(request.COOKIES, round.workshop_id)
    if participant and round.is_attended_by(participant):
        return participant
    return None


@require_GET
def phone_round(request, code):
    round = _round_for_phone(code)
    participant = _attending(request, round)
    if participant is None:
        return _join_page(request, round)
    context = {
        "participant": participant,
        "welcome": "welcome" in request.GET,
        **_phone_context(round, participant),
    }
    return render(request, "phone/round.html", context)


def _answer(round, participant):
    return own_answer(round.current_step, participant) if round.current_step else None


def _phone_context(round, participant):
    """The stage as this participant sees it: their own answer, or on a finding their notes."""
    step = round.current_step
    own_notes = None
    if step is not None and step.kind == Step.Kind.FINDING:
        own_notes = own_annotations(step, [participant.pk]).get(participant.pk, [])
    return stage_context(
        round, PARTICIPANT, answer=_answer(round, participant), own_notes=own_notes
    )


def _join_page(request, round, *, join_form=None, rejoin_form=None, error=None, status=200):
    if error is None and not round.is_open_to_join:
        error = (
            _("This workshop round has ended, so it can no longer be joined.")
            if round.is_closed
            else _("This workshop has not started yet. Try again in a moment.")
        )
        status = 409
    if error is None and has_unrecognised_cookie(request.COOKIES, round.workshop_id):
        error = _(
            "This browser's earlier sign-in was not recognised. Join again, or use your code."
        )
    known = participant_from_cookies(request.COOKIES, round.workshop_id)
    context = {
        "round": round,
        "known": known,
        "join_form": join_form or JoinForm(initial={"display_name": known and known.display_name}),
        "rejoin_form": rejoin_form or RejoinForm(),
        "error": error,
    }
    return render(request, "phone/join.html", context, status=status)


@require_POST
@ratelimit(key="ip", rate="600/m", block=True)
def phone_join(request, code):
    round = _round_for_phone(code)
    form = JoinForm(request.POST)
    if not form.is_valid():
        return _join_page(request, round, join_form=form, status=400)
    try:
        participant = services.join_round(
            round,
            display_name=form.cleaned_data["display_name"],
            participant=participant_from_cookies(request.COOKIES, round.workshop_id),
        )
    except services.ActionRefused as refusal:
        return _join_page(
            request, round, join_form=form, error=refusal.message, status=refusal.status
        )
    response = redirect(reverse("phone-round", args=[round.join_code]) + "?welcome")
    remember_participant(response, participant)
    return response


@require_POST
@ratelimit(key="ip", rate="30/m", block=True)
def phone_rejoin(request, code):
    round = _round_for_phone(code)
    form = RejoinForm(request.POST)
    try:
        if not form.is_valid():
            raise services.ActionRefused(first_error(form), status=400)
        participant = services.find_participant_by_rejoin_code(
            round, form.cleaned_data["rejoin_code"]
        )
        services.join_round(round, participant=participant)
    except services.ActionRefused as refusal:
        return _join_page(request, round, rejoin_form=form, error=refusal.message, status=400)
    response = redirect("phone-round", round.join_code)
    remember_participant(response, participant)
    return response


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_vote(request, code, step_id):
    round = _round_for_phone(code)
    participant = _attending(request, round)
    if participant is None:
        return _join_page(request, round, error=_("Join this workshop round before answering."))
    step = get_object_or_404(Step, pk=step_id, round=round)
    try:
        response = submit_answer(step, participant, dict(request.POST.lists()))
    except services.ActionRefused as refusal:
        if not request.htmx:
            messages.error(request, refusal.message)
            return redirect("phone-round", round.join_code)
        round.refresh_from_db()  # the refusal may be news: a lock, a move, a pause
        context = {
            "error": refusal.message,
            **stage_context(round, PARTICIPANT, answer=_answer(round, participant)),
        }
        return render(request, "phone/round.html#stage", context, status=refusal.status)
    if not request.htmx:
        return redirect("phone-round", round.join_code)
    # The answer just stored is the phone's own; an anonymous one shows only as "answered".
    answer = True if step.anonymous else response
    context = stage_context(round, PARTICIPANT, answer=answer)
    return render(request, "phone/round.html#stage", context)


# Projector ---------------------------------------------------------------------------------------


@require_GET
def projector(request, key):
    round = get_object_or_404(
        Round.objects.select_related("workshop", "current_step"), projector_key=key
    )
    base_url = public_base_url(request.build_absolute_uri("/"))
    return render(
        request, "projector/round.html", stage_context(round, PROJECTOR, base_url=base_url)
    )


# Console -----------------------------------------------------------------------------------------


def _facilitated_round(request, round_id):
    round = get_object_or_404(Round.objects.select_related("workshop", "current_step"), pk=round_id)
    if not round.workshop.is_facilitated_by(request.user):
        raise Http404
    return round


def _console(request, round, *, error=None, status=200):
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("console-round", round.pk)
    round.refresh_from_db()
    base_url = public_base_url(request.build_absolute_uri("/"))
    context = {"error": error, **stage_context(round, FACILITATOR, base_url=base_url)}
    return render(request, "console/round.html#stage", context, status=status)


def _act(request, round, action, *args):
    """Do a facilitator's action and show the console as it now is (or why it was refused)."""
    try:
        action(*args, by=request.user)
    except services.ActionRefused as refusal:
        return _console(request, round, error=refusal.message, status=refusal.status)
    return _console(request, round)


@login_required
@require_GET
def console_home(request):
    workshops = Workshop.objects.filter(facilitators=request.user).prefetch_related("rounds")
    return render(request, "console/home.html", {"workshops": workshops})


@login_required
@require_GET
def console_round(request, round_id):
    round = _facilitated_round(request, round_id)
    base_url = public_base_url(request.build_absolute_uri("/"))
    return render(
        request, "console/round.html", stage_context(round, FACILITATOR, base_url=base_url)
    )


ROUND_ACTIONS = {
    "start": services.start_round,
    "pause": services.pause_round,
    "resume": services.resume_round,
    "close": services.close_round,
    "next": lambda round, by: services.move_through_agenda(round, 1, by=by),
    "previous": lambda round, by: services.move_through_agenda(round, -1, by=by),
}
STEP_ACTIONS = {
    "lock": services.lock_voting,
    "unlock": services.unlock_voting,
    "reveal": services.reveal_results,
    "conceal": services.conceal_results,
    "second-pass": open_second_pass,
}


@login_required
@require_POST
def console_round_action(request, round_id, action):
    round = _facilitated_round(request, round_id)
    if action not in ROUND_ACTIONS:
        raise Http404
    return _act(request, round, ROUND_ACTIONS[action], round)


@login_required
@require_POST
def console_go_to(request, round_id):
    round = _facilitated_round(request, round_id)
    target = request.POST.get("step", "")
    step = None
    if target != "lobby":
        step = Step.objects.filter(round=round, pk=target if target.isdigit() else None).first()
        if step is None:
            return _console(request, round, error=_("That step is not on this agenda."), status=400)
    return _act(request, round, services.go_to_step, round, step)


@login_required
@require_POST
def console_step_action(request, round_id, step_id, action):
    round = _facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round)
    if action not in STEP_ACTIONS:
        raise Http404
    return _act(request, round, STEP_ACTIONS[action], step)


@login_required
@require_POST
def console_start_timer(request, round_id, step_id):
    round = _facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round)
    seconds = request.POST.get("seconds", "")
    seconds = int(seconds) if seconds.isdigit() else None
    return _act(request, round, lambda by: services.start_timer(step, seconds=seconds, by=by))


@login_required
@require_POST
def console_answer_visibility(request, round_id, response_id):
    """Hide a participant's answer from the room, or show it again (``hidden`` is 1 or 0)."""
    round = _facilitated_round(request, round_id)
    response = get_object_or_404(Response, pk=response_id, step__round=round)
    hidden = request.POST.get("hidden", "")
    if hidden not in {"0", "1"}:
        error = _("Say whether to hide or show the answer.")
        return _console(request, round, error=error, status=400)
    return _act(request, round, lambda by: set_answer_hidden(response, hidden == "1", by=by))


# Statements: participants add them, facilitators approve or reject them ---------------------------


@require_POST
@ratelimit(key=participant_browser, rate="10/m", block=True)
def phone_submit_statement(request, code, step_id):
    round = _round_for_phone(code)
    participant = _attending(request, round)
    if participant is None:
        return _join_page(request, round, error=_("Join this workshop round before answering."))
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
        **stage_context(round, PARTICIPANT, answer=_answer(round, participant)),
    }
    return render(request, "phone/round.html#stage", context, status=status)


@login_required
@require_POST
def console_moderate_statement(request, round_id, statement_id, decision):
    round = _facilitated_round(request, round_id)
    statement = get_object_or_404(Statement, pk=statement_id, step__round=round)
    if decision not in {"approve", "reject"}:
        raise Http404
    approve = decision == "approve"
    return _act(request, round, lambda by: moderate_statement(statement, approve=approve, by=by))


# Annotations: participants mark passages of a finding, facilitators moderate them ----------------


def _phone_annotation_action(request, code, action, *, wall_only=False):
    """Do a participant's action on a finding and show their stage (or just the wall) as it now
    is, with the refusal's message if there was one."""
    round = _round_for_phone(code)
    participant = _attending(request, round)
    if participant is None:
        return _join_page(request, round, error=_("Join this workshop round before annotating."))
    error, status = None, 200
    try:
        action(round, participant)
    except services.ActionRefused as refusal:
        error, status = refusal.message, refusal.status
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("phone-round", round.join_code)
    round.refresh_from_db()
    context = _phone_context(round, participant)
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
    if not value.strip().isdigit():
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
    round = _facilitated_round(request, round_id)
    annotation = _annotation_of(round, annotation_id)
    if action not in MODERATION:
        raise Http404
    return _act(request, round, lambda by: moderate_annotation(annotation, action=action, by=by))


@login_required
@require_POST
def console_merge_annotation(request, round_id, annotation_id):
    round = _facilitated_round(request, round_id)
    annotation = _annotation_of(round, annotation_id)
    target = request.POST.get("into", "")
    into = Annotation.objects.filter(
        pk=target if target.isdigit() else None, step__round=round
    ).first()
    if into is None:
        error = _("Choose the note to merge it into.")
        return _console(request, round, error=error, status=400)
    return _act(request, round, lambda by: merge_annotations(annotation, into, by=by))


@login_required
@require_POST
def console_premoderation(request, round_id, step_id):
    round = _facilitated_round(request, round_id)
    step = get_object_or_404(Step, pk=step_id, round=round)
    on = request.POST.get("on", "")
    if on not in {"0", "1"}:
        error = _("Say whether notes should wait for approval.")
        return _console(request, round, error=error, status=400)
    return _act(request, round, lambda by: set_premoderation(step, on == "1", by=by))
