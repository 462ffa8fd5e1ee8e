"""A round that opens with a recap of the last one, in real browsers: the console creates the new
round from the demo's played sample round, picks its results (a fourth is refused), starts it and
shows the recap; the projector and a phone show it without reloading, and every page passes axe.
"""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_kind import serious_violations
from tests.browser.test_live_round import (
    BIG_SCREEN,
    LIVE,
    PHONE,
    mark_loaded,
    no_horizontal_scroll,
)
from tests.browser.test_projector_fit import BODY_FLOOR, LABEL_FLOOR, PROBLEMS, settled
from tests.e2e.server import FACILITATOR, FACILITATOR_PASSWORD, manage, shell

pytestmark = pytest.mark.browser

_SAMPLE_ROUND = """
import json
from facilitation.deliberation.demo import demo_key
from facilitation.recap.services import result_steps
from facilitation.workshops.models import Round
round = Round.objects.get(workshop__demo_key=demo_key("en"), status="closed")
steps = [step.title for step in result_steps(round)]
print(json.dumps({"id": round.pk, "title": round.title, "result_steps": steps}))
"""


def join_as_newcomer(phone, url, name):
    """Join, skipping the research questions the sample round's workshop asks."""
    phone.goto(url)
    phone.get_by_label("Your name (optional)").fill(name)
    phone.get_by_role("button", name="Join").click()
    phone.get_by_role("button", name="Skip").click()
    expect(phone.get_by_text("Your personal code")).to_be_visible()
    expect(phone.locator("body")).to_have_class(LIVE)
    mark_loaded(phone)


def test_a_new_round_opens_with_a_recap_on_every_screen(sqlite_deployment, start_server, new_page):
    manage(sqlite_deployment, "seed_demo", "--facilitator", FACILITATOR, "--sample-activity")
    sample = json.loads(shell(sqlite_deployment, _SAMPLE_ROUND))
    server = start_server(sqlite_deployment)

    console = new_page("console", **BIG_SCREEN)
    console.goto(f"{server.url}/accounts/login/")
    console.locator("input[name=username]").fill(FACILITATOR)
    console.locator("input[name=password]").fill(FACILITATOR_PASSWORD)
    console.get_by_role("button", name="Log in").click()

    # A new round from the played one: the recap is offered, and ticked since it has results.
    console.goto(f"{server.url}/console/rounds/{sample['id']}/new-round/")
    offer = console.get_by_label("Start with a recap of this round")
    expect(offer).to_be_checked()
    console.get_by_label("Title of the new round").fill("June workshop")
    console.get_by_role("button", name="Create the new round").click()
    expect(console.locator("h1")).to_have_text("June workshop")

    # The recap's page: pick four (refused, nothing saved), then three.
    console.get_by_role("link", name="Edit the agenda").click()
    console.get_by_role("link", name="Edit: Where we left off").click()
    picker = console.locator("#recap-picker")
    expect(picker).to_contain_text(f"This round was started from “{sample['title']}”")
    boxes = picker.locator("input[name=pick]")
    assert boxes.count() > 3
    for number in range(4):
        boxes.nth(number).check()
    picker.get_by_role("button", name="Save what the recap shows").click()
    expect(picker.get_by_role("alert")).to_contain_text("at most 3 results; you chose 4")
    assert serious_violations(console) == []
    picker.locator("input[name=pick]").nth(3).uncheck()
    picker.get_by_role("button", name="Save what the recap shows").click()
    expect(picker.get_by_role("status")).to_contain_text("Saved: the recap shows your choice.")
    expect(picker.locator("input[name=pick]:checked")).to_have_count(3)
    titles = sample["result_steps"][:3]

    # Start the round, open the projector, a phone joins; the console shows the recap.
    console.get_by_role("link", name="June workshop").click()
    console.get_by_role("link", name="Run this round").click()
    console.get_by_role("button", name="Start the round").click()
    expect(console.locator("body")).to_have_class(LIVE)
    projector_url = console.get_by_role("link", name="Open the projector view").get_attribute(
        "href"
    )
    projector = new_page("projector", viewport={"width": 1280, "height": 720})
    projector.goto(f"{server.url}{projector_url}")
    code = console.locator(".controls strong[translate=no]").inner_text()
    phone = new_page("phone", **PHONE)
    join_as_newcomer(phone, f"{server.url}/r/{code}/", "Anna")
    console.locator(".agenda").get_by_role("button", name="1. Where we left off").click()
    expect(console.locator(".current")).to_contain_text("3 results picked.")

    # The projector and the phone follow by themselves, with the same three results.
    expect(projector.locator(".recap-result")).to_have_count(3)
    expect(phone.locator(".recap-result")).to_have_count(3)
    for title in titles:
        expect(projector.locator(".recap-board")).to_contain_text(title)
        expect(phone.locator("#stage")).to_contain_text(title)
    expect(projector.locator(".recap-conduct h2")).to_contain_text("Our code of conduct")
    expect(phone.locator(".recap-questions h2")).to_have_text("Questions still open")
    settled(projector)
    assert projector.evaluate(PROBLEMS, [LABEL_FLOOR, BODY_FLOOR]) == []
    no_horizontal_scroll(phone)
    assert phone.evaluate("window.loadedOnce") is True  # followed the screen, no reload
    for page in (console, projector, phone):
        assert serious_violations(page) == []
    # The refused fourth pick is the one error a browser logs (its 400).
    errors = new_page.errors()
    assert [line for line in errors.pop("console", []) if "status of 400" not in line] == []
    assert errors == {}
