"""A long finding shown on the projector a part at a time, the facilitator stepping through.

The parts are made from the finding's own blocks (paragraphs, list items, quotes, headings), in
order, each part at most ``PART_LENGTH`` characters of source unless one block alone is longer;
a heading always starts a part with what follows it. Which part the projector shows is running
state of the step (``Step.settings["part"]``, as a report-back is), left out of copies.
Phones always have the whole text.
"""

import re

from django.db import transaction
from django.utils.translation import gettext as _

from facilitation.live.push import notify_round
from facilitation.workshops.models import Step
from facilitation.workshops.services import ActionRefused, record_event

from .anchoring import blocks

# About what fits at the readable floor (3.3 % of the height) of a 1024x768 projector, beside
# the wall of notes.
PART_LENGTH = 600
_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]")


def finding_parts(text):
    """The parts of ``text`` as (start, end) source offsets; one part for a short text."""
    parts, start, end, ends_with_heading = [], None, None, False
    for block_start, block_end in blocks(text):
        line_start = text.rfind("\n", 0, block_start) + 1
        heading = bool(_HEADING.match(text, line_start))
        too_long = start is not None and block_end - start > PART_LENGTH
        if start is not None and (too_long or heading) and not ends_with_heading:
            parts.append((start, end))
            start = None
        if start is None:
            start = block_start
        end, ends_with_heading = block_end, heading
    if start is not None:
        parts.append((start, end))
    return parts or [(0, len(text))]


def shown_part(step):
    """The number (from 0) of the part the projector shows, within the finding's parts."""
    last = len(finding_parts(step.body)) - 1
    return min(max(int(step.settings.get("part", 0) or 0), 0), last)


def show_finding_part(step, *, part, by):
    """Show part number ``part`` (from 0) of a finding on the projector.

    Refuses another kind of step, a closed round and a part the finding does not have. Effects:
    ``Step.settings["part"]``, a ``finding.part_shown`` event and an urgent ``stage`` push;
    showing the part already shown does nothing.
    """
    with transaction.atomic():
        step = (
            Step.objects.select_for_update(of=("self", "round"))
            .select_related("round__workshop")
            .get(pk=step.pk)
        )
        if step.kind != Step.Kind.FINDING:
            raise ActionRefused(_("Only a finding is shown a part at a time."), status=400)
        if step.round.is_closed:
            raise ActionRefused(_("This round is closed; nothing in it can change."))
        count = len(finding_parts(step.body))
        if not 0 <= part < count:
            raise ActionRefused(
                _("This finding has parts 1 to %(count)d.") % {"count": count}, status=400
            )
        if shown_part(step) != part:
            step.settings = {**step.settings, "part": part}
            step.save(update_fields=["settings"])
            record_event(
                "finding.part_shown",
                workshop=step.round.workshop,
                round=step.round,
                step=step,
                user=by,
                part=part + 1,
                parts=count,
            )
            notify_round(step.round_id, "stage", urgent=True)
    return step
