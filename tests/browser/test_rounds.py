"""Two rounds of one workshop in real browsers: May is run and closed, November starts from it,
Anna comes back on a new phone with her personal code, Bo on the same browser, and the projector
shows then versus now for the dilemma asked again."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_kind import open_console, serious_violations
from tests.browser.test_live_round import BIG_SCREEN, LIVE, PHONE, join, no_horizontal_scroll
from tests.e2e.server import demo_round, first_dilemma

pytestmark = pytest.mark.browser


def show_step(console, number, title):
    console.locator(".agenda").get_by_role("button", name=f"{number}. {title}").click()
    expect(console.locator(".current h3")).to_have_text(title)


def vote(phone, title, label):
    expect(phone.locator("#stage h1")).to_have_text(title)
    phone.get_by_role("button", name=label).click()
    expect(phone.get_by_role("button", name=label)).to_have_attribute("aria-pressed", "true")


def test_a_second_round_continues_the_first_with_then_and_now(
    sqlite_deployment, start_server, new_page
):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    dilemma = first_dilemma(facts)
    number = facts["steps"].index(dilemma) + 1
    first, second = (option["label"] for option in dilemma["options"][:2])

    # May: Anna chooses the first option, Bo the second; the round closes.
    console = open_console(new_page, server, facts)
    console.get_by_role("button", name="Start the round").click()
    expect(console.locator("#stage .badge")).to_have_text("Live")
    may_url = f"{server.url}/r/{facts['join_code']}/"
    anna, bo = new_page("Anna's phone in May", **PHONE), new_page("Bo's phone", **PHONE)
    join(anna, may_url, "Anna")
    join(bo, may_url, "Bo")
    code = anna.locator(".personal-code .code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    show_step(console, number, dilemma["title"])
    vote(anna, dilemma["title"], first)
    vote(bo, dilemma["title"], second)
    console.once("dialog", lambda dialog: dialog.accept())  # hx-confirm asks first
    console.get_by_role("button", name="Close the round").click()
    expect(console.locator("#stage .badge")).to_have_text("Closed")

    # November from May: the dilemma is asked again; the page passes axe.
    console.get_by_role("link", name="New round from this one").click()
    expect(console.locator("h1")).to_contain_text("A new round from")
    assert serious_violations(console) == []
    rerun = console.locator(f"tr:has-text('{dilemma['title']}') input[name=rerun]")
    expect(rerun).to_be_checked()
    # It opens with a recap of May, the agenda's first step: the dilemma moves down one.
    expect(console.get_by_label("Start with a recap of this round")).to_be_checked()
    number += 1
    console.get_by_label("Title of the new round").fill("November workshop")
    console.get_by_role("button", name="Create the new round").click()
    expect(console.locator("h1")).to_have_text("November workshop")
    expect(console.locator("body")).to_have_class(LIVE)
    console.get_by_role("button", name="Start the round").click()
    expect(console.locator("#stage .badge")).to_have_text("Live")
    november_code = console.locator(".controls strong[translate=no]").inner_text()
    assert november_code != facts["join_code"]

    # The personal code cards pass axe and carry Anna's code.
    cards = new_page("cards", **BIG_SCREEN)
    cards.context.add_cookies(console.context.cookies())
    cards.goto(console.url + "cards/")
    expect(cards.locator(".rejoin-card", has_text="Anna")).to_contain_text(code)
    assert serious_violations(cards) == []

    # Anna on a new phone (a fresh browser context) comes back with her code.
    november_url = f"{server.url}/r/{november_code}/"
    new_phone = new_page("Anna's new phone", **PHONE)
    new_phone.goto(november_url)
    new_phone.get_by_text("Took part before on another phone? Use your personal code").click()
    new_phone.get_by_label("Your personal code").fill(code.lower())
    new_phone.get_by_role("button", name="Continue with my code").click()
    expect(new_phone.locator(".bar-who")).to_have_text("Anna")
    expect(new_phone.locator("body")).to_have_class(LIVE)
    no_horizontal_scroll(new_phone)
    # Bo's browser still knows him.
    bo.goto(november_url)
    expect(bo.get_by_role("heading", name="Welcome back, Bo")).to_be_visible()
    bo.get_by_role("button", name="Continue").click()
    expect(bo.locator("body")).to_have_class(LIVE)
    expect(console.locator("#people")).to_have_text("2 people have joined")

    # November's dilemma: Anna changes her mind, Bo does not.
    projector = new_page("projector", **BIG_SCREEN)
    projector.goto(
        server.url
        + console.get_by_role("link", name="Open the projector view").get_attribute("href")
    )
    expect(projector.locator("body")).to_have_class(LIVE)
    show_step(console, number, dilemma["title"])
    vote(new_phone, dilemma["title"], second)
    vote(bo, dilemma["title"], second)
    console.get_by_role("button", name="Reveal results").click()
    then_and_now = projector.locator(".then-and-now")
    expect(then_and_now).to_contain_text("Then (May workshop) and now")
    expect(then_and_now).to_contain_text(
        "Of the 2 people who answered both times, 1 changed their answer."
    )
    expect(then_and_now.locator("li", has_text=first)).to_contain_text("50% · 1 vote")
    expect(then_and_now.locator("li", has_text=second)).to_contain_text("100% · 2 votes")
    expect(console.locator(".then-and-now")).to_contain_text("1 changed their answer")
    assert serious_violations(projector) == []
    expect(new_phone.locator(".then-and-now")).to_contain_text("1 changed their answer")
    no_horizontal_scroll(new_phone)
    assert serious_violations(new_phone) == []


def test_consent_questions_and_withdrawal_on_a_phone(sqlite_deployment, start_server, new_page):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console = open_console(new_page, server, facts)
    console.get_by_role("button", name="Start the round").click()
    expect(console.locator("#stage .badge")).to_have_text("Live")

    console.goto(f"{server.url}/console/")
    console.get_by_role("link", name="What participants are asked").click()
    assert serious_violations(console) == []
    console.get_by_label("Questions for the research").fill(
        "Municipality\nRole: Communicator, Manager"
    )
    console.get_by_label("Consent text").fill(
        "We keep your answers, under a pseudonym, for research."
    )
    console.get_by_label("Remove their contributions").check()
    console.get_by_role("button", name="Save").click()
    expect(console.get_by_text("Saved.")).to_be_visible()

    phone = new_page("phone", **PHONE)
    phone.goto(f"{server.url}/r/{facts['join_code']}/")
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("h1")).to_have_text("Before you take part")
    assert serious_violations(phone) == []
    phone.get_by_role("button", name="I agree and take part").click()
    expect(phone.locator("h1")).to_have_text("A few questions for the research")
    assert serious_violations(phone) == []
    no_horizontal_scroll(phone)
    phone.get_by_label("Municipality").fill("Umeå")
    phone.get_by_label("Role").select_option("Manager")
    phone.get_by_role("button", name="Save and continue").click()
    expect(phone.locator("body")).to_have_class(LIVE)

    # As after joining, the phone opens with the personal code shown.
    expect(phone.locator(".personal-code .code")).to_be_visible()
    phone.get_by_role("link", name="Withdraw from this workshop").click()
    assert serious_violations(phone) == []
    phone.get_by_role("button", name="Withdraw").click()
    expect(phone.locator("h1")).to_have_text("You have withdrawn")
