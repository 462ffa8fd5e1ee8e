"""The exports work in the researchers' tools, not only against the schema.

Checked against what a project written by a QDA tool carries (the ATLAS.ti sample beside the
schema) and read back with ``pyrefiqda``, a REFI-QDA parser written elsewhere.
"""

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from facilitation.deliberation.models import Annotation, DiscussionNote
from facilitation.deliberation.sample_activity import add_sample_round
from facilitation.fieldnotes.models import FieldNote
from facilitation.research.dictionary import variable_rows
from facilitation.research.qdpx import guid
from facilitation.research.scope import ExportScope
from facilitation.research.tables import TABLES
from facilitation.workshops.models import Step
from tests.services import refi_schema

from .conftest import export_bytes

NS = {"q": "urn:QDA-XML:project:1.0"}
Q = "{urn:QDA-XML:project:1.0}"
DATED = (
    "creatingUser",
    "creatingUserGUID",
    "creationDateTime",
    "modifyingUser",
    "modifyingUserGUID",
    "modifiedDateTime",
)


def project_of(scope):
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx")))
    return archive, etree.fromstring(archive.read("project.qde"))


def atlas_sample():
    """The ATLAS.ti project beside the schema, or a skip where it is not on this machine."""
    schema = refi_schema()
    sample = Path(schema).with_name("sample-atlas-ti.qdpx") if schema else None
    if not sample or not sample.is_file():
        pytest.skip("The ATLAS.ti sample (sample-atlas-ti.qdpx beside REFI_SCHEMA) is not here")
    return etree.fromstring(zipfile.ZipFile(sample).read("project.qde"))


def local(element):
    return etree.QName(element).localname


class TestWhoAndWhen:
    def test_every_element_kind_the_atlas_sample_dates_is_dated_in_ours(self, scope):
        expected = {}
        for element in atlas_sample().iter():
            found = {name for name in DATED if element.get(name)}
            if found:
                expected.setdefault(local(element), set()).update(found)
        assert expected  # the sample dates at least its project
        _archive, project = project_of(scope)
        for kind, attributes in expected.items():
            ours = [e for e in project.iter() if local(e) == kind]
            assert ours, kind
            for element in ours:
                assert attributes <= {name for name in DATED if element.get(name)}, kind

    def test_sources_selections_codings_and_notes_carry_their_maker_and_time(self, scope):
        _archive, project = project_of(scope)
        users = {u.get("guid") for u in project.iterfind("q:Users/q:User", NS)}
        full = ("creatingUser", "creationDateTime", "modifyingUser", "modifiedDateTime")
        for kind, needed in (
            ("TextSource", full),
            ("PlainTextSelection", full),
            ("Note", full),
            ("Coding", ("creatingUser", "creationDateTime")),
        ):
            elements = project.findall(f".//q:{kind}", NS)
            assert elements, kind
            for element in elements:
                assert all(element.get(name) for name in needed), (kind, element.attrib)
                assert element.get("creatingUser") in users
        assert project.get("creatingUserGUID") in users

    def test_each_annotator_owns_their_codings_and_the_facilitator_the_moderation(self, scope):
        _archive, project = project_of(scope)
        users = {u.get("guid"): u.get("name") for u in project.iterfind("q:Users/q:User", NS)}
        owners = {}
        for annotation in Annotation.objects.exclude(status=Annotation.Status.DELETED):
            selection_guid = guid("selection", "annotation", annotation.pk)
            selection = project.find(f".//q:PlainTextSelection[@guid='{selection_guid}']", NS)
            codings = selection.findall("q:Coding", NS)
            assert codings
            assert {users[c.get("creatingUser")] for c in codings} == {
                annotation.participant.pseudonym
            }
            owners.setdefault(annotation.participant_id, users[selection.get("creatingUser")])
        assert len(set(owners.values())) == len(owners) > 1
        moderation = next(
            n for n in project.iterfind("q:Notes/q:Note", NS) if n.get("name").startswith("Mod")
        )
        assert users[moderation.get("creatingUser")] == "Facilitator"


class TestWhatArrives:
    def test_every_note_is_also_a_file_of_the_archive(self, scope):
        archive, project = project_of(scope)
        notes = project.findall("q:Notes/q:Note", NS)
        assert len(notes) >= 2
        for note in notes:
            path = note.get("plainTextPath")
            assert path == f"internal://{note.get('guid')}.txt"
            text = archive.read("sources/" + path.removeprefix("internal://")).decode()
            assert text == note.find("q:PlainTextContent", NS).text
            assert text.strip()

    def test_each_case_is_a_code_whose_codings_are_the_case_segments(self, scope):
        _archive, project = project_of(scope)
        codes = {c.get("guid"): c for c in project.iterfind(".//q:Code", NS)}
        coded_by = {}
        for selection in project.iterfind(".//q:PlainTextSelection", NS):
            for ref in selection.iterfind("q:Coding/q:CodeRef", NS):
                coded_by.setdefault(ref.get("targetGUID"), set()).add(selection.get("guid"))
        cases = project.findall("q:Cases/q:Case", NS)
        with_segments = 0
        for case in cases:
            code = codes[case.get("guid")]
            assert code.get("name") == case.get("name")
            assert code.get("isCodable") == "true"
            segments = {r.get("targetGUID") for r in case.iterfind("q:SelectionRef", NS)}
            assert coded_by.get(case.get("guid"), set()) == segments
            with_segments += bool(segments)
        assert with_segments >= 10
        # The demo's attributes arrive as the cases' variables.
        assert {v.get("name") for v in project.iterfind("q:Variables/q:Variable", NS)} == {
            "Municipality",
            "Role",
        }
        assert len(project.findall("q:Cases/q:Case/q:VariableValue", NS)) == 2 * 11

    def test_code_names_are_short_and_unique_within_their_parent(self, scope, played_round):
        step = played_round.steps.get(kind=Step.Kind.OPEN_TEXT)
        step.title = "What makes a post the municipality's own " * 4
        step.save()
        _archive, project = project_of(scope)
        assert_unique_short_names(project)
        code = project.find(".//q:Code[q:Description]", NS)
        long = [
            c
            for c in project.iterfind(".//q:Code", NS)
            if " ".join(step.title.split()) in c.findtext("q:Description", "", NS)
        ]
        assert code is not None and len(long) == 1
        assert long[0].get("name").endswith("…") and len(long[0].get("name")) <= 63
        logics = project.find("q:CodeBook/q:Codes/q:Code[@name='Value logics']", NS)
        assert "Engagement" in {c.get("name") for c in logics.findall("q:Code", NS)}


def assert_unique_short_names(project):
    parents = [project.find("q:CodeBook/q:Codes", NS), *project.iterfind(".//q:Code", NS)]
    for parent in parents:
        names = [c.get("name") for c in parent.findall("q:Code", NS)]
        assert len({n.casefold() for n in names}) == len(names), names
        assert all(len(n) <= 63 for n in names), names


class TestAnnotationsAfterAnEdit:
    def test_the_json_ld_selectors_fit_the_current_text_and_detached_ones_are_marked(self, scope):
        finding = Step.objects.filter(kind=Step.Kind.FINDING, annotations__isnull=False).distinct()[
            0
        ]
        annotations = list(finding.annotations.exclude(status=Annotation.Status.DELETED))
        gone = annotations[0]
        body = "A new first sentence.\n\n" + finding.body.replace(gone.exact, "")
        finding.body = body
        finding.save()
        items = json.loads(export_bytes(scope, "jsonld"))["first"]["items"]
        mine = {
            int(i["id"].rsplit("/", 1)[1]): i
            for i in items
            if i["target"]["source"].endswith(f"/steps/{finding.pk}")
        }
        assert set(mine) == {a.pk for a in annotations}
        for annotation in annotations:
            item = mine[annotation.pk]
            selectors = {s["type"]: s for s in item["target"]["selector"]}
            position, quote = selectors["TextPositionSelector"], selectors["TextQuoteSelector"]
            if annotation.exact not in body:
                # Edited away: the selectors of the text it was made on, marked as such.
                assert item["balans:detached"] is True
                assert item["target"]["state"]["type"] == "TimeState"
                assert (quote["exact"], position["start"]) == (annotation.exact, annotation.start)
                continue
            assert "balans:detached" not in item and "state" not in item["target"]
            assert body[position["start"] : position["end"]] == quote["exact"] == annotation.exact
            assert quote["prefix"] == body[max(0, position["start"] - 32) : position["start"]]
            assert position["start"] != annotation.start  # moved by the new first sentence
        assert mine[gone.pk]["balans:detached"] is True
        assert any(a.exact in body for a in annotations)


class TestLineBreaks:
    def test_a_step_text_with_windows_line_breaks_is_saved_with_one_character_each(
        self, draft_round
    ):
        from facilitation.deliberation.authoring import clean_content, create_step

        content = clean_content(
            {"kind": "finding", "title": "Pasted", "body": "One.\r\n\r\nTwo.\rThree."}
        )
        step = create_step(draft_round, draft_round.steps.count() + 1, content)
        step.refresh_from_db()
        assert step.body == "One.\n\nTwo.\nThree."

    def test_the_migration_normalises_stored_texts_and_keeps_annotations_on_their_words(
        self, live_round, participant
    ):
        import importlib

        from django.apps import apps

        from facilitation.deliberation.annotations import annotate

        migration = importlib.import_module(
            "facilitation.workshops.migrations.0007_normalise_line_breaks"
        )
        step = live_round.steps.filter(kind=Step.Kind.FINDING).order_by("position")[0]
        Step.objects.filter(pk=step.pk).update(body="First line.\r\nSecond line.\r\n\r\nThe point.")
        step.refresh_from_db()
        services_go_to(live_round, step)
        start = step.body.index("The point")
        annotation = annotate(step, participant, start=start, end=start + 9, note="Yes")
        assert "\r" in annotation.prefix
        migration.normalise(apps, None)
        step.refresh_from_db()
        annotation.refresh_from_db()
        assert step.body == "First line.\nSecond line.\n\nThe point."
        assert step.body[annotation.start : annotation.end] == "The point" == annotation.exact
        assert "\r" not in annotation.prefix


def services_go_to(round, step):
    from facilitation.workshops import services

    services.go_to_step(round, step, by=round.workshop.facilitators.first())


class TestDataDictionary:
    def test_the_dictionary_travels_in_the_zip_and_the_workbook(self, workshop):
        scope = ExportScope(workshop)
        archive = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "csv")))
        assert "data-dictionary.md" in archive.namelist()
        markdown = archive.read("data-dictionary.md").decode()
        assert "## annotations" in markdown and "[exports.md](exports.md)" not in markdown
        variables = list(
            csv.DictReader(io.StringIO(archive.read("variables.csv").decode("utf-8-sig")))
        )
        assert list(variables[0]) == ["table", "column", "type", "meaning", "allowed_values"]
        assert len(variables) == sum(len(t.columns) for t in TABLES)
        reaction = next(
            v for v in variables if (v["table"], v["column"]) == ("annotations", "reaction")
        )
        assert reaction["allowed_values"] == "agree, surprising, not_true_for_us"
        assert "variables.csv" in archive.read("README.txt").decode()
        workbook = load_workbook(io.BytesIO(export_bytes(scope, "xlsx")))
        rows = list(workbook["variables"].iter_rows(values_only=True))
        assert len(rows) - 1 == len(list(variable_rows()))


class TestTranscript:
    def test_every_paragraph_is_a_speaker_and_none_is_empty(self, scope, played_round):
        text = export_bytes(scope, "transcript").decode()
        assert not text.startswith("\ufeff")
        paragraphs = text.strip("\n").split("\n\n")
        speakers = (
            {"Facilitator", "Anonymous", "Observer"}
            | {a.participant.pseudonym for a in Annotation.objects.select_related("participant")}
            | {f"P{n:02d}" for n in range(1, 13)}
        )
        for paragraph in paragraphs:
            who, _colon, said = paragraph.partition(": ")
            assert who in speakers, paragraph
            assert "\n" not in paragraph
            # Something said beyond what it is about: no empty contributions.
            assert re.sub(r"^(\[[^\]]*\] )+", "", said).strip(" []"), paragraph
        changes = [p for p in paragraphs if p.startswith("Facilitator: ")]
        # One per step of every round (the demo's draft round and the played one).
        assert len(changes) == Step.objects.filter(round__workshop=played_round.workshop).count()
        assert any(p.startswith(f"Facilitator: [{played_round.title}, step 1] ") for p in changes)
        windows = export_bytes(scope, "transcript-bom")
        assert windows.startswith("\ufeff".encode()) and windows.decode("utf-8-sig") == text


class TestSwedish:
    def test_a_swedish_workshops_exports_speak_swedish(self, db, facilitator):
        from facilitation.deliberation.demo import load_demo_workshop

        workshop, _created = load_demo_workshop("sv", facilitators=[facilitator])
        add_sample_round(workshop, language="sv", facilitator=facilitator)
        scope = ExportScope(workshop)
        _archive, project = project_of(scope)
        top = {c.get("name") for c in project.findall("q:CodeBook/q:Codes/q:Code", NS)}
        assert {"Värdelogiker", "Reaktioner", "Svar på", "Smågrupper", "Deltagare"} <= top
        names = {c.get("name") for c in project.iterfind(".//q:Code", NS)}
        assert {"Grupp 1", "Håller med"} <= names
        assert not {"Value logics", "Reactions", "Group 1", "Agree"} & names
        assert_unique_short_names(project)
        descriptions = [
            s.findtext("q:Description", "", NS) for s in project.iterfind(".//q:TextSource", NS)
        ]
        assert any(d.startswith("Resultat, med deltagarnas kommentarer") for d in descriptions)
        assert not any(d.startswith("Finding") for d in descriptions)
        notes = [n.get("name") for n in project.iterfind("q:Notes/q:Note", NS)]
        assert any(n.startswith("Logg över ledningen") for n in notes)
        transcript = export_bytes(scope, "transcript").decode()
        assert "\nSamtalsledare: [" in transcript and "Facilitator" not in transcript
        assert "[Grupp " in transcript and "[föreslår en punkt]" in transcript
        log = export_bytes(scope, "log").decode()
        assert "Projektorn visar" in log and "Projector shows" not in log
        tables = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "csv")))
        logics = tables.read("value_logics.csv").decode("utf-8-sig")
        assert "Engagemang" in logics
        assert tables.read("README.txt").decode().startswith("Forskningsexport från Balans")


# ---- a parser nobody here wrote -----------------------------------------------------------------


def pyrefiqda_counts(data, tmp_path):
    from pyrefiqda import RefiProject

    path = tmp_path / "export.qdpx"
    path.write_bytes(data)
    project = RefiProject.load(path, extract_dir=str(tmp_path / "extracted"))

    def all_codes(codes):
        for code in codes:
            yield code
            yield from all_codes(code.code)

    selections = [s for source in project.sources.text_source for s in source.plain_text_selection]
    for source in project.sources.text_source:
        file = RefiProject.resolve_source_path(source.plain_text_path, tmp_path / "extracted")
        assert file.is_file()
    return {
        "sources": len(project.sources.text_source),
        "codes": len(list(all_codes(project.code_book.codes.code))),
        "selections": len(selections),
        "codings": sum(len(s.coding) for s in selections),
        "cases": len(project.cases.case),
        "notes": len(project.notes.note),
        "users": len(project.users.user),
        "dated_notes": sum(1 for n in project.notes.note if n.creation_date_time),
    }


def meant_counts(scope):
    """What Balans meant to put in, counted from the database."""
    from facilitation.research.tables import scope_steps
    from facilitation.research.texts import contributions_to, facilitation_events

    steps = list(scope_steps(scope))

    def written_on(step):  # field notes are the observers' notes, not a source's text
        return [c for c in contributions_to(scope, step) if c.kind != "field_note"]

    written = [s for s in steps if s.kind != Step.Kind.FINDING and written_on(s)]
    findings = [s for s in steps if s.kind == Step.Kind.FINDING]
    annotations = Annotation.objects.filter(step__in=findings).exclude(
        status=Annotation.Status.DELETED
    )
    contributions = sum(len(written_on(s)) for s in written)
    authors = {a.participant_id for a in annotations} | {
        c.participant_id for s in written for c in written_on(s)
    }
    logs = {(event.round_id, False) for event, _step in facilitation_events(scope)}
    logs |= {(e.round_id, True) for e, _step in facilitation_events(scope, moderation_only=True)}
    logs = {(round_id, moderation) for round_id, moderation in logs if round_id}
    return {
        "sources": len(findings) + len(written),
        "selections": annotations.count() + contributions,
        "cases": len(scope._participants),
        # a log per round (and a moderation log), and one note per field note
        "notes": len(logs)
        + FieldNote.objects.filter(round__in=scope.rounds(), deleted=False).count(),
        # the export, the facilitator, everyone who wrote something (and one anonymous user),
        # each observer who wrote a field note
        "users": 2
        + len(authors - {None})
        + (None in authors)
        + FieldNote.objects.filter(round__in=scope.rounds()).values("author").distinct().count(),
    }


@pytest.mark.parametrize("language", ["en", "sv"])
def test_pyrefiqda_reads_the_demo_export_and_finds_what_balans_meant(
    db, facilitator, language, tmp_path
):
    from facilitation.deliberation.demo import load_demo_workshop

    workshop, _created = load_demo_workshop(language, facilitators=[facilitator])
    add_sample_round(workshop, language=language, facilitator=facilitator)
    scope = ExportScope(workshop)
    data = export_bytes(scope, "qdpx")
    found = pyrefiqda_counts(data, tmp_path)
    meant = meant_counts(scope)
    assert {key: found[key] for key in meant} == meant
    project = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("project.qde"))
    assert found["codes"] == len(project.findall(".//q:Code", NS))
    # Every coding of a text is read (field notes carry codings of their own, on the Note).
    text_codings = project.findall(".//q:TextSource/q:PlainTextSelection/q:Coding", NS)
    assert found["codings"] == len(text_codings) > found["selections"]
    assert found["dated_notes"] == found["notes"]
    assert DiscussionNote.objects.filter(step__round__workshop=workshop).exists()
