"""A recording in the REFI-QDA project: an audio source cut by the agenda, only when asked."""

import io
import zipfile

import pytest
from lxml import etree

from facilitation.deliberation.models import Option
from facilitation.research.qdpx import guid
from facilitation.research.scope import ExportScope
from tests.research.conftest import export_bytes
from tests.services import refi_schema, require

from .conftest import WEBM

NS = {"q": "urn:QDA-XML:project:1.0"}


def project(recording, **options):
    scope = ExportScope(recording.round.workshop, **options)
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "qdpx")))
    return archive, etree.fromstring(archive.read("project.qde"))


def test_without_asking_the_project_has_no_audio(agenda_recording):
    archive, root = project(agenda_recording)
    assert root.find(".//q:AudioSource", NS) is None
    assert not [n for n in archive.namelist() if n.endswith((".webm", ".vtt"))]


def test_asked_for_each_recording_is_an_audio_source_with_its_file_in_sources(
    agenda_recording,
):
    archive, root = project(agenda_recording, include_recordings=True)
    (source,) = root.findall(".//q:AudioSource", NS)
    source_guid = guid("recording", agenda_recording.pk)
    assert source.get("guid") == source_guid
    assert source.get("path") == f"internal://{source_guid}.webm"
    assert archive.read(f"sources/{source_guid}.webm") == WEBM + b"more audio"
    # Audio is stored as it is, not deflated again.
    assert archive.getinfo(f"sources/{source_guid}.webm").compress_type == zipfile.ZIP_STORED
    vtt = archive.read(f"sources/{source_guid}.vtt").decode()
    assert vtt.startswith("WEBVTT")
    assert "00:00:10.000 --> 00:00:30.000" in vtt


def test_one_selection_per_step_on_screen_in_milliseconds_coded_with_the_steps_codes(
    agenda_recording,
):
    _archive, root = project(agenda_recording, include_recordings=True)
    selections = root.findall(".//q:AudioSource/q:AudioSelection", NS)
    # The lobby (0:00 to 0:10) is no step's; then the first step and the dilemma.
    assert [(s.get("begin"), s.get("end")) for s in selections] == [
        ("10000", "30000"),
        ("30000", "60000"),
    ]
    first, dilemma = agenda_recording.first_step, agenda_recording.dilemma
    assert selections[0].get("name").endswith(f"{first.position}. {first.title}")
    codes = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", NS)}
    coded = [
        {codes[ref.get("targetGUID")] for ref in s.iterfind("q:Coding/q:CodeRef", NS)}
        for s in selections
    ]
    assert f"{first.position}. {first.title}" in coded[0]
    assert f"{dilemma.position}. {dilemma.title}" in coded[1]
    # The dilemma's options honour and strain value logics: its audio carries those codes.
    logics = set()
    for honours, strains in Option.objects.filter(step=dilemma).values_list("honours", "strains"):
        logics |= {*honours, *strains}
    assert logics
    logic_names = {codes[guid("logic", dilemma.round.workshop_id, key)] for key in logics}
    assert logic_names <= coded[1]
    agenda = root.find(".//q:Code[@name='Agenda']", NS)
    assert agenda is not None and agenda.get("isCodable") == "false"


def test_a_field_note_written_during_a_step_is_linked_to_that_steps_audio(agenda_recording):
    _archive, root = project(agenda_recording, include_recordings=True)
    first, second = root.findall(".//q:AudioSource/q:AudioSelection", NS)
    note_guid = guid("field-note", agenda_recording.note.pk)
    assert [r.get("targetGUID") for r in first.iterfind("q:NoteRef", NS)] == [note_guid]
    assert second.find("q:NoteRef", NS) is None
    assert root.find(f".//q:Notes/q:Note[@guid='{note_guid}']", NS) is not None


def test_a_recording_without_audio_is_left_out(recording):
    _archive, root = project(recording, include_recordings=True)
    assert root.find(".//q:AudioSource", NS) is None


def test_the_project_with_audio_validates_against_the_schema(agenda_recording):
    path = refi_schema()
    require("The REFI-QDA Project schema (set REFI_SCHEMA to Project.xsd)", path)
    schema = etree.XMLSchema(etree.parse(path))
    _archive, root = project(agenda_recording, include_recordings=True, include_names=True)
    assert root.find(".//q:AudioSelection", NS) is not None
    if not schema.validate(root):
        pytest.fail("\n".join(str(error) for error in schema.error_log))
    # The check can fail: an audio selection without its end is refused.
    del root.find(".//q:AudioSelection", NS).attrib["end"]
    assert not schema.validate(root)
