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
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.deliberation.anchoring import CONTEXT, Selector, anchor
from facilitation.deliberation.models import (
    Annotation,
    DiscussionNote,
    Response,
    Statement,
)
from facilitation.fieldnotes.services import observer_names
from facilitation.questions.models import Question
from facilitation.workshops.models import Event, Step

from .scope import CHUNK_SIZE, ExportScope, clean_payload, iso
from .tables import (
    kept_events,
    scope_amendments,
    scope_annotations,
    scope_clauses,
    scope_field_notes,
    scope_steps,
)
from .tabular import csv_value

ANONYMOUS = gettext_lazy("Anonymous")


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
    modified_at: datetime | None = None  # when it last changed, if it can change
    # Who speaks, when it is not a participant: "Observer" for a field note.
    speaker: str = ""

    @property
    def modified(self):
        return self.modified_at or self.at


def open_text_answers(scope: ExportScope, step: Step) -> Iterator[Contribution]:
    if step.kind != Step.Kind.OPEN_TEXT:
        return
    responses = scope.contributions(Response.objects.filter(step=step)).order_by("created_at", "pk")
    for r in responses.iterator(chunk_size=CHUNK_SIZE):
        if isinstance(r.value, str) and r.value.strip():
            yield Contribution(
                r.created_at,
                r.participant_id,
                r.value,
                "answer",
                r.pk,
                r.hidden,
                modified_at=r.updated_at,
            )


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
            modified_at=a.updated_at,
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
            modified_at=n.updated_at,
        )


def questions_asked(scope: ExportScope, step: Step) -> Iterator[Contribution]:
    """Questions asked from phones while ``step`` was on screen, with what became of them."""
    questions = scope.contributions(
        Question.objects.filter(step=step).exclude(status=Question.Status.WITHDRAWN)
    ).order_by("created_at", "pk")
    for q in questions.iterator(chunk_size=CHUNK_SIZE):
        label = str(QUESTION_ANSWERED_LABEL if q.answered_at else QUESTION_LABEL)
        yield Contribution(
            q.created_at,
            q.participant_id,
            q.text,
            "question",
            q.pk,
            hidden=q.status in (Question.Status.HIDDEN, Question.Status.MERGED),
            label=label,
        )


QUESTION_LABEL = gettext_lazy("asks")
QUESTION_ANSWERED_LABEL = gettext_lazy("asks; answered")
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
                label=_("amends “%(text)s”")
                % {"text": one_line(p.get("base_text") or clause.text)},
            )
        elif e.kind == "conduct.endorsed" and p.get("objection"):
            amendment = p.get("amendment")
            if amendment and amendment not in amendments:
                continue
            about = (
                _("objects to the amendment of “%(text)s”")
                if amendment
                else _("objects to the clause “%(text)s”")
            )
            yield Contribution(
                e.created_at,
                e.participant_id,
                p["objection"],
                "objection",
                e.pk,
                code_names=codes,
                label=about % {"text": one_line(clause.text)},
            )


CLAUSE_LABEL = gettext_lazy("proposes a clause")
OBSERVER = gettext_lazy("Observer")


def field_notes_on(scope: ExportScope, step: Step) -> Iterator[Contribution]:
    """The observers' field notes written while ``step`` was on screen."""
    return field_notes_in(scope, scope_field_notes(scope).filter(step=step))


def field_notes_in(scope, notes):
    """Field notes (deleted ones left out) as the ``Observer`` speaking: the observer and whom
    the note is about in brackets, so speaker coding sees only "Observer"."""
    observers = observer_names(scope.workshop)
    for n in notes.filter(deleted=False):
        about_whom = [observers.get(n.author_id, "")]
        about_whom.append(scope.pseudonym(n.participant_id))
        if n.group is not None:
            about_whom.append(str(n.group.name))
        yield Contribution(
            n.created_at,
            None,
            n.text,
            "field_note",
            n.pk,
            code_names=tuple(sorted(c.name for c in n.codes.all())),
            label=", ".join(part for part in about_whom if part),
            group_id=n.group_id,
            modified_at=n.updated_at,
            speaker=str(OBSERVER),
        )


CONTRIBUTIONS: list[Callable[[ExportScope, Step], Iterator[Contribution]]] = [
    open_text_answers,
    annotation_notes,
    submitted_statements,
    discussion_notes,
    conduct_proposals,
    questions_asked,
    field_notes_on,
]


def contributions_to(scope, step):
    """Everything people wrote on ``step``, in time order."""
    found = [c for source in CONTRIBUTIONS for c in source(scope, step)]
    return sorted(found, key=lambda c: (c.at, c.kind, c.record_id))


def speaker(scope, participant_id):
    return scope.speaker(participant_id) or str(ANONYMOUS)


def speaker_of(scope, c):
    return c.speaker or speaker(scope, c.participant_id)


def one_line(text):
    return " ".join(str(text).split())


# ---- the focus-group transcript ---------------------------------------------------------------


def transcript_chunks(scope, *, bom=False):
    """Plain text in the shape focus-group imports read: speaker paragraphs only.

    Every paragraph starts with a speaker and a colon (``P07: text``), the shape MAXQDA's
    focus-group import and NVivo's auto-coding by speaker read; a heading between speakers
    would be taken for the previous speaker's words. So each step change is said by the
    facilitator, ``Facilitator: [May workshop, step 3] The annual running race``, and a
    contribution with no words (a bare highlight) is left out. ``bom``: start with a UTF-8
    byte-order mark, which Windows tools need to read å, ä and ö.
    """
    facilitator = _("Facilitator")
    yield ("\ufeff" if bom else "").encode()
    first = True
    for round in scope.rounds():
        for step in scope_steps(scope).filter(round=round):
            where = _("%(round)s, step %(number)d") % {
                "round": one_line(round.title),
                "number": step.position,
            }
            yield paragraph(facilitator, f"[{where}] {one_line(step.title)}", first)
            first = False
            for c in contributions_to(scope, step):
                if text := one_line(c.text):
                    if c.hidden:
                        text += " " + _("[hidden from the room]")
                    yield paragraph(speaker_of(scope, c), about(c) + text, first)
        lobby = list(field_notes_in(scope, scope_field_notes(scope).filter(round=round, step=None)))
        if lobby:
            where = _("%(round)s, the lobby") % {"round": one_line(round.title)}
            yield paragraph(facilitator, f"[{where}]", first)
            first = False
            for c in lobby:
                yield paragraph(speaker_of(scope, c), about(c) + one_line(c.text), first)
        between = list(proposals_between_steps(scope, round))
        if between:
            where = _("%(round)s, code of conduct between steps") % {"round": one_line(round.title)}
            yield paragraph(facilitator, f"[{where}]", first)
            first = False
            for c in between:
                if text := one_line(c.text):
                    yield paragraph(speaker(scope, c.participant_id), about(c) + text, first)


def about(c):
    """What a contribution is on or in, in brackets after the speaker's colon."""
    found = ""
    if c.quote:
        found += "[" + _("on “%(quote)s”") % {"quote": one_line(c.quote)} + "] "
    if c.label:
        found += f"[{one_line(c.label)}] "
    return found


def paragraph(who, text, first):
    return (("" if first else "\n") + f"{who}: {text}\n").encode()


def heading(text):
    return one_line(text).replace(":", " –")


# ---- the facilitation log ---------------------------------------------------------------------

FACILITATION_EVENTS = {
    "round.created": gettext_lazy("Round created"),
    "round.started": gettext_lazy("Round started"),
    "round.paused": gettext_lazy("Round paused"),
    "round.resumed": gettext_lazy("Round resumed"),
    "round.closed": gettext_lazy("Round closed"),
    "step.shown": gettext_lazy("Projector shows"),
    "projector.blanked": gettext_lazy("Projector blanked"),
    "projector.unblanked": gettext_lazy("Projector shown again"),
    "join_overlay.shown": gettext_lazy("Join code shown over the projector"),
    "join_overlay.hidden": gettext_lazy("Join code over the projector hidden"),
    "results.revealed": gettext_lazy("Results revealed"),
    "results.hidden": gettext_lazy("Results hidden again"),
    "voting.locked": gettext_lazy("Answers locked"),
    "voting.unlocked": gettext_lazy("Answers opened again"),
    "timer.started": gettext_lazy("Timer started"),
    "pass.opened": gettext_lazy("Second vote opened"),
    "answer.hidden": gettext_lazy("Answer hidden from the room"),
    "answer.shown": gettext_lazy("Answer shown again"),
    "annotation.approve": gettext_lazy("Annotation approved"),
    "annotation.hide": gettext_lazy("Annotation hidden from the room"),
    "annotation.show": gettext_lazy("Annotation shown again"),
    "annotation.pin": gettext_lazy("Annotation pinned"),
    "annotation.unpin": gettext_lazy("Annotation unpinned"),
    "annotation.merged": gettext_lazy("Annotations merged"),
    "annotation.premoderation": gettext_lazy("Pre-moderation of annotations switched"),
    "statement.approved": gettext_lazy("Statement approved"),
    "statement.rejected": gettext_lazy("Statement rejected"),
    "groups.split": gettext_lazy("Room split into groups"),
    "groups.moved": gettext_lazy("Participant moved to another group"),
    "groups.placed": gettext_lazy("Participants placed in groups"),
    "groups.dissolved": gettext_lazy("Groups ended"),
    "discussion.report_back": gettext_lazy("Report-back of the groups switched"),
    "discussion.note_proposed": gettext_lazy("Group note proposed as a clause"),
    "conduct.clause_proposed": gettext_lazy("Clause proposed by the facilitator"),
    "conduct.amendment_proposed": gettext_lazy("Amendment proposed by the facilitator"),
    "conduct.clause_accepted": gettext_lazy("Clause accepted into the code"),
    "conduct.clause_rejected": gettext_lazy("Clause rejected"),
    "conduct.clause_dropped": gettext_lazy("Clause dropped from the code"),
    "conduct.clause_merged": gettext_lazy("Clauses merged"),
    "conduct.clause_moved": gettext_lazy("Clause moved in the code"),
    "conduct.amendment_accepted": gettext_lazy("Amendment accepted"),
    "conduct.amendment_rejected": gettext_lazy("Amendment rejected"),
    "conduct.amendment_merged": gettext_lazy("Amendments merged"),
    "conduct.open_any_time": gettext_lazy("Proposals open at any time switched"),
    "conduct.version_frozen": gettext_lazy("Code of conduct frozen for the round"),
    "conduct.carried_forward": gettext_lazy("Code of conduct carried into this round"),
    "recap.chosen": gettext_lazy("What the recap shows was chosen"),
    "fieldnote.written": gettext_lazy("Field note written"),
    "fieldnote.edited": gettext_lazy("Field note edited"),
    "fieldnote.deleted": gettext_lazy("Field note deleted"),
    "recording.started": gettext_lazy("Recording started"),
    "recording.paused": gettext_lazy("Recording paused"),
    "recording.resumed": gettext_lazy("Recording resumed"),
    "recording.continued": gettext_lazy("Recording taken up by a new page"),
    "recording.stopped": gettext_lazy("Recording stopped"),
    "recording.played": gettext_lazy("Recording played"),
    "recording.downloaded": gettext_lazy("Recording's audio downloaded"),
    "recording.exported": gettext_lazy("Recording exported"),
    "report.published": gettext_lazy("Round report published to the participants"),
    "report.unpublished": gettext_lazy("Round report taken back from the participants"),
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
        how = _("at random") if payload.get("method") == "random" else _("balanced")
        if payload.get("attribute"):
            how += " " + _("by %(attribute)s") % {"attribute": payload["attribute"]}
        return _("%(count)d groups, %(how)s") % {"count": len(groups), "how": how}
    if event.kind == "groups.moved":
        who = (scope.pseudonym(event.participant_id) if scope else "") or str(ANONYMOUS)
        return _("%(who)s to Group %(group)s") % {"who": who, "group": payload.get("group")}
    if event.kind == "groups.placed" and isinstance(payload.get("placed"), dict):
        return _("%(count)d placed") % {"count": len(payload["placed"])}
    return ""


def describe_conduct(payload):
    """Which clause (and version) a conduct act concerns, and the reason the facilitator gave."""
    parts = []
    if payload.get("clause"):
        parts.append(_("clause %(id)s") % {"id": payload["clause"]})
    if payload.get("amendment"):
        parts.append(_("amendment %(id)s") % {"id": payload["amendment"]})
    if payload.get("into"):
        parts.append(_("into %(id)s") % {"id": payload["into"]})
    if payload.get("note"):
        parts.append(_("note %(id)s") % {"id": payload["note"]})
    if payload.get("version"):
        name = f" “{payload['name']}”" if payload.get("name") else ""
        parts.append(_("version %(number)s") % {"number": payload["version"]} + name)
    if payload.get("text"):
        parts.append(f"“{one_line(payload['text'])}”")
    if payload.get("reason"):
        parts.append(_("reason: %(reason)s") % {"reason": one_line(payload["reason"])})
    return "; ".join(parts)


def describe_field_note(event, payload, scope):
    """``O1 on P03: the note``: the observer, whom it is about, and its text."""
    who = observer_names(scope.workshop).get(event.user_id, "") if scope else ""
    about_whom = [scope.pseudonym(payload.get("about")) if scope else ""]
    if payload.get("group"):
        about_whom.append(_("Group %(number)d") % {"number": payload["group"]})
    about_whom = ", ".join(part for part in about_whom if part)
    if about_whom:
        who = _("%(observer)s on %(whom)s") % {"observer": who, "whom": about_whom}
    text = one_line(payload.get("text", ""))
    return f"{who}: {text}" if who else text


def describe_event(event, step, scope=None):
    payload = clean_payload(event.payload) if isinstance(event.payload, dict) else {}
    action = str(FACILITATION_EVENTS.get(event.kind, event.kind))
    if event.kind == "step.shown":
        detail = (
            f"{step.position}. {step.title}" if step else _("the lobby (join code and QR code)")
        )
    elif event.kind == "timer.started":
        detail = _("%(seconds)s seconds") % {"seconds": payload.get("seconds")}
    elif event.kind in SWITCHES:
        detail = _("on") if payload.get("on") else _("off")
    elif event.kind.startswith("groups."):
        detail = describe_groups(event, payload, scope)
    elif event.kind.startswith("fieldnote."):
        detail = describe_field_note(event, payload, scope)
    elif event.kind.startswith("recording."):
        detail = _("recording %(id)s") % {"id": payload.get("recording")}
        if payload.get("format"):
            detail += f" ({payload['format']})"
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
# One term of our own: ``balans:detached`` marks an annotation whose passage is gone from the
# finding's current text (its selectors are then those of the text it was made on).
BALANS_CONTEXT = {"balans": "urn:balans:terms#"}


def w3c_annotation(scope, annotation, base, text=None):
    """One annotation; ``text`` is the finding's current text, to re-anchor its selectors to
    (as the QDA project does), so that the offsets fit the text exported beside them."""
    body = []
    if annotation.note:
        body.append({"type": "TextualBody", "value": annotation.note, "purpose": "commenting"})
    if annotation.reaction:
        body.append({"type": "TextualBody", "value": annotation.reaction, "purpose": "assessing"})
    body += [
        {"type": "TextualBody", "value": code.name, "purpose": "tagging"}
        for code in sorted(annotation.codes.all(), key=lambda c: c.name)
    ]
    target = {"source": f"{base}/steps/{annotation.step_id}"}
    stored = selector_of(annotation)
    found = anchor(text, stored) if text is not None else None
    if found is not None:
        start, end = found.start, found.end
        target["selector"] = Selector(
            text[start:end],
            text[max(0, start - CONTEXT) : start],
            text[end : end + CONTEXT],
            start,
            end,
        ).to_w3c()
    else:
        # Detached: the selectors fit the text as it was when the annotation was made.
        target["selector"] = stored.to_w3c()
        target["state"] = {"type": "TimeState", "sourceDate": iso(annotation.created_at)}
    item = {
        "id": f"{base}/annotations/{annotation.pk}",
        "type": "Annotation",
        "motivation": "commenting" if annotation.note else "highlighting",
        "created": iso(annotation.created_at),
        "modified": iso(annotation.updated_at),
        "target": target,
    }
    if text is not None and found is None:
        item["balans:detached"] = True
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
        "@context": [W3C_CONTEXT, BALANS_CONTEXT],
        "id": f"{base}/annotations" + (f"?round={scope.round.pk}" if scope.round else ""),
        "type": "AnnotationCollection",
        "label": scope.workshop.title,
        "total": annotations.count(),
    }
    yield json.dumps(head, ensure_ascii=False)[:-1].encode()
    yield b', "first": {"type": "AnnotationPage", "startIndex": 0, "items": ['
    for i, annotation in enumerate(annotations.iterator(chunk_size=CHUNK_SIZE)):
        text = annotation.step.body
        item = json.dumps(w3c_annotation(scope, annotation, base, text), ensure_ascii=False)
        yield ((", " if i else "") + item).encode()
    yield b"]}}\n"
