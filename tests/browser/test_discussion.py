"""Three phones in two breakout groups discuss; each sees only its group's notes, the console
sees all, and the projector shows the groups and then the report-back."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.room import live_room, show_first
from tests.browser.test_every_kind import serious_violations
from tests.browser.test_live_round import no_horizontal_scroll
from tests.e2e.server import demo_round

pytestmark = pytest.mark.browser

GROUP = re.compile(r"You are in (Group \d)")


def test_groups_discuss_and_report_back(sqlite_deployment, start_server, new_page):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console, projector, phones = live_room(new_page, server, facts, ["Anna", "Bo", "Cai"])
    expect(console.locator("#groups")).to_contain_text("3 people in the room")

    # The facilitator splits the room into two groups at random, then shows the discussion.
    panel = console.locator("#groups")
    panel.get_by_label("Number").fill("2")
    panel.get_by_role("button", name="Split into groups").click()
    expect(panel.locator(".group-card")).to_have_count(2)
    discussion = show_first(console, facts, "discussion")
    for page in (*phones.values(), projector):
        expect(page.locator("#stage h1")).to_have_text(discussion["title"])
    expect(projector.locator("#discussion .group-card")).to_have_count(2)
    for name in phones:
        expect(projector.locator("#discussion")).to_contain_text(name)

    # Each phone says which group it is in; each person adds a note.
    group_of = {}
    for name, phone in phones.items():
        expect(phone.locator(".my-group")).to_contain_text("You are in Group")
        group_of[name] = GROUP.search(phone.locator(".my-group").inner_text()).group(1)
    assert len(set(group_of.values())) == 2
    for name, phone in phones.items():
        phone.get_by_label("Your note", exact=True).fill(f"Idé från {name} <b>fet</b>")
        phone.get_by_role("button", name="Add note").click()
        expect(phone.locator("#my-discussion-notes")).to_contain_text(f"Idé från {name}")

    # Each phone's shared list holds its own group's notes and no others, live.
    for name, phone in phones.items():
        shared = phone.locator("#group-notes")
        for other, group in group_of.items():
            if group == group_of[name]:
                expect(shared).to_contain_text(f"Idé från {other} <b>fet</b>")
            else:
                expect(shared).not_to_contain_text(f"Idé från {other}")
        no_horizontal_scroll(phone)

    # The console sees every group's notes; the projector only counts them until report-back.
    for name in phones:
        expect(console.locator("#discussion")).to_contain_text(f"Idé från {name}")
    expect(projector.locator("#discussion .total")).to_have_text("3 notes")
    expect(projector.locator("#discussion")).not_to_contain_text("Idé från")
    anna = phones["Anna"]
    assert serious_violations(anna) == []
    assert serious_violations(projector) == []
    assert serious_violations(console) == []

    # A note with markup is refused as a clause (clauses are plain text), and says why.
    console.locator("#discussion .propose-clause").first.get_by_role("button").click()
    expect(console.locator("#stage .error")).to_be_visible()

    console.get_by_role("button", name="Show the report-back").click()
    expect(projector.locator("#stage .eyebrow")).to_have_text("Report-back")
    for name, group in group_of.items():
        card = projector.locator("#discussion .group-card", has_text=group)
        expect(card).to_contain_text(f"Idé från {name} <b>fet</b>")
    assert serious_violations(projector) == []

    # A note being typed survives a live redraw of the stage (here: someone moves groups).
    typing = phones["Bo"]
    typing.get_by_label("Your note", exact=True).fill("Halvskriven tanke")
    typing.evaluate("document.getElementById('stage').dataset.before = 'yes'")
    console.get_by_label("Who (pseudonym such as P07, or name)").fill("cai")
    console.get_by_label("Move to").select_option(label="A new group")
    console.locator("#groups").get_by_role("button", name="Move", exact=True).click()
    expect(projector.locator("#discussion .group-card")).to_have_count(3)
    expect(phones["Cai"].locator(".my-group")).to_contain_text("You are in Group 3")
    expect(typing.locator("#stage[data-before]")).to_have_count(0)  # the stage was redrawn
    expect(typing.get_by_label("Your note", exact=True)).to_have_value("Halvskriven tanke")

    # Closing notes: a phone's form is disabled, and the console can reopen them.
    console.get_by_role("button", name="Close notes").click()
    expect(anna.get_by_role("button", name="Add note")).to_be_disabled()
    assert serious_violations(anna) == []
