"""An observer writes a field note on a 360 px phone while the round runs; axe finds nothing
serious, and the participant's phone never shows the note."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_kind import open_console, serious_violations
from tests.browser.test_live_round import PHONE, join, no_horizontal_scroll
from tests.e2e.server import FACILITATOR, FACILITATOR_PASSWORD, demo_round

pytestmark = pytest.mark.browser


def test_an_observer_writes_a_field_note_on_a_phone(sqlite_deployment, start_server, new_page):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console = open_console(new_page, server, facts)
    console.get_by_role("button", name="Start the round").click()
    phone = new_page("phone", **PHONE)
    join(phone, f"{server.url}/r/{facts['join_code']}/", "Anna")

    observer = new_page("observer", **PHONE)
    observer.goto(f"{server.url}/accounts/login/")
    observer.locator("input[name=username]").fill(FACILITATOR)
    observer.locator("input[name=password]").fill(FACILITATOR_PASSWORD)
    observer.get_by_role("button", name="Log in").click()
    observer.goto(f"{server.url}/console/rounds/{facts['id']}/observe/")
    expect(observer.get_by_role("heading", name="Observer view")).to_be_visible()
    expect(observer.locator("#now")).to_contain_text("The lobby")
    no_horizontal_scroll(observer)
    assert serious_violations(observer) == []

    # With the keyboard only: the text, the participant, and Enter on the button.
    observer.get_by_label("What you observe").fill("Anna waits for the others")
    observer.get_by_label("About a participant").select_option(label="P01")
    observer.get_by_role("button", name="Save the note").focus()
    observer.keyboard.press("Enter")
    note = observer.locator(".field-notes li").first
    expect(note).to_contain_text("Anna waits for the others")
    expect(note).to_contain_text("P01")
    expect(observer.get_by_label("What you observe")).to_have_value("")
    no_horizontal_scroll(observer)
    assert serious_violations(observer) == []
    expect(phone.locator("body")).not_to_contain_text("Anna waits for the others")
