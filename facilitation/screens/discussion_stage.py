"""What the screens show of a discussion: each group's notes on its phones, all groups on the
console and the projector."""

from facilitation.deliberation.discussion import NOTE_MAX_LENGTH, notes_by_group
from facilitation.workshops.groups import NAMES_SHOWN, groups_with_members

from .audiences import PARTICIPANT
from .render_once import kept_for_this_render


def discussion_groups(round, step):
    """The round's groups with people or notes on ``step``, each with its ``discussion_notes``,
    its first ``NAMES_SHOWN`` members as ``named`` and how many ``more`` there are.

    Read once per render of the round (kept on the step), however many variants it renders: a
    whole-stage push on a discussion renders once per author and once per group, and reading
    every group's people and notes for each of them cost a hall of 2,000 with 300 authors 30 s.
    """
    return kept_for_this_render(step, "_discussion_groups", lambda: _read_groups(round, step))


def _read_groups(round, step):
    notes = notes_by_group(step)
    groups = [g for g in groups_with_members(round) if g.members or notes.get(g.pk)]
    for g in groups:
        g.discussion_notes = notes.get(g.pk, [])
        g.named, g.more = g.members[:NAMES_SHOWN], max(0, len(g.members) - NAMES_SHOWN)
    return groups


def discussion_context(round, step, audience, viewer):
    groups = discussion_groups(round, step)
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
