"""A phone answers one step of every kind in a real browser; the projector follows; axe checks."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.test_live_round import BIG_SCREEN, LIVE, PHONE, join, no_horizontal_scroll
from tests.e2e.server import FACILITATOR, FACILITATOR_PASSWORD, demo_round

pytestmark = pytest.mark.browser

SERIOUS = {"serious", "critical"}


def serious_violations(page):
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


def answer_choice(phone):
    phone.locator("button.option").first.click()
    expect(phone.locator('button.option[aria-pressed="true"]')).to_have_count(1)


def answer_multiple_choice(phone):
    phone.locator(".option.check input").first.check()
    phone.get_by_role("button", name="Send").click()
    expect(phone.locator(".answer-status")).to_contain_text("saved")


def answer_scale(phone):
    phone.locator("button.scale-point", has_text="3").click()
    expect(phone.locator(".answer-status")).to_contain_text("saved")


def answer_ranking(phone):
    ranks = phone.locator("#stage select")
    for number in range(ranks.count()):
        ranks.nth(number).select_option(str(number + 1))
    phone.get_by_role("button", name="Send my ranking").click()
    expect(phone.locator("#stage")).to_contain_text("Your ranking as saved")


def answer_statements(phone):
    phone.locator("button.statement-answer.agree").first.click()
    expect(phone.locator('button.statement-answer[aria-pressed="true"]')).to_have_count(1)


def answer_open_text(phone):
    phone.locator("#stage textarea").fill("Vår egen röst, inte plattformens <b>ljud</b>")
    phone.get_by_role("button", name="Send").click()
    expect(phone.get_by_role("button", name="Update my answer")).to_be_visible()


def answer_placement(phone):
    slider = phone.locator('#stage input[type="range"]')
    slider.focus()
    for _ in range(3):
        slider.press("PageUp")
    phone.get_by_role("button", name="Save my placement").click()
    expect(phone.get_by_role("button", name="Update my placement")).to_be_visible()


# How a person answers each kind on the phone, and what the projector then shows.
ANSWERS = {
    "dilemma": (answer_choice, "100% · 1 vote"),
    "single_choice": (answer_choice, "100% · 1 vote"),
    "multiple_choice": (answer_multiple_choice, "1 person answered"),
    "scale": (answer_scale, "Median 3 · 1 answer"),
    "ranking": (answer_ranking, "1 answer · average rank"),
    "statements": (answer_statements, "agree 100% (1)"),
    "open_text": (answer_open_text, "<b>ljud</b>"),
    "placement": (answer_placement, "1 answer"),
}


def open_console(new_page, server, facts):
    console = new_page("console", **BIG_SCREEN)
    console.goto(f"{server.url}/accounts/login/")
    console.locator("input[name=username]").fill(FACILITATOR)
    console.locator("input[name=password]").fill(FACILITATOR_PASSWORD)
    console.get_by_role("button", name="Log in").click()
    console.goto(f"{server.url}/console/rounds/{facts['id']}/")
    expect(console.locator("body")).to_have_class(LIVE)
    return console


@pytest.mark.long
def test_a_phone_answers_every_kind_and_the_pages_pass_axe(
    sqlite_deployment, start_server, new_page
):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console = open_console(new_page, server, facts)
    console.get_by_role("button", name="Start the round").click()
    projector = new_page("projector", **BIG_SCREEN)
    projector.goto(f"{server.url}/projector/{facts['projector_key']}/")
    expect(projector.locator("body")).to_have_class(LIVE)
    phone = new_page("phone", **PHONE)
    join(phone, f"{server.url}/r/{facts['join_code']}/", "Anna")
    assert serious_violations(phone) == []
    assert serious_violations(projector) == []
    assert serious_violations(console) == []

    kinds_seen = set()
    for number, step in enumerate(facts["steps"], start=1):
        console.locator(".agenda").get_by_role("button", name=f"{number}. {step['title']}").click()
        expect(phone.locator("#stage h1")).to_have_text(step["title"])
        expect(projector.locator("#stage h1")).to_have_text(step["title"])
        if step["kind"] in ANSWERS:
            answer, shown = ANSWERS[step["kind"]]
            answer(phone)
            reveal = console.get_by_role("button", name="Reveal results")
            if reveal.count():
                reveal.click()
            expect(projector.locator("#results")).to_contain_text(shown)
        no_horizontal_scroll(phone)
        assert serious_violations(phone) == [], step["kind"]
        assert serious_violations(projector) == [], step["kind"]
        kinds_seen.add(step["kind"])
    assert kinds_seen == set(ANSWERS) | {"finding", "discussion", "conduct"}
    assert serious_violations(console) == []
