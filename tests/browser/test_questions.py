"""Two phones ask and vote on questions opened for the whole round; the console pins one and
the projector shows it large; answered questions move to their own list."""

import pytest
from playwright.sync_api import expect

from tests.browser.room import live_room, show_first
from tests.browser.test_every_kind import serious_violations
from tests.browser.test_live_round import no_horizontal_scroll
from tests.e2e.server import demo_round

pytestmark = pytest.mark.browser


def test_the_room_asks_votes_and_the_projector_shows_the_pinned_question(
    sqlite_deployment, start_server, new_page
):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console, projector, phones = live_room(new_page, server, facts, ["Anna", "Bo"])
    anna, bo = phones["Anna"], phones["Bo"]
    show_first(console, facts, "finding")

    # The facilitator opens questions on every step; both phones get the panel by themselves.
    panel = console.locator("#console-questions")
    panel.get_by_label("Open on every step (a panel on every phone)").check()
    panel.get_by_role("button", name="Save").click()
    expect(panel.get_by_label("Open on every step (a panel on every phone)")).to_be_checked()
    for phone in (anna, bo):
        expect(phone.locator("#questions")).to_be_visible()

    # Anna asks (markup stays text); Bo sees it live and votes; Anna cannot vote for her own.
    anna.get_by_label("Your question").fill("Why <b>leave</b> Snapchat?")
    anna.get_by_role("button", name="Ask", exact=True).click()
    expect(anna.locator("#my-questions")).to_contain_text("Why <b>leave</b> Snapchat?")
    own = anna.locator("#question-list [data-question]").first
    expect(own.locator(".upvote button")).to_be_hidden()
    question = bo.locator("#question-list [data-question]").first
    expect(question).to_contain_text("Why <b>leave</b> Snapchat?")
    question.locator(".upvote button").click()
    expect(bo.locator("#question-list [data-question]").first.locator(".voted")).to_be_visible()
    expect(anna.locator("#question-list")).to_contain_text("1 vote")
    no_horizontal_scroll(anna)

    # The console pins it: the projector shows it large over the finding.
    expect(panel).to_contain_text("1 vote")
    panel.get_by_role("button", name="Show on the projector").click()
    expect(projector.locator("#pinned-question")).to_contain_text("Why <b>leave</b> Snapchat?")
    assert serious_violations(anna) == []
    assert serious_violations(projector) == []
    assert serious_violations(console) == []

    # Answered: off the projector, into the answered list on the phones.
    panel.get_by_role("button", name="Mark answered").click()
    expect(bo.locator(".questions-answered")).to_contain_text("Why <b>leave</b> Snapchat?")
    expect(anna.locator("#my-questions")).to_contain_text("Answered.")
