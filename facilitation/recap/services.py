"""The recap that opens a round: what the round it was started from concluded.

A round made with "New round from this one" can start with a recap step. It shows the code of
conduct as that earlier round ended it, up to ``MAX_PICKS`` of its results that the facilitator
picks, and its questions left open (visible and not answered). The earlier round is the one
named by this round's ``round.continued`` event (``deliberation.rounds.new_round_from``); a round
not started from another has nothing to recap.

The results are read from the earlier round's steps each time (a closed round no longer
changes); nothing is copied.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _

from facilitation.deliberation.answer_kinds import ANSWER_KINDS
from facilitation.deliberation.authoring import add_step
from facilitation.deliberation.models import ConductVersion, Response
from facilitation.deliberation.rounds import new_round_from
from facilitation.live.push import notify_round
from facilitation.questions.services import board_questions
from facilitation.workshops.models import Event, Round, Step
from facilitation.workshops.services import ActionRefused, record_event

from .models import Recap, RecapPick

# "Two or three results": more would not be read in a minute, nor fit one projector slide.
MAX_PICKS = 3


@dataclass(frozen=True)
class RecapChoices:
    """What a recap step shows: the picked steps' ids in order, and the two switches."""

    picks: list = field(default_factory=list)
    show_conduct: bool = True
    show_questions: bool = True


@dataclass(frozen=True)
class RecapContent:
    """Everything a recap shows, read once per render (screens add the picks' results)."""

    previous: Round | None
    choices: RecapChoices
    picks: list  # the picked steps of ``previous``, in the recap's order
    conduct: ConductVersion | None  # None: not shown, or the code had no version yet
    open_questions: list = field(default_factory=list)


# Reading --------------------------------------------------------------------------------------


def previous_round(round):
    """The round ``round`` was started from ("New round from this one"), or None.

    Read once per round object (a render asks for it from several places).
    """
    if not hasattr(round, "_previous_round"):
        event = (
            Event.objects.filter(round_id=round.pk, kind="round.continued").order_by("-pk").first()
        )
        source = event.payload.get("source") if event else None
        round._previous_round = (
            Round.objects.filter(pk=source, workshop_id=round.workshop_id).first()
            if isinstance(source, int)
            else None
        )
    return round._previous_round


def result_steps(round):
    """The steps of ``round`` with results to show: kinds that take answers, answered at least
    once (anonymous answers count too), in agenda order. One query."""
    answered = Response.objects.filter(step=OuterRef("pk"))
    return list(
        round.ordered_steps()
        .filter(kind__in=list(ANSWER_KINDS))
        .annotate(answered=Exists(answered))
        .filter(answered=True)
    )


def has_results(round):
    """Whether ``round`` has anything a recap could show as its results."""
    return bool(result_steps(round))


def choices_of(step):
    """The facilitator's choices for the recap ``step`` (the defaults before any)."""
    recap = Recap.objects.filter(step_id=step.pk).first()
    if recap is None:
        return RecapChoices()
    return RecapChoices(
        picks=list(recap.picks.order_by("position").values_list("step_id", flat=True)),
        show_conduct=recap.show_conduct,
        show_questions=recap.show_questions,
    )


def version_ended_with(round):
    """The version of the code of conduct ``round`` ended with: the one frozen when it closed;
    for a round closed without one, the newest made before it closed; for a round still open,
    the newest. None while the workshop's code has no version."""
    versions = ConductVersion.objects.filter(workshop_id=round.workshop_id)
    frozen = versions.filter(round_id=round.pk, frozen_for_round=True).first()
    if frozen is not None:
        return frozen
    closed = Event.objects.filter(round_id=round.pk, kind="round.closed").order_by("-pk").first()
    if closed is not None:
        versions = versions.filter(created_at__lte=closed.created_at)
    return versions.order_by("-number").first()


def open_questions(round):
    """The questions ``round`` left open: visible to the room and not answered, most votes
    first (withdrawn people's per the workshop's rule left out)."""
    return [question for question in board_questions(round) if not question.answered_at]


def recap_content(step):
    """What the recap ``step`` shows now (see ``RecapContent``)."""
    previous = previous_round(step.round)
    choices = choices_of(step)
    if previous is None:
        return RecapContent(previous=None, choices=choices, picks=[], conduct=None)
    by_id = {
        pick.pk: pick
        for pick in Step.objects.filter(round=previous, pk__in=choices.picks).select_related(
            "round", "rerun_of__round"
        )
    }
    return RecapContent(
        previous=previous,
        choices=choices,
        picks=[by_id[pk] for pk in choices.picks if pk in by_id],
        conduct=version_ended_with(previous) if choices.show_conduct else None,
        open_questions=open_questions(previous) if choices.show_questions else [],
    )


# Changing ---------------------------------------------------------------------------------------


def choose_recap(step, *, step_ids, show_conduct, show_questions, by):
    """Choose what the recap ``step`` shows: the results of ``step_ids`` (at most
    ``MAX_PICKS`` steps of the round this one was started from, each with results), and whether
    it shows the code of conduct and the open questions.

    Refused with a message, nothing saved: a step that is no recap, a closed round, more than
    ``MAX_PICKS`` results, a step of another round or one without results. Effects: the
    ``Recap`` row and its picks (in the earlier round's agenda order), a ``recap.chosen`` event
    and, after commit, an urgent ``stage`` push (the recap may be on the screens).
    """
    if step.kind != Step.Kind.RECAP:
        raise ActionRefused(_("This step is not a recap."), status=400)
    wanted = list(dict.fromkeys(int(pk) for pk in step_ids))
    if len(wanted) > MAX_PICKS:
        raise ActionRefused(
            _("A recap shows at most %(max)d results; you chose %(count)d. Untick some.")
            % {"max": MAX_PICKS, "count": len(wanted)},
            status=400,
        )
    with transaction.atomic():
        round = (
            Round.objects.select_for_update(of=("self",))
            .select_related("workshop")
            .get(pk=step.round_id)
        )
        if round.is_closed:
            raise ActionRefused(_("This round is closed; its agenda can no longer change."))
        previous = previous_round(round)
        if wanted and previous is None:
            raise ActionRefused(
                _(
                    "This round was not started from an earlier one, so it has no results to "
                    "recap. Create it with “New round from this one” on the earlier round."
                ),
                status=400,
            )
        picks = _checked_picks(previous, wanted) if wanted else []
        recap, _created = Recap.objects.select_for_update().get_or_create(step=step)
        recap.show_conduct, recap.show_questions = bool(show_conduct), bool(show_questions)
        recap.save()
        recap.picks.all().delete()
        RecapPick.objects.bulk_create(
            RecapPick(recap=recap, step=pick, position=number)
            for number, pick in enumerate(picks, start=1)
        )
        record_event(
            "recap.chosen",
            workshop=round.workshop,
            round=round,
            step=step,
            user=by,
            previous_round=previous.pk if previous else None,
            picks=[pick.pk for pick in picks],
            show_conduct=recap.show_conduct,
            show_questions=recap.show_questions,
        )
        notify_round(round.pk, "stage", urgent=True)
    return recap


def _checked_picks(previous, wanted):
    steps = {step.pk: step for step in previous.steps.filter(pk__in=wanted)}
    if set(wanted) - set(steps):
        raise ActionRefused(
            _(
                "A recap shows results of “%(round)s”, the round this one was started from; "
                "one of the chosen steps is not on its agenda."
            )
            % {"round": previous.title},
            status=400,
        )
    with_results = {step.pk for step in result_steps(previous)}
    if without := [steps[pk] for pk in wanted if pk not in with_results]:
        raise ActionRefused(
            _("“%(title)s” has no results to show: nobody answered it.")
            % {"title": without[0].title},
            status=400,
        )
    return sorted(steps.values(), key=lambda step: step.position)


def add_recap_step(round, *, by, position=1):
    """Put a recap step on ``round``'s agenda (first, unless told), titled in the workshop's
    language. Effects as ``deliberation.authoring.add_step``, plus its ``Recap`` row with the
    defaults (the code of conduct and the open questions shown, no results picked yet)."""
    with translation.override(round.workshop.language):
        title = _("Where we left off")
    with transaction.atomic():
        step = add_step(round, {"kind": Step.Kind.RECAP, "title": title}, by=by, position=position)
        Recap.objects.create(step=step)
    return step


def start_round_from(source, *, title, step_ids=None, rerun_ids=None, with_recap=False, by):
    """A new round from ``source`` (``deliberation.rounds.new_round_from``), opening with a recap
    of ``source`` when ``with_recap``. One transaction: the round and its recap, or nothing."""
    with transaction.atomic():
        round = new_round_from(source, title=title, step_ids=step_ids, rerun_ids=rerun_ids, by=by)
        if with_recap:
            add_recap_step(round, by=by)
    return round
