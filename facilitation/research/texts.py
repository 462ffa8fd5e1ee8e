"""Exports made for reading: the focus-group transcript, the facilitation log and W3C annotations.

The transcript gathers what people wrote from ``CONTRIBUTIONS``: one function per kind of
contribution, yielding ``Contribution``s for a step (answers, annotations, statements, group
notes, and proposals for the code of conduct). A later capability adds its own function to that
list, and the transcript and the QDA project pick it up.
"""

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from facilitation.deliberation.anchoring import Selector
from facilitation.deliberation.models import (
    Annotation,
    DiscussionNote,
    Response,
    Statement,
)
from facilitation.questions.models import Question
from facilitation.workshops.models import Event, Step

from .scope import CHUNK_SIZE, ExportScope, clean_payload, iso
from .tables import kept_events, scope_amendments, scope_annotations, scope_clauses, scope_steps
from .tabular import csv_value

ANONYMOUS = "Anonymous"


@dataclass(frozen=True)
class Contribution:
    """One thing a person wrote on a step, as the transcript and the QDA export see it."""

    at: datetime
    participant_id: int | None
    text: str
    kind: str  # "answer", "annotation", "statement", ...
    record_id: int
    hidden: bool = False
    quote: str = ""  # the passage an annotation is about
    code_names: tuple[str, ...] = ()
    # What it is said in or about, shown in brackets before it: "Group 2", "amends “…”".
    label: str = ""
    group_id: int | None = None  # the breakout group a discussion note was written in


def open_text_answers(scope: ExportScope, step: Step) -> Iterator[Contribution]:
    if step.kind != Step.Kind.OPEN_TEXT:
        return
    responses = scope.contributions(Response.objects.filter(step=step)).order_by("created_at", "pk")
    for r in responses.iterator(chunk_size=CHUNK_SIZE):
        if isinstance(r.value, str) and r.value.strip():
            yield Contribution(r.created_at, r.participant_id, r.value, "answer", r.pk, r.hidden)


def annotation_notes(scope: ExportScope, step: Step) -> Iterator[Contribution]:
    # What an author deleted they took back; it stays in the tables, not in the transcript.
    annotations = (
        scope.contributions(Annotation.objects.filter(step=step))
        .exclude(status=Annotation.Status.DELETED)
        .prefetch_related("codes")
        .order_by("created_at", "pk")
    )
    for a in annotations.iterator(chunk_size=CHUNK_SIZE):
        text = a.note or a.get_reaction_display() or ""
        yield Contribution(
            a.created_at,
            a.participant_id,
            text,
            "annotation",
            a.pk,
            a.status == Annotation.Status.HIDDEN,
            quote=a.exact,
            code_names=tuple(sorted(c.name for c in a.codes.all())),
        )


def submitted_statements(scope: ExportScope, step: Step) -> Iterator[Contribution]:
    statements = scope.contributions(
        Statement.objects.filter(step=step, submitted_by__isnull=False), "submitted_by"
    ).order_by("created_at", "pk")
    for s in statements:
        yield Contribution(
            s.created_at,
            s.submitted_by_id,
            s.text,
            "statement",
            s.pk,
            s.status == Statement.Status.REJECTED,
        )


def discussion_notes(scope: ExportScope, step: Step) -> Iterator[Contribution]:
    # Like annotations: a note its author deleted stays in the tables only.
    if step.kind != Step.Kind.DISCUSSION:
        return
    notes = (
        scope.contributions(DiscussionNote.objects.filter(step=step, deleted=False))
        .select_related("group")
        .order_by("created_at", "pk")
    )
    for n in notes.iterator(chunk_size=CHUNK_SIZE):
        yield Contribution(
            n.created_at,
            n.participant_id,
            n.text,
            "note",
            n.pk,
            label=str(n.group.name),
            group_id=n.group_id,
        )


def questions_asked(scope: ExportScope, step: Step) -> Iterator[Contribution]:
    """Questions asked from phones while ``step`` was on screen, with what became of them."""
    questions = scope.contributions(
        Question.objects.filter(step=step).exclude(status=Question.Status.WITHDRAWN)
    ).order_by("created_at", "pk")
    for q in questions.iterator(chunk_size=CHUNK_SIZE):
        label = QUESTION_ANSWERED_LABEL if q.answered_at else QUESTION_LABEL
        yield Contribution(
            q.created_at,
            q.participant_id,
            q.text,
            "question",
            q.pk,
            hidden=q.status in (Question.Status.HIDDEN, Question.Status.MERGED),
            label=label,
        )


QUESTION_LABEL = "asks"
QUESTION_ANSWERED_LABEL = "asks; answered"
CONDUCT_PROPOSALS = ("conduct.clause_proposed", "conduct.amendment_proposed", "conduct.endorsed")


def conduct_proposals(scope: ExportScope, step: Step) -> Iterator[Contribution]:
    """Clauses, amendments and objections participants wrote while ``step`` was on screen
    (a code-of-conduct step, or any step when proposals are open at any time)."""
    return proposals_in(scope, Event.objects.filter(step=step))


def proposals_between_steps(scope, round):
    """Those written while the round showed no step (proposals open at any time)."""
    return proposals_in(scope, Event.objects.filter(round=round, step__isnull=True))


def proposals_in(scope, events):
    """Conduct contributions among ``events``, read from the event log so that each reads as
    it was written then, even if it was amended later."""
    events = scope.contributions(
        events.filter(kind__in=CONDUCT_PROPOSALS, participant__isnull=False)
    ).order_by("created_at", "pk")
    if not events.exists():
        return
    # Workshop-wide: in a round's export, a proposal may concern a clause of an earlier round.
    whole = ExportScope(scope.workshop, include_names=scope.include_names)
    clauses = {c.pk: c for c in scope_clauses(whole).prefetch_related("codes")}
    amendments = set(scope_amendments(whole).values_list("pk", flat=True))
    for e in events.iterator(chunk_size=CHUNK_SIZE):
        p = e.payload if isinstance(e.payload, dict) else {}
        clause = clauses.get(p.get("clause"))
        if clause is None:
            continue  # left out with its withdrawn proposer, or outside the export
        codes = tuple(sorted(code.name for code in clause.codes.all()))
        if e.kind == "conduct.clause_proposed":
            label = str(CLAUSE_LABEL)
            yield Contribution(
                e.created_at,
                e.participant_id,
                p.get("text") or clause.text,
                "clause",
                clause.pk,
                code_names=codes,
                label=label,
            )
        elif e.kind == "conduct.amendment_proposed" and p.get("amendment") in amendments:
            yield Contribution(
                e.created_at,
                e.participant_id,
                p.get("text", ""),
                "amendment",
                p["amendment"],
                code_names=codes,
                label=f"amends “{one_line(p.get('base_text') or clause.text)}”",
            )
        elif e.kind == "conduct.endorsed" and p.get("objection"):
            amendment = p.get("amendment")
            if amendment and amendment not in amendments:
                continue
            about = "the amendment of" if amendment else "the clause"
            yield Contribution(
                e.created_at,
                e.participant_id,
                p["objection"],
                "objection",
                e.pk,
                code_names=codes,
                label=f"objects to {about} “{one_line(clause.text)}”",
            )


CLAUSE_LABEL = "proposes a clause"

CONTRIBUTIONS: list[Callable[[ExportScope, Step], Iterator[Contribution]]] = [
    open_text_answers,
    annotation_notes,
    submitted_statements,
    discussion_notes,
    conduct_proposals,
    questions_asked,
]


def contributions_to(scope, step):
    """Everything people wrote on ``step``, in time order."""
    found = [c for source in CONTRIBUTIONS for c in source(scope, step)]
    return sorted(found, key=lambda c: (c.at, c.kind, c.record_id))


def speaker(scope, participant_id):
    return scope.speaker(participant_id) or ANONYMOUS


def one_line(text):
    return " ".join(str(text).split())


# ---- the focus-group transcript ---------------------------------------------------------------


def transcript_chunks(scope):
    """Plain text: step headings, then one paragraph per contribution as ``P07: text``.

    A paragraph starts with the speaker and a colon, the shape MAXQDA's speaker auto-coding and
    NVivo's transcript import read; headings never contain a colon for the same reason.
    """
    yield f"{one_line(scope.workshop.title)}\n".encode()
    for round in scope.rounds():
        yield f"\n\n=== {heading(round.title)} ===\n".encode()
        for step in scope_steps(scope).filter(round=round):
            yield f"\n\n--- {step.position}. {heading(step.title)} ---\n".encode()
            for c in contributions_to(scope, step):
                about = f"[on “{one_line(c.quote)}”] " if c.quote else ""
                about += f"[{one_line(c.label)}] " if c.label else ""
                flag = " [hidden from the room]" if c.hidden else ""
                text = f"\n{speaker(scope, c.participant_id)}: {about}{one_line(c.text)}{flag}\n"
                yield text.encode()
        between = list(proposals_between_steps(scope, round))
        if between:
            yield b"\n\n--- Code of conduct, between steps ---\n"
            for c in between:
                text = f"\n{speaker(scope, c.participant_id)}: [{c.label}] {one_line(c.text)}\n"
                yield text.encode()


def heading(text):
    return one_line(text).replace(":", " –")


# ---- the facilitation log ---------------------------------------------------------------------

FACILITATION_EVENTS = {
    "round.created": "Round created",
    "round.started": "Round started",
    "round.paused": "Round paused",
    "round.resumed": "Round resumed",
    "round.closed": "Round closed",
    "step.shown": "Projector shows",
    "results.revealed": "Results revealed",
    "results.hidden": "Results hidden again",
    "voting.locked": "Answers locked",
    "voting.unlocked": "Answers opened again",
    "timer.started": "Timer started",
    "pass.opened": "Second vote opened",
    "answer.hidden": "Answer hidden from the room",
    "answer.shown": "Answer shown again",
    "annotation.approve": "Annotation approved",
    "annotation.hide": "Annotation hidden from the room",
    "annotation.show": "Annotation shown again",
    "annotation.pin": "Annotation pinned",
    "annotation.unpin": "Annotation unpinned",
    "annotation.merged": "Annotations merged",
    "annotation.premoderation": "Pre-moderation of annotations switched",
    "statement.approved": "Statement approved",
    "statement.rejected": "Statement rejected",
    "groups.split": "Room split into groups",
    "groups.moved": "Participant moved to another group",
    "groups.placed": "Participants placed in groups",
    "groups.dissolved": "Groups ended",
    "discussion.report_back": "Report-back of the groups switched",
    "discussion.note_proposed": "Group note proposed as a clause",
    "conduct.clause_proposed": "Clause proposed by the facilitator",
    "conduct.amendment_proposed": "Amendment proposed by the facilitator",
    "conduct.clause_accepted": "Clause accepted into the code",
    "conduct.clause_rejected": "Clause rejected",
    "conduct.clause_dropped": "Clause dropped from the code",
    "conduct.clause_merged": "Clauses merged",
    "conduct.clause_moved": "Clause moved in the code",
    "conduct.amendment_accepted": "Amendment accepted",
    "conduct.amendment_rejected": "Amendment rejected",
    "conduct.amendment_merged": "Amendments merged",
    "conduct.open_any_time": "Proposals open at any time switched",
    "conduct.version_frozen": "Code of conduct frozen for the round",
    "conduct.carried_forward": "Code of conduct carried into this round",
}
# Facilitator acts that change or judge what a participant contributed: the moderation log.
MODERATION_KINDS = (
    r"^(answer|annotation|statement)\.|^discussion\.note_proposed$"
    r"|^conduct\.(clause|amendment)_(accepted|rejected|dropped|merged)$"
)
LOG_COLUMNS = [
    "time",
    "round_id",
    "step_id",
    "step_position",
    "step_title",
    "event",
    "action",
    "detail",
]


def facilitation_events(scope, *, moderation_only=False):
    """Events that changed what the room saw: facilitator actions, in time order."""
    steps = {s.pk: s for s in scope_steps(scope).only("pk", "position", "title")}
    # A facilitator's act may name the participant it concerns (moving someone to a group).
    only = Q(user__isnull=False) | (Q(kind__in=FACILITATION_EVENTS) & Q(participant__isnull=True))
    if moderation_only:
        only &= Q(kind__regex=MODERATION_KINDS)
    for event in kept_events(scope, only):
        yield event, steps.get(event.step_id)


SWITCHES = ("annotation.premoderation", "discussion.report_back", "conduct.open_any_time")


def describe_groups(event, payload, scope):
    if event.kind == "groups.split":
        groups = payload.get("groups") or {}
        how = "at random" if payload.get("method") == "random" else "balanced"
        if payload.get("attribute"):
            how += f" by {payload['attribute']}"
        return f"{len(groups)} groups, {how}"
    if event.kind == "groups.moved":
        who = (scope.pseudonym(event.participant_id) if scope else "") or ANONYMOUS
        return f"{who} to Group {payload.get('group')}"
    if event.kind == "groups.placed" and isinstance(payload.get("placed"), dict):
        return f"{len(payload['placed'])} placed"
    return ""


def describe_conduct(payload):
    """Which clause (and version) a conduct act concerns, and the reason the facilitator gave."""
    parts = []
    if payload.get("clause"):
        parts.append(f"clause {payload['clause']}")
    if payload.get("amendment"):
        parts.append(f"amendment {payload['amendment']}")
    if payload.get("into"):
        parts.append(f"into {payload['into']}")
    if payload.get("note"):
        parts.append(f"note {payload['note']}")
    if payload.get("version"):
        name = f" “{payload['name']}”" if payload.get("name") else ""
        parts.append(f"version {payload['version']}{name}")
    if payload.get("text"):
        parts.append(f"“{one_line(payload['text'])}”")
    if payload.get("reason"):
        parts.append(f"reason: {one_line(payload['reason'])}")
    return "; ".join(parts)


def describe_event(event, step, scope=None):
    payload = clean_payload(event.payload) if isinstance(event.payload, dict) else {}
    action = FACILITATION_EVENTS.get(event.kind, event.kind)
    if event.kind == "step.shown":
        detail = f"{step.position}. {step.title}" if step else "the lobby (join code and QR code)"
    elif event.kind == "timer.started":
        detail = f"{payload.get('seconds')} seconds"
    elif event.kind in SWITCHES:
        detail = "on" if payload.get("on") else "off"
    elif event.kind.startswith("groups."):
        detail = describe_groups(event, payload, scope)
    elif event.kind.startswith("conduct.") or event.kind == "discussion.note_proposed":
        detail = describe_conduct(payload)
    elif "exact" in payload or "text" in payload:
        detail = one_line(payload.get("text") or payload.get("exact"))
    else:
        detail = ""
    return action, detail


def log_chunks(scope):
    """The facilitation log as CSV: what the projector showed when, reveals, locks and hides."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LOG_COLUMNS)
    for event, step in facilitation_events(scope):
        action, detail = describe_event(event, step, scope)
        writer.writerow(
            [
                csv_value(v)
                for v in (
                    iso(event.created_at),
                    event.round_id or "",
                    event.step_id or "",
                    step.position if step else "",
                    step.title if step else "",
                    event.kind,
                    action,
                    detail,
                )
            ]
        )
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


# ---- W3C Web Annotation JSON-LD ---------------------------------------------------------------

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def w3c_annotation(scope, annotation, base):
    body = []
    if annotation.note:
        body.append({"type": "TextualBody", "value": annotation.note, "purpose": "commenting"})
    if annotation.reaction:
        body.append({"type": "TextualBody", "value": annotation.reaction, "purpose": "assessing"})
    body += [
        {"type": "TextualBody", "value": code.name, "purpose": "tagging"}
        for code in sorted(annotation.codes.all(), key=lambda c: c.name)
    ]
    item = {
        "id": f"{base}/annotations/{annotation.pk}",
        "type": "Annotation",
        "motivation": "commenting" if annotation.note else "highlighting",
        "created": iso(annotation.created_at),
        "modified": iso(annotation.updated_at),
        "target": {
            "source": f"{base}/steps/{annotation.step_id}",
            "selector": selector_of(annotation).to_w3c(),
        },
    }
    if creator := scope.speaker(annotation.participant_id):
        item["creator"] = {"type": "Person", "nickname": creator}
    if body:
        item["body"] = body
    return item


def selector_of(annotation):
    return Selector(
        annotation.exact, annotation.prefix, annotation.suffix, annotation.start, annotation.end
    )


def jsonld_chunks(scope):
    """An AnnotationCollection (W3C Web Annotation Data Model) whose one page holds every
    annotation (deleted ones left out).

    Identifiers are URNs of the export, since a workshop's pages are not public.
    """
    base = f"urn:balans:workshop:{scope.workshop.pk}"
    annotations = scope_annotations(scope).exclude(status=Annotation.Status.DELETED)
    head = {
        "@context": W3C_CONTEXT,
        "id": f"{base}/annotations" + (f"?round={scope.round.pk}" if scope.round else ""),
        "type": "AnnotationCollection",
        "label": scope.workshop.title,
        "total": annotations.count(),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1].encode()
    yield b', "first": {"type": "AnnotationPage", "startIndex": 0, "items": ['
    for i, annotation in enumerate(annotations.iterator(chunk_size=CHUNK_SIZE)):
        item = json.dumps(w3c_annotation(scope, annotation, base), ensure_ascii=False)
        yield ((", " if i else "") + item).encode()
    yield b"]}}\n"
