"""Moderation: the facilitator hides an answer from the room, or shows it again.

A hidden answer leaves the projector, the phones and every tally, but stays in the record (the
row and the events), so research exports still hold it.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from facilitation.live.push import notify_round
from facilitation.workshops.services import ActionRefused, record_event

from .models import Response


def set_answer_hidden(response, hidden, *, by):
    """Hide ``response`` from the room (``hidden=True``) or show it again.

    Effects, in one transaction: the response's ``hidden`` flag, an ``answer.hidden`` or
    ``answer.shown`` event naming the facilitator and the answer, and a push of the results.
    Asking for the state the answer is already in changes nothing and records nothing. The
    answer's time is kept, so showing it again puts it back where it was in the list.
    """
    hidden = bool(hidden)
    with transaction.atomic():
        locked = (
            Response.objects.select_for_update()
            .select_related("step__round__workshop")
            .get(pk=response.pk)
        )
        step = locked.step
        if step.round.is_closed:
            raise ActionRefused(_("This round is closed; nothing in it can change."))
        if locked.hidden != hidden:
            locked.hidden = hidden
            locked.save(update_fields=["hidden"])
            record_event(
                "answer.hidden" if hidden else "answer.shown",
                workshop=step.round.workshop,
                round=step.round,
                step=step,
                user=by,
                response=locked.pk,
                pass_number=locked.pass_number,
            )
            notify_round(step.round_id, "results")
    response.hidden = locked.hidden
    return locked
