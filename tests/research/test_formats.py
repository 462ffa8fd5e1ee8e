"""Every format, exported and read back, holds what the database holds."""

import csv
import io
import json
import zipfile

from lxml import etree
from openpyxl import load_workbook

from facilitation.deliberation.models import (
    Amendment,
    Annotation,
    Clause,
    Code,
    DiscussionNote,
    Endorsement,
    Response,
)
from facilitation.questions.models import Question
from facilitation.research.scope import ExportScope
from facilitation.research.tables import TABLES
from facilitation.workshops.models import Event, Participant, Step, ValueLogic
from tests import played

from .conftest import export_bytes, unescape

# One round played for the module (tests.played): every test here sees it, asked for or not.
played_once, facilitator, workshop, played_round = played.SHARED

NS = {"q": "urn:QDA-XML:project:1.0"}


def csv_tables(data):
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {
        name.removesuffix(".csv"): list(
            csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))
        )
        for name in archive.namelist()
        if name.endswith(".csv")
    }


class TestTables:
    def test_the_csv_zip_has_every_table_with_the_database_counts(self, scope, workshop):
        tables = csv_tables(export_bytes(scope, "csv"))
        assert set(tables) == {table.name for table in TABLES} | {"variables"}
        responses = Response.objects.filter(step__round__workshop=workshop)
        assert len(tables["responses"]) == responses.count() > 0
        assert len(tables["annotations"]) == Annotation.objects.count() > 0
        assert len(tables["events"]) == Event.objects.filter(workshop=workshop).count()
        assert len(tables["participants"]) == Participant.objects.count() == 12
        assert len(tables["steps"]) == Step.objects.filter(round__workshop=workshop).count()
        assert len(tables["codes"]) == Code.objects.filter(workshop=workshop).count()
        assert len(tables["value_logics"]) == len(ValueLogic)

    def test_the_csv_texts_are_the_database_texts(self, scope, workshop):
        tables = csv_tables(export_bytes(scope, "csv"))
        exported = {int(r["annotation_id"]): unescape(r["note"]) for r in tables["annotations"]}
        assert exported == dict(Annotation.objects.values_list("pk", "note"))
        open_text = Response.objects.filter(step__kind=Step.Kind.OPEN_TEXT)
        answers = {int(r["response_id"]): r["answer"] for r in tables["responses"]}
        assert {pk: answers[pk] for pk in open_text.values_list("pk", flat=True)} == dict(
            open_text.values_list("pk", "value")
        )

    def test_the_xlsx_has_one_sheet_per_table_with_frozen_headers(self, scope, workshop):
        workbook = load_workbook(io.BytesIO(export_bytes(scope, "xlsx")))
        # The tables, then the data dictionary.
        assert workbook.sheetnames == [table.name for table in TABLES] + ["variables"]
        for table in TABLES:
            sheet = workbook[table.name]
            assert sheet.freeze_panes == "A2"
            header = [cell.value for cell in sheet[1]]
            assert header == table.column_names
        rows = list(workbook["responses"].iter_rows(min_row=2, values_only=True))
        assert len(rows) == Response.objects.filter(step__round__workshop=workshop).count()
        events = workbook["events"].max_row - 1
        assert events == Event.objects.filter(workshop=workshop).count()

    def test_the_json_record_nests_steps_in_rounds_and_answers_in_steps(self, scope, workshop):
        record = json.loads(export_bytes(scope, "json"))
        assert record["schema_version"] == "1.0"
        assert record["workshop"]["title"] == workshop.title
        assert len(record["rounds"]) == workshop.rounds.count()
        steps = [step for round in record["rounds"] for step in round["steps"]]
        assert len(steps) == Step.objects.filter(round__workshop=workshop).count()
        responses = [r for step in steps for r in step.get("responses", [])]
        assert len(responses) == Response.objects.filter(step__round__workshop=workshop).count()
        annotations = [a for step in steps for a in step.get("annotations", [])]
        assert {a["annotation_id"]: a["note"] for a in annotations} == dict(
            Annotation.objects.values_list("pk", "note")
        )
        assert len(record["events"]) == Event.objects.filter(workshop=workshop).count()
        assert all(isinstance(a["codes"], list) for a in annotations)

    def test_a_round_export_holds_that_round_only(self, workshop, played_round):
        scope = ExportScope(workshop, played_round)
        tables = csv_tables(export_bytes(scope, "csv"))
        assert {r["round_id"] for r in tables["rounds"]} == {str(played_round.pk)}
        assert {r["round_id"] for r in tables["events"]} == {str(played_round.pk)}
        assert len(tables["responses"]) == Response.objects.filter(step__round=played_round).count()


class TestTexts:
    def test_the_transcript_has_every_open_answer_and_note_in_time_order(self, scope):
        text = export_bytes(scope, "transcript").decode()
        answers = Response.objects.filter(step__kind=Step.Kind.OPEN_TEXT).select_related(
            "participant"
        )
        assert answers.exists()
        for answer in answers:
            assert f"{answer.participant.pseudonym}: {answer.value}" in text
        for note in Annotation.objects.exclude(note=""):
            assert note.note in text
        paragraphs = [p for p in text.split("\n\n") if p.startswith("P")]
        finding = Step.objects.filter(kind=Step.Kind.FINDING, annotations__isnull=False).first()
        in_order = [
            a.note or a.get_reaction_display()
            for a in Annotation.objects.filter(step=finding).order_by("created_at", "pk")
        ]
        heading = f", step {finding.position}] {finding.title}\n"
        section = text.split(heading)[-1].split("\nFacilitator: ")[0]
        found = [p.split("] ", 1)[1] for p in section.strip().split("\n\n") if p.startswith("P")]
        asked = set(Question.objects.values_list("text", flat=True))
        found = [f for f in found if f not in asked]  # questions have their own test
        assert found == [n for n in in_order if n]
        assert paragraphs

    def test_the_facilitation_log_shows_reveals_locks_and_what_was_shown(self, scope, played_round):
        rows = list(csv.DictReader(io.StringIO(export_bytes(scope, "log").decode())))
        kinds = [row["event"] for row in rows]
        shown = Event.objects.filter(kind="step.shown", round=played_round).count()
        assert kinds.count("step.shown") == shown == played_round.steps.count()
        assert (
            kinds.count("results.revealed") == Event.objects.filter(kind="results.revealed").count()
        )
        assert "voting.locked" in kinds and "round.closed" in kinds
        assert "answer.given" not in kinds
        assert "annotation.pin" in kinds and "answer.hidden" in kinds
        times = [row["time"] for row in rows]
        assert times == sorted(times)

    def test_annotations_are_w3c_web_annotations(self, scope):
        collection = json.loads(export_bytes(scope, "jsonld"))
        assert collection["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
        assert collection["type"] == "AnnotationCollection"
        items = collection["first"]["items"]
        live = Annotation.objects.exclude(status=Annotation.Status.DELETED)
        assert collection["total"] == len(items) == live.count()
        by_id = {a.pk: a for a in live}
        for item in items:
            annotation = by_id[int(item["id"].rsplit("/", 1)[1])]
            quote = next(s for s in item["target"]["selector"] if s["type"] == "TextQuoteSelector")
            assert quote["exact"] == annotation.exact
            assert item["creator"]["nickname"] == annotation.participant.pseudonym
            notes = [b["value"] for b in item.get("body", []) if b["purpose"] == "commenting"]
            assert notes == ([annotation.note] if annotation.note else [])


class TestQda:
    def test_the_project_holds_a_source_per_finding_and_a_selection_per_annotation(self, scope):
        archive = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx")))
        project = etree.fromstring(archive.read("project.qde"))
        sources = project.findall("q:Sources/q:TextSource", NS)
        findings = Step.objects.filter(kind=Step.Kind.FINDING)
        open_steps = Step.objects.filter(kind=Step.Kind.OPEN_TEXT, responses__isnull=False)
        discussions = Step.objects.filter(discussion_notes__isnull=False)
        conduct = Step.objects.filter(kind=Step.Kind.CONDUCT, events__kind__startswith="conduct.")
        conduct = conduct.filter(events__participant__isnull=False)
        assert len(sources) == (
            findings.count()
            + open_steps.distinct().count()
            + discussions.distinct().count()
            + conduct.distinct().count()
        )
        for source in sources:
            text = archive.read(source.get("plainTextPath").replace("internal://", "sources/"))
            text = text.decode()
            for selection in source.findall("q:PlainTextSelection", NS):
                start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                assert text[start:end], selection.get("name")
        selections = project.findall(".//q:PlainTextSelection", NS)
        live = Annotation.objects.exclude(status=Annotation.Status.DELETED).count()
        answers = Response.objects.filter(step__kind=Step.Kind.OPEN_TEXT).count()
        notes = DiscussionNote.objects.filter(deleted=False).count()
        proposals = Clause.objects.filter(proposed_by__isnull=False).count()
        amendments = Amendment.objects.filter(proposed_by__isnull=False).count()
        objections = Endorsement.objects.exclude(objection="").count()
        assert notes and proposals and amendments and objections
        assert len(selections) == live + answers + notes + proposals + amendments + objections
        quotes = {
            archive.read(s.get("plainTextPath").replace("internal://", "sources/")).decode()[
                int(sel.get("startPosition")) : int(sel.get("endPosition"))
            ]
            for s in sources
            for sel in s.findall("q:PlainTextSelection", NS)
        }
        assert set(Annotation.objects.values_list("exact", flat=True)) <= quotes
        assert (
            set(Response.objects.filter(step__kind="open_text").values_list("value", flat=True))
            <= quotes
        )

    def test_codes_cases_and_notes(self, scope, workshop):
        project = etree.fromstring(
            zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx"))).read("project.qde")
        )
        names = {c.get("name") for c in project.iterfind(".//q:Code", NS)}
        assert set(Code.objects.values_list("name", flat=True)) <= names
        assert {str(logic.label) for logic in ValueLogic} <= names
        cases = project.findall("q:Cases/q:Case", NS)
        assert sorted(c.get("name") for c in cases) == [f"P{n:02d}" for n in range(1, 13)]
        notes = [n.get("name") for n in project.findall("q:Notes/q:Note", NS)]
        assert any(name.startswith("Facilitation log") for name in notes)
        moderation = next(
            n
            for n in project.findall("q:Notes/q:Note", NS)
            if n.get("name").startswith("Mod") and n.get("name").endswith("sample activity")
        )
        text = moderation.find("q:PlainTextContent", NS).text
        assert "Annotation pinned" in text and "Answer hidden from the room" in text
        assert "Clause accepted into the code" in text
        assert "Projector shows" not in text
        coded = project.findall(".//q:PlainTextSelection/q:Coding/q:CodeRef", NS)
        guids = {c.get("guid") for c in project.iterfind(".//q:Code", NS)}
        assert coded and all(ref.get("targetGUID") in guids for ref in coded)
