"""The one gate for "may this participant act on the step on screen".

Answers, notes on a finding, a group's discussion notes, the code of conduct and questions all
ask the same things of a person and a round; each capability only says, in its own noun, what it
is and on which kinds of step it is offered. The refusals are worded once, here.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Round
from .participants import may_take_part_refusal
from .services import ActionRefused


@dataclass(frozen=True)
class Capability:
    """Something a participant does on the step on screen.

    ``things`` is the plural noun the refusals use ("answers", "notes"); a lazy translation.
    ``kinds``: the step kinds that offer it. ``timed``: the step's timer closes it too.
    """

    things: object
    kinds: frozenset
    timed: bool = False


def check_can_take_part(
    participant, *, capability, step=None, round=None, any_step=False, attends=None
):
    """Refuse with ``ActionRefused`` unless ``participant`` may act on ``step`` now.

    In order: the person attends the round (``round`` defaults to the step's; ``attends`` when
    the caller has asked for many people at once, see ``Round.attendees_among``); they have given
    consent and not withdrawn; the round is live (a pause says it will resume); and, unless
    ``any_step`` (a capability the facilitator opened for the whole round), ``step`` is the one
    on screen, of a kind that offers ``capability``, not closed by the facilitator, and, for a
    timed capability, not out of time. Changes nothing.
    """
    round = round or step.round
    things = {"things": capability.things}
    if not (round.is_attended_by(participant) if attends is None else attends):
        raise ActionRefused(_("Join this workshop round first."), status=403)
    participant.workshop = round.workshop  # the same workshop (checked above), already read
    if refusal := may_take_part_refusal(participant):
        raise ActionRefused(refusal, status=403)
    if round.status == Round.Status.PAUSED:
        raise ActionRefused(_("The round is paused. You can carry on when it resumes."))
    if round.status != Round.Status.LIVE:
        raise ActionRefused(
            _("This round is not running, so %(things)s cannot be changed now.") % things
        )
    if any_step:
        return
    if step is None or step.kind not in capability.kinds:
        raise ActionRefused(_("This step takes no %(things)s.") % things, status=400)
    if round.current_step_id != step.pk:
        raise ActionRefused(_("This step is no longer on screen; the room has moved on."))
    if step.voting_locked:
        raise ActionRefused(_("The facilitator has closed %(things)s on this step.") % things)
    if capability.timed and step.timer_has_run_out():
        raise ActionRefused(_("Time is up for this step."))
