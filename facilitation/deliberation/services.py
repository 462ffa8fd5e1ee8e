"""Answers to steps: submitting one, of any kind, and reading them back.

What an answer of each kind looks like, and how a room's answers add up, is in ``answer_kinds``.
"""

import json
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from facilitation.group_commit import GroupCommit
from facilitation.live.push import notify_round
from facilitation.workshops.models import Event, Participant, Round, Step
from facilitation.workshops.participants import still_counted
from facilitation.workshops.services import ActionRefused, record_event, unsaved_event
from facilitation.workshops.taking_part import Capability, check_can_take_part

from .answer_kinds import ANSWER_KINDS, Answer
from .models import Receipt, Response


def submit_answer(step, participant, payload):
    """Record ``participant``'s answer to ``step`` in its current pass, replacing an earlier one.

    ``payload`` maps field names to lists of strings, as a form posts them; the step's kind turns
    it into an answer or refuses it with a message. Effects: one Response per participant, step and
    pass (created or updated), an ``answer.given`` event when the answer is new or changed, and a
    paced push of the results. The same answer again (a double tap, a retry) changes nothing.
    On a fully anonymous step the answer names nobody, a Receipt records that the person has
    answered, and the answer cannot be changed.

    Answers arriving together are written together, in one transaction (see ``group_commit``);
    each is returned, or refused, once that transaction has committed.

    Returns the Response; its ``step`` is the step as locked (with its round, and the related rows
    its kind reads), so the answer can be shown without reading the step again.
    """
    return _answers.submit(_Submission(step, participant, payload, translation.get_language()))


@dataclass(frozen=True)
class _Submission:
    step: Step
    participant: Participant
    payload: dict
    language: str  # the submitter's: a refusal is worded in it, on whichever thread writes


def _write_answers(submissions):
    """Write a group of answers in one transaction: per step, one lock, one read of the step, of
    who attends and of the answers given so far, then the rows and events in bulk.

    Returns each submission's Response, or the ActionRefused that refuses it.
    """
    outcomes = {}
    with transaction.atomic():
        for step_id, group in _by_step(submissions).items():
            for submission, outcome in zip(group, _write_answers_to(step_id, group), strict=True):
                outcomes[id(submission)] = outcome
    return [outcomes[id(submission)] for submission in submissions]


def _by_step(submissions):
    groups = {}
    for submission in submissions:
        groups.setdefault(submission.step.pk, []).append(submission)
    return groups


def _write_answers_to(step_id, group):
    participant_ids = sorted({submission.participant.pk for submission in group})
    _lock_for_answering(step_id, participant_ids)
    try:
        step = Step.objects.select_related("round__workshop").get(pk=step_id)
    except Step.DoesNotExist:  # deleted meanwhile
        return [_refused_as_gone(submission) for submission in group]
    kind = ANSWER_KINDS.get(step.kind)
    if kind:
        prefetch_related_objects([step], *kind.related)
    # The people as they are now, under their locks (consent, withdrawal): a vote may name its
    # person by id only (``screens.identity.attendee_id_from_cookies``).
    attendees = step.round.attendees_among(participant_ids)
    # Kept up to date as the group's answers are made, in order (one person may tap twice).
    given = own_answers(step, participant_ids)
    outcomes, events, receipts, created, changed = [], [], [], {}, {}
    for submission in group:
        participant = attendees.get(submission.participant.pk, submission.participant)
        try:
            with translation.override(submission.language):
                check_can_answer(step, participant, attends=participant.pk in attendees)
                answer = kind.clean(step, submission.payload)
                if step.anonymous and given.get(participant.pk):
                    raise ActionRefused(
                        _(
                            "You have answered this anonymous question."
                            " Anonymous answers cannot be changed."
                        )
                    )
        except ActionRefused as refusal:
            outcomes.append(refusal)
            continue
        response, previous = _answered(step, participant, answer, kind, given.get(participant.pk))
        if previous is not None:
            events.append(_event(step, participant, response, previous=previous))
            if step.anonymous:
                given[participant.pk] = True
                receipts.append(
                    Receipt(step=step, participant=participant, pass_number=step.current_pass)
                )
                created[id(response)] = response
            elif response.pk is None:
                given[participant.pk] = created[id(response)] = response
            else:
                changed[response.pk] = response
        response.step = step
        outcomes.append(response)
    if events:
        _save_answers(receipts, list(created.values()), list(changed.values()), events)
        notify_round(step.round_id, "results")
    return outcomes


def _refused_as_gone(submission):
    with translation.override(submission.language):
        return ActionRefused(_("This step is no longer on screen; the room has moved on."))


def _answered(step, participant, answer, kind, earlier):
    """The Response that ``answer`` makes of ``earlier`` (unsaved when new), and the answer it
    replaces: None when nothing changes (the same answer again)."""
    if step.anonymous:
        response = Response(
            step=step, pass_number=step.current_pass, option_id=answer.option_id, value=answer.value
        )
        return response, Answer()
    if earlier is not None and kind.merge:
        answer = kind.merge(Answer(earlier.option_id, earlier.value), answer)
    if earlier is None:
        response = Response(
            step=step,
            participant=participant,
            pass_number=step.current_pass,
            option_id=answer.option_id,
            value=answer.value,
        )
        return response, Answer()
    if (earlier.option_id, earlier.value) == (answer.option_id, answer.value):
        return earlier, None
    previous = Answer(earlier.option_id, earlier.value)
    earlier.option_id, earlier.value = answer.option_id, answer.value
    earlier.updated_at = timezone.now()
    return earlier, previous


def _save_answers(receipts, created, changed, events):
    # One statement per table, whatever the group's size.
    if receipts:
        Receipt.objects.bulk_create(receipts)
    if created:
        Response.objects.bulk_create(created)
    if changed:
        Response.objects.bulk_update(changed, ["option", "value", "updated_at"])
    Event.objects.bulk_create(events)


def _event(step, participant, answer, *, previous):
    """The ``answer.given`` event of ``answer`` (a Response, as merged), replacing ``previous``."""
    return unsaved_event(
        "answer.given",
        workshop=step.round.workshop,
        round=step.round,
        step=step,
        participant=None if step.anonymous else participant,
        pass_number=step.current_pass,
        option=answer.option_id,
        value=answer.value,
        previous_option=previous.option_id,
        previous_value=previous.value,
    )


_answers = GroupCommit(
    _write_answers,
    linger=settings.ANSWER_GROUP_LINGER_MS / 1000,
    enough=settings.REQUESTS_IN_FLIGHT,
)


def _lock_for_answering(step_id, participant_ids):
    """Hold the step and its round still, and these people's answering, until the answers commit.

    A hall's answers to one step are written side by side: each group takes a *shared* lock on
    the step and the round, so the facilitator's lock, move or pause (which update those rows)
    waits for the answers already on their way and every later answer sees it. The people's own
    rows are locked exclusively, so two taps of one phone are written one after the other. On
    PostgreSQL; SQLite writes one transaction at a time anyway.
    """
    if connection.vendor != "postgresql":
        return
    quote = connection.ops.quote_name
    step_table, round_table, participant_table = (
        quote(model._meta.db_table) for model in (Step, Round, Participant)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            # Table names from the models, values as parameters.
            f"SELECT 1 FROM {step_table} s JOIN {round_table} r ON r.id = s.round_id,"  # noqa: S608
            f" {participant_table} p WHERE s.id = %s AND p.id = ANY(%s)"
            " ORDER BY p.id FOR SHARE OF s, r FOR NO KEY UPDATE OF p",
            [step_id, participant_ids],
        )


def cast_vote(step, participant, option_id):
    """Choose one option of a dilemma or single-choice step (see ``submit_answer``)."""
    return submit_answer(step, participant, {"option": [str(option_id)]})


ANSWERING = Capability(things=_lazy("answers"), kinds=frozenset(ANSWER_KINDS), timed=True)


def check_can_answer(step, participant, *, attends=None):
    check_can_take_part(participant, capability=ANSWERING, step=step, attends=attends)


def answered_count(step):
    """How many have answered the step's current pass."""
    return (
        Response.objects.filter(step=step, pass_number=step.current_pass)
        .filter(still_counted("participant"))
        .count()
    )


def own_answer(step, participant):
    """What the participant sees as their answer: a Response, True (anonymous), or None."""
    return own_answers(step, [participant.pk]).get(participant.pk)


def own_answers(step, participant_ids):
    """Each listed participant's current answer to ``step`` (absent: no answer yet)."""
    if step.anonymous:
        answered = Receipt.objects.filter(
            step=step, pass_number=step.current_pass, participant_id__in=participant_ids
        ).values_list("participant_id", flat=True)
        return dict.fromkeys(answered, True)
    responses = Response.objects.filter(
        step=step, pass_number=step.current_pass, participant_id__in=participant_ids
    )
    return {response.participant_id: response for response in responses}


def answer_key(answer):
    """Phones whose answers have the same key see the same stage."""
    if answer is None or answer is True:
        return answer
    return (answer.option_id, json.dumps(answer.value, sort_keys=True))


def tally(step, pass_number=None):
    kind = ANSWER_KINDS[step.kind]
    return kind.tally(step, pass_number or step.current_pass)


def open_second_pass(step, *, by):
    """Re-open a step for a second vote after discussion; the first pass's answers stay as they are.

    Effects: the step's current pass becomes 2, voting opens, the results and any timer are reset,
    a ``pass.opened`` event is recorded and every screen shows the step anew.
    """
    with transaction.atomic():
        locked = (
            Step.objects.select_for_update(of=("self", "round"))
            .select_related("round__workshop")
            .get(pk=step.pk)
        )
        kind = ANSWER_KINDS.get(locked.kind)
        if not kind or not kind.second_pass:
            raise ActionRefused(_("This kind of step has no second vote."), status=400)
        if locked.round.is_closed:
            raise ActionRefused(_("This round is closed; nothing in it can change."))
        if locked.current_pass > 1:
            raise ActionRefused(_("The second vote is already open."))
        locked.current_pass = 2
        locked.voting_locked = locked.results_revealed = False
        locked.closes_at = None
        locked.save(
            update_fields=["current_pass", "voting_locked", "results_revealed", "closes_at"]
        )
        record_event(
            "pass.opened",
            workshop=locked.round.workshop,
            round=locked.round,
            step=locked,
            user=by,
            pass_number=2,
        )
        notify_round(locked.round_id, "stage", urgent=True)
    step.refresh_from_db()
    return step


def switch_step_setting(step, name, on, *, kind, not_this_kind, event, by, topics, urgent=False):
    """Turn a facilitator's on/off setting of a step (``Step.settings[name]``) on or off.

    Refuses a step of another kind (with ``not_this_kind``) or of a closed round. A change is
    recorded as ``event`` and pushed on ``topics``; setting what is already set does nothing.
    """
    with transaction.atomic():
        step = (
            Step.objects.select_for_update(of=("self", "round"))
            .select_related("round__workshop")
            .get(pk=step.pk)
        )
        if step.kind != kind:
            raise ActionRefused(not_this_kind, status=400)
        if step.round.is_closed:
            raise ActionRefused(_("This round is closed; nothing in it can change."))
        if bool(step.settings.get(name)) != bool(on):
            step.settings = {**step.settings, name: bool(on)}
            step.save(update_fields=["settings"])
            record_event(
                event,
                workshop=step.round.workshop,
                round=step.round,
                step=step,
                user=by,
                on=bool(on),
            )
            notify_round(step.round_id, *topics, urgent=urgent)
    return step
