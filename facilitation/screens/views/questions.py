"""Questions from the room: phones ask, withdraw and upvote; the console moderates."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from facilitation.identifiers import parse_id
from facilitation.questions import services
from facilitation.questions.models import Question

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


def _phone_question_action(request, code, action):
    """Do a participant's action on the round's questions and show their stage as it now is,
    with the refusal's message beside the question form."""
    attempt = attempt_as_participant(request, code, action)
    round = attempt.round
    if attempt.participant is None:
        return join_page(request, round, error=_("Join this workshop round first."))
    if not request.htmx:
        return back_to_phone(request, attempt)
    round.refresh_from_db()
    context = phone_context(round, attempt.participant)
    # Beside the question form if the phone shows it, else at the top of the stage.
    context["question_error" if context["questions_shown"] else "error"] = attempt.error
    return render(request, "phone/round.html#stage", context, status=attempt.status)


def _question_of(round, question_id):
    # A question of another round is not found here: the URL names this round.
    return get_object_or_404(Question, pk=question_id, round=round)


@require_POST
@ratelimit(key=participant_browser, rate="20/m", block=True)
def phone_ask_question(request, code):
    def action(round, participant):
        services.ask_question(round, participant, text=request.POST.get("text", ""))

    return _phone_question_action(request, code, action)


@require_POST
@ratelimit(key=participant_browser, rate="60/m", block=True)
def phone_withdraw_question(request, code, question_id):
    def action(round, participant):
        services.withdraw_question(_question_of(round, question_id), participant)

    return _phone_question_action(request, code, action)


@require_POST
@ratelimit(key=participant_browser, rate="120/m", block=True)
def phone_upvote_question(request, code, question_id):
    def action(round, participant):
        services.upvote_question(_question_of(round, question_id), participant)

    return _phone_question_action(request, code, action)


# Console -----------------------------------------------------------------------------------------


@login_required
@require_POST
def console_configure_questions(request, round_id):
    round = facilitated_round(request, round_id)
    return act(
        request,
        round,
        lambda by: services.configure_questions(
            round,
            open_any_time=request.POST.get("open_any_time") == "1",
            premoderate=request.POST.get("premoderate") == "1",
            by=by,
        ),
    )


CONSOLE_ACTIONS = {
    "approve": lambda q, by: services.moderate_question(q, "approve", by=by),
    "hide": lambda q, by: services.moderate_question(q, "hide", by=by),
    "show": lambda q, by: services.moderate_question(q, "show", by=by),
    "answered": lambda q, by: services.mark_answered(q, True, by=by),
    "reopen": lambda q, by: services.mark_answered(q, False, by=by),
    "pin": lambda q, by: services.pin_question(q.round, q, by=by),
}


@login_required
@require_POST
def console_moderate_question(request, round_id, question_id):
    """One button of a question in the console: approve, hide, show, answered, reopen, pin."""
    round = facilitated_round(request, round_id)
    question = _question_of(round, question_id)
    do = CONSOLE_ACTIONS.get(request.POST.get("action", ""))
    if do is None:
        error = _("That is not something a question can be.")
        return console_stage(request, round, error=error, status=400)
    return act(request, round, lambda by: do(question, by))


@login_required
@require_POST
def console_pin_question(request, round_id):
    """Take the pinned question off the projector."""
    round = facilitated_round(request, round_id)
    return act(request, round, lambda by: services.pin_question(round, None, by=by))


@login_required
@require_POST
def console_merge_questions(request, round_id):
    """The console's one merge picker: ``duplicate`` is folded into ``into``."""
    round = facilitated_round(request, round_id)
    ids = [parse_id(request.POST.get("duplicate", "")), parse_id(request.POST.get("into", ""))]
    if None in ids:
        error = _("Choose the two questions to merge from the lists.")
        return console_stage(request, round, error=error, status=400)
    duplicate, into = (_question_of(round, pk) for pk in ids)
    return act(request, round, lambda by: services.merge_question(duplicate, into=into, by=by))
