"""What each audience sees of a round right now, and the fragments pushed when it changes.

Pages and pushes render the same partials from the same context, so a reconnecting screen and a
freshly loaded one cannot differ.
"""

from collections import defaultdict

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from facilitation.deliberation.annotations import heat_map, own_annotations, placed_annotations
from facilitation.deliberation.discussion import NOTE_MAX_LENGTH, notes_by_group, own_notes
from facilitation.deliberation.finding_parts import finding_parts, shown_part
from facilitation.deliberation.models import Annotation
from facilitation.deliberation.rounds import then_and_now
from facilitation.deliberation.services import answer_key, answered_count, own_answers
from facilitation.live.push import EVERYTHING
from facilitation.workshops.groups import (
    attribute_keys,
    groups_of,
    groups_with_members,
    ungrouped_participants,
)
from facilitation.workshops.models import Round, Step
from facilitation.workshops.services import TIMER_SECONDS

from .conduct_stage import conduct_context, own_stances, stances_key, with_stances
from .kinds import kind_of
from .reading import paragraphs

PARTICIPANT, PROJECTOR, FACILITATOR = "participant", "projector", "facilitator"
PAGE_TEMPLATES = {
    PARTICIPANT: "phone/round.html",
    PROJECTOR: "projector/round.html",
    FACILITATOR: "console/round.html",
}


def public_base_url(fallback):
    """Where participants reach this server: PUBLIC_URL if set, else what this request used."""
    return (getattr(settings, "PUBLIC_URL", "") or fallback).rstrip("/")


def join_url(round, base_url):
    return base_url + reverse("phone-round", args=[round.join_code])


def qr_svg(url):
    # segno builds the SVG from the URL alone; nothing a participant typed goes into it.
    return mark_safe(  # noqa: S308
        segno.make(url, error="m").svg_inline(
            scale=10, border=2, dark="#000", light="#fff", omitsize=True
        )
    )


def load_round(round_id):
    return Round.objects.select_related("workshop", "current_step").get(pk=round_id)


def stage_context(
    round, audience, *, answer=None, base_url="", own_notes=None, group=None, stances=None
):
    """Everything the stage partial of ``audience`` needs about the round's present moment.

    ``own_notes``: on a finding or a discussion, the participant's own notes (for their edit and
    delete buttons); ``group``: on a discussion, the participant's breakout group; ``stances``: on
    a code-of-conduct step, the participant's own endorsements.
    """
    step = round.current_step
    kind = kind_of(step) if step else None
    context = {"round": round, "step": step, "kind": kind, "answer": answer, "audience": audience}
    if step and step.kind == Step.Kind.FINDING:
        context.update(finding_context(step, audience, own_notes or []))
    if step and step.kind == Step.Kind.DISCUSSION:
        context.update(discussion_context(step, audience, own_notes or [], group))
    if step and step.kind == Step.Kind.CONDUCT:
        context.update(conduct_context(round, audience, stances))
    shows_results = kind and kind.collects_answers
    if audience == PARTICIPANT:
        shows_results = shows_results and step.results_visible_to_room
    if shows_results:
        context.update(results_context(step, kind))
    if audience == PARTICIPANT:
        return context
    context["joined"] = round.attendances.count()
    if kind and kind.collects_answers:
        context["answered"] = answered_count(step)
    if audience == FACILITATOR:
        context["steps"] = list(round.ordered_steps())
        context["projector_url"] = reverse("projector", args=[round.projector_key])
        context["timer_choices"] = timer_choices()
        context.update(groups_panel_context(round))
    context["join_url"] = join_url(round, base_url)
    if step is None:
        context["qr"] = qr_svg(context["join_url"])
    return context


# Findings: sentences to tap, the heat map, the wall of notes, the console's moderation list.


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


def finding_context(step, audience, own_notes):
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
        context["own_notes"] = own_notes
        context["own_ids"] = " ".join(str(a.pk) for a in own_notes)
    if audience == FACILITATOR:
        context["all_notes"] = placed_annotations(step, for_room=False)
    return context


def results_context(step, kind):
    """The current pass's results and, on a second pass, the first one compared with it."""
    context = {"results": kind.results(step)}
    if step.rerun_of_id:
        context["then_now"] = then_and_now(step, context["results"])
        if context["then_now"] is not None:
            context["then_now_rows"] = paired_rows(context["then_now"].rows)
    if step.current_pass > 1 and kind.answers.compare:
        context["first_results"] = kind.results(step, 1)
        context["comparison"] = kind.answers.compare(
            step, context["first_results"], context["results"]
        )
        # Choices compare option by option (a placement compares people's moves instead).
        if isinstance(context["comparison"], list):
            context["compare_rows"] = paired_rows(
                (option.label, first, second) for option, first, second in context["comparison"]
            )
    return context


def paired_rows(rows):
    """Rows of a two-vote comparison, ``(label, first, second)``, with the change between them.

    ``first`` is None for an option the earlier vote did not have; the change is in percentage
    points, and ``direction`` is "up", "down" or "same" (None without a first value).
    """
    paired = []
    for label, first, second in rows:
        change = None if first is None else second.percent - first.percent
        direction = None if change is None else "up" if change > 0 else "down" if change else "same"
        paired.append(
            {
                "label": label,
                "first": first,
                "second": second,
                "change": change,
                "direction": direction,
            }
        )
    return paired


def timer_choices():
    return [
        (seconds, ngettext("%(n)d second", "%(n)d seconds", seconds) % {"n": seconds})
        if seconds < 60
        else (
            seconds,
            ngettext("%(n)d minute", "%(n)d minutes", seconds // 60) % {"n": seconds // 60},
        )
        for seconds in TIMER_SECONDS
    ]


def render_fragment(audience, name, context):
    return render_to_string(f"{PAGE_TEMPLATES[audience]}#{name}", context)


def render_push(round_id, audience, topics, members):
    """The fragments to push to one audience after ``topics`` changed, as (html, members) pairs.

    Rendered once per variant, not once per socket: phones differ only by their own answer (so a
    choice step costs one render per option), big screens only by the address in the QR code.
    """
    round = load_round(round_id)
    whole_stage = EVERYTHING in topics or "stage" in topics
    # Who is in which group decides what a discussion shows everyone.
    whole_stage = whole_stage or ("groups" in topics and _on_discussion(round))
    if audience == PARTICIPANT:
        return _participant_fragments(round, topics, members, whole_stage)
    fragments = []
    for base_url in members or [""]:
        context = stage_context(round, audience, base_url=base_url)
        receivers = None if not members else {base_url}
        if whole_stage:
            fragments.append((render_fragment(audience, "stage", context), receivers))
            continue
        parts = []
        if "results" in topics and context.get("results") is not None:
            parts.append(render_fragment(audience, "results", context))
        if "people" in topics:
            parts.append(render_fragment(audience, "people", context))
        if "annotations" in topics and _on_finding(round):
            parts.append(render_to_string(f"steps/finding.html#{audience}-annotations", context))
        if "discussion" in topics and _on_discussion(round):
            parts.append(render_to_string(f"steps/discussion.html#{audience}-discussion", context))
        if audience == FACILITATOR and {"groups", "people"} & topics:
            parts.append(render_to_string("console/groups.html#groups", context))
        if "conduct" in topics and _on_conduct(round):
            parts.append(render_to_string(f"steps/conduct.html#{audience}-conduct", context))
        if parts:
            fragments.append(("".join(parts), receivers))
    return fragments


def _on_finding(round):
    return round.current_step is not None and round.current_step.kind == Step.Kind.FINDING


def _on_conduct(round):
    return round.current_step is not None and round.current_step.kind == Step.Kind.CONDUCT


def _conduct_fragments(round, members, whole_stage):
    """On a code-of-conduct step phones differ by their own stances: one render per set."""
    stances = own_stances(round.workshop, members)
    variants = defaultdict(lambda: (None, set()))
    for member in members:
        key = stances_key(stances[member])
        variants[key] = (stances[member], variants[key][1] | {member})
    if not members:
        variants[()] = ({}, None)
    # The room's side (support, groups, diffs) is computed once; only the own marks differ.
    shared = stage_context(round, PARTICIPANT, stances={})
    fragments = []
    for own, receivers in variants.values():
        context = with_stances(shared, own)
        if whole_stage:
            html = render_fragment(PARTICIPANT, "stage", context)
        else:
            html = render_to_string("steps/conduct.html#participant-conduct", context)
        fragments.append((html, receivers))
    return fragments


def _participant_fragments(round, topics, members, whole_stage):
    step = round.current_step
    if _on_conduct(round) and (whole_stage or "conduct" in topics):
        return _conduct_fragments(round, members, whole_stage)
    if whole_stage:
        if _on_finding(round):
            return _finding_stages(round, members)
        if _on_discussion(round):
            return _discussion_stages(round, members)
        answers = own_answers(step, members) if step and kind_of(step).collects_answers else {}
        variants = defaultdict(lambda: (None, set()))
        for member in members:
            answer = answers.get(member)
            variants[answer_key(answer)] = (answer, variants[answer_key(answer)][1] | {member})
        return [
            (render_fragment(PARTICIPANT, "stage", stage_context(round, PARTICIPANT, answer=a)), m)
            for a, m in variants.values()
        ]
    context = stage_context(round, PARTICIPANT)
    fragments = []
    if "results" in topics and context.get("results") is not None:
        fragments.append(render_fragment(PARTICIPANT, "results", context))
    if "annotations" in topics and _on_finding(round):
        # The room's wall is the same for every phone; one's own notes (with their edit and
        # delete buttons) are not part of it, so this is one render for all.
        fragments.append(render_to_string("steps/finding.html#participant-annotations", context))
    fragments = [("".join(fragments), None)] if fragments else []
    if "own-notes" in topics and _on_finding(round):
        fragments.extend(_own_notes(round, members))
    if "discussion" in topics and _on_discussion(round):
        fragments.extend(_group_note_lists(round, members))
    return fragments


def _own_notes(round, members):
    """Each author's "Your notes", after a facilitator hid, showed, approved or merged a note."""
    fragments = []
    for member, notes in own_annotations(round.current_step, members).items():
        context = stage_context(round, PARTICIPANT, own_notes=notes)
        fragments.append((render_to_string("steps/finding.html#own-notes", context), {member}))
    return fragments


def _finding_stages(round, members):
    """The whole stage on a finding: one render for everyone without notes of their own, and
    one per author (their notes carry edit and delete buttons)."""
    mine = own_annotations(round.current_step, members)
    fragments = []
    for member, notes in mine.items():
        context = stage_context(round, PARTICIPANT, own_notes=notes)
        fragments.append((render_fragment(PARTICIPANT, "stage", context), {member}))
    others = set(members) - set(mine)
    if others or not members:
        context = stage_context(round, PARTICIPANT)
        fragments.append((render_fragment(PARTICIPANT, "stage", context), others or None))
    return fragments


# Discussions: each group's notes on its phones, all groups on the console and the projector.


def _on_discussion(round):
    return round.current_step is not None and round.current_step.kind == Step.Kind.DISCUSSION


def discussion_context(step, audience, own_notes, group):
    notes = notes_by_group(step)
    groups = [g for g in groups_with_members(step.round) if g.members or notes.get(g.pk)]
    for g in groups:
        g.discussion_notes = notes.get(g.pk, [])
    context = {"report_back": bool(step.settings.get("report_back")), "note_max": NOTE_MAX_LENGTH}
    if audience == PARTICIPANT:
        context["my_group"] = next((g for g in groups if group and g.pk == group.pk), None)
        context["own_notes"] = own_notes
        context["own_ids"] = " ".join(str(n.pk) for n in own_notes)
    else:
        context["groups"] = groups
        context["noted"] = sum(len(g.discussion_notes) for g in groups)
    return context


def groups_panel_context(round):
    """The console's groups panel: who is where, who is in none, what to balance by."""
    return {
        "room_groups": [g for g in groups_with_members(round) if g.members],
        "ungrouped": ungrouped_participants(round),
        "group_attributes": attribute_keys(round.workshop),
    }


def _discussion_stages(round, members):
    """The whole stage on a discussion: one render per author (their notes carry edit and
    delete buttons), one per group for the others, one for those in no group."""
    step = round.current_step
    mine = own_notes(step, members)
    groups = groups_of(round, members)
    fragments, rest = [], defaultdict(set)
    for member in members:
        if member in mine:
            context = stage_context(
                round, PARTICIPANT, own_notes=mine[member], group=groups.get(member)
            )
            fragments.append((render_fragment(PARTICIPANT, "stage", context), {member}))
        else:
            rest[groups.get(member)].add(member)
    for group, receivers in rest.items():
        context = stage_context(round, PARTICIPANT, group=group)
        fragments.append((render_fragment(PARTICIPANT, "stage", context), receivers))
    if not members:
        context = stage_context(round, PARTICIPANT)
        fragments.append((render_fragment(PARTICIPANT, "stage", context), None))
    return fragments


def _group_note_lists(round, members):
    """A group's shared list of notes, rendered once per group and sent to its members only."""
    by_group = defaultdict(set)
    for member, group in groups_of(round, members).items():
        by_group[group].add(member)
    return [
        (
            render_to_string(
                "steps/discussion.html#participant-discussion",
                stage_context(round, PARTICIPANT, group=group),
            ),
            receivers,
        )
        for group, receivers in by_group.items()
    ]
