"""What the screens show of a finding: sentences to tap, the heat map, the wall of notes, the
console's moderation list."""

from facilitation.deliberation.annotations import heat_map, placed_annotations
from facilitation.deliberation.finding_parts import finding_parts, shown_part
from facilitation.deliberation.models import Annotation

from .audiences import FACILITATOR, PARTICIPANT, PROJECTOR
from .reading import paragraphs
from .render_once import kept_for_this_render


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


def room_view(round, step):
    """What every screen shows of the room's notes on ``step``: the heat map in its paragraphs,
    the wall, how many, and which part of a long finding is shown.

    Read once per render of the round (kept on the step), however many variants it renders: a
    whole-stage push on a finding renders once per author, and reading the room's notes for each
    of them cost a hall of 2,000 with 300 authors 35 s."""
    return kept_for_this_render(step, "_room_view", lambda: _read_room_view(round, step))


def _read_room_view(round, step):
    placed = placed_annotations(step)
    parts, part = finding_parts(step.body), shown_part(step)
    return {
        "paragraphs": paragraphs(step, heat_map(step, placed)),
        "wall": wall(step, placed),
        "noted": len(placed),
        "premoderate": bool(step.settings.get("premoderate")),
        "parts": len(parts),
        "part": part + 1,
        "part_bounds": parts[part] if len(parts) > 1 else None,
        "codebook": list(round.workshop.codes.all()),
    }


def finding_context(round, step, audience, viewer):
    context = dict(room_view(round, step))
    if audience == PROJECTOR and context["part_bounds"]:
        # A long finding: the projector shows one part, and the notes on that part.
        start, end = context["part_bounds"]
        context["paragraphs"] = [
            p for p in context["paragraphs"] if start <= p["sentences"][0]["start"] < end
        ]
        context["wall"] = [
            g for g in context["wall"] if not g["detached"] and start <= g["start"] < end
        ]
    if audience == PARTICIPANT:
        context["reactions"] = Annotation.Reaction.choices
        context.update(own_notes_context(viewer.own_notes, viewer.own_version))
    if audience == FACILITATOR:
        context["all_notes"] = placed_annotations(step, for_room=False)
        # The merge picker needs two notes still on (or waiting for) the wall.
        context["mergeable_notes"] = sum(
            1
            for p in context["all_notes"]
            if not p.annotation.merged_into_id and p.annotation.status != Annotation.Status.HIDDEN
        )
    return context


def own_notes_context(own_notes, own_version):
    """What a phone's own notes on a finding (``#my-notes``) show: the notes, their ids (which
    mark them on the wall) and the version of the record they were read at."""
    return {
        "own_notes": own_notes,
        "own_ids": " ".join(str(a.pk) for a in own_notes),
        "own_version": own_version,
    }
