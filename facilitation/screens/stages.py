"""What each audience sees of a round right now, and the fragments pushed when it changes.

Pages and pushes render the same partials from the same context, so a reconnecting screen and a
freshly loaded one cannot differ.
"""

import functools
from collections import defaultdict

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext

from facilitation.deliberation.annotations import own_annotations
from facilitation.deliberation.discussion import own_notes
from facilitation.deliberation.services import answer_key, answered_count, own_answers
from facilitation.deliberation.statements import own_statements
from facilitation.live.push import EVERYTHING
from facilitation.questions.services import own_questions
from facilitation.recording.services import recording_state
from facilitation.reports.services import is_published
from facilitation.workshops.groups import (
    attribute_keys,
    groups_in_brief,
    groups_of,
    present_count,
    ungrouped_in_brief,
)
from facilitation.workshops.models import Participant, Round, Step
from facilitation.workshops.services import TIMER_SECONDS

from .audiences import FACILITATOR, PARTICIPANT, PROJECTOR
from .conduct_stage import own_stances, stances_key, with_stances
from .finding_stage import own_notes_context
from .kinds import Viewer, kind_of
from .questions_stage import on_questions_step, questions_context
from .render_once import kept_for_this_render

# A phone's own notes on a finding, which a whole-stage push renders for each author alone.
OWN_NOTES = "steps/finding.html#own-notes"
# Phones this many or fewer have their languages read by id (see ``phone_languages``).
FEW_PHONES = 100
# The topics a push short of the whole stage acts on for phones (``_participant_fragments``); a
# push of none of them renders nothing for phones. A new topic that phones show belongs here.
PHONE_TOPICS = {
    "conduct",
    "results",
    "recording",
    "report",
    "annotations",
    "own-notes",
    "discussion",
    "own-statements",
    "questions",
    "own-questions",
}

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


@functools.lru_cache(maxsize=64)
def qr_svg(url):
    # segno builds the SVG from the URL alone; nothing a participant typed goes into it.
    # No fixed size (a viewBox instead): the page's CSS decides how large it is drawn.
    # Drawn once per address (about 8 ms): the lobby's screens are pushed with every arrival.
    return mark_safe(  # noqa: S308
        segno.make(url, error="m").svg_inline(
            scale=10, border=2, dark="#000", light="#fff", omitsize=True
        )
    )


def recording_state_for_screens(round):
    """The "Recording" mark's state, read once per render of the round however many variants
    (phones' answers, languages) it renders."""
    return kept_for_this_render(round, "_recording_state", lambda: recording_state(round))


def load_round(round_id):
    return Round.objects.select_related("workshop", "current_step").get(pk=round_id)


def stage_context(
    round,
    audience,
    *,
    answer=None,
    base_url="",
    own_notes=None,
    group=None,
    stances=None,
    waiting=None,
    questions=None,
    own_version=0,
    questions_version=0,
):
    """Everything the stage partial of ``audience`` needs about the round's present moment.

    What a step shows is its kind's (``kinds.StepKind.stage_context``). ``own_notes``: on a
    finding or a discussion, the participant's own notes (for their edit and delete buttons);
    ``group``: on a discussion, the participant's breakout group; ``stances``: on a
    code-of-conduct step, the participant's own endorsements; ``waiting``: on a statements
    step, the participant's statements the room does not see (looked up from their answer when
    not given, so the response to answering a statement keeps them); ``questions``: the
    participant's own questions and the ones they voted for (see ``questions_stage``);
    ``own_version``: the version of the record those own notes or statements were read at;
    ``questions_version``: the version of the round's questions those own questions were read at.
    """
    viewer = Viewer(
        own_notes=own_notes or [],
        group=group,
        stances=stances,
        waiting=waiting,
        participant_id=getattr(answer, "participant_id", None),
        own_version=own_version,
    )
    context = _step_context(round, audience, viewer, answer=answer)
    step = context["step"]
    # Questions belong to the round, not to a step: open on every step or on a questions step.
    context.update(questions_context(round, audience, questions, questions_version))
    # The "Recording" mark is part of every audience's stage, so a snapshot always has it.
    context["recording_state"] = recording_state_for_screens(round)
    if audience == PARTICIPANT:
        return context
    context.update(_room_counts(round, context["kind"]))
    if audience == FACILITATOR:
        context["steps"] = list(round.ordered_steps())
        context["next_step"] = step_after(context["steps"], step)
        context["projector_url"] = reverse("projector", args=[round.projector_key])
        context["timer_choices"] = timer_choices()
        context.update(groups_panel_context(round))
    context["join_url"] = join_url(round, base_url)
    if step is None or round.join_overlay_shown:
        context["qr"] = qr_svg(context["join_url"])
    return context


def results_push_context(round, audience):
    """What a push of new results shows ``audience`` (the results partial, and on the console
    how many have answered): a part of ``stage_context``, read without the rest of the stage
    (questions, the recording mark, the agenda), which a burst of votes does not change."""
    context = _step_context(round, audience, Viewer())
    kind, step = context["kind"], context["step"]
    if audience == FACILITATOR:
        context.update(_room_counts(round, kind))
    elif (
        audience == PROJECTOR
        and kind
        and kind.collects_answers
        and not step.results_visible_to_room
    ):
        # Shown in place of the hidden results; beside shown ones the count is the tally's.
        context["answered"] = answered_count(step)
    return context


# What screens show of people coming in or of new results: a push of only these reads the counts
# (and the results), not the rest of the stage (``counts_push_context``).
COUNT_TOPICS = {"people", "results"}


def counts_push_context(round, audience, topics):
    """What a push of ``topics`` (some of ``COUNT_TOPICS``) shows a big screen or the console.

    New results are ``results_push_context``; people coming in are the room's counts, and on the
    console its groups panel. A hall joins at a few people a second, each arrival pushed to the
    screens: the step's tally, the questions and the recording mark, which do not change as
    people come in, are not read for it."""
    if "results" in topics:
        context = results_push_context(round, audience)
    else:
        step = round.current_step
        kind = kind_of(step) if step else None
        context = {"round": round, "step": step, "kind": kind, "audience": audience}
    if "people" not in topics:
        return context
    if audience == FACILITATOR:
        # The console's results push counted the room already (how many of how many answered).
        if "joined" not in context:
            context.update(_room_counts(round, context["kind"]))
        context.update(groups_panel_context(round))
    else:
        context["joined"] = round.attendances.count()
    return context


def _step_context(round, audience, viewer, *, answer=None):
    """The step on screen and what its kind shows of it (``kinds.StepKind.stage_context``)."""
    step = round.current_step
    kind = kind_of(step) if step else None
    context = {"round": round, "step": step, "kind": kind, "answer": answer, "audience": audience}
    if kind:
        context.update(kind.stage_context(round, step, audience, viewer))
    return context


def _room_counts(round, kind):
    """How many have joined the round and, on a step that collects answers, answered it."""
    counts = {"joined": round.attendances.count()}
    if kind and kind.collects_answers:
        counts["answered"] = answered_count(round.current_step)
    return counts


def step_after(steps, step):
    """The step that "next" would show (the first one from the lobby), or None at the end."""
    position = next((i for i, s in enumerate(steps) if step and s.pk == step.pk), -1)
    return steps[position + 1] if position + 1 < len(steps) else None


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

    Rendered once per variant, not once per socket: phones differ by their person's language and
    their own answer (so a choice step costs one render per language and option present), big
    screens only by the address in the QR code; they speak the workshop's language.
    """
    round = load_round(round_id)
    whole_stage = EVERYTHING in topics or "stage" in topics
    # Who is in which group decides what a discussion shows everyone.
    whole_stage = whole_stage or ("groups" in topics and _on_discussion(round))
    if audience == PARTICIPANT:
        return _phone_fragments(round, topics, members, whole_stage)
    with translation.override(round.workshop.language):
        return _screen_fragments(round, audience, topics, members, whole_stage)


def _phone_fragments(round, topics, members, whole_stage):
    """Each language present renders its own variants, sent to the phones of that language."""
    languages = phone_languages(round, members) if members else {round.workshop.language: []}
    if len(languages) == 1:
        [(language, speakers)] = languages.items()
        with translation.override(language):
            return _participant_fragments(round, topics, speakers, whole_stage)
    fragments = []
    for language, speakers in languages.items():
        with translation.override(language):
            for html, receivers in _participant_fragments(round, topics, speakers, whole_stage):
                # "Every phone" now means every phone of this language.
                fragments.append((html, set(speakers) if receivers is None else receivers))
    return fragments


def phone_languages(round, members):
    """{language: sorted member ids}: what each phone speaks (one query for all of them).

    A few phones (a snapshot as people come in) are read by id; for more, the round's people
    are read instead: a hall's thousands of ids cost more to put into the query than their rows
    cost to read."""
    people = Participant.objects.order_by()
    if len(members) <= FEW_PHONES:
        people = people.filter(pk__in=members)
    else:
        people = people.filter(attendances__round_id=round.pk)
    chosen = dict(people.values_list("pk", "language"))
    by_language = defaultdict(list)
    for member in members:
        by_language[chosen.get(member) or round.workshop.language].append(member)
    return {language: sorted(speakers) for language, speakers in sorted(by_language.items())}


def _screen_fragments(round, audience, topics, members, whole_stage):
    # What the facilitator put over the projector (blank, the join code) changes only big screens.
    whole_stage = whole_stage or "display" in topics
    fragments = []
    # New results and people coming in read the same from every address the screens use, and
    # little of the stage: read once for all of them.
    counts = None
    if set(topics) <= COUNT_TOPICS:
        counts = counts_push_context(round, audience, topics)
    for base_url in members or [""]:
        if counts is not None:
            context = counts
        else:
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
        if audience == FACILITATOR and {"results", "people"} & topics and "answered" in context:
            parts.append(render_to_string("console/presenter.html#answered", context))
        if "conduct" in topics and _on_conduct(round):
            parts.append(render_to_string(f"steps/conduct.html#{audience}-conduct", context))
        if "questions" in topics:
            parts.append(_questions_fragment(round, audience, context))
        if "recording" in topics:
            parts.append(render_to_string("recording/mark.html#mark", context))
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
    if not whole_stage and not PHONE_TOPICS & set(topics):
        # Phones show nothing of the projector's display state, nor a count of the room (a
        # joining hall notifies "people" with every arrival).
        return []
    if _on_conduct(round) and (whole_stage or "conduct" in topics):
        fragments = _conduct_fragments(round, members, whole_stage)
        if not whole_stage and "recording" in topics:
            context = {"recording_state": recording_state_for_screens(round)}
            fragments.append((render_to_string("recording/mark.html#mark", context), None))
        return fragments
    if whole_stage:
        if _on_finding(round):
            return _finding_stages(round, members)
        if _on_discussion(round):
            return _discussion_stages(round, members)
        if _on_statements(round):
            return _statements_stages(round, members)
        answers = own_answers(step, members) if step and kind_of(step).collects_answers else {}
        variants = defaultdict(lambda: (None, set()))
        for member in members:
            answer = answers.get(member)
            variants[answer_key(answer)] = (answer, variants[answer_key(answer)][1] | {member})
        return [
            (render_fragment(PARTICIPANT, "stage", stage_context(round, PARTICIPANT, answer=a)), m)
            for a, m in variants.values()
        ]
    if set(topics) == {"results"}:
        context = results_push_context(round, PARTICIPANT)
    else:
        context = stage_context(round, PARTICIPANT)
    fragments = []
    if "results" in topics and context.get("results") is not None:
        fragments.append(render_fragment(PARTICIPANT, "results", context))
    if "recording" in topics:
        # The mark is the same on every phone (of one language): one render for all.
        fragments.append(render_to_string("recording/mark.html#mark", context))
    if "report" in topics:
        # The footer's link to the round's report, once published or taken back: one for all.
        context_of_link = {"round": round, "published": is_published(round)}
        fragments.append(render_to_string("reports/link.html", context_of_link))
    if "annotations" in topics and _on_finding(round):
        # The room's wall is the same for every phone; one's own notes (with their edit and
        # delete buttons) are not part of it, so this is one render for all.
        fragments.append(render_to_string("steps/finding.html#participant-annotations", context))
    fragments = [("".join(fragments), None)] if fragments else []
    if "own-notes" in topics and _on_finding(round):
        fragments.extend(_own_notes(round, members))
    if "discussion" in topics and _on_discussion(round):
        fragments.extend(_group_note_lists(round, members))
    if "own-statements" in topics and _on_statements(round):
        fragments.extend(_own_statement_lists(round, members))
    if "questions" in topics and context["questions_shown"]:
        # The room's list is one render for every phone; own marks come from #my-questions.
        html = render_to_string("questions/questions.html#question-list", context)
        fragments.append((html, None))
    if "own-questions" in topics and context["questions_shown"]:
        fragments.extend(_own_questions(round, members))
    return fragments


def _questions_fragment(round, audience, context):
    if audience == FACILITATOR:
        return render_to_string("questions/questions.html#console", context)
    html = render_to_string("questions/questions.html#pinned", context)
    if on_questions_step(round):
        html += render_to_string("questions/questions.html#projector", context)
    return html


def _own_questions(round, members):
    """Each author's "Your questions", after the facilitator approved, hid or answered one."""
    fragments = []
    everyone = own_questions(round, members)
    for member, mine in everyone.items():
        if mine[0]:
            context = stage_context(
                round, PARTICIPANT, questions=mine, questions_version=everyone.version
            )
            html = render_to_string("questions/questions.html#my-questions", context)
            fragments.append((html, {member}))
    return fragments


# Statements: one's own statements that wait for approval or were not accepted, to their author.


def _on_statements(round):
    return round.current_step is not None and round.current_step.kind == Step.Kind.STATEMENTS


def _statements_stages(round, members):
    """The whole stage on a statements step: one render per author of statements the room does
    not see (what became of them is theirs alone), one per distinct answer for the others."""
    step = round.current_step
    answers = own_answers(step, members)
    waiting = own_statements(step, members)
    fragments, others = [], defaultdict(lambda: (None, set()))
    version = waiting.version
    for member in members:
        answer = answers.get(member)
        if member in waiting:
            context = stage_context(
                round, PARTICIPANT, answer=answer, waiting=waiting[member], own_version=version
            )
            fragments.append((render_fragment(PARTICIPANT, "stage", context), {member}))
        else:
            others[answer_key(answer)] = (answer, others[answer_key(answer)][1] | {member})
    for answer, receivers in others.values():
        context = stage_context(round, PARTICIPANT, answer=answer, waiting=[], own_version=version)
        fragments.append((render_fragment(PARTICIPANT, "stage", context), receivers))
    if not members:
        context = stage_context(round, PARTICIPANT, waiting=[], own_version=version)
        fragments.append((render_fragment(PARTICIPANT, "stage", context), None))
    return fragments


def _own_statement_lists(round, members):
    """Each author's "Your statements", after the facilitator decided on one of theirs."""
    mine = own_statements(round.current_step, members)
    return [
        (
            render_to_string(
                "steps/statements.html#own-statements",
                stage_context(round, PARTICIPANT, waiting=statements, own_version=mine.version),
            ),
            {member},
        )
        for member, statements in mine.items()
    ]


def _own_notes(round, members):
    """Each author's "Your notes", after a facilitator hid, showed, approved or merged a note."""
    mine = own_annotations(round.current_step, members)
    fragments = []
    for member, notes in mine.items():
        context = stage_context(round, PARTICIPANT, own_notes=notes, own_version=mine.version)
        fragments.append((render_to_string("steps/finding.html#own-notes", context), {member}))
    return fragments


def _finding_stages(round, members):
    """The whole stage on a finding: one render for everyone without notes of their own, and
    one per author (their notes carry edit and delete buttons).

    The text and the wall are the same for all: the stage is rendered once, and each author's
    own notes (``#my-notes``) are rendered alone and put in place of the empty list. A hall's
    300 authors each rendering the whole stage cost 19 s and 50 MB (bench/README.md)."""
    mine = own_annotations(round.current_step, members)
    context = stage_context(round, PARTICIPANT, own_version=mine.version)
    stage = render_fragment(PARTICIPANT, "stage", context)
    nobodys = render_to_string(OWN_NOTES, context)
    fragments = []
    for member, notes in mine.items():
        own = render_to_string(OWN_NOTES, {**context, **own_notes_context(notes, mine.version)})
        fragments.append((stage.replace(nobodys, own, 1), {member}))
    others = set(members) - set(mine)
    if others or not members:
        fragments.append((stage, others or None))
    return fragments


# Discussions: each group's notes on its phones, all groups on the console and the projector.


def _on_discussion(round):
    return round.current_step is not None and round.current_step.kind == Step.Kind.DISCUSSION


def groups_panel_context(round):
    """The console's groups panel: who is where, who is in none, what to balance by.

    It is pushed to the console with every arrival: it counts, and names a few of each group
    (``groups_in_brief``), rather than reading a hall's people one by one."""
    room_groups = groups_in_brief(round)
    ungrouped, ungrouped_names = ungrouped_in_brief(round) if room_groups else (0, [])
    return {
        "room_groups": room_groups,
        "ungrouped": ungrouped,
        "ungrouped_names": ungrouped_names,
        "ungrouped_more": ungrouped - len(ungrouped_names),
        "present": None if room_groups else present_count(round),
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
