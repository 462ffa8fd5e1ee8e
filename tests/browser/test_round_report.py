"""The round report in a real browser: the facilitator opens it from the console of a played
round, it passes axe, prints to an A4 PDF with a page per step and every step's title in it, and
once published the participants' page opens from the phone's join page."""

import io
import re
import unicodedata

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.test_every_kind import serious_violations
from tests.browser.test_live_round import BIG_SCREEN, PHONE, no_horizontal_scroll
from tests.e2e.server import FACILITATOR, FACILITATOR_PASSWORD, manage

pytestmark = pytest.mark.browser
A4 = (595, 842)  # points


def words(text):
    """Text as a PDF gives it back: lines broken anywhere and ligatures ("ﬁ") as one character,
    so compare with white space folded and compatibility characters spelled out."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def test_the_report_of_a_played_round_prints_a_page_per_step_and_opens_for_participants(
    sqlite_deployment, start_server, new_page
):
    manage(sqlite_deployment, "seed_demo", "--sample-activity", "--facilitator", FACILITATOR)
    server = start_server(sqlite_deployment)
    console = new_page("console", **BIG_SCREEN)
    console.goto(f"{server.url}/accounts/login/")
    console.locator("input[name=username]").fill(FACILITATOR)
    console.locator("input[name=password]").fill(FACILITATOR_PASSWORD)
    console.get_by_role("button", name="Log in").click()
    console.get_by_role("link", name=re.compile("sample activity")).click()
    console.get_by_role("link", name="Round report").click()
    expect(console.get_by_role("heading", level=1)).to_contain_text("Report of the round")
    assert serious_violations(console) == []

    titles = console.locator(".report-step[id^=report-step-] > h2").all_inner_texts()
    assert len(titles) == 15
    printed = console.pdf(prefer_css_page_size=True, print_background=True)
    pdf = PdfReader(io.BytesIO(printed))
    width, height = (round(float(v)) for v in pdf.pages[0].mediabox.upper_right)
    assert (width, height) == A4
    # A cover, then each step and the questions and the code on pages of their own.
    assert len(titles) + 3 <= len(pdf.pages) <= 3 * len(titles)
    text = words(" ".join(page.extract_text() for page in pdf.pages))
    for title in titles:
        assert words(title) in text, title
    assert "Publish the report" not in text, "the console's controls are not printed"
    pages = [words(page.extract_text()) for page in pdf.pages]
    for title in titles:
        # Each step begins a page: its title is near the top of some page.
        assert any(words(title) in page[:400] for page in pages), title

    console.get_by_role("button", name="Publish the report to the participants").click()
    expect(console.get_by_text("The report is published")).to_be_visible()
    participants_page = console.get_by_role("link", name="The participants' page")
    report_path = participants_page.get_attribute("href")
    join_path = report_path.removesuffix("report/")

    phone = new_page("phone", **PHONE)
    phone.goto(f"{server.url}{join_path}")
    phone.get_by_role("link", name="The report of this round").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Report of the round")
    expect(
        phone.get_by_role("button", name="Publish the report to the participants")
    ).to_have_count(0)
    no_horizontal_scroll(phone)
    assert serious_violations(phone) == []
    errors = new_page.errors()
    assert "console" not in errors
    # The join page of a closed round answers 409 (it can no longer be joined), as it should.
    assert all("status of 409" in line for line in errors.get("phone", [])), errors
