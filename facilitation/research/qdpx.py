"""The REFI-QDA exchange formats: a project (.qdpx) and a codebook (.qdc).

A .qdpx is a zip of ``project.qde`` (QDA-XML, urn:QDA-XML:project:1.0) and the texts it points
at (``sources/<guid>.txt``, referred to as ``internal://<guid>.txt``). ATLAS.ti, MAXQDA, NVivo
and QualCoder import it. What goes in:

- users: the export itself, the facilitator, and each participant who wrote something (their
  pseudonym): every selection and coding is owned by the person who made it, so a tool never
  merges two people's identical annotations;
- codes (names unique within their parent, at most 63 characters, the full text as the code's
  description): the workshop's codebook, the value logics, the quick reactions, one code per
  step whose answers are text, one per breakout group whose notes are in the project, and one
  per participant (with the GUID of their case, coding their selections: the way tools read a
  case's segments), and one per step heard in an exported recording (the agenda);
- cases: the pseudonymous participants, with their attributes as variables and references to
  everything they wrote;
- sources: one text per finding (each annotation a coded selection, re-anchored to the current
  text) and one per step people wrote on (each contribution a coded selection);
- audio, when the export asks for recordings: each recording an audio source (its file in
  ``sources/``, its WebVTT chapters beside it), with one audio selection per step on screen
  (begin and end in milliseconds of the recording), coded with the step's agenda code and the
  value logics its options honour or strain, and the field notes written meanwhile linked;
- notes, from ``NOTE_SOURCES``: per round, the facilitation log and the moderation log. Each
  note's text is both inline and a file of the archive, since importers read one or the other.

Every source, selection, coding and note carries who made it and when (and who changed it and
when, where the schema has those), as the projects the QDA tools write do. Labels follow the
workshop's language. GUIDs are derived from the records (uuid5), so exporting twice gives the
same identifiers and a project re-imported into the same QDA tool merges instead of duplicating.
"""

import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from facilitation.deliberation.anchoring import anchor
from facilitation.deliberation.models import Annotation, Code, Option
from facilitation.fieldnotes.models import FieldNote
from facilitation.fieldnotes.services import observer_names
from facilitation.recording.services import CONTAINERS, audio_chunks, read_audio
from facilitation.recording.timeline import chapters_vtt, recordings_of, step_spans
from facilitation.workshops.models import BreakoutGroup, Event, Step, ValueLogic

from .scope import iso
from .tables import scope_field_notes, scope_steps
from .tabular import STORED, stream_zip
from .texts import (
    ANONYMOUS,
    OBSERVER,
    annotation_notes,
    contributions_to,
    describe_event,
    facilitation_events,
    field_notes_in,
    one_line,
    selector_of,
)

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("7f0c8f0e-6b8a-4a53-9a3e-0d1b6a1c2e55")
# Characters XML 1.0 cannot carry at all; a participant's text could hold them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
REACTION_LABELS = dict(Annotation.Reaction.choices)
# Longer code names are cut by some tools (and were refused by one); the full text is the
# code's description.
CODE_NAME_MAX = 63
# The folder of the archive that ``internal://`` paths point into (lower case, as the
# standard and the tools write it; file systems and zip readers may be case-sensitive).
SOURCES_FOLDER = "sources"


def guid(*parts):
    return str(uuid.uuid5(GUID_NAMESPACE, ":".join(map(str, parts)))).upper()


def xml_text(text):
    return XML_ILLEGAL.sub("", str(text))


def sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(
        parent, tag, {k: xml_text(v) for k, v in attributes.items() if v is not None}
    )
    if text is not None:
        element.text = xml_text(text)
    return element


def moment(value):
    """An xsd:dateTime in UTC, as the QDA tools write them."""
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def short_name(text, limit=CODE_NAME_MAX):
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class CodeNames:
    """The names of the codes under one parent: short, and unique whatever the case."""

    def __init__(self):
        self.taken = set()

    def take(self, text):
        name, number = short_name(text), 1
        while name.casefold() in self.taken:
            number += 1
            suffix = f" ({number})"
            name = short_name(text, CODE_NAME_MAX - len(suffix)) + suffix
        self.taken.add(name.casefold())
        return name


def add_code(parent, names, code_guid, text, description="", *, codable=True):
    """A code under ``parent`` (named uniquely among ``names``); a shortened name's full text
    leads its description."""
    name = names.take(text)
    code = sub(parent, "Code", guid=code_guid, name=name, isCodable="true" if codable else "false")
    if name != one_line(text):
        description = "\n\n".join(part for part in (one_line(text), description) if part)
    if description:
        sub(code, "Description", description)
    return code


class Codebook:
    """The codes of an export and their GUIDs, looked up by what they stand for."""

    def __init__(self, scope, steps_with_text, groups=(), participants=(), agenda=()):
        self.scope = scope
        workshop = scope.workshop.pk
        self.codes = list(Code.objects.filter(workshop=scope.workshop).order_by("name"))
        self.by_name = {c.name: guid("code", workshop, c.pk) for c in self.codes}
        self.logics = {logic.value: guid("logic", workshop, logic.value) for logic in ValueLogic}
        self.reactions = {key: guid("reaction", workshop, key) for key in REACTION_LABELS}
        self.steps = {s.pk: (s, guid("step-code", s.pk)) for s in steps_with_text}
        # Breakout groups whose notes are in the project, under their round.
        self.groups = {g.pk: (g, guid("group-code", g.pk)) for g in groups}
        # A case is also a code with the case's GUID, whose codings are the case's segments.
        self.cases = {p.pk: (p, guid("case", p.pk)) for p in participants}
        # Steps heard in an exported recording: their audio selections are coded with these.
        self.agenda = {s.pk: (s, guid("agenda-code", s.pk)) for s in agenda}

    def build(self, parent):
        codes = sub(sub(parent, "CodeBook"), "Codes")
        self.build_codes(codes)

    def build_codes(self, codes):
        workshop = self.scope.workshop.pk
        top = CodeNames()
        for c in self.codes:
            add_code(codes, top, self.by_name[c.name], c.name, c.description)
        logics = self.group(codes, top, _("Value logics"), guid("group", workshop, "logics"))
        names = CodeNames()
        for logic in ValueLogic:
            add_code(logics, names, self.logics[logic.value], str(logic.label))
        reactions = self.group(codes, top, _("Reactions"), guid("group", workshop, "reactions"))
        names = CodeNames()
        for key, label in REACTION_LABELS.items():
            add_code(reactions, names, self.reactions[key], str(label))
        if self.steps:
            answers = self.group(codes, top, _("Answers to"), guid("group", workshop, "answers"))
            self.by_round(answers, "answers", step_codes(self.steps))
        if self.groups:
            groups = self.group(codes, top, _("Breakout groups"), guid("group", workshop, "groups"))
            self.by_round(
                groups, "groups", [(g.round, str(g.name), c) for g, c in self.groups.values()]
            )
        if self.agenda:
            agenda = self.group(codes, top, _("Agenda"), guid("group", workshop, "agenda"))
            self.by_round(agenda, "agenda", step_codes(self.agenda))
        if self.cases:
            people = self.group(codes, top, _("Participants"), guid("group", workshop, "cases"))
            names = CodeNames()
            for p, case_guid in self.cases.values():
                add_code(people, names, case_guid, self.scope.speaker(p.pk))

    def by_round(self, parent, what, entries):
        """Codes of one kind under a code per round, so that their names stay short."""
        rounds, names = {}, CodeNames()
        for round, text, code_guid in entries:
            if round.pk not in rounds:
                element = self.group(parent, names, round.title, guid(what, "round", round.pk))
                rounds[round.pk] = (element, CodeNames())
            element, taken = rounds[round.pk]
            add_code(element, taken, code_guid, text)

    def group(self, codes, names, text, code_guid):
        return add_code(codes, names, code_guid, text, codable=False)


def step_codes(codes_by_step):
    """(round, "position. title", code GUID) of each step's code, for ``by_round``."""
    return [(s.round, f"{s.position}. {one_line(s.title)}", g) for s, g in codes_by_step.values()]


def step_name(step):
    return f"{step.round.title} – {step.position}. {one_line(step.title)}"


@dataclass(frozen=True)
class QdaNote:
    """A note of the project: its text, who wrote it and when."""

    guid: str
    name: str
    text: str
    created_by: str  # a user GUID of the project (see ``Project.user``)
    created_at: datetime
    modified_at: datetime
    # A field note: the step whose source it is linked to (NoteRef), the participant whose case
    # it is linked to (a coding with the case's code and the case's SourceRef), and its codes.
    step_id: int | None = None
    participant_id: int | None = None
    code_names: tuple[str, ...] = ()
    # A field note's round: an audio selection of that round's recording links to it.
    round_id: int | None = None


def facilitation_log_notes(project):
    """Per round, the facilitation log and the moderation log, as readable text."""
    scope = project.scope
    titles = ((gettext_lazy("Facilitation log"), False), (gettext_lazy("Moderation log"), True))
    for round in scope.rounds():
        for title, moderation_only in titles:
            lines, times = [], []
            for event, step in facilitation_events(scope, moderation_only=moderation_only):
                if event.round_id != round.pk:
                    continue
                action, detail = describe_event(event, step, scope)
                lines.append(
                    f"{iso(event.created_at)}  {action}" + (f": {detail}" if detail else "")
                )
                times.append(event.created_at)
            if lines:
                key = "Moderation log" if moderation_only else "Facilitation log"
                yield QdaNote(
                    guid=guid("note", key, round.pk),
                    name=f"{title} – {round.title}",
                    text="\n".join(lines),
                    created_by=project.facilitator_user(),
                    created_at=min(times),
                    modified_at=max(times),
                )


def field_note_notes(project):
    """Each observer's field note, owned by the observer (O1, O2, ...) and named for its round,
    step and time."""
    scope = project.scope
    observers = observer_names(scope.workshop)
    contributions = list(field_notes_in(scope, scope_field_notes(scope).select_related("round")))
    notes = FieldNote.objects.select_related("round", "step").in_bulk(
        [c.record_id for c in contributions]
    )
    for c in contributions:
        note = notes[c.record_id]
        where = f"{note.step.position}. {one_line(note.step.title)}" if note.step else _("lobby")
        observer = observers.get(note.author_id) or str(OBSERVER)
        yield QdaNote(
            guid=guid("field-note", c.record_id),
            name=_("Field note %(observer)s – %(round)s – %(where)s – %(time)s")
            % {
                "observer": observer,
                "round": note.round.title,
                "where": where,
                "time": c.at.strftime("%H:%M:%S"),
            },
            text=(f"[{c.label}] " if c.label else "") + c.text,
            created_by=project.user(guid("user", "observer", observer), observer),
            created_at=c.at,
            modified_at=c.modified,
            step_id=note.step_id,
            participant_id=note.participant_id if scope.pseudonym(note.participant_id) else None,
            code_names=c.code_names,
            round_id=note.round_id,
        )


# Where the project's notes come from; a later capability adds its own function.
NOTE_SOURCES: list[Callable[["Project"], Iterable[QdaNote]]] = [
    facilitation_log_notes,
    field_note_notes,
]


class Project:
    """Builds ``project.qde`` and the texts of one export scope."""

    def __init__(self, scope):
        self.scope = scope
        self.users = {}  # GUID -> name, in the order first needed
        self.export_user = self.user(guid("user", "balans-export"), _("Balans export"))
        steps = list(scope_steps(scope).select_related("round"))
        self.findings = [s for s in steps if s.kind == Step.Kind.FINDING]
        # Field notes are the project's notes, not participants' text in a source.
        self.written = [
            (s, [c for c in contributions_to(scope, s) if c.kind != "field_note"])
            for s in steps
            if s.kind != Step.Kind.FINDING
        ]
        self.written = [(s, found) for s, found in self.written if found]
        group_ids = {c.group_id for _s, found in self.written for c in found if c.group_id}
        groups = BreakoutGroup.objects.filter(pk__in=group_ids).select_related("round")
        self.participants = list(scope.participants())
        # Recordings with audio, each with the stretches of it that a step was on screen.
        self.recordings = []
        if scope.include_recordings:
            self.recordings = [(r, step_spans(r)) for r in recordings_of(scope) if r.byte_size > 0]
        heard = {span.step.pk: span.step for _r, spans in self.recordings for span in spans}
        self.codebook = Codebook(
            scope,
            [s for s, _found in self.written],
            groups.order_by("round__created_at", "round_id", "number"),
            self.participants,
            sorted(heard.values(), key=lambda s: (s.round.created_at, s.round_id, s.position)),
        )
        self.logics_of = {}  # step id -> the value logics its options honour or strain
        for step_id, honours, strains in Option.objects.filter(step_id__in=heard).values_list(
            "step_id", "honours", "strains"
        ):
            found = self.logics_of.setdefault(step_id, [])
            found += [k for k in [*honours, *strains] if k not in found]
        self.edited_at = dict(
            Event.objects.filter(step__in=self.findings, kind="step.edited")
            .values("step_id")
            .annotate(last=Max("created_at"))
            .values_list("step_id", "last")
        )
        self.selections_of = {}  # participant id -> selection GUIDs, for the cases
        self.notes_of = {}  # participant id -> GUIDs of field notes about them, for the cases
        self.source_elements = {}  # step id -> its TextSource, for field notes' NoteRefs
        self.texts = {}  # file name in the archive -> its plain text
        self.audio = {}  # file name in the archive -> its recording
        self.audio_selections = []  # (element, round id, from, to), for field notes' NoteRefs

    def user(self, user_guid, name):
        self.users.setdefault(user_guid, str(name))
        return user_guid

    def facilitator_user(self):
        # Facilitators appear as "facilitator", never by account, as in every export.
        return self.user(guid("user", self.scope.workshop.pk, "facilitator"), _("Facilitator"))

    def owner(self, participant_id):
        """The user who made a contribution: its author's pseudonym, or one anonymous user."""
        if self.scope.pseudonym(participant_id):
            return self.user(
                guid("user", "participant", participant_id), self.speaker(participant_id)
            )
        return self.user(guid("user", self.scope.workshop.pk, "anonymous"), ANONYMOUS)

    def build(self):
        exported = moment(self.scope.exported_at)
        root = ET.Element(
            "Project",
            {
                "xmlns": PROJECT_NS,
                "name": xml_text(self.scope.workshop.title),
                "origin": "Balans",
                "creatingUserGUID": self.export_user,
                "creationDateTime": exported,
                "modifyingUserGUID": self.export_user,
                "modifiedDateTime": exported,
            },
        )
        users = sub(root, "Users")
        self.codebook.build(root)
        sources = ET.Element("Sources")
        for step in self.findings:
            self.finding_source(sources, step)
        for step, found in self.written:
            self.written_source(sources, step, found)
        for recording, spans in self.recordings:
            self.audio_source(sources, recording, spans)
        variables = self.variables(root)
        notes = [note for source in NOTE_SOURCES for note in source(self)]
        for note in notes:
            if note.participant_id in self.codebook.cases:
                self.notes_of.setdefault(note.participant_id, []).append(note.guid)
            # A step shown without anything written on it has no source to link the note to.
            if (source := self.source_elements.get(note.step_id)) is not None:
                sub(source, "NoteRef", targetGUID=note.guid)
            # A field note written while a step was heard in a recording: linked to that audio.
            for selection, round_id, begin, end in self.audio_selections:
                if note.round_id == round_id and begin <= note.created_at < end:
                    sub(selection, "NoteRef", targetGUID=note.guid)
        self.cases(root, variables)
        if len(sources):
            root.append(sources)
        if notes:
            notes_element = sub(root, "Notes")
            for note in notes:
                self.note(notes_element, note)
        if self.scope.workshop.description:
            sub(root, "Description", self.scope.workshop.description)
        for note in notes:
            sub(root, "NoteRef", targetGUID=note.guid)
        for user_guid, name in self.users.items():
            sub(users, "User", guid=user_guid, name=name)
        return root

    def note(self, parent, note):
        path = f"{note.guid}.txt"
        self.texts[path] = note.text
        element = sub(
            parent,
            "Note",
            guid=note.guid,
            name=note.name,
            plainTextPath=f"internal://{path}",
            creatingUser=note.created_by,
            creationDateTime=moment(note.created_at),
            modifyingUser=note.created_by,
            modifiedDateTime=moment(note.modified_at),
        )
        sub(element, "PlainTextContent", note.text)
        codes = [self.codebook.by_name[n] for n in note.code_names if n in self.codebook.by_name]
        if note.participant_id in self.codebook.cases:
            codes.append(self.codebook.cases[note.participant_id][1])
        for code_guid in codes:
            coding = sub(
                element,
                "Coding",
                guid=guid("coding", note.guid, code_guid),
                creatingUser=note.created_by,
                creationDateTime=moment(note.created_at),
            )
            sub(coding, "CodeRef", targetGUID=code_guid)

    def source(self, sources, step, text, *, by, created, modified):
        source_guid = guid("source", step.pk)
        self.texts[f"{source_guid}.txt"] = text
        self.source_elements[step.pk] = element = sub(
            sources,
            "TextSource",
            guid=source_guid,
            name=step_name(step),
            plainTextPath=f"internal://{source_guid}.txt",
            creatingUser=by,
            creationDateTime=moment(created),
            modifyingUser=by,
            modifiedDateTime=moment(modified),
        )
        return element

    def finding_source(self, sources, step):
        text = step.body
        created = step.round.created_at
        source = self.source(
            sources,
            step,
            text,
            by=self.facilitator_user(),
            created=created,
            modified=self.edited_at.get(step.pk, created),
        )
        sub(
            source,
            "Description",
            _("Finding, with the participants' annotations (%(kind)s)")
            % {"kind": step.get_kind_display()},
        )
        for c in annotation_notes(self.scope, step):
            annotation = Annotation.objects.get(pk=c.record_id)
            found = anchor(text, selector_of(annotation))
            if found is None:
                continue  # the passage was edited away; the annotation stays in the tables
            codes = [self.codebook.by_name[name] for name in c.code_names]
            if annotation.reaction:
                codes.append(self.codebook.reactions[annotation.reaction])
            self.selection(source, c, found.start, found.end, codes)

    def written_source(self, sources, step, found):
        parts, spans, cursor = [], [], 0
        for c in found:
            label = f"{self.speaker(c.participant_id)}: "
            if c.label:
                label += f"[{one_line(c.label)}] "
            body = one_line(c.text)
            parts.append(label + body + "\n\n")
            spans.append((c, cursor + len(label), cursor + len(label) + len(body)))
            cursor += len(parts[-1])
        source = self.source(
            sources,
            step,
            "".join(parts),
            by=self.export_user,
            created=min(c.at for c in found),
            modified=max(c.modified for c in found),
        )
        sub(source, "Description", f"{step.get_kind_display()}: {one_line(step.body)[:500]}")
        step_code = self.codebook.steps[step.pk][1]
        for c, start, end in spans:
            codes = [step_code]
            codes += [self.codebook.by_name[n] for n in c.code_names if n in self.codebook.by_name]
            if c.group_id in self.codebook.groups:
                codes.append(self.codebook.groups[c.group_id][1])
            self.selection(source, c, start, end, codes)

    def audio_source(self, sources, recording, spans):
        """A recording as an audio source: its file and WebVTT chapters in the archive, and one
        selection per stretch a step was on screen, coded with the step's codes."""
        source_guid = guid("recording", recording.pk)
        audio_name = f"{source_guid}{CONTAINERS[recording.mime_type]}"
        self.audio[audio_name] = recording
        self.texts[f"{source_guid}.vtt"] = chapters_vtt(recording)
        by = self.facilitator_user()
        started = recording.started_at
        source = sub(
            sources,
            "AudioSource",
            guid=source_guid,
            name=_("Recording – %(round)s – %(time)s")
            % {"round": recording.round.title, "time": started.strftime("%Y-%m-%d %H:%M")},
            path=f"internal://{audio_name}",
            creatingUser=by,
            creationDateTime=moment(started),
            modifyingUser=by,
            modifiedDateTime=moment(recording.stopped_at or started),
        )
        sub(
            source,
            "Description",
            _(
                "The room's audio (%(format)s), cut by the agenda: one selection per step on "
                "screen. Its chapters are in %(chapters)s beside it."
            )
            % {"format": recording.format_name, "chapters": f"{source_guid}.vtt"},
        )
        for number, span in enumerate(spans):
            selection_guid = guid("audio-selection", recording.pk, number)
            selection = sub(
                source,
                "AudioSelection",
                guid=selection_guid,
                name=step_name(span.step),
                begin=str(span.begin_ms),
                end=str(span.end_ms),
                creatingUser=self.export_user,
                creationDateTime=moment(span.started_at),
                modifyingUser=self.export_user,
                modifiedDateTime=moment(span.ended_at),
            )
            sub(selection, "Description", f"{span.step.get_kind_display()}: {span.step.title}")
            codes = [self.codebook.agenda[span.step.pk][1]]
            codes += [self.codebook.logics[k] for k in self.logics_of.get(span.step.pk, [])]
            for code_guid in codes:
                coding = sub(
                    selection,
                    "Coding",
                    guid=guid("coding", selection_guid, code_guid),
                    creatingUser=self.export_user,
                    creationDateTime=moment(span.started_at),
                )
                sub(coding, "CodeRef", targetGUID=code_guid)
            self.audio_selections.append(
                (selection, recording.round_id, span.started_at, span.ended_at)
            )

    def selection(self, source, contribution, start, end, code_guids):
        c = contribution
        selection_guid = guid("selection", c.kind, c.record_id)
        name = f"{self.speaker(c.participant_id)}: {one_line(c.text)[:60]}"
        owner = self.owner(c.participant_id)
        selection = sub(
            source,
            "PlainTextSelection",
            guid=selection_guid,
            name=name,
            startPosition=str(start),
            endPosition=str(end),
            creatingUser=owner,
            creationDateTime=moment(c.at),
            modifyingUser=owner,
            modifiedDateTime=moment(c.modified),
        )
        hidden = " " + _("[hidden from the room]") if c.hidden else ""
        description = one_line(c.text) + hidden
        if description.strip():
            sub(selection, "Description", description.strip())
        case = self.codebook.cases.get(c.participant_id)
        if case is not None and self.scope.pseudonym(c.participant_id):
            code_guids = [*code_guids, case[1]]
            self.selections_of.setdefault(c.participant_id, []).append(selection_guid)
        for code_guid in code_guids:
            coding = sub(
                selection,
                "Coding",
                guid=guid("coding", selection_guid, code_guid),
                creatingUser=owner,
                creationDateTime=moment(c.at),
            )
            sub(coding, "CodeRef", targetGUID=code_guid)

    def speaker(self, participant_id):
        return self.scope.speaker(participant_id) or str(ANONYMOUS)

    def attributes(self):
        return [
            (str(a["key"]), str(a.get("label") or a["key"]))
            for a in self.scope.workshop.participant_attributes or []
            if isinstance(a, dict) and a.get("key")
        ]

    def variables(self, root):
        attributes = self.attributes()
        if not attributes:
            return {}
        element = sub(root, "Variables")
        found = {}
        for key, label in attributes:
            found[key] = guid("variable", self.scope.workshop.pk, key)
            sub(element, "Variable", guid=found[key], name=label, typeOfVariable="Text")
        return found

    def cases(self, root, variables):
        if not self.participants:
            return
        cases = sub(root, "Cases")
        for p in self.participants:
            case = sub(cases, "Case", guid=guid("case", p.pk), name=self.scope.speaker(p.pk))
            for key, variable_guid in variables.items():
                value = (p.attributes or {}).get(key)
                if value in (None, ""):
                    continue
                variable_value = sub(case, "VariableValue")
                sub(variable_value, "VariableRef", targetGUID=variable_guid)
                sub(variable_value, "TextValue", value if isinstance(value, str) else str(value))
            for note_guid in self.notes_of.get(p.pk, []):
                sub(case, "SourceRef", targetGUID=note_guid)
            for selection_guid in self.selections_of.get(p.pk, []):
                sub(case, "SelectionRef", targetGUID=selection_guid)


def project_xml(scope):
    """``(project.qde bytes, {file name: text})`` for the scope: sources and notes."""
    qde, project = built_project(scope)
    return qde, project.texts


def built_project(scope):
    project = Project(scope)
    return xml_bytes(project.build()), project


def xml_bytes(root):
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def qdpx_chunks(scope):
    qde, project = built_project(scope)
    entries = [("project.qde", [qde])]
    entries += [
        (f"{SOURCES_FOLDER}/{name}", [text.encode("utf-8")]) for name, text in project.texts.items()
    ]
    # Opus is compressed already: the audio is stored as it is, read chunk by chunk.
    entries += [
        (f"{SOURCES_FOLDER}/{name}", audio_bytes(recording), STORED)
        for name, recording in project.audio.items()
    ]
    return stream_zip(entries)


def audio_bytes(recording):
    """A recording's audio, read from the storage one chunk at a time as the zip asks."""
    chunks = audio_chunks(recording)
    yield from read_audio(recording, chunks=chunks)


def codebook_xml(scope):
    """The workshop's codebook alone, as a REFI-QDA codebook (.qdc)."""
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": "Balans"})
    Codebook(scope, []).build_codes(sub(root, "Codes"))
    return xml_bytes(root)


def qdc_chunks(scope):
    yield codebook_xml(scope)
