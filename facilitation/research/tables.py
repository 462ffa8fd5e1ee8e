"""The tidy tables of a research export: one row per thing, one registry for every format.

CSV, XLSX and JSON are all written from ``TABLES``, and ``docs/data-dictionary.md`` is generated
from it (a test keeps the two identical). A later capability adds its records as one more
``Table`` in ``TABLES``: a name, its columns with their types and meanings, and a function that
yields the rows of an ``ExportScope``, using ``scope.contributions`` for anything a participant
wrote so that withdrawal is respected.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Q

from facilitation.deliberation.models import (
    Amendment,
    Annotation,
    Clause,
    Code,
    ConductVersion,
    DiscussionNote,
    Endorsement,
    Option,
    PlusOne,
    Response,
    Statement,
)
from facilitation.fieldnotes.models import FieldNote
from facilitation.fieldnotes.services import observer_names
from facilitation.questions.models import Question, QuestionVote
from facilitation.recording.models import Recording
from facilitation.recording.timeline import recordings_of, timeline
from facilitation.workshops.models import (
    Attendance,
    BreakoutGroup,
    Event,
    GroupMembership,
    Round,
    Step,
    ValueLogic,
)

from .scope import CHUNK_SIZE, ExportScope, clean_payload, iso

# The version of the tables' shape; analysis scripts can check it.
SCHEMA_VERSION = "1.0"
INTEGER, TEXT, BOOLEAN, DATETIME, DECIMAL, JSON, LIST = (
    "integer",
    "text",
    "boolean",
    "datetime",
    "decimal",
    "JSON",
    "list",
)
TYPE_MEANINGS = {
    INTEGER: "a whole number",
    TEXT: "text (UTF-8)",
    BOOLEAN: "`true` or `false`",
    DATETIME: "a moment in ISO 8601 with its UTC offset, e.g. `2026-05-12T09:31:07.123456+00:00`",
    DECIMAL: "a number with a decimal point",
    JSON: "a JSON value written as text (in the JSON export: the value itself)",
    LIST: "several values separated by `; ` (in the JSON export: a list)",
}
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    meaning: str
    # The values a column can hold, where they are a fixed set (the data dictionary lists them).
    allowed: tuple[str, ...] = ()

    @property
    def allowed_values(self):
        if self.type == BOOLEAN:
            return ("true", "false")
        return self.allowed


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[ExportScope], Iterable[tuple]]
    # Where the nested JSON record puts each row: under its "round" or "step", or at the top.
    nested_under: str | None = None

    @property
    def column_names(self):
        return [column.name for column in self.columns]

    def dicts(self, scope):
        names = self.column_names
        for row in self.rows(scope):
            yield dict(zip(names, row, strict=True))


def joined(values):
    return LIST_SEPARATOR.join(str(v) for v in values)


def as_json_text(value):
    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


# ---- the rows of each table -------------------------------------------------------------------


def participant_rows(scope):
    rounds_of = dict(
        scope.participants()
        .annotate(rounds=Count("attendances"))
        .values_list("pk", "rounds")
        .order_by()
    )
    for p in scope.participants():
        yield (
            scope.pseudonym(p.pk),
            scope.display_name(p.pk),
            iso(p.joined_at),
            iso(p.consented_at),
            rounds_of.get(p.pk, 0),
        )


def participant_attribute_rows(scope):
    labels = {
        str(a.get("key")): str(a.get("label") or a.get("key"))
        for a in scope.workshop.participant_attributes or []
        if isinstance(a, dict) and a.get("key")
    }
    for p in scope.participants():
        for key, value in sorted((p.attributes or {}).items()):
            yield (scope.pseudonym(p.pk), key, labels.get(key, key), value_text(value))


def value_text(value):
    return value if isinstance(value, str) else as_json_text(value)


def attendance_rows(scope):
    attendances = scope.in_rounds(
        Attendance.objects.filter(participant_id__in=list(scope._participants))
    ).order_by("round__created_at", "joined_at", "pk")
    for a in attendances.iterator(chunk_size=CHUNK_SIZE):
        yield (a.round_id, scope.pseudonym(a.participant_id), iso(a.joined_at))


def round_rows(scope):
    for r in scope.rounds().annotate(step_count=Count("steps")):
        yield (r.pk, r.title, r.status, iso(r.created_at), r.step_count)


def scope_steps(scope):
    return scope.in_rounds(Step.objects.all()).order_by("round__created_at", "round_id", "position")


def step_rows(scope):
    for s in scope_steps(scope):
        yield (
            s.pk,
            s.round_id,
            s.position,
            s.kind,
            s.title,
            s.body,
            s.anonymous,
            s.hide_results,
            s.current_pass,
            as_json_text(s.settings),
        )


def option_rows(scope):
    options = scope.in_rounds(Option.objects.all(), "step__round").order_by(
        "step__round__created_at", "step__round_id", "step__position", "position"
    )
    for o in options:
        lean = o.lean()
        yield (
            o.pk,
            o.step_id,
            o.position,
            o.label,
            o.explanation,
            joined(o.honours),
            joined(o.strains),
            "" if lean is None else round(lean, 4),
        )


def scope_responses(scope):
    responses = scope.contributions(scope.in_rounds(Response.objects.all(), "step__round"))
    return responses.select_related("option", "step").order_by(
        "step__round__created_at", "step__round_id", "step__position", "pass_number", "created_at"
    )


def answer_text(response):
    """An answer as a person would read it: the option's label, the text, or the value as JSON."""
    if response.option_id:
        return response.option.label
    if isinstance(response.value, str):
        return response.value
    return as_json_text(response.value)


def response_rows(scope):
    for r in scope_responses(scope).iterator(chunk_size=CHUNK_SIZE):
        yield (
            r.pk,
            r.step_id,
            r.step.round_id,
            scope.pseudonym(r.participant_id),
            r.pass_number,
            r.option_id or "",
            answer_text(r),
            as_json_text(r.value),
            r.hidden,
            iso(r.created_at),
            iso(r.updated_at),
        )


def statement_rows(scope):
    statements = scope.contributions(
        scope.in_rounds(Statement.objects.all(), "step__round"), "submitted_by"
    ).order_by("step__round__created_at", "step__position", "created_at", "pk")
    for s in statements:
        yield (
            s.pk,
            s.step_id,
            s.text,
            s.status,
            scope.pseudonym(s.submitted_by_id),
            iso(s.created_at),
        )


def scope_annotations(scope):
    annotations = scope.contributions(scope.in_rounds(Annotation.objects.all(), "step__round"))
    return (
        annotations.select_related("step")
        .prefetch_related("codes")
        .annotate(plus_one_count=Count("plus_ones"))
        .order_by("step__round__created_at", "step__round_id", "step__position", "start", "pk")
    )


def annotation_rows(scope):
    for a in scope_annotations(scope).iterator(chunk_size=CHUNK_SIZE):
        yield (
            a.pk,
            a.step_id,
            a.step.round_id,
            scope.pseudonym(a.participant_id),
            a.exact,
            a.prefix,
            a.suffix,
            a.start,
            a.end,
            a.note,
            a.reaction,
            joined(sorted(code.name for code in a.codes.all())),
            a.status,
            a.pinned,
            a.merged_into_id or "",
            a.plus_one_count,
            iso(a.created_at),
            iso(a.updated_at),
        )


def annotation_code_rows(scope):
    for a in scope_annotations(scope).iterator(chunk_size=CHUNK_SIZE):
        for code in sorted(a.codes.all(), key=lambda c: c.name):
            yield (a.pk, a.step_id, code.pk, code.name)


def plus_one_rows(scope):
    plus_ones = scope.contributions(
        scope.contributions(
            PlusOne.objects.filter(
                annotation__step__round__in=list(scope.rounds().values_list("pk", flat=True))
            ),
            "annotation__participant",
        )
    ).order_by("created_at", "pk")
    for p in plus_ones.iterator(chunk_size=CHUNK_SIZE):
        yield (p.annotation_id, scope.pseudonym(p.participant_id), iso(p.created_at))


def code_rows(scope):
    for c in Code.objects.filter(workshop=scope.workshop).order_by("name"):
        yield (c.pk, c.name, c.description)


def value_logic_rows(scope):
    government = {logic.value for logic in ValueLogic.government()}
    for logic in ValueLogic:
        family = "digital_government" if logic.value in government else "social_media_platform"
        yield (logic.value, str(logic.label), family)


# ---- breakout groups and discussion notes ------------------------------------------------------


def group_rows(scope):
    groups = (
        scope.in_rounds(BreakoutGroup.objects.all())
        .annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__participant_id__in=list(scope._participants)),
                distinct=True,
            ),
        )
        .order_by("round__created_at", "round_id", "number")
    )
    for g in groups:
        yield (g.pk, g.round_id, g.number, str(g.name), g.member_count, iso(g.created_at))


def group_membership_rows(scope):
    # Like attendances: only the people the export names (a withdrawn person's place is gone).
    memberships = (
        scope.in_rounds(GroupMembership.objects.all())
        .filter(participant_id__in=list(scope._participants))
        .select_related("group")
        .order_by("round__created_at", "round_id", "group__number", "participant__number")
    )
    for m in memberships.iterator(chunk_size=CHUNK_SIZE):
        yield (
            m.round_id,
            m.group_id,
            m.group.number,
            scope.pseudonym(m.participant_id),
            iso(m.placed_at),
        )


def scope_notes(scope):
    notes = scope.contributions(scope.in_rounds(DiscussionNote.objects.all(), "step__round"))
    return notes.select_related("step", "group").order_by(
        "step__round__created_at", "step__round_id", "step__position", "created_at", "pk"
    )


def discussion_note_rows(scope):
    for n in scope_notes(scope).iterator(chunk_size=CHUNK_SIZE):
        yield (
            n.pk,
            n.step_id,
            n.step.round_id,
            n.group_id,
            n.group.number,
            scope.pseudonym(n.participant_id),
            n.text,
            n.deleted,
            n.clause_id or "",
            iso(n.created_at),
            iso(n.updated_at),
        )


# ---- questions from the room ------------------------------------------------------------------


def scope_questions(scope):
    questions = scope.contributions(scope.in_rounds(Question.objects.all()))
    return questions.annotate(upvotes=Count("votes")).order_by(
        "round__created_at", "round_id", "created_at", "pk"
    )


def question_rows(scope):
    for q in scope_questions(scope).iterator(chunk_size=CHUNK_SIZE):
        yield (
            q.pk,
            q.round_id,
            q.step_id or "",
            scope.pseudonym(q.participant_id),
            q.text,
            q.status,
            q.merged_into_id or "",
            iso(q.answered_at),
            q.upvotes,
            iso(q.created_at),
        )


def question_vote_rows(scope):
    votes = scope.contributions(
        scope.in_rounds(QuestionVote.objects.all(), "question__round")
    ).order_by("question__round_id", "created_at", "pk")
    for v in votes.iterator(chunk_size=CHUNK_SIZE):
        yield (v.question_id, scope.pseudonym(v.participant_id), iso(v.created_at))


def scope_field_notes(scope):
    """The observers' field notes. A note about a participant who withdrew is left out when the
    workshop removes what they contributed, and kept without the link when it anonymises."""
    notes = scope.in_rounds(FieldNote.objects.all())
    if scope.removes_withdrawn and scope.withdrawn_ids:
        notes = notes.exclude(participant_id__in=scope.withdrawn_ids)
    return (
        notes.select_related("step", "group")
        .prefetch_related("codes")
        .order_by("round__created_at", "round_id", "created_at", "pk")
    )


def field_note_rows(scope):
    observers = observer_names(scope.workshop)
    for n in scope_field_notes(scope).iterator(chunk_size=CHUNK_SIZE):
        yield (
            n.pk,
            n.round_id,
            n.step_id or "",
            n.step.position if n.step else "",
            observers.get(n.author_id, ""),
            scope.pseudonym(n.participant_id),
            n.group_id or "",
            n.group.number if n.group else "",
            n.text,
            joined(sorted(c.name for c in n.codes.all())),
            n.deleted,
            iso(n.created_at),
            iso(n.updated_at),
        )


def recording_rows(scope):
    recordings = scope.in_rounds(Recording.objects.all()).order_by(
        "round__created_at", "round_id", "started_at", "pk"
    )
    for r in recordings.iterator(chunk_size=CHUNK_SIZE):
        duration = r.duration_seconds
        yield (
            r.pk,
            r.round_id,
            r.status,
            r.mime_type,
            r.byte_size,
            iso(r.started_at),
            iso(r.stopped_at) if r.stopped_at else "",
            round(duration, 1) if duration is not None else "",
        )


def recording_mark_rows(scope):
    """Each recording's marks, in order: the round's moments (its chapters) and the field notes
    written while it ran (those the scope keeps)."""
    notes = scope_field_notes(scope)
    for recording in recordings_of(scope):
        for mark in timeline(recording, notes=notes):
            yield (
                recording.pk,
                recording.round_id,
                round(mark.offset, 3),
                mark.kind,
                mark.step.pk if mark.step else "",
                mark.step.position if mark.step else "",
                mark.event.pk if mark.event else "",
                mark.field_note.pk if mark.field_note else "",
                mark.label,
            )


# ---- the code of conduct ----------------------------------------------------------------------


def named_in_round(scope, key, kinds=None):
    """Ids the round's conduct events name under ``key``: the code belongs to the workshop, so
    a round also works on clauses of earlier rounds (amends, endorses, decides on them)."""
    events = Event.objects.filter(round=scope.round, kind__startswith="conduct.")
    if kinds:
        events = events.filter(kind__in=kinds)
    return {
        payload.get(key)
        for payload in events.values_list("payload", flat=True)
        if isinstance(payload, dict) and isinstance(payload.get(key), int)
    }


def scope_clauses(scope):
    """The workshop's clauses; for a round, those proposed or worked on in it."""
    clauses = Clause.objects.filter(workshop=scope.workshop)
    if scope.round is not None:
        clauses = clauses.filter(Q(round=scope.round) | Q(pk__in=named_in_round(scope, "clause")))
    return clauses.exclude(pk__in=scope.removed_clause_ids).order_by("created_at", "pk")


def clause_rows(scope):
    notes = dict(
        DiscussionNote.objects.filter(clause__in=scope_clauses(scope))
        .exclude(pk__in=scope.removed_note_ids)
        .values_list("clause_id", "pk")
    )
    for c in scope_clauses(scope).prefetch_related("codes"):
        annotation = c.motivated_by_annotation_id
        if annotation in scope.removed_annotation_ids:
            annotation = None
        yield (
            c.pk,
            c.round_id or "",
            c.text,
            c.rationale,
            c.status,
            c.position or "",
            c.revision,
            c.merged_into_id or "",
            scope.pseudonym(c.proposed_by_id),
            c.proposed_by_facilitator,
            c.motivated_by_step_id or "",
            annotation or "",
            notes.get(c.pk, ""),
            joined(sorted(code.name for code in c.codes.all())),
            iso(c.created_at),
            iso(c.updated_at),
        )


def clause_code_rows(scope):
    for c in scope_clauses(scope).prefetch_related("codes"):
        for code in sorted(c.codes.all(), key=lambda code: code.name):
            yield (c.pk, code.pk, code.name)


def scope_amendments(scope):
    amendments = Amendment.objects.filter(clause__workshop=scope.workshop)
    if scope.round is not None:
        amendments = amendments.filter(
            Q(round=scope.round) | Q(pk__in=named_in_round(scope, "amendment"))
        )
    return amendments.exclude(pk__in=scope.removed_amendment_ids).exclude(
        clause_id__in=scope.removed_clause_ids
    )


def amendment_rows(scope):
    for a in scope_amendments(scope).order_by("created_at", "pk"):
        yield (
            a.pk,
            a.clause_id,
            a.round_id or "",
            a.text,
            a.base_text,
            a.base_revision,
            a.rationale,
            a.status,
            a.merged_into_id or "",
            scope.pseudonym(a.proposed_by_id),
            a.proposed_by_facilitator,
            iso(a.created_at),
            iso(a.updated_at),
        )


def endorsement_rows(scope):
    endorsements = scope.contributions(
        Endorsement.objects.filter(
            Q(clause__in=scope_clauses(scope)) | Q(amendment__in=scope_amendments(scope))
        )
    ).order_by("created_at", "pk")
    given_here = None
    if scope.round is not None:
        # A round's export holds the stances given (or changed) in that round.
        given_here = set()
        for participant_id, payload in Event.objects.filter(
            round=scope.round, kind="conduct.endorsed"
        ).values_list("participant_id", "payload"):
            if isinstance(payload, dict) and payload.get("amendment"):
                given_here.add((participant_id, None, payload["amendment"]))
            elif isinstance(payload, dict):
                given_here.add((participant_id, payload.get("clause"), None))
    for e in endorsements.iterator(chunk_size=CHUNK_SIZE):
        if given_here is not None and (
            (e.participant_id, e.clause_id, e.amendment_id) not in given_here
        ):
            continue
        yield (
            e.pk,
            e.clause_id or "",
            e.amendment_id or "",
            scope.pseudonym(e.participant_id),
            e.stance,
            e.objection,
            iso(e.created_at),
            iso(e.updated_at),
        )


def scope_versions(scope):
    versions = ConductVersion.objects.filter(workshop=scope.workshop)
    if scope.round is not None:
        versions = versions.filter(round=scope.round)
    return versions.order_by("number")


def conduct_version_rows(scope):
    for v in scope_versions(scope):
        yield (
            v.number,
            v.name,
            v.round_id or "",
            v.frozen_for_round,
            len(v.clauses or []),
            as_json_text(v.changes or []),
            iso(v.created_at),
        )


def conduct_version_clause_rows(scope):
    for v in scope_versions(scope):
        for position, entry in enumerate(v.clauses or [], start=1):
            yield (
                v.number,
                position,
                entry.get("clause", ""),
                entry.get("text", ""),
                entry.get("rationale", ""),
                joined(entry.get("codes") or []),
            )


def scope_events(scope):
    events = scope.contributions(scope.in_rounds(Event.objects.all()))
    if scope.round is None:
        # Workshop-wide events (the workshop's creation, say) belong to a whole-workshop export.
        events = scope.contributions(Event.objects.filter(workshop=scope.workshop))
    return events.order_by("created_at", "pk")


def kept_events(scope, only=None):
    """The scope's events (those matching ``only``, a Q, if given), without those about a
    withdrawn participant's removed contributions."""
    removed = {
        "annotation": scope.removed_annotation_ids,
        "response": scope.removed_response_ids,
        "statement": scope.removed_statement_ids,
    }
    # Conduct and discussion events name their clause, amendment or note by these keys.
    removed_here = {
        "conduct.": {
            "clause": scope.removed_clause_ids,
            "amendment": scope.removed_amendment_ids,
        },
        "discussion.": {
            "note": scope.removed_note_ids,
            "clause": scope.removed_clause_ids,
        },
        "fieldnote.": {"field_note": scope.removed_field_note_ids},
    }
    events = scope_events(scope)
    if only is not None:
        events = events.filter(only)
    for e in events.iterator(chunk_size=CHUNK_SIZE):
        payload = e.payload if isinstance(e.payload, dict) else {}
        if any(payload.get(key) in ids for key, ids in removed.items() if ids):
            continue
        prefix = e.kind.split(".", 1)[0] + "."
        if any(payload.get(key) in ids for key, ids in removed_here.get(prefix, {}).items() if ids):
            continue
        yield e


def event_rows(scope):
    for e in kept_events(scope):
        yield (
            e.pk,
            iso(e.created_at),
            e.round_id or "",
            e.step_id or "",
            scope.pseudonym(e.participant_id),
            actor(e),
            e.kind,
            as_json_text(clean_payload(named_payload(scope, e), include_names=scope.include_names)),
        )


def named_payload(scope, event):
    """Group events list people by their database ids: the export names them by pseudonym
    (those it does not name, withdrawn people, are left out of the lists)."""
    payload = event.payload
    if not isinstance(payload, dict):
        return payload
    if event.kind == "groups.split" and isinstance(payload.get("groups"), dict):
        groups = {
            number: [scope.pseudonym(pk) for pk in members if scope.pseudonym(pk)]
            for number, members in payload["groups"].items()
            if isinstance(members, list)
        }
        return {**payload, "groups": groups}
    if event.kind.startswith("fieldnote.") and "about" in payload:
        # The participant a field note is about, by pseudonym (none once they withdrew).
        return {**payload, "about": scope.pseudonym(payload["about"]) or None}
    if event.kind == "groups.placed" and isinstance(payload.get("placed"), dict):
        placed = {
            scope.pseudonym(int(pk)): number
            for pk, number in payload["placed"].items()
            if str(pk).isdigit() and scope.pseudonym(int(pk))
        }
        return {**payload, "placed": placed}
    return payload


def actor(event):
    if event.kind.startswith("fieldnote."):
        return "observer"
    if event.user_id:
        return "facilitator"
    if event.participant_id:
        return "participant"
    return "system"


# ---- the registry -----------------------------------------------------------------------------

PARTICIPANT = (
    "pseudonym of the participant (P01, P02, ...; stable across rounds); "
    "empty if anonymous or withdrawn"
)

TABLES = [
    Table(
        "participants",
        "One row per participant in the export (withdrawn participants are never listed).",
        (
            Column("participant", TEXT, "pseudonym, stable across the rounds of the workshop"),
            Column("display_name", TEXT, "the name they chose; empty unless names were included"),
            Column("joined_at", DATETIME, "when they first joined the workshop"),
            Column("consented_at", DATETIME, "when they accepted the consent text; empty if none"),
            Column("rounds_attended", INTEGER, "how many rounds of the workshop they joined"),
        ),
        participant_rows,
    ),
    Table(
        "participant_attributes",
        "One row per answer a participant gave to the workshop's questions about themselves.",
        (
            Column("participant", TEXT, PARTICIPANT),
            Column("attribute", TEXT, "the attribute's key, e.g. `municipality`"),
            Column("label", TEXT, "the question as the workshop asked it"),
            Column("value", TEXT, "their answer"),
        ),
        participant_attribute_rows,
    ),
    Table(
        "rounds",
        "One row per round (sitting) of the workshop.",
        (
            Column("round_id", INTEGER, "identifier of the round"),
            Column("title", TEXT, "the round's title"),
            Column(
                "status",
                TEXT,
                "`draft`, `live`, `paused` or `closed` at export time",
                tuple(Round.Status.values),
            ),
            Column("created_at", DATETIME, "when the round was created"),
            Column("step_count", INTEGER, "number of steps on its agenda"),
        ),
        round_rows,
    ),
    Table(
        "attendances",
        "One row per participant per round they joined.",
        (
            Column("round_id", INTEGER, "the round (see `rounds`)"),
            Column("participant", TEXT, PARTICIPANT),
            Column("joined_at", DATETIME, "when they joined this round"),
        ),
        attendance_rows,
        nested_under="round",
    ),
    Table(
        "steps",
        "One row per step of a round's agenda.",
        (
            Column("step_id", INTEGER, "identifier of the step"),
            Column("round_id", INTEGER, "the round (see `rounds`)"),
            Column("position", INTEGER, "its place in the agenda, from 1"),
            Column(
                "kind",
                TEXT,
                "finding, dilemma, single_choice, multiple_choice, scale, "
                "ranking, statements, open_text, placement, discussion (breakout groups "
                "write notes), conduct (the room works on the code of conduct), questions "
                "(the room's questions on screen) or recap (what the round this one was "
                "started from concluded; nothing is answered on it)",
                tuple(Step.Kind.values),
            ),
            Column("title", TEXT, "the step's title"),
            Column("body", TEXT, "the text shown (Markdown); annotation offsets count in it"),
            Column("anonymous", BOOLEAN, "answers stored with no link to the participant"),
            Column("hide_results", BOOLEAN, "results hidden from the room until revealed"),
            Column("passes", INTEGER, "1, or 2 if the room voted again after discussion"),
            Column("settings", JSON, "settings of the step's kind (scale points, limits, ...)"),
        ),
        step_rows,
        nested_under="round",
    ),
    Table(
        "options",
        "One row per option of a choice step, with the value logics it honours and strains.",
        (
            Column("option_id", INTEGER, "identifier of the option"),
            Column("step_id", INTEGER, "the step (see `steps`)"),
            Column("position", INTEGER, "its place among the step's options, from 1"),
            Column("label", TEXT, "the option as shown"),
            Column("explanation", TEXT, "the option's explanation"),
            Column(
                "honours",
                LIST,
                "value logics the option honours (keys of `value_logics`)",
                tuple(ValueLogic.values),
            ),
            Column(
                "strains",
                LIST,
                "value logics the option strains (keys of `value_logics`)",
                tuple(ValueLogic.values),
            ),
            Column(
                "lean",
                DECIMAL,
                "-1 (digital government logics) to +1 (platform logics); empty if untagged",
            ),
        ),
        option_rows,
        nested_under="step",
    ),
    Table(
        "responses",
        "One row per participant's current answer to a step in one pass; every change is in "
        "`events` (kind `answer.given`).",
        (
            Column("response_id", INTEGER, "identifier of the answer"),
            Column("step_id", INTEGER, "the step (see `steps`)"),
            Column("round_id", INTEGER, "the round (see `rounds`)"),
            Column("participant", TEXT, PARTICIPANT),
            Column("pass_number", INTEGER, "1, or 2 for the vote after discussion"),
            Column("option_id", INTEGER, "the chosen option (choice steps); else empty"),
            Column("answer", TEXT, "the answer as read: option label, text, or the value as JSON"),
            Column(
                "value",
                JSON,
                "the stored value (ranking: option ids in order; scale: a "
                "number; placement: a position; statements: votes by statement id)",
            ),
            Column(
                "hidden", BOOLEAN, "hidden from the room by the facilitator (kept in the record)"
            ),
            Column("created_at", DATETIME, "when first given"),
            Column("updated_at", DATETIME, "when last changed"),
        ),
        response_rows,
        nested_under="step",
    ),
    Table(
        "statements",
        "One row per statement of a statements step (written by the facilitator or submitted).",
        (
            Column("statement_id", INTEGER, "identifier of the statement"),
            Column("step_id", INTEGER, "the step (see `steps`)"),
            Column("text", TEXT, "the statement"),
            Column(
                "status",
                TEXT,
                "`approved`, `pending` or `rejected`",
                tuple(Statement.Status.values),
            ),
            Column(
                "submitted_by",
                TEXT,
                "pseudonym of the participant who submitted it; empty if the facilitator wrote it",
            ),
            Column("created_at", DATETIME, "when it was written"),
        ),
        statement_rows,
        nested_under="step",
    ),
    Table(
        "annotations",
        "One row per annotation (a participant's note on a passage of a finding).",
        (
            Column("annotation_id", INTEGER, "identifier of the annotation"),
            Column("step_id", INTEGER, "the finding (see `steps`)"),
            Column("round_id", INTEGER, "the round (see `rounds`)"),
            Column("participant", TEXT, PARTICIPANT),
            Column("exact", TEXT, "the quoted passage"),
            Column("prefix", TEXT, "up to 32 characters before the passage"),
            Column("suffix", TEXT, "up to 32 characters after the passage"),
            Column(
                "start", INTEGER, "offset of the passage in the step's `body` (characters, from 0)"
            ),
            Column("end", INTEGER, "offset just after the passage"),
            Column("note", TEXT, "the participant's note"),
            Column(
                "reaction",
                TEXT,
                "`agree`, `surprising`, `not_true_for_us`, or empty",
                tuple(Annotation.Reaction.values),
            ),
            Column("codes", LIST, "names of the codebook codes the participant chose"),
            Column(
                "status",
                TEXT,
                "`visible`, `pending`, `hidden` (by the facilitator) or `deleted` (by its author)",
                tuple(Annotation.Status.values),
            ),
            Column("pinned", BOOLEAN, "pinned by the facilitator"),
            Column(
                "merged_into", INTEGER, "the annotation this duplicate was merged into; else empty"
            ),
            Column("plus_ones", INTEGER, "how many others +1'd it"),
            Column("created_at", DATETIME, "when it was made"),
            Column("updated_at", DATETIME, "when it last changed"),
        ),
        annotation_rows,
        nested_under="step",
    ),
    Table(
        "annotation_codes",
        "One row per code on an annotation (the `codes` column of `annotations`, in long form).",
        (
            Column("annotation_id", INTEGER, "the annotation (see `annotations`)"),
            Column("step_id", INTEGER, "the finding (see `steps`)"),
            Column("code_id", INTEGER, "the code (see `codes`)"),
            Column("code", TEXT, "the code's name"),
        ),
        annotation_code_rows,
    ),
    Table(
        "plus_ones",
        "One row per +1 a participant gave to someone's annotation.",
        (
            Column("annotation_id", INTEGER, "the annotation (see `annotations`)"),
            Column("participant", TEXT, PARTICIPANT),
            Column("created_at", DATETIME, "when"),
        ),
        plus_one_rows,
    ),
    Table(
        "breakout_groups",
        "One row per breakout group a round's room was split into (a group that kept notes "
        "stays listed after a new split or after the groups ended).",
        (
            Column("group_id", INTEGER, "identifier of the group"),
            Column("round_id", INTEGER, "the round (see `rounds`)"),
            Column("number", INTEGER, "the group's number in its round, from 1"),
            Column("name", TEXT, "the group's name as shown, e.g. `Group 2`"),
            Column("members", INTEGER, "how many people the export names are in it at export time"),
            Column("created_at", DATETIME, "when the group was first made"),
        ),
        group_rows,
        nested_under="round",
    ),
    Table(
        "group_memberships",
        "One row per participant in a breakout group at export time (moves are in `events`, "
        "kinds `groups.split`, `groups.moved` and `groups.placed`).",
        (
            Column("round_id", INTEGER, "the round (see `rounds`)"),
            Column("group_id", INTEGER, "the group (see `breakout_groups`)"),
            Column("group_number", INTEGER, "the group's number in its round"),
            Column("participant", TEXT, PARTICIPANT),
            Column("placed_at", DATETIME, "when they were placed in this group"),
        ),
        group_membership_rows,
        nested_under="round",
    ),
    Table(
        "discussion_notes",
        "One row per note a breakout group wrote on a discussion step.",
        (
            Column("note_id", INTEGER, "identifier of the note"),
            Column("step_id", INTEGER, "the discussion step (see `steps`)"),
            Column("round_id", INTEGER, "the round (see `rounds`)"),
            Column("group_id", INTEGER, "the group it was written in (see `breakout_groups`)"),
            Column("group_number", INTEGER, "that group's number in its round"),
            Column("participant", TEXT, PARTICIPANT),
            Column("text", TEXT, "the note (its latest wording; edits are in `events`)"),
            Column("deleted", BOOLEAN, "deleted by its author (kept in the record)"),
            Column(
                "clause_id",
                INTEGER,
                "the clause the facilitator proposed from it (see `clauses`); else empty",
            ),
            Column("created_at", DATETIME, "when it was written"),
            Column("updated_at", DATETIME, "when it last changed"),
        ),
        discussion_note_rows,
        nested_under="step",
    ),
    Table(
        "questions",
        "One row per question asked from a phone, whatever became of it.",
        (
            Column("question_id", INTEGER, "identifier of the question"),
            Column("round_id", INTEGER, "the round (see `rounds`)"),
            Column("step_id", INTEGER, "the step on screen when it was asked; empty in the lobby"),
            Column("participant", TEXT, PARTICIPANT),
            Column("text", TEXT, "the question as asked"),
            Column(
                "status",
                TEXT,
                "waiting (for approval), visible, hidden (by the facilitator), withdrawn (by its "
                "author) or merged (into another)",
            ),
            Column("merged_into", INTEGER, "the question it was merged into; else empty"),
            Column("answered_at", DATETIME, "when the facilitator marked it answered; else empty"),
            Column("upvotes", INTEGER, "how many others voted for it"),
            Column("created_at", DATETIME, "when it was asked"),
        ),
        question_rows,
        nested_under="round",
    ),
    Table(
        "question_votes",
        "One row per upvote of a question.",
        (
            Column("question_id", INTEGER, "the question (see `questions`)"),
            Column("participant", TEXT, PARTICIPANT),
            Column("created_at", DATETIME, "when they voted"),
        ),
        question_vote_rows,
    ),
    Table(
        "field_notes",
        "One row per field note an observer (a facilitator or researcher of the workshop) "
        "wrote while a round ran; participants never see them.",
        (
            Column("field_note_id", INTEGER, "identifier of the field note"),
            Column("round_id", INTEGER, "the round (see `rounds`)"),
            Column("step_id", INTEGER, "the step on screen when it was written; empty: the lobby"),
            Column("step_position", INTEGER, "that step's place in the agenda"),
            Column(
                "observer",
                TEXT,
                "who wrote it: O1, O2, ... (numbered by their first field note in the workshop; "
                "never an account name)",
            ),
            Column("participant", TEXT, "the participant it is about, if any; " + PARTICIPANT),
            Column("group_id", INTEGER, "the breakout group it is about (see `breakout_groups`)"),
            Column("group_number", INTEGER, "that group's number in its round"),
            Column("text", TEXT, "the note (its latest wording; edits are in `events`)"),
            Column("codes", LIST, "codes of the codebook it was tagged with (see `codes`)"),
            Column("deleted", BOOLEAN, "deleted by its author (kept in the record)"),
            Column("created_at", DATETIME, "when it was written"),
            Column("updated_at", DATETIME, "when it last changed"),
        ),
        field_note_rows,
        nested_under="round",
    ),
    Table(
        "recordings",
        "One row per audio recording of a round (a round may have several). The audio is in "
        "the tables zip (`recordings/<recording_id>.webm` or `.ogg`, with its chapters as "
        "WebVTT) only when the export asks for recordings; its marks are in "
        "`recording_marks`.",
        (
            Column("recording_id", INTEGER, "identifier of the recording"),
            Column("round_id", INTEGER, "the round (see `rounds`)"),
            Column(
                "status",
                TEXT,
                "where the recording stands",
                allowed=tuple(Recording.Status.values),
            ),
            Column("mime_type", TEXT, "the audio's format: `audio/webm` or `audio/ogg` (Opus)"),
            Column("byte_size", INTEGER, "the audio's size in bytes"),
            Column("started_at", DATETIME, "when it started"),
            Column("stopped_at", DATETIME, "when it stopped; empty: not stopped"),
            Column(
                "duration_seconds",
                DECIMAL,
                "seconds of audio: from start to stop less the pauses; empty: not stopped",
            ),
        ),
        recording_rows,
        nested_under="round",
    ),
    Table(
        "recording_marks",
        "One row per mark on a recording's timeline: each of the round's moments between its "
        "start and stop (a step shown, results revealed, voting locked, groups split, ...: its "
        "chapters) and each field note written meanwhile (deleted ones left out).",
        (
            Column("recording_id", INTEGER, "the recording (see `recordings`)"),
            Column("round_id", INTEGER, "its round (see `rounds`)"),
            Column(
                "offset_seconds",
                DECIMAL,
                "seconds into the recording's audio (its pauses left out)",
            ),
            Column("kind", TEXT, "the event's kind (see `events`), or `field_note`"),
            Column("step_id", INTEGER, "the step it concerns; empty: the lobby"),
            Column("step_position", INTEGER, "that step's position on the agenda"),
            Column("event_id", INTEGER, "the event it marks (see `events`); empty: a field note"),
            Column("field_note_id", INTEGER, "the field note (see `field_notes`); empty: an event"),
            Column("label", TEXT, "what the mark says, in the workshop's language"),
        ),
        recording_mark_rows,
        nested_under="round",
    ),
    Table(
        "clauses",
        "One row per clause proposed for the workshop's code of conduct, whatever became of it.",
        (
            Column("clause_id", INTEGER, "identifier of the clause"),
            Column("round_id", INTEGER, "the round it was proposed in; empty if none"),
            Column("text", TEXT, "its wording now (accepted amendments change it; see `events`)"),
            Column("rationale", TEXT, "why it was proposed"),
            Column(
                "status",
                TEXT,
                "`proposed`, `accepted` (in the code), `rejected`, `merged` (into another) "
                "or `dropped` (taken out of the code)",
                tuple(Clause.Status.values),
            ),
            Column("position", INTEGER, "its number in the code while accepted; else empty"),
            Column("revision", INTEGER, "1, plus one for each accepted amendment"),
            Column("merged_into", INTEGER, "the clause this duplicate was merged into; else empty"),
            Column(
                "proposed_by",
                TEXT,
                "pseudonym of the participant who proposed it; empty if the facilitator did, "
                "or the proposer withdrew",
            ),
            Column("proposed_by_facilitator", BOOLEAN, "proposed by a facilitator"),
            Column("motivated_by_step", INTEGER, "the step that prompted it (see `steps`)"),
            Column(
                "motivated_by_annotation",
                INTEGER,
                "the annotation that prompted it (see `annotations`)",
            ),
            Column(
                "from_note",
                INTEGER,
                "the discussion note it was made from (see `discussion_notes`)",
            ),
            Column("codes", LIST, "names of the codebook codes on the clause"),
            Column("created_at", DATETIME, "when it was proposed"),
            Column("updated_at", DATETIME, "when it last changed"),
        ),
        clause_rows,
    ),
    Table(
        "clause_codes",
        "One row per code on a clause (the `codes` column of `clauses`, in long form).",
        (
            Column("clause_id", INTEGER, "the clause (see `clauses`)"),
            Column("code_id", INTEGER, "the code (see `codes`)"),
            Column("code", TEXT, "the code's name"),
        ),
        clause_code_rows,
    ),
    Table(
        "amendments",
        "One row per proposed new wording of a clause.",
        (
            Column("amendment_id", INTEGER, "identifier of the amendment"),
            Column("clause_id", INTEGER, "the clause it rewords (see `clauses`)"),
            Column("round_id", INTEGER, "the round it was proposed in; empty if none"),
            Column("text", TEXT, "the new wording"),
            Column("base_text", TEXT, "the clause's wording it was written against"),
            Column("base_revision", INTEGER, "the clause's `revision` it was written against"),
            Column("rationale", TEXT, "why"),
            Column(
                "status",
                TEXT,
                "`proposed`, `accepted`, `rejected` or `merged`",
                tuple(Amendment.Status.values),
            ),
            Column(
                "merged_into", INTEGER, "the amendment this duplicate was merged into; else empty"
            ),
            Column(
                "proposed_by",
                TEXT,
                "pseudonym of the participant who proposed it; empty if the facilitator did, "
                "or the proposer withdrew",
            ),
            Column("proposed_by_facilitator", BOOLEAN, "proposed by a facilitator"),
            Column("created_at", DATETIME, "when it was proposed"),
            Column("updated_at", DATETIME, "when it last changed"),
        ),
        amendment_rows,
    ),
    Table(
        "endorsements",
        "One row per participant's current stance on a clause or an amendment; every change "
        "is in `events` (kind `conduct.endorsed`).",
        (
            Column("endorsement_id", INTEGER, "identifier of the endorsement"),
            Column("clause_id", INTEGER, "the clause (see `clauses`); empty for an amendment"),
            Column("amendment_id", INTEGER, "the amendment (see `amendments`); else empty"),
            Column("participant", TEXT, PARTICIPANT),
            Column(
                "stance",
                TEXT,
                "`agree`, `disagree` or `pass`",
                tuple(Endorsement.Stance.values),
            ),
            Column("objection", TEXT, "with `disagree`: the participant's one-line objection"),
            Column("created_at", DATETIME, "when first given"),
            Column("updated_at", DATETIME, "when last changed"),
        ),
        endorsement_rows,
    ),
    Table(
        "conduct_versions",
        "One row per version of the code of conduct: each accepted change makes one, and the "
        "code as it stood when a round closed is frozen as a version named after the round.",
        (
            Column("version", INTEGER, "the version's number, from 1"),
            Column("name", TEXT, "the round's title for a frozen version; else empty"),
            Column("round_id", INTEGER, "the round it was made in; empty if none"),
            Column("frozen_for_round", BOOLEAN, "frozen when its round closed"),
            Column("clause_count", INTEGER, "number of clauses in this version"),
            Column(
                "changes",
                JSON,
                "what changed since the version before: a list of "
                "{clause, what (`added`, `amended`, `moved`, `dropped`, `merged`), reason}",
            ),
            Column("created_at", DATETIME, "when the version was made"),
        ),
        conduct_version_rows,
    ),
    Table(
        "conduct_version_clauses",
        "One row per clause of each version of the code, in the version's order: the code's "
        "text as it stood at that version.",
        (
            Column("version", INTEGER, "the version (see `conduct_versions`)"),
            Column("position", INTEGER, "the clause's number in that version, from 1"),
            Column("clause_id", INTEGER, "the clause (see `clauses`)"),
            Column("text", TEXT, "its wording in that version"),
            Column("rationale", TEXT, "why it is there"),
            Column("codes", LIST, "names of the codebook codes on it then"),
        ),
        conduct_version_clause_rows,
    ),
    Table(
        "codes",
        "The workshop's codebook.",
        (
            Column("code_id", INTEGER, "identifier of the code"),
            Column("name", TEXT, "the code"),
            Column("description", TEXT, "what it means"),
        ),
        code_rows,
    ),
    Table(
        "value_logics",
        "The value logics options honour or strain (the same for every workshop).",
        (
            Column(
                "key",
                TEXT,
                "the key used in `options.honours` and `options.strains`",
                tuple(ValueLogic.values),
            ),
            Column("label", TEXT, "its name, in the language of the export"),
            Column(
                "family",
                TEXT,
                "`digital_government` or `social_media_platform`",
                ("digital_government", "social_media_platform"),
            ),
        ),
        value_logic_rows,
    ),
    Table(
        "events",
        "The append-only log: one row per thing that happened, in time order.",
        (
            Column("event_id", INTEGER, "identifier, increasing with time"),
            Column("created_at", DATETIME, "when it happened"),
            Column("round_id", INTEGER, "the round, if any"),
            Column("step_id", INTEGER, "the step, if any"),
            Column("participant", TEXT, PARTICIPANT),
            Column(
                "actor",
                TEXT,
                "`participant`, `facilitator`, `observer` (a field note) or `system`",
                ("participant", "facilitator", "observer", "system"),
            ),
            Column(
                "kind",
                TEXT,
                "what happened, e.g. `answer.given`, `step.shown`, "
                "`results.revealed`, `conduct.endorsed`, `discussion.note_added` "
                "(see docs/exports.md)",
            ),
            Column("payload", JSON, "the details recorded with it"),
        ),
        event_rows,
    ),
]
TABLES_BY_NAME = {table.name: table for table in TABLES}
