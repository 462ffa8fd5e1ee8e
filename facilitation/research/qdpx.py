"""The REFI-QDA exchange formats: a project (.qdpx) and a codebook (.qdc).

A .qdpx is a zip of ``project.qde`` (QDA-XML, urn:QDA-XML:project:1.0) and the text sources it
points at (``Sources/<guid>.txt``, referred to as ``internal://<guid>.txt``). ATLAS.ti, MAXQDA,
NVivo and QualCoder import it. What goes in:

- codes: the workshop's codebook, the value logics, the quick reactions, one code per step
  whose answers are text (so "every answer to question 4" is one code), and one per breakout
  group whose notes are in the project;
- cases: the pseudonymous participants, with their attributes as variables and references to
  everything they wrote;
- sources: one text per finding (each annotation a coded selection) and one per step people
  wrote on (each contribution a coded selection: answers, group notes, clauses, amendments and
  objections);
- notes: per round, the facilitation log and the moderation log.

GUIDs are derived from the records (uuid5), so exporting twice gives the same identifiers and a
project re-imported into the same QDA tool merges instead of duplicating.
"""

import re
import uuid
import xml.etree.ElementTree as ET

from facilitation.deliberation.anchoring import anchor
from facilitation.deliberation.models import Annotation, Code
from facilitation.workshops.models import BreakoutGroup, Step, ValueLogic

from .scope import iso
from .tables import scope_steps
from .tabular import stream_zip
from .texts import (
    ANONYMOUS,
    annotation_notes,
    contributions_to,
    describe_event,
    facilitation_events,
    one_line,
    selector_of,
)

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("7f0c8f0e-6b8a-4a53-9a3e-0d1b6a1c2e55")
# Characters XML 1.0 cannot carry at all; a participant's text could hold them.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
REACTION_LABELS = dict(Annotation.Reaction.choices)


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


class Codebook:
    """The codes of an export and their GUIDs, looked up by what they stand for."""

    def __init__(self, scope, steps_with_text, groups=()):
        self.scope = scope
        workshop = scope.workshop.pk
        self.codes = list(Code.objects.filter(workshop=scope.workshop).order_by("name"))
        self.by_name = {c.name: guid("code", workshop, c.pk) for c in self.codes}
        self.logics = {logic.value: guid("logic", workshop, logic.value) for logic in ValueLogic}
        self.reactions = {key: guid("reaction", workshop, key) for key in REACTION_LABELS}
        self.steps = {s.pk: (s, guid("step-code", s.pk)) for s in steps_with_text}
        # Breakout groups whose notes are in the project: "May workshop – Group 2".
        self.groups = {g.pk: (g, guid("group-code", g.pk)) for g in groups}

    def build(self, parent):
        codes = sub(sub(parent, "CodeBook"), "Codes")
        self.build_codes(codes)

    def build_codes(self, codes):
        for c in self.codes:
            code = sub(codes, "Code", guid=self.by_name[c.name], name=c.name, isCodable="true")
            if c.description:
                sub(code, "Description", c.description)
        workshop = self.scope.workshop.pk
        logics = self.group(codes, "Value logics", guid("group", workshop, "logics"))
        for logic in ValueLogic:
            sub(
                logics,
                "Code",
                guid=self.logics[logic.value],
                name=str(logic.label),
                isCodable="true",
            )
        reactions = self.group(codes, "Reactions", guid("group", workshop, "reactions"))
        for key, label in REACTION_LABELS.items():
            sub(reactions, "Code", guid=self.reactions[key], name=str(label), isCodable="true")
        if self.steps:
            answers = self.group(codes, "Answers to", guid("group", workshop, "answers"))
            for step, code_guid in self.steps.values():
                sub(answers, "Code", guid=code_guid, name=step_name(step), isCodable="true")
        if self.groups:
            groups = self.group(codes, "Breakout groups", guid("group", workshop, "groups"))
            for group, code_guid in self.groups.values():
                name = f"{group.round.title} – {group.name}"
                sub(groups, "Code", guid=code_guid, name=name, isCodable="true")

    def group(self, codes, name, code_guid):
        return sub(codes, "Code", guid=code_guid, name=name, isCodable="false")


def step_name(step):
    return f"{step.round.title} – {step.position}. {one_line(step.title)}"


class Project:
    """Builds ``project.qde`` and the source texts of one export scope."""

    def __init__(self, scope):
        self.scope = scope
        self.user = guid("user", "balans-export")
        steps = list(scope_steps(scope).select_related("round"))
        self.findings = [s for s in steps if s.kind == Step.Kind.FINDING]
        self.written = [
            (s, contributions_to(scope, s)) for s in steps if s.kind != Step.Kind.FINDING
        ]
        self.written = [(s, found) for s, found in self.written if found]
        group_ids = {c.group_id for _s, found in self.written for c in found if c.group_id}
        groups = BreakoutGroup.objects.filter(pk__in=group_ids).select_related("round")
        self.codebook = Codebook(
            scope,
            [s for s, _found in self.written],
            groups.order_by("round__created_at", "round_id", "number"),
        )
        self.selections_of = {}  # participant id -> selection GUIDs, for the cases
        self.texts = {}  # source GUID -> its plain text

    def build(self):
        root = ET.Element(
            "Project",
            {
                "xmlns": PROJECT_NS,
                "name": xml_text(self.scope.workshop.title),
                "origin": "Balans",
                "creatingUserGUID": self.user,
                "creationDateTime": self.scope.exported_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        )
        sub(sub(root, "Users"), "User", guid=self.user, name="Balans export")
        self.codebook.build(root)
        sources = ET.Element("Sources")
        for step in self.findings:
            self.finding_source(sources, step)
        for step, found in self.written:
            self.written_source(sources, step, found)
        variables = self.variables(root)
        self.cases(root, variables)
        if len(sources):
            root.append(sources)
        notes = self.notes()
        if notes:
            notes_element = sub(root, "Notes")
            for note_guid, name, text in notes:
                note = sub(notes_element, "Note", guid=note_guid, name=name)
                sub(note, "PlainTextContent", text)
        if self.scope.workshop.description:
            sub(root, "Description", self.scope.workshop.description)
        for note_guid, _name, _text in notes:
            sub(root, "NoteRef", targetGUID=note_guid)
        return root

    def source(self, sources, step, text):
        source_guid = guid("source", step.pk)
        self.texts[source_guid] = text
        return sub(
            sources,
            "TextSource",
            guid=source_guid,
            name=step_name(step),
            plainTextPath=f"internal://{source_guid}.txt",
            creatingUser=self.user,
        )

    def finding_source(self, sources, step):
        text = step.body
        source = self.source(sources, step, text)
        sub(
            source,
            "Description",
            f"Finding, with participants' annotations ({step.get_kind_display()})",
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
        source = self.source(sources, step, "".join(parts))
        sub(source, "Description", f"{step.get_kind_display()}: {one_line(step.body)[:500]}")
        step_code = self.codebook.steps[step.pk][1]
        for c, start, end in spans:
            codes = [step_code]
            codes += [self.codebook.by_name[n] for n in c.code_names if n in self.codebook.by_name]
            if c.group_id in self.codebook.groups:
                codes.append(self.codebook.groups[c.group_id][1])
            self.selection(source, c, start, end, codes)

    def selection(self, source, contribution, start, end, code_guids):
        c = contribution
        selection_guid = guid("selection", c.kind, c.record_id)
        name = f"{self.speaker(c.participant_id)}: {one_line(c.text)[:60]}"
        selection = sub(
            source,
            "PlainTextSelection",
            guid=selection_guid,
            name=name,
            startPosition=str(start),
            endPosition=str(end),
            creatingUser=self.user,
            creationDateTime=c.at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        description = one_line(c.text) + (" [hidden from the room]" if c.hidden else "")
        if description:
            sub(selection, "Description", description)
        for code_guid in code_guids:
            coding = sub(selection, "Coding", guid=guid("coding", selection_guid, code_guid))
            sub(coding, "CodeRef", targetGUID=code_guid)
        if c.participant_id and self.scope.pseudonym(c.participant_id):
            self.selections_of.setdefault(c.participant_id, []).append(selection_guid)

    def speaker(self, participant_id):
        return self.scope.speaker(participant_id) or ANONYMOUS

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
        participants = list(self.scope.participants())
        if not participants:
            return
        cases = sub(root, "Cases")
        for p in participants:
            case = sub(cases, "Case", guid=guid("case", p.pk), name=self.scope.speaker(p.pk))
            for key, variable_guid in variables.items():
                value = (p.attributes or {}).get(key)
                if value in (None, ""):
                    continue
                variable_value = sub(case, "VariableValue")
                sub(variable_value, "VariableRef", targetGUID=variable_guid)
                sub(variable_value, "TextValue", value if isinstance(value, str) else str(value))
            for selection_guid in self.selections_of.get(p.pk, []):
                sub(case, "SelectionRef", targetGUID=selection_guid)

    def notes(self):
        """Per round: the facilitation log and the moderation log, as readable text."""
        notes = []
        for round in self.scope.rounds():
            for title, moderation_only in (("Facilitation log", False), ("Moderation log", True)):
                lines = []
                for event, step in facilitation_events(self.scope, moderation_only=moderation_only):
                    if event.round_id != round.pk:
                        continue
                    action, detail = describe_event(event, step, self.scope)
                    lines.append(
                        f"{iso(event.created_at)}  {action}" + (f": {detail}" if detail else "")
                    )
                if lines:
                    name = f"{title} – {round.title}"
                    notes.append((guid("note", title, round.pk), name, "\n".join(lines)))
        return notes


def project_xml(scope):
    """``(project.qde bytes, {source guid: text})`` for the scope."""
    project = Project(scope)
    root = project.build()
    return xml_bytes(root), project.texts


def xml_bytes(root):
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def qdpx_chunks(scope):
    qde, texts = project_xml(scope)
    entries = [("project.qde", [qde])]
    entries += [(f"Sources/{g}.txt", [text.encode("utf-8")]) for g, text in texts.items()]
    return stream_zip(entries)


def codebook_xml(scope):
    """The workshop's codebook alone, as a REFI-QDA codebook (.qdc)."""
    root = ET.Element("CodeBook", {"xmlns": CODEBOOK_NS, "origin": "Balans"})
    Codebook(scope, []).build_codes(sub(root, "Codes"))
    return xml_bytes(root)


def qdc_chunks(scope):
    yield codebook_xml(scope)
