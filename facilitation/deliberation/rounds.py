"""Rounds that continue each other: a new round from an earlier one, and then versus now.

A new round copies the agenda of an earlier one (the steps the facilitator chose, with their
options, approved statements and settings) as a draft the facilitator can still edit. A copied
step chosen to be *re-run* remembers the step it asks again (``Step.rerun_of``), so the screens can
show the earlier round's results beside this round's, and how many of the people present in both
changed their answer.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from facilitation.workshops.models import Round, Step
from facilitation.workshops.participants import still_counted
from facilitation.workshops.services import ActionRefused, create_round, record_event

from .answer_kinds import ANSWER_KINDS
from .conduct import latest_version, open_clauses
from .models import Option, Response, Statement
from .step_content import authored_settings

# Kinds whose answers are options, so an answer then and an answer now can be compared by the
# option's place on the list (the copy's options are new rows in the same order).
RERUNNABLE_KINDS = {Step.Kind.DILEMMA, Step.Kind.SINGLE_CHOICE, Step.Kind.MULTIPLE_CHOICE}

# What a copy starts afresh: the room has not seen or answered anything yet.
_FRESH_STATE = {"results_revealed": False, "voting_locked": False, "current_pass": 1}


def new_round_from(source, *, title, step_ids=None, rerun_ids=None, by):
    """Create a draft round in ``source``'s workshop whose agenda copies ``source``'s.

    ``step_ids``: the steps to copy (all of them when None), in their order. ``rerun_ids``: those
    among them to ask again with then versus now (every re-runnable copied step when None); a
    re-run step keeps the link to the step it copies, through the chain of earlier re-runs to the
    first time it was asked only one round back. Effects: the round (``round.created``), its steps,
    options and approved statements, and one ``round.continued`` event naming the source and, for
    each copied step, the step it came from.

    The code of conduct (carried forward at its latest version, open clauses listed) hooks in
    here: see ``carry_forward_code_of_conduct``.
    """
    title = " ".join((title or "").split())
    if not title:
        raise ActionRefused(_("Give the new round a title."), status=400)
    max_title = Round._meta.get_field("title").max_length
    if len(title) > max_title:
        raise ActionRefused(
            _("A round's title can have at most %(max)d characters.") % {"max": max_title},
            status=400,
        )
    steps = list(source.ordered_steps())
    if step_ids is not None:
        wanted = {int(pk) for pk in step_ids}
        if wanted - {step.pk for step in steps}:
            raise ActionRefused(
                _("Some of the chosen steps are not on that round's agenda."), status=400
            )
        steps = [step for step in steps if step.pk in wanted]
    if rerun_ids is None:
        reruns = {step.pk for step in steps if step.kind in RERUNNABLE_KINDS}
    else:
        reruns = {int(pk) for pk in rerun_ids}
        if reruns - {step.pk for step in steps if step.kind in RERUNNABLE_KINDS}:
            raise ActionRefused(
                _("Only copied dilemmas and choice questions can be asked again."), status=400
            )
    with transaction.atomic():
        round = create_round(source.workshop, title=title, by=by)
        copied_from = {}
        for position, step in enumerate(steps, start=1):
            copy = _copy_step(step, round, position, rerun=step.pk in reruns)
            copied_from[str(copy.pk)] = step.pk
        carry_forward_code_of_conduct(source, round, by=by)
        record_event(
            "round.continued",
            workshop=round.workshop,
            round=round,
            user=by,
            source=source.pk,
            copied_from=copied_from,
            reruns=sorted(reruns),
        )
    return round


def _copy_step(step, round, position, *, rerun):
    copy = Step.objects.create(
        round=round,
        position=position,
        kind=step.kind,
        title=step.title,
        body=step.body,
        hide_results=step.hide_results,
        anonymous=step.anonymous,
        settings=authored_settings(step),
        closes_at=None,
        rerun_of=step if rerun else None,
        **_FRESH_STATE,
    )
    Option.objects.bulk_create(
        Option(
            step=copy,
            position=option.position,
            label=option.label,
            explanation=option.explanation,
            honours=list(option.honours),
            strains=list(option.strains),
        )
        for option in step.options.all()
    )
    # Statements the room answered come along; those waiting for approval or rejected do not.
    Statement.objects.bulk_create(
        Statement(step=copy, text=statement.text)
        for statement in step.statements.filter(status=Statement.Status.APPROVED)
    )
    return copy


def carry_forward_code_of_conduct(source, round, *, by):
    """The code of conduct belongs to the workshop, so the new round starts from its latest
    version by itself; this records which version that was and which clauses were still open,
    so the record says what the round inherited."""
    workshop = source.workshop
    version = latest_version(workshop)
    still_open = open_clauses(workshop)
    if version is None and not still_open:
        return
    record_event(
        "conduct.carried_forward",
        workshop=workshop,
        round=round,
        user=by,
        source=source.pk,
        version=version.number if version else 0,
        open_clauses=[clause.pk for clause in still_open],
    )


def rerunnable_steps(round):
    return [step for step in round.ordered_steps() if step.kind in RERUNNABLE_KINDS]


# Then versus now ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThenAndNow:
    earlier: Step
    then: object  # the earlier round's results, in its last pass
    rows: list  # (option label, then OptionResult, now OptionResult)
    present_in_both: int | None  # None: anonymous, nobody can be followed
    changed: int | None


def then_and_now(step, now_results):
    """The earlier round's results beside ``now_results``, and who changed their answer.

    None when the step re-runs nothing (or the earlier step is gone). Options are matched by
    their place on the list; the earlier results use its last pass.
    """
    earlier = step.rerun_of
    if earlier is None or step.kind not in RERUNNABLE_KINDS or earlier.kind != step.kind:
        return None
    then = ANSWER_KINDS[earlier.kind].tally(earlier, earlier.current_pass)
    then_by_position = {result.option.position: result for result in then.options}
    rows = [
        (result.option.label, then_by_position.get(result.option.position), result)
        for result in now_results.options
    ]
    present = changed = None
    if not (step.anonymous or earlier.anonymous):
        before = _answers_by_participant(earlier, earlier.current_pass)
        after = _answers_by_participant(step, step.current_pass)
        both = before.keys() & after.keys()
        present = len(both)
        changed = sum(before[p] != after[p] for p in both)
    return ThenAndNow(earlier, then, rows, present, changed)


def _answers_by_participant(step, pass_number):
    """Each (still counted) participant's answer as the positions of the options they chose."""
    positions = dict(step.options.values_list("pk", "position"))
    answers = (
        Response.objects.filter(step=step, pass_number=pass_number, hidden=False)
        .filter(still_counted("participant"))
        .exclude(participant=None)
        .values_list("participant_id", "option_id", "value")
    )
    return {
        participant: frozenset(positions.get(pk) for pk in ([option] if option else (value or [])))
        for participant, option, value in answers
    }
