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

from django.db.models import Count

from facilitation.deliberation.models import (
    Annotation,
    Code,
    Option,
    PlusOne,
    Response,
    Statement,
)
from facilitation.workshops.models import Attendance, Event, Step, ValueLogic

from .scope import CHUNK_SIZE, ExportScope, clean_payload, iso

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
    events = scope_events(scope)
    if only is not None:
        events = events.filter(only)
    for e in events.iterator(chunk_size=CHUNK_SIZE):
        payload = e.payload if isinstance(e.payload, dict) else {}
        if any(payload.get(key) in ids for key, ids in removed.items() if ids):
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
            as_json_text(clean_payload(e.payload, include_names=scope.include_names)),
        )


def actor(event):
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
            Column("status", TEXT, "`draft`, `live`, `paused` or `closed` at export time"),
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
                "ranking, statements, open_text or placement",
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
            Column("honours", LIST, "value logics the option honours (keys of `value_logics`)"),
            Column("strains", LIST, "value logics the option strains (keys of `value_logics`)"),
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
            Column("status", TEXT, "`approved`, `pending` or `rejected`"),
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
            Column("reaction", TEXT, "`agree`, `surprising`, `not_true_for_us`, or empty"),
            Column("codes", LIST, "names of the codebook codes the participant chose"),
            Column(
                "status",
                TEXT,
                "`visible`, `pending`, `hidden` (by the facilitator) or `deleted` (by its author)",
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
            Column("key", TEXT, "the key used in `options.honours` and `options.strains`"),
            Column("label", TEXT, "its name, in the language of the export"),
            Column("family", TEXT, "`digital_government` or `social_media_platform`"),
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
            Column("actor", TEXT, "`participant`, `facilitator` or `system`"),
            Column(
                "kind",
                TEXT,
                "what happened, e.g. `answer.given`, `step.shown`, "
                "`results.revealed` (see docs/exports.md)",
            ),
            Column("payload", JSON, "the details recorded with it"),
        ),
        event_rows,
    ),
]
TABLES_BY_NAME = {table.name: table for table in TABLES}
