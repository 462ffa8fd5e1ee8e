"""What the screens show of a discussion: each group's notes on its phones, all groups on the
console and the projector."""

from facilitation.deliberation.discussion import NOTE_MAX_LENGTH, notes_by_group
from facilitation.workshops.groups import groups_with_members

from .audiences import PARTICIPANT


def discussion_context(round, step, audience, viewer):
    notes = notes_by_group(step)
    groups = [g for g in groups_with_members(step.round) if g.members or notes.get(g.pk)]
    for g in groups:
        g.discussion_notes = notes.get(g.pk, [])
    context = {"report_back": bool(step.settings.get("report_back")), "note_max": NOTE_MAX_LENGTH}
    if audience == PARTICIPANT:
        group = viewer.group
        context["my_group"] = next((g for g in groups if group and g.pk == group.pk), None)
        context["own_notes"] = viewer.own_notes
        context["own_ids"] = " ".join(str(n.pk) for n in viewer.own_notes)
    else:
        context["groups"] = groups
        context["noted"] = sum(len(g.discussion_notes) for g in groups)
    return context
