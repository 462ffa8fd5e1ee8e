"""The rules every export keeps: pseudonyms, no secrets, safe cells, withdrawal honoured."""

import io
import json

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from openpyxl import load_workbook

from facilitation.deliberation.models import Annotation, Response
from facilitation.deliberation.services import submit_answer
from facilitation.research.exports import EXPORT_FORMATS
from facilitation.research.scope import ExportScope, clean_payload
from facilitation.research.tabular import safe_cell
from facilitation.workshops import services
from facilitation.workshops.models import Participant, Step, Workshop
from tests import played

from .conftest import export_bytes
from .test_formats import csv_tables

# One round played for the module (tests.played): every test here sees it, asked for or not.
played_once, facilitator, workshop, played_round = played.SHARED

TEXT_FORMATS = [key for key in EXPORT_FORMATS if key not in {"xlsx", "csv", "qdpx"}]


def everything(scope):
    """Every format's bytes, zips unpacked, as one text to search."""
    import zipfile

    texts = []
    for key in EXPORT_FORMATS:
        data = export_bytes(scope, key)
        if key in {"csv", "qdpx", "xlsx"}:
            archive = zipfile.ZipFile(io.BytesIO(data))
            texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
        else:
            texts.append(data.decode())
    return "\n".join(texts)


@pytest.fixture
def named(workshop, played_round):
    """Give every simulated participant a recognisable display name."""
    for p in Participant.objects.all():
        p.display_name = f"Name{p.number:02d}x"
        p.save()
    return Participant.objects.order_by("number")


class TestPseudonyms:
    def test_names_and_secrets_never_leave_unless_names_are_ticked(self, workshop, named):
        text = everything(ExportScope(workshop))
        for p in named:
            assert p.display_name not in text
            assert p.token not in text
            assert p.rejoin_code not in text
        for round in workshop.rounds.all():
            assert round.join_code not in text
            assert round.projector_key not in text
        assert "P01" in text and "P12" in text

    def test_ticked_names_appear_but_secrets_still_do_not(self, workshop, named):
        scope = ExportScope(workshop, include_names=True)
        tables = csv_tables(export_bytes(scope, "csv"))
        assert {r["display_name"] for r in tables["participants"]} == {
            p.display_name for p in named
        }
        assert "Name01x (P01)" in export_bytes(scope, "transcript").decode()
        text = everything(scope)
        assert all(p.token not in text and p.rejoin_code not in text for p in named)

    def test_pseudonyms_are_stable_across_rounds(self, workshop, facilitator, played_round):
        second = services.start_round(services.create_round(workshop, title="June"), by=facilitator)
        first = played_round.attendances.order_by("participant__number").first().participant
        services.join_round(second, participant=first)
        tables = csv_tables(export_bytes(ExportScope(workshop, second), "csv"))
        assert [r["participant"] for r in tables["participants"]] == [first.pseudonym]
        assert tables["participants"][0]["rounds_attended"] == "2"


class TestSpreadsheetSafety:
    @pytest.mark.parametrize("text", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
    def test_formula_starts_are_escaped(self, text):
        assert safe_cell(text) == "'" + text

    @pytest.mark.parametrize("value", ["plain", "a=b", "", 5, -3, True, None])
    def test_everything_else_is_left_alone(self, value):
        assert safe_cell(value) == value

    def test_csv_and_xlsx_cells_cannot_run(self, workshop, facilitator, played_round):
        open_step = played_round.steps.get(kind=Step.Kind.OPEN_TEXT)
        Response.objects.filter(step=open_step).update(value='=HYPERLINK("http://x","y")')
        csv_answers = {
            r["answer"]
            for r in csv_tables(export_bytes(ExportScope(workshop), "csv"))["responses"]
            if r["step_id"] == str(open_step.pk)
        }
        assert csv_answers == {'\'=HYPERLINK("http://x","y")'}
        workbook = load_workbook(io.BytesIO(export_bytes(ExportScope(workshop), "xlsx")))
        cells = [c for row in workbook["responses"].iter_rows(min_row=2) for c in row]
        answers = [c for c in cells if c.column_letter == "G" and "HYPERLINK" in str(c.value)]
        assert answers and all(c.data_type == "s" and c.value.startswith("'=") for c in answers)
        assert not [c for c in cells if c.data_type == "f"]


class TestWithdrawal:
    @pytest.fixture
    def withdrawn(self, played_round):
        annotated = Annotation.objects.filter(step__round=played_round).exclude(note="").first()
        person = annotated.participant
        person.withdrawn_at = timezone.now()
        person.save()
        return person, annotated

    def test_remove_leaves_out_the_person_and_all_they_contributed(self, workshop, withdrawn):
        person, annotated = withdrawn
        assert workshop.on_withdrawal == Workshop.Withdrawal.REMOVE
        scope = ExportScope(workshop)
        tables = csv_tables(export_bytes(scope, "csv"))
        assert person.pseudonym not in {
            r["participant"] for t in tables.values() for r in t if "participant" in r
        }
        ids = {int(r["annotation_id"]) for r in tables["annotations"]}
        assert annotated.pk not in ids
        assert not [r for r in tables["events"] if f'"annotation": {annotated.pk},' in r["payload"]]
        mine = Response.objects.filter(participant=person).count()
        assert mine and len(tables["responses"]) == Response.objects.count() - mine
        assert f"\n{person.pseudonym}: " not in export_bytes(scope, "transcript").decode()
        assert len(tables["participants"]) == 11

    def test_anonymise_keeps_contributions_without_the_pseudonym(self, workshop, withdrawn):
        person, annotated = withdrawn
        workshop.on_withdrawal = Workshop.Withdrawal.ANONYMISE
        workshop.save()
        scope = ExportScope(workshop)
        tables = csv_tables(export_bytes(scope, "csv"))
        kept = next(r for r in tables["annotations"] if int(r["annotation_id"]) == annotated.pk)
        assert kept["participant"] == "" and kept["note"] == annotated.note
        assert person.pseudonym not in {r["participant"] for r in tables["participants"]}
        assert person.pseudonym not in {r["participant"] for r in tables["events"]}
        assert len(tables["responses"]) == Response.objects.count()
        transcript = export_bytes(scope, "transcript").decode()
        assert f"Anonymous: [on “{annotated.exact}”] {annotated.note}" in transcript
        collection = json.loads(export_bytes(scope, "jsonld"))
        item = next(i for i in collection["first"]["items"] if i["id"].endswith(f"/{annotated.pk}"))
        assert "creator" not in item


def test_anonymous_answers_name_nobody(workshop, facilitator, participant, live_round):
    scale = live_round.steps.get(kind=Step.Kind.SCALE)
    services.go_to_step(live_round, scale, by=facilitator)
    submit_answer(scale, participant, {"value": ["3"]})
    tables = csv_tables(export_bytes(ExportScope(workshop), "csv"))
    answers = [r for r in tables["responses"] if r["step_id"] == str(scale.pk)]
    assert [(r["participant"], r["value"]) for r in answers] == [("", "3")]
    given = [r for r in tables["events"] if r["kind"] == "answer.given"]
    assert [r["participant"] for r in given if r["step_id"] == str(scale.pk)] == [""]


class TestBadText:
    @given(st.text())
    def test_no_text_starts_like_a_formula_after_escaping(self, text):
        cell = safe_cell(text)
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert cell in (text, "'" + text)

    @given(st.text())
    def test_any_text_becomes_well_formed_xml(self, text):
        import xml.etree.ElementTree as ET

        from facilitation.research.qdpx import xml_text

        element = ET.Element("Note", {"name": xml_text(text)})
        element.text = xml_text(text)
        etree.fromstring(ET.tostring(element))

    def test_secret_and_name_keys_leave_event_payloads(self):
        payload = {
            "token": "T",
            "nested": [{"rejoin_code": "R", "display_name": "Anna", "kept": 1}],
            "join_code": "J",
        }
        assert clean_payload(payload) == {"nested": [{"kept": 1}]}
        assert clean_payload(payload, include_names=True) == {
            "nested": [{"display_name": "Anna", "kept": 1}]
        }
