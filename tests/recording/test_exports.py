import json

from facilitation.recording.services import stop_recording, store_chunk
from facilitation.research.scope import ExportScope
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
