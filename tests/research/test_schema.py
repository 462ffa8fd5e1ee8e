"""The REFI-QDA files validate against the REFI-QDA Project schema (QDA-XML 1.0)."""

import io
import zipfile

import pytest
from lxml import etree

from facilitation.research.qdpx import CODEBOOK_NS, PROJECT_NS
from facilitation.research.scope import ExportScope
from tests import played
from tests.services import refi_schema, require

from .conftest import export_bytes

# One round played for the module (tests.played): every test here sees it, asked for or not.
played_once, facilitator, workshop, played_round = played.SHARED


@pytest.fixture(scope="module")
def schema():
    """The REFI-QDA Project schema; set REFI_SCHEMA to its path where it lives elsewhere."""
    path = refi_schema()
    require("The REFI-QDA Project schema (set REFI_SCHEMA to Project.xsd)", path)
    return etree.XMLSchema(etree.parse(path))


def assert_valid(document, schema):
    if not schema.validate(document):
        pytest.fail("\n".join(str(error) for error in schema.error_log))


def test_the_project_validates(scope, schema):
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx")))
    assert_valid(etree.fromstring(archive.read("project.qde")), schema)


def test_a_round_project_with_names_and_attributes_validates(workshop, played_round, schema):
    workshop.participant_attributes = [{"key": "municipality", "label": "Municipality"}]
    workshop.save()
    first = played_round.attendances.first().participant
    first.attributes = {"municipality": "Lund <&> \x01"}
    first.save()
    scope = ExportScope(workshop, played_round, include_names=True)
    project = etree.fromstring(
        zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx"))).read("project.qde")
    )
    assert_valid(project, schema)
    values = project.findall(f".//{{{PROJECT_NS}}}TextValue")
    # The illegal character is dropped; the others answered from the demo's choices.
    assert "Lund <&> " in [v.text for v in values]


def test_an_empty_workshop_still_makes_a_valid_project(workshop, schema):
    assert_valid(
        etree.fromstring(
            zipfile.ZipFile(io.BytesIO(export_bytes(ExportScope(workshop), "qdpx"))).read(
                "project.qde"
            )
        ),
        schema,
    )


def test_the_schema_rejects_a_broken_project(scope, schema):
    """The validation can fail: a selection without its required positions is refused."""
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx")))
    project = etree.fromstring(archive.read("project.qde"))
    selection = project.find(f".//{{{PROJECT_NS}}}PlainTextSelection")
    del selection.attrib["startPosition"]
    assert not schema.validate(project)


def test_the_codebook_validates_against_the_codebook_part_of_the_project_schema(scope, schema):
    """The REFI codebook schema (Codebook.xsd) is not published with the project schema we have,
    so the .qdc's codes are checked as the CodeBook of an otherwise empty project: the same
    CodeBookType that Codebook.xsd declares."""
    codebook = etree.fromstring(export_bytes(scope, "qdc"))
    assert codebook.tag == f"{{{CODEBOOK_NS}}}CodeBook"
    project = etree.Element(f"{{{PROJECT_NS}}}Project", name="codebook check")
    copy = etree.SubElement(project, f"{{{PROJECT_NS}}}CodeBook")
    for element in codebook.iter():
        element.tag = f"{{{PROJECT_NS}}}{etree.QName(element).localname}"
    copy.extend(list(codebook))
    assert_valid(project, schema)
    assert len(project.findall(f".//{{{PROJECT_NS}}}Code")) > 6


def test_a_project_with_group_notes_proposals_and_an_anonymised_withdrawal_validates(
    workshop, played_round, schema
):
    from django.utils import timezone

    from facilitation.deliberation.models import DiscussionNote
    from facilitation.workshops.models import Workshop

    workshop.on_withdrawal = Workshop.Withdrawal.ANONYMISE
    workshop.save()
    writer = DiscussionNote.objects.first().participant
    writer.withdrawn_at = timezone.now()
    writer.save()
    scope = ExportScope(workshop, played_round)
    project = etree.fromstring(
        zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx"))).read("project.qde")
    )
    assert_valid(project, schema)
    groups = project.find(f".//{{{PROJECT_NS}}}Code[@name='Breakout groups']")
    assert len(groups.findall(f".//{{{PROJECT_NS}}}Code[@isCodable='true']")) == (
        played_round.groups.count()
    )
    names = {s.get("name") for s in project.iterfind(f".//{{{PROJECT_NS}}}PlainTextSelection")}
    assert any(name.startswith("Anonymous: ") for name in names)


def test_a_played_round_with_its_recording_asked_for_validates(
    workshop, played_round, schema, settings, tmp_path
):
    """The whole project of a played round, with a recording of it as an audio source cut by
    its agenda (the round's own step.shown events)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from facilitation.recording.models import Recording, RecordingChunk
    from facilitation.workshops.models import Event

    settings.MEDIA_ROOT = tmp_path
    shown = played_round.events.filter(kind="step.shown").order_by("created_at")
    audio = b"\x1a\x45\xdf\xa3" + b"\x00" * 32
    recording = Recording.objects.create(
        round=played_round,
        status=Recording.Status.STOPPED,
        mime_type="audio/webm",
        byte_size=len(audio),
        started_at=shown.first().created_at,
        stopped_at=played_round.events.order_by("created_at").last().created_at,
    )
    name = default_storage.save(f"recordings/{recording.pk}/000000.webm", ContentFile(audio))
    RecordingChunk.objects.create(recording=recording, sequence=0, name=name, size=len(audio))
    Event.objects.create(
        kind="recording.started",
        workshop=workshop,
        round=played_round,
        payload={"recording": recording.pk},
        created_at=recording.started_at,
    )
    scope = ExportScope(workshop, played_round, include_recordings=True)
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx")))
    project = etree.fromstring(archive.read("project.qde"))
    assert_valid(project, schema)
    selections = project.findall(f".//{{{PROJECT_NS}}}AudioSelection")
    assert len(selections) >= shown.count() - 1 > 0
