"""Field notes in the record: their table, the QDA project's notes, the transcript and the log."""

import io
import json
import zipfile

import pytest
from lxml import etree
from openpyxl import load_workbook

from facilitation.deliberation.models import Code
from facilitation.fieldnotes.services import delete_field_note, write_field_note
from facilitation.research.qdpx import guid
from facilitation.research.scope import ExportScope
from facilitation.workshops.models import Workshop
from facilitation.workshops.participants import withdraw
from tests.research.conftest import export_bytes
from tests.research.test_formats import csv_tables
from tests.services import refi_schema, require

pytestmark = pytest.mark.django_db
NS = {"q": "urn:QDA-XML:project:1.0"}


@pytest.fixture
def coded_note(finding_round, researcher, participant):
    code = Code.objects.filter(workshop=finding_round.workshop).order_by("name").first()
    return write_field_note(
        finding_round,
        by=researcher,
        text="P01 leads the table.",
        participant_id=participant.pk,
        code_ids=[code.pk],
    )


def project(scope):
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx")))
    return archive, etree.fromstring(archive.read("project.qde"))


class TestTheTable:
    def test_each_note_is_a_row_by_pseudonyms(self, coded_note, participant):
        rows = csv_tables(export_bytes(ExportScope(coded_note.round.workshop), "csv"))
        (row,) = rows["field_notes"]
        assert row["observer"] == "O1"
        assert row["participant"] == "P01"
        assert row["step_id"] == str(coded_note.step_id)
        assert row["text"] == "P01 leads the table."
        assert row["codes"] == coded_note.codes.get().name
        assert row["deleted"] == "false"
        kinds = [e["kind"] for e in rows["events"] if e["actor"] == "observer"]
        assert kinds == ["fieldnote.written"]
        (event,) = [e for e in rows["events"] if e["kind"] == "fieldnote.written"]
        assert json.loads(event["payload"])["about"] == "P01"

    def test_the_workbook_and_json_hold_them_too(self, coded_note):
        scope = ExportScope(coded_note.round.workshop)
        book = load_workbook(io.BytesIO(export_bytes(scope, "xlsx")), read_only=True)
        sheet = list(book["field_notes"].values)
        assert sheet[1][sheet[0].index("text")] == "P01 leads the table."
        record = json.loads(export_bytes(scope, "json"))
        (round,) = [r for r in record["rounds"] if r["round_id"] == coded_note.round_id]
        assert [n["observer"] for n in round["field_notes"]] == ["O1"]

    def test_no_account_name_is_exported(self, coded_note, researcher, facilitator):
        scope = ExportScope(coded_note.round.workshop)
        for key in ("csv", "json", "qdpx", "transcript", "log"):
            data = export_bytes(scope, key)
            if key == "qdpx":
                archive = zipfile.ZipFile(io.BytesIO(data))
                data = b"".join(archive.read(n) for n in archive.namelist())
            assert researcher.username.encode() not in data, key
            assert b"cofacilitator" not in data

    def test_a_deleted_note_stays_in_the_table_only(self, coded_note, researcher):
        delete_field_note(coded_note, by=researcher)
        scope = ExportScope(coded_note.round.workshop)
        assert csv_tables(export_bytes(scope, "csv"))["field_notes"][0]["deleted"] == "true"
        assert b"Observer:" not in export_bytes(scope, "transcript")
        _archive, root = project(scope)
        assert root.find(f".//q:Note[@guid='{guid('field-note', coded_note.pk)}']", NS) is None


class TestWithdrawal:
    def test_removing_leaves_out_notes_about_them(self, coded_note, participant):
        withdraw(participant)
        scope = ExportScope(coded_note.round.workshop)
        rows = csv_tables(export_bytes(scope, "csv"))
        assert rows["field_notes"] == []
        assert not [e for e in rows["events"] if e["kind"].startswith("fieldnote.")]
        assert b"P01 leads" not in export_bytes(scope, "log")

    def test_anonymising_keeps_the_note_without_the_link(self, coded_note, participant):
        workshop = coded_note.round.workshop
        workshop.on_withdrawal = Workshop.Withdrawal.ANONYMISE
        workshop.save()
        withdraw(participant)
        scope = ExportScope(workshop)
        rows = csv_tables(export_bytes(scope, "csv"))
        assert [(r["participant"], r["text"]) for r in rows["field_notes"]] == [
            ("", "P01 leads the table.")
        ]
        (event,) = [e for e in rows["events"] if e["kind"] == "fieldnote.written"]
        assert json.loads(event["payload"])["about"] is None
        _archive, root = project(scope)
        assert not root.findall(".//q:Case", NS)
        assert "Observer: [O1] P01 leads" in export_bytes(scope, "transcript").decode()


class TestTheQdaProject:
    def test_a_note_links_the_step_source_and_the_case(self, coded_note, participant):
        archive, root = project(ExportScope(coded_note.round.workshop))
        note_guid = guid("field-note", coded_note.pk)
        note = root.find(f".//q:Notes/q:Note[@guid='{note_guid}']", NS)
        assert "P01 leads the table." in note.find("q:PlainTextContent", NS).text
        assert archive.read(f"sources/{note_guid}.txt").decode().endswith("P01 leads the table.")
        users = {u.get("guid"): u.get("name") for u in root.findall(".//q:User", NS)}
        assert users[note.get("creatingUser")] == "O1"
        source = root.find(f".//q:TextSource[@guid='{guid('source', coded_note.step_id)}']", NS)
        assert [r.get("targetGUID") for r in source.findall("q:NoteRef", NS)] == [note_guid]
        case_guid = guid("case", participant.pk)
        case = root.find(f".//q:Case[@guid='{case_guid}']", NS)
        assert note_guid in [r.get("targetGUID") for r in case.findall("q:SourceRef", NS)]
        coded = {r.get("targetGUID") for r in note.findall("q:Coding/q:CodeRef", NS)}
        code = coded_note.codes.get()
        assert coded == {case_guid, guid("code", code.workshop_id, code.pk)}

    def test_the_project_with_field_notes_validates(self, coded_note, finding_round, researcher):
        write_field_note(finding_round.workshop.rounds.get(), by=researcher, text="Lobby?")
        path = refi_schema()
        require("The REFI-QDA Project schema (set REFI_SCHEMA to Project.xsd)", path)
        schema = etree.XMLSchema(etree.parse(path))
        _archive, root = project(ExportScope(coded_note.round.workshop))
        assert schema.validate(root), schema.error_log


class TestTranscriptAndLog:
    def test_the_observer_speaks_at_the_time_of_the_note(self, coded_note):
        text = export_bytes(ExportScope(coded_note.round.workshop), "transcript").decode()
        paragraphs = [p for p in text.split("\n\n") if p.strip()]
        step = coded_note.step
        at = next(
            i
            for i, p in enumerate(paragraphs)
            if p.startswith("Facilitator:") and f"step {step.position}]" in p
        )
        assert paragraphs[at + 1].strip() == "Observer: [O1, P01] P01 leads the table."

    def test_the_log_has_a_line(self, coded_note):
        log = export_bytes(ExportScope(coded_note.round.workshop), "log").decode()
        assert "Field note written,O1 on P01: P01 leads the table." in log

    def test_a_swedish_workshop_says_observer_in_swedish(self, coded_note):
        workshop = coded_note.round.workshop
        workshop.language = "sv"
        workshop.save()
        text = export_bytes(ExportScope(workshop), "transcript").decode()
        assert "Observatör: [O1, P01] P01 leads the table." in text
