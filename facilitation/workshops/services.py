"""State changes of workshops and rounds: joining, the lifecycle, moving through the agenda.

Each function does its whole change in one transaction, records an event, and notifies the round's
screens after commit. Views call these; nothing else changes this state.
"""

import unicodedata
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from facilitation.live.push import notify_round

from .models import (
    JOIN_CODE_LENGTH,
    REJOIN_CODE_LENGTH,
    Attendance,
    Event,
    Participant,
    Round,
    Step,
    Workshop,
    normalise_code,
    random_code,
)

DISPLAY_NAME_MAX_LENGTH = Participant._meta.get_field("display_name").max_length


class ActionRefused(Exception):
    """A request the rules do not allow; the message is shown to the person as it is."""

    def __init__(self, message, *, status=409):
        super().__init__(message)
        self.message = message
        self.status = status


def record_event(kind, *, workshop, round=None, step=None, participant=None, user=None, **payload):
    event = unsaved_event(
        kind,
        workshop=workshop,
        round=round,
        step=step,
        participant=participant,
        user=user,
        **payload,
    )
    event.save()
    return event


def unsaved_event(kind, *, workshop, round=None, step=None, participant=None, user=None, **payload):
    """An event as ``record_event`` records it, for saving with others (``bulk_create``)."""
    return Event(
        kind=kind,
        workshop=workshop,
        round=round,
        step=step,
        participant=participant,
        user=user if user and user.is_authenticated else None,
        payload=payload,
    )


def unique_join_code():
    for _attempt in range(20):
        code = random_code(JOIN_CODE_LENGTH)
        if not Round.objects.filter(join_code=code).exists():
            return code
    raise RuntimeError("Could not find a free join code")


def create_round(workshop, *, title, by=None):
    """Create a draft round with a fresh join code and projector key."""
    with transaction.atomic():
        round = Round.objects.create(
            workshop=workshop,
            title=title,
            join_code=unique_join_code(),
            projector_key=random_code(24),
        )
        record_event("round.created", workshop=workshop, round=round, user=by, title=title)
    return round


def find_round_to_join(code):
    """The round a typed join code opens, or a refusal that says why not."""
    code = normalise_code(code)
    round = (
        Round.objects.select_related("workshop").filter(join_code=code).first() if code else None
    )
    if round is None:
        raise ActionRefused(
            _("There is no workshop with the code “%(code)s”. Check the code on the screen.")
            % {"code": code},
            status=404,
        )
    if round.status == Round.Status.DRAFT:
        raise ActionRefused(_("This workshop has not started yet. Try again in a moment."))
    if round.status == Round.Status.CLOSED:
        raise ActionRefused(_("This workshop round has ended, so it can no longer be joined."))
    return round


def visible_line(text):
    """``text`` on one line as a person sees it: invisible characters dropped, white space
    collapsed."""
    visible = "".join(ch for ch in (text or "") if unicodedata.category(ch) not in {"Cc", "Cf"})
    return " ".join(visible.split())


def clean_display_name(name):
    """Collapse white space and drop invisible characters; empty means anonymous."""
    cleaned = visible_line(name)
    if name and not cleaned:
        raise ActionRefused(
            _(
                "A display name needs at least one visible character. "
                "Leave it empty to stay anonymous."
            ),
            status=400,
        )
    name = cleaned
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise ActionRefused(
            _("A display name can have at most %(max)d characters.")
            % {"max": DISPLAY_NAME_MAX_LENGTH},
            status=400,
        )
    return name


def join_round(round, *, display_name="", participant=None, language=""):
    """Admit a person to a round, as a new participant or as the one their cookie names.

    Effects: creates the participant (with a pseudonym number, cookie token and re-join code) if
    needed, records the attendance and a ``participant.joined`` event, and updates the room's count.
    ``language`` is the one their phone speaks (see ``remember_language``).
    """
    display_name = clean_display_name(display_name)
    if not round.is_open_to_join:
        raise ActionRefused(_("This workshop round is not open to join."))
    if participant is not None and (
        participant.workshop_id != round.workshop_id or participant.withdrawn_at is not None
    ):
        # Someone who withdrew and comes back takes part afresh, as a new participant.
        participant = None
    with transaction.atomic():
        new = participant is None
        if new:
            participant = _new_participant(round.workshop, display_name, language)
            # Someone new has attended nothing yet: no lookup first (a hall joins at once).
            Attendance.objects.create(round=round, participant=participant)
            first_time = True
        else:
            if display_name and display_name != participant.display_name:
                participant.display_name = display_name
                participant.save(update_fields=["display_name"])
            remember_language(participant, language)
            _attendance, first_time = Attendance.objects.get_or_create(
                round=round, participant=participant
            )
        if first_time:
            record_event(
                "participant.joined", workshop=round.workshop, round=round, participant=participant
            )
            notify_round(round.pk, "people")
            # Imported here: groups builds on this module.
            from .groups import place_late_arrival

            place_late_arrival(round, participant, new=new)
    return participant


def remember_language(participant, language):
    """Keep the language ``participant``'s phone was opened in, for the pushes to their phone.

    Effects: updates the participant's language when it differs (no query otherwise). No event
    and no push: it is how their screen speaks, not part of the record; the next push uses it.
    """
    if language in dict(settings.LANGUAGES) and language != participant.language:
        Participant.objects.filter(pk=participant.pk).update(language=language)
        participant.language = language


def _new_participant(workshop, display_name, language=""):
    # Lock the workshop so concurrent joins take numbers one after another (max + 1 would collide);
    # a re-join code may still collide by chance: then draw another.
    # (A lock that still lets other changes insert rows referring to the workshop, e.g. events.)
    Workshop.objects.select_for_update(no_key=True).filter(pk=workshop.pk).first()
    for _attempt in range(10):
        last = workshop.participants.order_by("-number").values_list("number", flat=True).first()
        try:
            with transaction.atomic():
                return Participant.objects.create(
                    workshop=workshop,
                    number=(last or 0) + 1,
                    display_name=display_name,
                    language=language,
                    token=random_code(40),
                    rejoin_code=random_code(REJOIN_CODE_LENGTH),
                )
        except IntegrityError:
            continue
    raise RuntimeError("Could not create a participant")


def find_participant_by_rejoin_code(round, code):
    code = normalise_code(code)
    participant = Participant.objects.filter(workshop=round.workshop, rejoin_code=code).first()
    if not code or participant is None:
        raise ActionRefused(
            _("That personal code is not known in this workshop. Check it, or join as new."),
            status=404,
        )
    if participant.withdrawn_at is not None:
        raise ActionRefused(
            _("The person with that code has withdrawn from this workshop. Join as new instead."),
            status=409,
        )
    return participant


def _lock(round):
    """Re-read the round inside the transaction, locked, so concurrent changes queue up.

    The functions below change that locked copy and then refresh the caller's instance. Only the
    round's row is locked (``of``): on PostgreSQL a plain FOR UPDATE with ``select_related`` would
    lock the workshop's row too, and queue (or deadlock) against people joining.
    """
    return Round.objects.select_for_update(of=("self",)).select_related("workshop").get(pk=round.pk)


def _refusal_for_status(status):
    return {
        Round.Status.DRAFT: _("The round has not started yet, so this cannot be done now."),
        Round.Status.LIVE: _("The round is already running, so this cannot be done now."),
        Round.Status.PAUSED: _("The round is paused, so this cannot be done now."),
        Round.Status.CLOSED: _("The round is closed, so this cannot be done now."),
    }[status]


def _change_status(round, *, allowed_from, to, kind, by):
    with transaction.atomic():
        locked = _lock(round)
        if locked.status not in allowed_from:
            raise ActionRefused(_refusal_for_status(locked.status))
        previous = locked.status
        locked.status = to
        locked.save(update_fields=["status"])
        record_event(kind, workshop=locked.workshop, round=locked, user=by, previous=previous)
        notify_round(locked.pk, "stage", urgent=True)
    round.refresh_from_db()
    return round


def start_round(round, *, by):
    """Open a draft round: people can join with its code; the projector shows the lobby."""
    return _change_status(
        round, allowed_from={Round.Status.DRAFT}, to=Round.Status.LIVE, kind="round.started", by=by
    )


def pause_round(round, *, by):
    """Pause a live round: nobody can answer until it resumes."""
    return _change_status(
        round, allowed_from={Round.Status.LIVE}, to=Round.Status.PAUSED, kind="round.paused", by=by
    )


def resume_round(round, *, by):
    return _change_status(
        round, allowed_from={Round.Status.PAUSED}, to=Round.Status.LIVE, kind="round.resumed", by=by
    )


def close_round(round, *, by):
    """Close a round for good: from now on it is read-only."""
    return _change_status(
        round,
        allowed_from={Round.Status.LIVE, Round.Status.PAUSED},
        to=Round.Status.CLOSED,
        kind="round.closed",
        by=by,
    )


def _change_display(round, *, field, value, kind, by):
    with transaction.atomic():
        locked = _lock(round)
        if locked.is_closed:
            raise ActionRefused(_("This round is closed; nothing in it can change."))
        if getattr(locked, field) != value:
            setattr(locked, field, value)
            locked.save(update_fields=[field])
            record_event(kind, workshop=locked.workshop, round=locked, user=by)
            # Only the big screens show it: phones are not redrawn for it.
            notify_round(locked.pk, "display", urgent=True)
    round.refresh_from_db()
    return round


def blank_projector(round, *, blank, by):
    """Darken the projector to a screen with only the join code (``blank=False``: bring it back).

    Effects: the round's ``projector_blanked``, a ``projector.blanked`` or ``projector.unblanked``
    event, and an urgent push of the projector's and the console's stage (topic ``display``).
    Asking for the state the projector is already in changes nothing and records nothing.
    """
    kind = "projector.blanked" if blank else "projector.unblanked"
    return _change_display(round, field="projector_blanked", value=blank, kind=kind, by=by)


def show_join_overlay(round, *, shown, by):
    """Show the join code and its QR code large over whatever the projector shows, or hide them.

    Effects: the round's ``join_overlay_shown``, a ``join_overlay.shown`` or ``join_overlay.hidden``
    event, and an urgent push of the projector's and the console's stage (topic ``display``).
    Asking for the state the overlay is already in changes nothing and records nothing.
    """
    kind = "join_overlay.shown" if shown else "join_overlay.hidden"
    return _change_display(round, field="join_overlay_shown", value=shown, kind=kind, by=by)


def go_to_step(round, step, *, by):
    """Show ``step`` (or the lobby, for None) on the projector and every phone."""
    with transaction.atomic():
        locked = _lock(round)
        if locked.is_closed:
            raise ActionRefused(_("This round is closed; its agenda can no longer be moved."))
        if step is not None and step.round_id != locked.pk:
            raise ActionRefused(_("That step belongs to another round."), status=404)
        if locked.current_step_id != (step.pk if step else None):
            locked.current_step = step
            locked.save(update_fields=["current_step"])
            record_event(
                "step.shown",
                workshop=locked.workshop,
                round=locked,
                step=step,
                user=by,
                position=step.position if step else None,
            )
            notify_round(locked.pk, "stage", urgent=True)
    round.refresh_from_db()
    return round


def move_through_agenda(round, offset, *, by):
    """Go ``offset`` steps forward (or back) from the current one; before the first is the lobby."""
    steps = list(round.ordered_steps())
    position = next((i for i, s in enumerate(steps) if s.pk == round.current_step_id), -1)
    target = position + offset
    if target >= len(steps):
        raise ActionRefused(_("This is the last step of the agenda."))
    if target < -1:
        raise ActionRefused(_("This is already the start of the agenda."))
    return go_to_step(round, steps[target] if target >= 0 else None, by=by)


def _change_step(step, *, field, value, kind, by):
    with transaction.atomic():
        locked = (
            Step.objects.select_for_update(of=("self", "round"))
            .select_related("round__workshop")
            .get(pk=step.pk)
        )
        if locked.round.is_closed:
            raise ActionRefused(_("This round is closed; nothing in it can change."))
        if getattr(locked, field) != value:
            setattr(locked, field, value)
            locked.save(update_fields=[field])
            record_event(
                kind, workshop=locked.round.workshop, round=locked.round, step=locked, user=by
            )
            notify_round(locked.round_id, "stage", urgent=True)
    step.refresh_from_db()
    return step


def lock_voting(step, *, by):
    """Stop answers to ``step``; the answers given so far stand."""
    return _change_step(step, field="voting_locked", value=True, kind="voting.locked", by=by)


def unlock_voting(step, *, by):
    """Open answers again, also after a timer ran out (the timer is cleared)."""
    with transaction.atomic():
        locked = (
            Step.objects.select_for_update(of=("self", "round"))
            .select_related("round__workshop")
            .get(pk=step.pk)
        )
        if locked.round.is_closed:
            raise ActionRefused(_("This round is closed; nothing in it can change."))
        if not locked.accepts_answers():
            locked.voting_locked, locked.closes_at = False, None
            locked.save(update_fields=["voting_locked", "closes_at"])
            record_event(
                "voting.unlocked",
                workshop=locked.round.workshop,
                round=locked.round,
                step=locked,
                user=by,
            )
            notify_round(locked.round_id, "stage", urgent=True)
    step.refresh_from_db()
    return step


def reveal_results(step, *, by):
    """Show the room's results on the projector and the phones."""
    return _change_step(step, field="results_revealed", value=True, kind="results.revealed", by=by)


def conceal_results(step, *, by):
    return _change_step(step, field="results_revealed", value=False, kind="results.hidden", by=by)


TIMER_SECONDS = (30, 60, 120, 180, 300, 600)


def start_timer(step, *, seconds, by):
    """Close answers to ``step`` after ``seconds``; phones and projector count down."""
    if seconds not in TIMER_SECONDS:
        raise ActionRefused(_("Choose one of the timer lengths offered."), status=400)
    with transaction.atomic():
        locked = (
            Step.objects.select_for_update(of=("self", "round"))
            .select_related("round__workshop")
            .get(pk=step.pk)
        )
        if locked.round.is_closed:
            raise ActionRefused(_("This round is closed; nothing in it can change."))
        locked.closes_at = timezone.now() + timedelta(seconds=seconds)
        locked.voting_locked = False
        locked.save(update_fields=["closes_at", "voting_locked"])
        record_event(
            "timer.started",
            workshop=locked.round.workshop,
            round=locked.round,
            step=locked,
            user=by,
            seconds=seconds,
        )
        notify_round(locked.round_id, "stage", urgent=True)
    step.refresh_from_db()
    return step
