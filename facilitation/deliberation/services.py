"""Answers to steps: casting a vote and counting the room's results."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from facilitation.live.push import notify_round
from facilitation.workshops.models import Attendance, Round, Step
from facilitation.workshops.services import ActionRefused, record_event

from .models import Option, Response


def cast_vote(step, participant, option_id):
    """Record ``participant``'s choice on a dilemma step, replacing their earlier one.

    Effects: one Response row per participant and step (created or updated), a ``vote.cast`` event
    when the choice is new or changed, and a paced push of the results. Voting the same option again
    (a double tap, a retry) changes nothing and is not an error.
    """
    with transaction.atomic():
        step = Step.objects.select_for_update().select_related("round__workshop").get(pk=step.pk)
        _check_can_answer(step, participant)
        option = Option.objects.filter(step=step, pk=option_id).first()
        if option is None:
            raise ActionRefused(_("That choice is not one of this question's options."), status=400)
        response = Response.objects.filter(step=step, participant=participant).first()
        if response and response.option_id == option.pk:
            return response
        previous = response.option_id if response else None
        if response:
            response.option = option
            response.save(update_fields=["option", "updated_at"])
        else:
            response = Response.objects.create(step=step, participant=participant, option=option)
        record_event(
            "vote.cast",
            workshop=step.round.workshop,
            round=step.round,
            step=step,
            participant=participant,
            option=option.pk,
            previous_option=previous,
        )
        notify_round(step.round_id, "results")
    return response


def _check_can_answer(step, participant):
    round = step.round
    if (
        participant.workshop_id != round.workshop_id
        or not Attendance.objects.filter(round=round, participant=participant).exists()
    ):
        raise ActionRefused(_("Join this workshop round before answering."), status=403)
    if round.status == Round.Status.PAUSED:
        raise ActionRefused(_("The round is paused. You can answer when it resumes."))
    if round.status != Round.Status.LIVE:
        raise ActionRefused(_("This round is not running, so answers cannot be changed."))
    if round.current_step_id != step.pk:
        raise ActionRefused(_("This question is no longer on screen; the room has moved on."))
    if step.voting_locked:
        raise ActionRefused(_("Voting on this question is closed."))


@dataclass(frozen=True)
class OptionResult:
    option: Option
    votes: int
    percent: int


@dataclass(frozen=True)
class Results:
    options: list
    total: int

    @property
    def leading(self):
        return max((r.votes for r in self.options), default=0)


def tally(step):
    """The room's current answers to a dilemma: votes and share per option, in agenda order."""
    options = list(step.options.annotate(votes=Count("responses")).order_by("position"))
    total = sum(o.votes for o in options)
    return Results(
        options=[
            OptionResult(o, o.votes, round(100 * o.votes / total) if total else 0) for o in options
        ],
        total=total,
    )


def answered_count(step):
    return Response.objects.filter(step=step).count()


def choice_of(step, participant):
    return (
        Response.objects.filter(step=step, participant=participant)
        .values_list("option_id", flat=True)
        .first()
    )


def choices_of(step, participant_ids):
    """Each listed participant's current option on ``step`` (absent: no answer yet)."""
    return dict(
        Response.objects.filter(step=step, participant_id__in=participant_ids).values_list(
            "participant_id", "option_id"
        )
    )
