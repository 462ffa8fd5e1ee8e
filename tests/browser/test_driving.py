"""Driving the room: a phone starts each step at its title, the facilitator's keys drive the
projector (only a facilitator's), and the console's main controls work on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.room import live_room, show_first
from tests.browser.test_every_kind import serious_violations
from tests.browser.test_live_round import LIVE, PHONE, no_horizontal_scroll
from tests.e2e.server import demo_round, first_dilemma

pytestmark = pytest.mark.browser

# Where the element is in the viewport of the page: (top, bottom) in CSS pixels.
PLACE = "selector => { const r = document.querySelector(selector).getBoundingClientRect();"
PLACE += " return [r.top, r.bottom]; }"


def in_view(page, selector):
    top, bottom = page.evaluate(PLACE, selector)
    return top >= 0 and bottom <= page.viewport_size["height"]


def test_a_phone_starts_each_step_at_its_title(sqlite_deployment, start_server, new_page):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console, _projector, phones = live_room(new_page, server, facts, ["Anna"])
    anna = phones["Anna"]
    dilemma = first_dilemma(facts)
    after = facts["steps"][facts["steps"].index(dilemma) + 1]

    # Just joined: the personal code large, to write down or copy.
    anna.context.grant_permissions(["clipboard-read", "clipboard-write"])
    anna.get_by_role("button", name="Copy the code").click()
    expect(anna.locator(".welcome-code .copy-said")).to_have_text("Copied.")
    copied = anna.evaluate("() => navigator.clipboard.readText()")
    expect(anna.locator(".welcome-code .code")).to_have_text(copied)

    show_first(console, facts, "dilemma")
    expect(anna.locator("#stage h1")).to_have_text(dilemma["title"])
    # Loaded afresh (the code is behind "Your code" now), the title and the first line show.
    anna.goto(f"{server.url}/r/{facts['join_code']}/")
    expect(anna.locator("body")).to_have_class(LIVE)
    assert in_view(anna, "#stage h1")
    assert in_view(anna, "#stage h1 + *")
    assert anna.evaluate("window.scrollY") == 0
    anna.get_by_text("Your code").click()
    expect(anna.locator(".your-code .code")).to_be_visible()
    assert serious_violations(anna) == []
    no_horizontal_scroll(anna)

    # She scrolls down to the options; the next step starts at its title, not down there.
    anna.locator("button.option").last.scroll_into_view_if_needed()
    assert anna.evaluate("window.scrollY") > 300
    console.get_by_role("button", name="Next →").click()
    expect(anna.locator("#stage h1")).to_have_text(after["title"])
    assert in_view(anna, "#stage h1")
    expect(anna.locator("#stage h1")).to_be_focused()
    assert serious_violations(anna) == []


def test_the_keys_drive_the_room_from_a_facilitators_projector(
    sqlite_deployment, start_server, new_page
):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console, _anonymous, phones = live_room(new_page, server, facts, ["Anna"])
    steps = facts["steps"]
    # The projector opened from the console: the same browser, logged in as the facilitator.
    projector = console.context.new_page()
    projector.set_viewport_size({"width": 1280, "height": 720})
    projector.goto(f"{server.url}/projector/{facts['projector_key']}/")
    expect(projector.locator("body")).to_have_class(LIVE)
    title = projector.locator("#stage h1")

    projector.keyboard.press("ArrowRight")
    expect(title).to_have_text(steps[0]["title"])
    projector.keyboard.press("PageDown")  # what a clicker sends
    expect(title).to_have_text(steps[1]["title"])
    expect(phones["Anna"].locator("#stage h1")).to_have_text(steps[1]["title"])
    projector.keyboard.press("PageUp")
    expect(title).to_have_text(steps[0]["title"])
    projector.keyboard.press("ArrowLeft")
    expect(projector.locator(".lobby")).to_be_visible()
    projector.keyboard.press("ArrowLeft")  # before the lobby there is nothing: it says so
    expect(projector.locator(".keys-said")).to_contain_text("already the start of the agenda")

    dilemma = show_first(console, facts, "dilemma")
    expect(title).to_have_text(dilemma["title"])
    expect(projector.locator("#results")).to_contain_text("results are hidden")
    projector.keyboard.press("r")
    expect(projector.locator("#results .bar-value")).to_have_count(len(dilemma["options"]))
    expect(console.get_by_role("button", name="Hide results")).to_be_visible()
    projector.keyboard.press("r")
    expect(projector.locator("#results")).to_contain_text("results are hidden")
    projector.keyboard.press("l")
    expect(console.get_by_role("button", name="Reopen voting")).to_be_visible()
    for button in phones["Anna"].locator("button.option").all():
        expect(button).to_be_disabled()
    projector.keyboard.press("l")
    expect(console.get_by_role("button", name="Lock voting")).to_be_visible()

    projector.keyboard.press("b")
    expect(projector.locator(".blank-screen")).to_be_visible()
    expect(projector.locator(".blank-screen")).to_contain_text(facts["join_code"])
    expect(title).to_be_hidden()
    expect(console.locator(".presenter")).to_contain_text("blanked")
    projector.keyboard.press("j")  # the join code goes over anything, the dark screen too
    expect(projector.locator(".join-overlay svg")).to_be_visible()
    assert serious_violations(projector) == []
    projector.keyboard.press("j")
    expect(projector.locator(".join-overlay")).to_have_count(0)
    projector.keyboard.press("b")
    expect(projector.locator(".blank-screen")).to_have_count(0)
    expect(title).to_be_visible()

    projector.keyboard.press("Shift+?")
    expect(projector.locator("#keys-help")).to_be_visible()
    assert serious_violations(projector) == []
    projector.keyboard.press("Escape")
    expect(projector.locator("#keys-help")).to_be_hidden()
    projector.keyboard.press("f")
    expect(projector.locator("html:fullscreen")).to_have_count(1)
    projector.keyboard.press("f")
    expect(projector.locator("html:fullscreen")).to_have_count(0)

    # The console has the same keys, beside its buttons.
    console.locator("body").press("b")
    expect(console.get_by_role("button", name="Show the projector again")).to_be_visible()
    expect(projector.locator(".blank-screen")).to_be_visible()
    console.locator("body").press("PageDown")
    expect(title).to_have_text(steps[steps.index(dilemma) + 1]["title"])
    assert serious_violations(console) == []


def test_the_keys_do_nothing_on_a_projector_opened_without_a_login(
    sqlite_deployment, start_server, new_page
):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console, projector, _phones = live_room(new_page, server, facts, [])
    posts = []
    projector.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    expect(projector.locator(".lobby")).to_be_visible()
    assert projector.locator("#keys").count() == 0
    for key in ("ArrowRight", "PageDown", "r", "l", "b", "j"):
        projector.keyboard.press(key)
    # The console moves one step; the projector follows that and nothing else.
    console.get_by_role("button", name="Next →").click()
    expect(projector.locator("#stage h1")).to_have_text(facts["steps"][0]["title"])
    expect(console.locator(".presenter-now")).to_contain_text(facts["steps"][0]["title"])
    expect(projector.locator(".blank-screen, .join-overlay")).to_have_count(0)
    assert posts == []


def test_the_consoles_main_controls_work_on_a_phone(sqlite_deployment, start_server, new_page):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console, projector, _phones = live_room(new_page, server, facts, ["Anna"])
    pocket = new_page("console on a phone", **PHONE)
    pocket.context.add_cookies(console.context.cookies())
    pocket.goto(console.url)
    expect(pocket.locator("body")).to_have_class(LIVE)
    no_horizontal_scroll(pocket)
    assert serious_violations(pocket) == []

    steps = facts["steps"]
    pocket.get_by_role("button", name="Next →").click()
    expect(projector.locator("#stage h1")).to_have_text(steps[0]["title"])
    expect(pocket.locator(".presenter-now")).to_contain_text(steps[0]["title"])
    expect(pocket.locator(".presenter-next")).to_contain_text(steps[1]["title"])
    pocket.get_by_role("button", name="← Previous").click()
    expect(projector.locator(".lobby")).to_be_visible()

    dilemma = show_first(pocket, facts, "dilemma")
    expect(projector.locator("#stage h1")).to_have_text(dilemma["title"])
    pocket.get_by_role("button", name="Reveal results").click()
    expect(projector.locator("#results .bar-value")).to_have_count(len(dilemma["options"]))
    pocket.get_by_role("button", name="Lock voting").click()
    expect(pocket.get_by_role("button", name="Reopen voting")).to_be_visible()
    pocket.get_by_role("button", name="Pause").click()
    expect(projector.locator("#stage")).to_contain_text("Paused")
    expect(pocket.get_by_role("button", name="Resume")).to_be_visible()
    no_horizontal_scroll(pocket)
    assert serious_violations(pocket) == []
