import io
import json
import zipfile

import pytest
from django.urls import reverse

from facilitation.recording.services import stop_recording, store_chunk
from facilitation.research.scope import ExportScope
from facilitation.workshops.models import Event
from tests.research.conftest import export_bytes
from tests.research.test_formats import csv_tables

from .conftest import WEBM


def test_the_csv_export_lists_recordings(recording, facilitator):
    store_chunk(recording, by=facilitator, sequence=0, data=WEBM)
    stop_recording(recording, by=facilitator)
    [row] = csv_tables(export_bytes(ExportScope(recording.round.workshop), "csv"))["recordings"]
    assert row["recording_id"] == str(recording.pk)
    assert row["round_id"] == str(recording.round_id)
    assert row["mime_type"] == "audio/webm"
    assert row["byte_size"] == str(len(WEBM))
    assert row["status"] == "stopped"
    assert row["stopped_at"]
    assert float(row["duration_seconds"]) >= 0


def test_the_json_export_lists_them_under_their_round(recording):
    record = json.loads(export_bytes(ExportScope(recording.round.workshop), "json"))
    (round,) = [r for r in record["rounds"] if r["round_id"] == recording.round_id]
    [listed] = round["recordings"]
    assert listed["recording_id"] == recording.pk
    assert listed["status"] == "recording"
    # A running recording has no stop and no duration yet.
    assert listed["stopped_at"] in ("", None)


class TestMarks:
    def test_the_tables_list_every_mark_on_the_recordings_clock(self, agenda_recording):
        marks = csv_tables(export_bytes(ExportScope(agenda_recording.round.workshop), "csv"))[
            "recording_marks"
        ]
        found = [(m["offset_seconds"], m["kind"], m["step_id"]) for m in marks]
        first, dilemma = agenda_recording.first_step, agenda_recording.dilemma
        assert found == [
            ("10.0", "step.shown", str(first.pk)),
            ("15.0", "field_note", str(first.pk)),
            ("30.0", "step.shown", str(dilemma.pk)),
        ]
        assert marks[1]["field_note_id"] == str(agenda_recording.note.pk)
        assert marks[1]["label"] == "Field note (O1): The room laughs at the example."
        assert marks[0]["label"] == f"Step {first.position}: {first.title}"
        assert all(m["recording_id"] == str(agenda_recording.pk) for m in marks)

    def test_the_json_has_them_under_the_round(self, agenda_recording):
        record = json.loads(export_bytes(ExportScope(agenda_recording.round.workshop), "json"))
        (round,) = [r for r in record["rounds"] if r["round_id"] == agenda_recording.round_id]
        assert [m["offset_seconds"] for m in round["recording_marks"]] == [10.0, 15.0, 30.0]

    def test_a_deleted_field_note_is_no_mark(self, agenda_recording, researcher):
        from facilitation.fieldnotes.services import delete_field_note

        delete_field_note(agenda_recording.note, by=researcher)
        marks = csv_tables(export_bytes(ExportScope(agenda_recording.round.workshop), "csv"))[
            "recording_marks"
        ]
        assert "field_note" not in [m["kind"] for m in marks]


class TestAudioInTheTablesZip:
    def test_left_out_unless_asked(self, agenda_recording):
        data = export_bytes(ExportScope(agenda_recording.round.workshop), "csv")
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        assert not [n for n in names if n.startswith("recordings/")]
        assert b"more audio" not in data

    def test_asked_for_the_audio_and_its_webvtt_files_are_beside_the_tables(self, agenda_recording):
        scope = ExportScope(agenda_recording.round.workshop, include_recordings=True)
        archive = zipfile.ZipFile(io.BytesIO(export_bytes(scope, "csv")))
        stem = f"recordings/{agenda_recording.pk}"
        assert archive.read(f"{stem}.webm") == WEBM + b"more audio"
        chapters = archive.read(f"{stem}-chapters.vtt").decode()
        assert "00:00:10.000 --> 00:00:30.000" in chapters
        assert "00:00:30.000 --> 00:01:00.000" in chapters
        notes = archive.read(f"{stem}-field-notes.vtt").decode()
        assert "00:00:15.000 --> 00:00:25.000\nField note (O1): The room laughs" in notes
        assert "recordings/" in archive.read("README.txt").decode()

    def test_formats_that_cannot_carry_audio_do_not(self, agenda_recording):
        scope = ExportScope(agenda_recording.round.workshop, include_recordings=True)
        for key in ("json", "xlsx", "transcript", "log", "jsonld", "qdc"):
            assert b"more audio" not in export_bytes(scope, key), key


class TestExportIsAnEvent:
    def url(self, recording, **query):
        from urllib.parse import urlencode

        path = reverse("console-download-export", args=[recording.round.workshop_id])
        return f"{path}?{urlencode(query)}"

    def test_an_export_with_the_recordings_records_one_event_per_recording(
        self, agenda_recording, client, researcher
    ):
        client.force_login(researcher)
        response = client.get(self.url(agenda_recording, format="qdpx", recordings=1))
        data = b"".join(response.streaming_content)
        assert b"more audio" in data
        (event,) = Event.objects.filter(kind="recording.exported")
        assert event.user == researcher
        assert event.payload["recording"] == agenda_recording.pk
        assert event.payload["format"] == "qdpx"

    def test_without_the_opt_in_no_audio_leaves_and_nothing_is_logged(
        self, agenda_recording, client, researcher
    ):
        client.force_login(researcher)
        for key in ("qdpx", "csv", "json"):
            response = client.get(self.url(agenda_recording, format=key))
            assert b"more audio" not in b"".join(response.streaming_content)
        # A format that cannot carry audio logs nothing even when asked.
        client.get(self.url(agenda_recording, format="json", recordings=1))
        assert not Event.objects.filter(kind="recording.exported").exists()

    def test_the_exports_page_offers_the_opt_in_only_where_there_is_audio(
        self, agenda_recording, client, researcher, workshop, facilitator
    ):
        from facilitation.workshops import services

        services.create_round(workshop, title="Not recorded", by=facilitator)
        client.force_login(researcher)
        page = client.get(reverse("console-exports", args=[workshop.pk])).content.decode()
        # The whole workshop and the recorded round; not the other round.
        assert page.count('name="recordings"') == 2
        assert "Large and identifying" in page

    def test_the_command_includes_them_only_when_told_and_logs_it(self, agenda_recording, tmp_path):
        from django.core.management import call_command
        from django.core.management.base import CommandError

        workshop = agenda_recording.round.workshop
        plain, full = tmp_path / "plain.qdpx", tmp_path / "full.qdpx"
        call_command("export_workshop", str(workshop.pk), format="qdpx", output=str(plain))
        assert b"more audio" not in plain.read_bytes()
        assert not Event.objects.filter(kind="recording.exported").exists()
        call_command(
            "export_workshop",
            str(workshop.pk),
            format="qdpx",
            output=str(full),
            include_recordings=True,
        )
        names = zipfile.ZipFile(full).namelist()
        assert any(n.endswith(".webm") for n in names)
        (event,) = Event.objects.filter(kind="recording.exported")
        assert event.user is None and event.payload["format"] == "qdpx"
        with pytest.raises(CommandError, match="cannot carry audio"):
            call_command(
                "export_workshop",
                str(workshop.pk),
                format="json",
                output=str(tmp_path / "x.json"),
                include_recordings=True,
            )


def test_the_exports_page_links_each_recording_for_researchers(
    agenda_recording, client, researcher
):
    client.force_login(researcher)
    page = client.get(reverse("console-exports", args=[agenda_recording.round.workshop_id]))
    link = reverse("console-recording", args=[agenda_recording.round_id, agenda_recording.pk])
    assert link in page.content.decode()
    assert client.get(link).status_code == 200


def test_the_facilitation_log_says_what_happened_to_a_recording(
    agenda_recording, client, researcher
):
    from facilitation.research.exports import log_recordings_leaving

    scope = ExportScope(agenda_recording.round.workshop, include_recordings=True)
    log_recordings_leaving(scope, "csv", by=researcher)
    log = export_bytes(ExportScope(agenda_recording.round.workshop), "log").decode("utf-8-sig")
    assert "Recording started" in log
    assert "Recording stopped" in log
    assert f"Recording exported,recording {agenda_recording.pk} (csv)" in log
