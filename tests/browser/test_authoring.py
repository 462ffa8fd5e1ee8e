"""A facilitator builds a workshop in a real browser: steps of several kinds, reordered by
keyboard, previewed as the phone and the projector show them; every page passes axe."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_kind import serious_violations
from tests.browser.test_live_round import BIG_SCREEN, PHONE, no_horizontal_scroll
from tests.e2e.server import FACILITATOR, FACILITATOR_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, server):
    page.goto(f"{server.url}/accounts/login/")
    page.locator("input[name=username]").fill(FACILITATOR)
    page.locator("input[name=password]").fill(FACILITATOR_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your workshops")).to_be_visible()


def add_step(page, kind_label):
    page.get_by_label("Kind of step").select_option(label=kind_label)
    page.locator(".add-step").get_by_role("button", name="Add a step").click()
    expect(page.get_by_role("heading", name=f"New step: {kind_label}")).to_be_visible()


def agenda_titles(page):
    return page.locator(".agenda-list .agenda-step-title a").all_inner_texts()


def test_a_facilitator_builds_reorders_and_previews_an_agenda(
    sqlite_deployment, start_server, new_page
):
    server = start_server(sqlite_deployment)
    page = new_page("console", **BIG_SCREEN)
    log_in(page, server)
    assert serious_violations(page) == []

    page.get_by_role("link", name="New workshop").click()
    assert serious_violations(page) == []
    page.get_by_label("Title").fill("Autumn series")
    page.get_by_role("button", name="Create the workshop").click()
    expect(page.get_by_role("heading", name="Autumn series")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Title of the round").fill("October")
    page.get_by_role("button", name="Add a round").click()
    expect(page.get_by_role("heading", name="October")).to_be_visible()
    assert serious_violations(page) == []

    # A single choice with two options, one added after "Save and add more".
    add_step(page, "Single choice")
    assert serious_violations(page) == []
    page.get_by_label("Title", exact=True).fill("Who answers at night?")
    page.get_by_label("Text (Markdown)").fill("Comments arrive **after hours**.")
    labels = page.locator(".formset-row").get_by_label("Label")
    labels.nth(0).fill("The duty officer")
    labels.nth(1).fill("Nobody <b>at all</b>")
    page.get_by_role("button", name="Save and add more").click()
    expect(page.locator(".problems")).to_contain_text("Option 2, label: contains HTML markup")
    assert serious_violations(page) == []
    page.locator(".formset-row").get_by_label("Label").nth(1).fill("Nobody at all")
    page.get_by_role("button", name="Save and add more").click()
    expect(page.get_by_role("heading", name="Edit “Who answers at night?”")).to_be_visible()
    page.locator(".formset-row").get_by_label("Label").nth(2).fill("An agency")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".agenda-list")).to_contain_text("Who answers at night?")

    # Too few options: the message says so, and nothing is added.
    add_step(page, "Ranking")
    page.get_by_label("Title", exact=True).fill("Only one item")
    page.locator(".formset-row").get_by_label("Label").nth(0).fill("Lonely")
    page.get_by_role("button", name="Add the step").click()
    expect(page.locator(".problems")).to_contain_text("from 2 to 10 options")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Cancel").click()

    # A scale with its labels.
    add_step(page, "Scale")
    page.get_by_label("Title", exact=True).fill("How personal can we sound?")
    page.get_by_label("Number of points").fill("7")
    page.get_by_label("Label of the lowest point").fill("Strictly formal")
    page.get_by_label("Label of the highest point").fill("Relaxed")
    page.get_by_role("button", name="Add the step").click()
    expect(page.locator(".agenda-list > li")).to_have_count(2)
    assert agenda_titles(page) == ["Who answers at night?", "How personal can we sound?"]
    assert serious_violations(page) == []

    # Reorder by keyboard: focus "Move up" on the scale and press Enter; focus stays on it.
    up = page.get_by_role("button", name="Move up: How personal can we sound?")
    up.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".agenda-notice")).to_contain_text("moved up")
    assert agenda_titles(page) == ["How personal can we sound?", "Who answers at night?"]
    expect(page.get_by_role("button", name="Move up: How personal can we sound?")).to_be_focused()

    # Duplicate, delete the copy, undo.
    page.get_by_role("button", name="Duplicate: Who answers at night?").click()
    expect(page.locator(".agenda-list > li")).to_have_count(3)
    page.get_by_role("button", name="Delete: Copy of Who answers at night?").click()
    expect(page.locator(".agenda-list > li")).to_have_count(2)
    expect(page.get_by_role("button", name="Undo")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".agenda-list > li")).to_have_count(3)
    assert agenda_titles(page)[2] == "Copy of Who answers at night?"
    assert serious_violations(page) == []

    # Preview as the phone shows it, at phone size, and as the projector shows it.
    phone_preview = page.get_by_role("link", name="phone: Who answers at night?").get_attribute(
        "href"
    )
    phone = new_page("phone preview", **PHONE)
    log_in(phone, server)
    phone.goto(server.url + phone_preview)
    expect(phone.locator("#stage h1")).to_have_text("Who answers at night?")
    expect(phone.locator("button.option")).to_have_count(3)
    expect(phone.locator("button.option").nth(1)).to_contain_text("Nobody at all")
    expect(phone.locator("button.option").first).to_be_disabled()
    no_horizontal_scroll(phone)
    assert serious_violations(phone) == []
    # The editor itself works on a phone too.
    phone.get_by_role("link", name="Back to the agenda").click()
    expect(phone.locator(".agenda-list > li")).to_have_count(3)
    no_horizontal_scroll(phone)
    phone.locator(".agenda-list .agenda-step-title a").first.click()
    expect(phone.get_by_role("button", name="Save", exact=True)).to_be_visible()
    no_horizontal_scroll(phone)

    page.get_by_role("link", name="projector: How personal can we sound?").click()
    expect(page.locator("#stage h1")).to_have_text("How personal can we sound?")
    expect(page.locator("body")).to_have_class("projector preview-page")
    page.get_by_role("link", name="With results").click()
    expect(page.locator("#results")).to_contain_text("No answers yet")
    expect(page.locator("#results")).to_contain_text("7 · Relaxed")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Back to the agenda").click()
    expect(page.locator(".agenda-list > li")).to_have_count(3)

    # The workshop page: invite an unknown co-facilitator, export the template.
    page.get_by_role("link", name="Autumn series").click()
    page.get_by_label("Username of the co-facilitator").fill("nobody-here")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator(".field.invalid")).to_contain_text("There is no user called “nobody-here”")
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the template").click()
    assert download.value.suggested_filename == "autumn-series-template.json"

    # Import page, with a broken file: the problems are listed.
    page.goto(f"{server.url}/console/workshops/import/")
    page.get_by_label("Template file (JSON)").set_input_files(
        files=[{"name": "t.json", "mimeType": "application/json", "buffer": b'{"rounds": 3}'}]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator(".problems")).to_contain_text("not a Balans workshop template")
    assert serious_violations(page) == []
