"""The facilitator records the room with Chromium's fake microphone while moving through three
steps, reloading the console in between (the new page takes the same recording up): every
screen shows the Recording mark, the stored file is one valid Opus stream of about the right
length, the step marks fall where they were shown, the QDA project's audio selections match
them and validate, and the recording's page seeks to a step."""

import io
import json
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import expect

from tests.browser.test_every_kind import open_console, serious_violations
from tests.browser.test_live_round import BIG_SCREEN, LIVE, PHONE
from tests.e2e.conftest import launched_chromium
from tests.e2e.server import demo_round, shell
from tests.services import refi_schema

pytestmark = pytest.mark.browser
# Chunks come every four seconds; waiting for one is waiting for an event, with room to spare.
CHUNK_WAIT_MS = 20_000

_STORED = """
import json
from django.core.files.storage import default_storage
from facilitation.recording.models import Recording
from facilitation.recording.timeline import chapter_marks
from facilitation.workshops.models import Event
r = Recording.objects.get()
print(json.dumps({
    "id": r.pk, "status": r.status, "mime": r.mime_type, "size": r.byte_size,
    "segment": r.segment, "duration": r.duration_seconds,
    "names": [default_storage.path(c.name) for c in r.chunks.order_by("sequence")],
    "shown": [[m.offset, m.step.pk] for m in chapter_marks(r) if m.kind == "step.shown"],
    "gap": sum(e.payload["gap_seconds"] for e in Event.objects.filter(kind="recording.continued")),
}))
"""


@pytest.fixture(scope="module")
def chromium():
    """Chromium with a fake microphone that it may use without asking."""
    fake_microphone = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    with launched_chromium(fake_microphone) as browser:
        yield browser


@pytest.mark.long
def test_the_facilitator_records_the_room_through_the_agenda(
    sqlite_deployment, start_server, new_page, tmp_path
):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console = open_console(new_page, server, facts)

    # Consent first: recording is refused without a consent text, then turned on with one.
    console.goto(f"{server.url}/console/workshops/{facts['workshop_id']}/participants/")
    console.get_by_label("Consent text").fill("")
    console.get_by_label("This workshop is recorded").check()
    console.get_by_role("button", name="Save").click()
    expect(console.get_by_role("alert")).to_contain_text("needs a consent text")
    console.get_by_label("Consent text").fill("We record the room's audio for the research.")
    console.get_by_label("This workshop is recorded").check()
    console.get_by_role("button", name="Save").click()
    expect(console.get_by_text("Saved.")).to_be_visible()

    console.goto(f"{server.url}/console/rounds/{facts['id']}/")
    console.get_by_role("button", name="Start the round").click()
    projector = new_page("projector", **BIG_SCREEN)
    projector.goto(f"{server.url}/projector/{facts['projector_key']}/")
    phone = new_page("phone", **PHONE)
    phone.goto(f"{server.url}/r/{facts['join_code']}/")
    expect(phone.get_by_text("This room is recorded.")).to_be_visible()
    phone.get_by_label("Your name (optional)").fill("Anna")
    phone.get_by_role("button", name="Join").click()
    phone.get_by_role("button", name="I agree and take part").click()
    expect(phone.locator("body")).to_have_class(LIVE)

    chunk = lambda response: "/chunks/" in response.url and response.ok  # noqa: E731
    with console.expect_response(chunk, timeout=CHUNK_WAIT_MS):
        console.get_by_role("button", name="Start recording").click()
        started = time.monotonic()
        for screen in (console, projector, phone):
            expect(screen.locator("#recording-mark")).to_contain_text("Recording")
    shown_after = []  # seconds since the start at which each step was shown, as the test saw it
    for step in facts["steps"][:2]:
        console.get_by_role("button", name="Next →").click()
        expect(console.locator(".agenda [aria-current=step]")).to_contain_text(step["title"])
        shown_after.append(time.monotonic() - started)
    with console.expect_response(chunk, timeout=CHUNK_WAIT_MS):
        pass

    # The console is reloaded mid-recording: the new page takes the same recording up.
    console.on("dialog", lambda dialog: dialog.accept())  # "leave the page while recording?"
    console.reload()
    with console.expect_response(chunk, timeout=CHUNK_WAIT_MS):
        console.get_by_role("button", name="Continue this recording").click()
    console.get_by_role("button", name="Next →").click()
    expect(console.locator(".agenda [aria-current=step]")).to_contain_text(
        facts["steps"][2]["title"]
    )
    shown_after.append(time.monotonic() - started)
    with console.expect_response(chunk, timeout=CHUNK_WAIT_MS):
        pass
    console.get_by_role("button", name="Stop recording").click()
    expect(console.locator("[data-recorder-status]")).to_have_text(
        "Stopped and saved.", timeout=CHUNK_WAIT_MS
    )
    for screen in (projector, phone):
        expect(screen.locator("#recording-mark")).to_be_empty()

    stored = json.loads(shell(sqlite_deployment, _STORED))
    assert stored["status"] == "stopped"
    assert stored["mime"] == "audio/webm"
    assert stored["segment"] == 1
    assert len(stored["names"]) >= 3
    whole = tmp_path / "whole.webm"
    whole.write_bytes(b"".join(Path(name).read_bytes() for name in stored["names"]))
    # One WebM stream (one EBML header) whose audio track is Opus (the OpusHead in its codec
    # data); where ffprobe is installed, it decodes it: one clock, about as long as recorded.
    audio = whole.read_bytes()
    assert audio.startswith(b"\x1a\x45\xdf\xa3")
    assert audio.count(b"\x1a\x45\xdf\xa3") == 1
    assert b"OpusHead" in audio[:4096]
    if shutil.which("ffprobe"):
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name:packet=pts_time"]
            + ["-of", "json", whole],
            capture_output=True,
            text=True,
            check=True,
        )
        found = json.loads(probe.stdout)
        assert found["streams"][0]["codec_name"] == "opus"
        clock = [float(packet["pts_time"]) for packet in found["packets"]]
        assert clock == sorted(clock)
        assert abs(clock[-1] - stored["duration"]) < 2, (clock[-1], stored["duration"])

    # Each step's mark is where the test showed it, on the recording's clock (the time between
    # the reload and the new page's audio is left out of it).
    assert [step for _offset, step in stored["shown"]] == [s["id"] for s in facts["steps"][:3]]
    expected = shown_after[:2] + [shown_after[2] - stored["gap"]]
    for (offset, _step), seen in zip(stored["shown"], expected, strict=True):
        assert abs(offset - seen) < 2, (offset, seen)

    # The QDA project, recordings asked for: the audio cut where the marks are; it validates.
    export = console.request.get(
        f"{server.url}/console/workshops/{facts['workshop_id']}/exports/download/"
        f"?format=qdpx&round={facts['id']}&recordings=1"
    )
    assert export.ok
    archive = zipfile.ZipFile(io.BytesIO(export.body()))
    project = etree.fromstring(archive.read("project.qde"))
    selections = project.findall(".//{urn:QDA-XML:project:1.0}AudioSelection")
    assert [int(s.get("begin")) for s in selections] == [
        round(offset * 1000) for offset, _step in stored["shown"]
    ]
    (source,) = project.findall(".//{urn:QDA-XML:project:1.0}AudioSource")
    path = source.get("path").removeprefix("internal://")
    assert archive.read(f"sources/{path}") == audio
    if (schema_path := refi_schema()) is not None:
        schema = etree.XMLSchema(etree.parse(schema_path))
        assert schema.validate(project), schema.error_log

    recording_id = json.loads(
        shell(
            sqlite_deployment,
            "from facilitation.recording.models import Recording; "
            "print(Recording.objects.get().pk)",
        )
    )
    console.goto(f"{server.url}/console/rounds/{facts['id']}/recordings/{recording_id}/")
    chapters = console.locator(".chapters li")
    expect(chapters.filter(has_text="Step 1:")).to_have_count(1)
    expect(chapters.filter(has_text="Step 2:")).to_have_count(1)
    expect(console.locator("audio")).to_have_count(1)
    # Click a step (by keyboard): the player seeks there and marks it as the one heard.
    step_two = chapters.filter(has_text="Step 2:").locator("a")
    step_two.focus()
    console.keyboard.press("Enter")
    expect(step_two).to_have_attribute("aria-current", "true")
    assert console.evaluate("document.getElementById('recording-audio').currentTime") >= (
        stored["shown"][1][0] - 0.5
    )
    audio_url = f"{server.url}/console/rounds/{facts['id']}/recordings/{recording_id}/audio/"
    audio = console.request.get(audio_url)
    assert audio.ok and audio.body() == whole.read_bytes()
    part = console.request.get(audio_url, headers={"Range": "bytes=0-99"})
    assert part.status == 206 and part.body() == whole.read_bytes()[:100]
    assert serious_violations(console) == []
    errors = new_page.errors()
    # The refused save of the participation page is a 400 by design; nothing else went wrong.
    errors["console"] = [line for line in errors.get("console", []) if "status of 400" not in line]
    assert {name: lines for name, lines in errors.items() if lines} == {}
