"""What the views of every audience share: finding the round, the participant, the stage."""

import functools
from dataclasses import dataclass

from django.contrib import messages
from django.db import DEFAULT_DB_ALIAS
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from facilitation.deliberation.annotations import (
    own_annotations,
)
from facilitation.deliberation.discussion import own_notes as own_discussion_notes
from facilitation.deliberation.services import own_answer
from facilitation.deliberation.statements import own_statements
from facilitation.proxies import request_address
from facilitation.questions.services import own_questions
from facilitation.workshops import services
from facilitation.workshops.groups import group_of
from facilitation.workshops.models import Participant, Round, Step, Workshop

from ..code_guessing import UnknownJoinCode
from ..conduct_stage import own_stances
from ..forms import JoinForm, RejoinForm
from ..identity import (
    attendee_id_from_cookies,
    has_unrecognised_cookie,
    participant_from_cookies,
    signed_identity,
)
from ..questions_stage import questions_shown
from ..stages import FACILITATOR, PARTICIPANT, public_base_url, stage_context


def first_error(form):
    return next(iter(form.errors.values()))[0]


def participant_browser(group, request):
    """Rate-limit key for participants: the participant their signed cookie names (a whole room
    may share one address), else the address. Cookies the server did not sign are ignored."""
    identity = signed_identity(request.COOKIES)
    return f"participant:{identity}" if identity else f"address:{request_address(request)}"


def rate_limited(request, exception):
    return render(
        request,
        "error.html",
        {"message": _("Too many attempts in a short time. Wait a minute and try again.")},
        status=429,
    )


def round_for_phone(code):
    # get(), not first(): a code names one round, and first() would order by the workshop.
    try:
        return Round.objects.select_related("workshop", "current_step").get(join_code=code)
    except Round.DoesNotExist:
        raise UnknownJoinCode from None  # counted as a guess (screens.code_guessing)


def step_to_answer(code, step_id):
    """Step ``step_id`` of the round whose join code is ``code`` (404 if there is none), knowing
    only its id and its round's id, workshop and code: what never changes, so that a hall's votes
    find it in memory. The step's state is read where the answer is written, under its lock."""
    round_id, workshop_id = round_of_step(code, step_id)
    round = Round.from_db(
        DEFAULT_DB_ALIAS, ["id", "workshop_id", "join_code"], [round_id, workshop_id, code]
    )
    step = Step.from_db(DEFAULT_DB_ALIAS, ["id", "round_id"], [step_id, round_id])
    step.round = round
    return step


@functools.lru_cache(maxsize=4096)
def round_of_step(code, step_id):
    """The round id and workshop id of step ``step_id`` if its round's join code is ``code``."""
    found = Step.objects.filter(pk=step_id, round__join_code=code).values_list(
        "round_id", "round__workshop_id"
    )
    if not found:
        raise Http404  # not remembered: the step may yet be made
    return found[0]


def attending(request, round):
    """The participant this browser is, if they have joined this round (of its workshop, as
    read with the round)."""
    participant = participant_from_cookies(request.COOKIES, round.workshop_id, attending=round)
    if participant is not None:
        participant.workshop = round.workshop
    return participant


def attendee(request, round):
    """The participant this browser is, if they have joined ``round``, known only by id (no
    query in a hall's burst): for an action that reads the person again where it is written."""
    participant_id = attendee_id_from_cookies(request.COOKIES, round)
    if participant_id is None:
        return None
    return Participant.from_db(
        DEFAULT_DB_ALIAS, ["id", "workshop_id"], [participant_id, round.workshop_id]
    )


def answer_on_stage(round, participant):
    return own_answer(round.current_step, participant) if round.current_step else None


def phone_context(round, participant):
    """The stage as this participant sees it: their own answer, or on a finding their notes."""
    step = round.current_step
    own_notes, group, own_version = None, None, 0
    if step is not None and step.kind == Step.Kind.FINDING:
        mine = own_annotations(step, [participant.pk])
        own_notes, own_version = mine.get(participant.pk, []), mine.version
    if step is not None and step.kind == Step.Kind.DISCUSSION:
        own_notes = own_discussion_notes(step, [participant.pk]).get(participant.pk, [])
        group = group_of(round, participant)
    stances, waiting = None, None
    if step is not None and step.kind == Step.Kind.CONDUCT:
        stances = own_stances(round.workshop, [participant.pk])[participant.pk]
    if step is not None and step.kind == Step.Kind.STATEMENTS:
        mine = own_statements(step, [participant.pk])
        waiting, own_version = mine.get(participant.pk, []), mine.version
    questions, questions_version = None, 0
    if questions_shown(round):  # read only where the phone shows them
        mine = own_questions(round, [participant.pk])
        questions, questions_version = mine[participant.pk], mine.version
    return stage_context(
        round,
        PARTICIPANT,
        answer=answer_on_stage(round, participant),
        own_notes=own_notes,
        group=group,
        stances=stances,
        waiting=waiting,
        questions=questions,
        own_version=own_version,
        questions_version=questions_version,
    )


def join_page(
    request, round, *, join_form=None, rejoin_form=None, error=None, status=200, rejoin_open=False
):
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
    if known and known.withdrawn_at is not None:
        known = None  # they join afresh, so no "welcome back"
    context = {
        "round": round,
        "known": known,
        "join_form": join_form or JoinForm(initial={"display_name": known and known.display_name}),
        "rejoin_form": rejoin_form or RejoinForm(),
        "error": error,
        "rejoin_open": rejoin_open,
    }
    return render(request, "phone/join.html", context, status=status)


def speak_workshop_language(workshop):
    """The rest of this request speaks ``workshop``'s language, whatever the browser asked for:
    its console shows what its projector shows, and suggests texts in the room's language."""
    translation.activate(workshop.language)


def facilitated_workshop(request, workshop_id):
    """The workshop, if this user facilitates it (else a 404); the page speaks its language."""
    workshop = get_object_or_404(Workshop, pk=workshop_id)
    if not workshop.is_facilitated_by(request.user):
        raise Http404
    speak_workshop_language(workshop)
    return workshop


def facilitated_round(request, round_id):
    """The round, if this user facilitates its workshop (else a 404); the page speaks its
    workshop's language."""
    round = get_object_or_404(Round.objects.select_related("workshop", "current_step"), pk=round_id)
    if not round.workshop.is_facilitated_by(request.user):
        raise Http404
    speak_workshop_language(round.workshop)
    return round


def console_stage(request, round, *, error=None, status=200):
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("console-round", round.pk)
    round.refresh_from_db()
    base_url = public_base_url(request.build_absolute_uri("/"))
    context = {"error": error, **stage_context(round, FACILITATOR, base_url=base_url)}
    return render(request, "console/round.html#stage", context, status=status)


def act(request, round, action, *args):
    """Do a facilitator's action and show the console as it now is (or why it was refused)."""
    try:
        action(*args, by=request.user)
    except services.ActionRefused as refusal:
        return console_stage(request, round, error=refusal.message, status=refusal.status)
    return console_stage(request, round)


@dataclass
class Attempt:
    """A participant's action as tried: the round, who tried (None: not joined), the refusal."""

    round: Round
    participant: Participant | None
    error: str | None = None
    status: int = 200


def attempt_as_participant(request, code, action):
    """Run ``action(round, participant)`` for this browser's participant in the round of ``code``
    (unless they have not joined it), keeping a refusal's message and status."""
    round = round_for_phone(code)
    attempt = Attempt(round, attending(request, round))
    if attempt.participant is not None:
        try:
            action(round, attempt.participant)
        except services.ActionRefused as refusal:
            attempt.error, attempt.status = refusal.message, refusal.status
    return attempt


def back_to_phone(request, attempt, page="phone-round"):
    """Without htmx: the refusal as a message, and the participant's page again."""
    if attempt.error:
        messages.error(request, attempt.error)
    return redirect(page, attempt.round.join_code)
