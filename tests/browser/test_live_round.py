"""A whole live round in real browsers: console, projector and two phones, nobody reloading."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.server import FACILITATOR, FACILITATOR_PASSWORD, demo_round, first_dilemma

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
BIG_SCREEN = {"viewport": {"width": 1280, "height": 800}}
LIVE = re.compile(r"(^|\s)live(\s|$)")


def no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url} is {width} px wide on a 360 px phone"


def mark_loaded(page):
    """Leave a mark in the page's memory: a reload would wipe it."""
    page.evaluate("window.loadedOnce = true")


def join(phone, url, name):
    phone.goto(url)
    no_horizontal_scroll(phone)
    phone.get_by_label("Your name (optional)").fill(name)
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_text("Your personal code")).to_be_visible()
    expect(phone.locator("body")).to_have_class(LIVE)
    no_horizontal_scroll(phone)
    mark_loaded(phone)


def test_a_live_round_in_four_browsers(sqlite_deployment, start_server, new_page):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    steps = facts["steps"]
    dilemma = first_dilemma(facts)
    first_step, step_after = steps[0], steps[steps.index(dilemma) + 1]
    options = [option["label"] for option in dilemma["options"]]

    console = new_page("console", **BIG_SCREEN)
    console.goto(f"{server.url}/accounts/login/")
    console.locator("input[name=username]").fill(FACILITATOR)
    console.locator("input[name=password]").fill(FACILITATOR_PASSWORD)
    console.get_by_role("button", name="Log in").click()
    console.get_by_role("link", name=facts["title"]).click()
    expect(console).to_have_url(f"{server.url}/console/rounds/{facts['id']}/")
    expect(console.locator("body")).to_have_class(LIVE)
    mark_loaded(console)

    projector = new_page("projector", **BIG_SCREEN)
    projector_href = console.get_by_role("link", name="Open the projector view").get_attribute(
        "href"
    )
    assert projector_href == f"/projector/{facts['projector_key']}/"
    projector.goto(server.url + projector_href)
    expect(projector.locator("body")).to_have_class(LIVE)
    expect(projector.locator("#stage")).to_contain_text("Not started yet.")
    mark_loaded(projector)

    console.get_by_role("button", name="Start the round").click()
    expect(console.locator("#stage .badge")).to_have_text("Live")
    expect(projector.locator("#stage")).not_to_contain_text("Not started yet.")
    expect(projector.locator(".join-code")).to_have_text(facts["join_code"])
    expect(projector.locator(".qr svg")).to_be_visible()
    people = projector.locator("#people")
    expect(people).to_have_text("0 people have joined")

    join_url = f"{server.url}/r/{facts['join_code']}/"
    anna, bo = new_page("phone Anna", **PHONE), new_page("phone Bo", **PHONE)
    join(anna, join_url, "Anna")
    expect(people).to_have_text("1 person has joined")
    join(bo, join_url, "Bo")
    expect(people).to_have_text("2 people have joined")
    expect(console.locator("#people")).to_have_text("2 people have joined")

    console.get_by_role("button", name="Next →").click()
    for page in (anna, bo, projector):
        expect(page.locator("#stage h1")).to_have_text(first_step["title"])
    console.get_by_role("button", name=dilemma["title"]).click()
    for page in (anna, bo, projector):
        expect(page.locator("#stage h1")).to_have_text(dilemma["title"])
    for phone in (anna, bo):
        expect(phone.locator("button.option")).to_have_count(len(options))
        no_horizontal_scroll(phone)

    def option(phone, label):
        return phone.locator("button.option", has_text=label)

    option(anna, options[0]).click()
    expect(option(anna, options[0])).to_have_attribute("aria-pressed", "true")
    option(bo, options[1]).click()
    expect(option(bo, options[1])).to_have_attribute("aria-pressed", "true")
    option(anna, options[2]).click()  # Anna changes her mind.
    expect(option(anna, options[2])).to_have_attribute("aria-pressed", "true")
    expect(option(anna, options[0])).to_have_attribute("aria-pressed", "false")

    # Dilemmas hide results until revealed: the room sees only how many have answered.
    results = projector.locator("#results")
    expect(results).to_contain_text("2 answers so far · results are hidden")
    expect(console.locator("#results .answered")).to_contain_text("2 of 2 have answered")
    for page in (projector, anna, bo):
        expect(page.locator("#results .bar-value")).to_have_count(0)

    console.get_by_role("button", name="Reveal results").click()
    expected_bars = {
        options[0]: "0% · 0 votes",
        options[1]: "50% · 1 vote",
        options[2]: "50% · 1 vote",
    }
    for page in (projector, anna, bo):
        for label, value in expected_bars.items():
            bar = page.locator("#results .bar", has_text=label)
            expect(bar.locator(".bar-value")).to_have_text(value)

    console.get_by_role("button", name="Lock voting").click()
    expect(console.get_by_role("button", name="Reopen voting")).to_be_visible()
    for phone in (anna, bo):
        for button in phone.locator("button.option").all():
            expect(button).to_be_disabled()
        expect(phone.locator(".answer-status")).to_have_text("Voting is closed.")

    console.get_by_role("button", name="Next →").click()
    for page in (anna, bo, projector):
        expect(page.locator("#stage h1")).to_have_text(step_after["title"])

    console.once("dialog", lambda dialog: dialog.accept())  # hx-confirm asks first
    console.get_by_role("button", name="Close the round").click()
    expect(console.locator("#stage .badge")).to_have_text("Closed")
    for page in (anna, bo, projector):
        expect(page.locator("#stage")).to_contain_text("This round has ended.")

    for page in (console, projector, anna, bo):
        assert page.evaluate("window.loadedOnce") is True, f"{page.url} was reloaded"
    assert new_page.errors() == {}
