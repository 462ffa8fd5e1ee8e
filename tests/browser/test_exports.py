"""A facilitator downloads research exports in a real browser; the page passes axe on a phone."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_kind import serious_violations
from tests.browser.test_live_round import PHONE, no_horizontal_scroll
from tests.e2e.server import FACILITATOR, FACILITATOR_PASSWORD, manage

pytestmark = pytest.mark.browser


def test_a_facilitator_downloads_a_round_export_with_and_without_names(
    sqlite_deployment, start_server, new_page
):
    manage(sqlite_deployment, "seed_demo", "--sample-activity", "--facilitator", FACILITATOR)
    server = start_server(sqlite_deployment)
    page = new_page("console", **PHONE)
    page.goto(f"{server.url}/accounts/login/")
    page.locator("input[name=username]").fill(FACILITATOR)
    page.locator("input[name=password]").fill(FACILITATOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Research exports").click()
    expect(page.get_by_role("heading", name="Research exports")).to_be_visible()
    no_horizontal_scroll(page)
    assert serious_violations(page) == []

    sample = page.locator("section").filter(has_text="sample activity")
    with page.expect_download() as download_info:
        sample.get_by_role("button", name="Tables (CSV, zipped)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-tables.zip")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    participants = list(
        csv.DictReader(io.StringIO(archive.read("participants.csv").decode("utf-8-sig")))
    )
    assert [p["participant"] for p in participants] == [f"P{n:02d}" for n in range(1, 13)]

    sample.get_by_label("Include display names").check()
    with page.expect_download() as download_info:
        sample.get_by_role("button", name="Focus-group transcript (text)").click()
    text = Path(download_info.value.path()).read_text(encoding="utf-8")
    assert ", step 1] Treating citizens equally\n" in text
    assert "\nP01: " in text or "(P01): " in text
