"""The facilitator records the room with Chromium's fake microphone while moving through the
agenda: every screen shows the Recording mark, the stored file is valid Opus audio, and the
recording's page lists the steps as chapters."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_kind import open_console, serious_violations
from tests.browser.test_live_round import BIG_SCREEN, LIVE, PHONE
from tests.e2e.conftest import CHROMIUM_ARGS, EXPECT_TIMEOUT_MS
from tests.e2e.server import demo_round, shell
from tests.services import CHROMIUM, chromium_present, require

pytestmark = pytest.mark.browser
# Chunks come every four seconds; waiting for one is waiting for an event, with room to spare.
CHUNK_WAIT_MS = 20_000

_STORED = """
import json
from django.core.files.storage import default_storage
from facilitation.recording.models import Recording
r = Recording.objects.get()
print(json.dumps({
    "status": r.status, "mime": r.mime_type, "size": r.byte_size,
    "path": default_storage.path(r.chunks.first().name).rsplit("/", 1)[0],
    "names": [default_storage.path(c.name) for c in r.chunks.order_by("sequence")],
}))
"""


@pytest.fixture(scope="module")
def chromium():
    """Chromium with a fake microphone that it may use without asking."""
    from playwright.sync_api import expect as expecting
    from playwright.sync_api import sync_playwright

    require("Chromium", chromium_present())
    expecting.set_options(timeout=EXPECT_TIMEOUT_MS)
    args = CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=args, timeout=30_000
        )
        try:
            yield browser
        finally:
            browser.close()


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
        for screen in (console, projector, phone):
            expect(screen.locator("#recording-mark")).to_contain_text("Recording")
    for step in facts["steps"][:2]:
        console.get_by_role("button", name="Next →").click()
        expect(console.locator(".agenda [aria-current=step]")).to_contain_text(step["title"])
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
    assert len(stored["names"]) >= 2
    whole = tmp_path / "whole.webm"
    whole.write_bytes(b"".join(Path(name).read_bytes() for name in stored["names"]))
    # A WebM file (its EBML header) whose audio track is Opus (the OpusHead in its codec data);
    # where ffprobe is installed, it decodes the stream too.
    audio = whole.read_bytes()
    assert audio.startswith(b"\x1a\x45\xdf\xa3")
    assert b"OpusHead" in audio[:4096]
    if shutil.which("ffprobe"):
        probe = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "json", whole],
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(probe.stdout)["streams"][0]["codec_name"] == "opus"

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
