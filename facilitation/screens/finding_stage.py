"""What the screens show of a finding: sentences to tap, the heat map, the wall of notes, the
console's moderation list."""

from facilitation.deliberation.annotations import heat_map, placed_annotations
from facilitation.deliberation.finding_parts import finding_parts, shown_part
from facilitation.deliberation.models import Annotation

from .audiences import FACILITATOR, PARTICIPANT, PROJECTOR
from .reading import paragraphs


def wall(step, placed):
    """The room's notes grouped by passage: groups with a pinned note first, then in text order."""
    groups = {}
    for note in placed:
        key = ("detached", note.annotation.exact) if note.detached else (note.start, note.end)
        group = groups.setdefault(
            key,
            {
                "quote": note.annotation.exact
                if note.detached
                else step.body[note.start : note.end],
                "detached": note.detached,
                "start": note.start,
                "notes": [],
            },
        )
        group["notes"].append(note)
    ordered = sorted(
        groups.values(),
        key=lambda g: (
            not any(n.annotation.pinned for n in g["notes"]),
            g["detached"],
            g["start"] or 0,
        ),
    )
    return ordered


def finding_context(round, step, audience, viewer):
    placed = placed_annotations(step)
    parts, part = finding_parts(step.body), shown_part(step)
    context = {
        "paragraphs": paragraphs(step, heat_map(step, placed)),
        "wall": wall(step, placed),
        "noted": len(placed),
        "premoderate": bool(step.settings.get("premoderate")),
        "parts": len(parts),
        "part": part + 1,
    }
    if audience == PROJECTOR and len(parts) > 1:
        # A long finding: the projector shows one part, and the notes on that part.
        start, end = parts[part]
        context["paragraphs"] = [
            p for p in context["paragraphs"] if start <= p["sentences"][0]["start"] < end
        ]
        context["wall"] = [
            g for g in context["wall"] if not g["detached"] and start <= g["start"] < end
        ]
    if audience == PARTICIPANT:
        context["codebook"] = list(step.round.workshop.codes.all())
        context["reactions"] = Annotation.Reaction.choices
        context["own_notes"] = viewer.own_notes
        context["own_ids"] = " ".join(str(a.pk) for a in viewer.own_notes)
        context["own_version"] = viewer.own_version
    if audience == FACILITATOR:
        context["all_notes"] = placed_annotations(step, for_room=False)
        # The merge picker needs two notes still on (or waiting for) the wall.
        context["mergeable_notes"] = sum(
            1
            for p in context["all_notes"]
            if not p.annotation.merged_into_id and p.annotation.status != Annotation.Status.HIDDEN
        )
    return context
