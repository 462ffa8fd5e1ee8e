"""A live room for browser tests: the console, the projector and some phones on the demo round."""

from playwright.sync_api import expect

from tests.browser.test_every_kind import open_console
from tests.browser.test_live_round import BIG_SCREEN, LIVE, PHONE, join


def live_room(new_page, server, facts, names):
    """Start the demo round from the console, open the projector and join a phone per name.

    Returns (console, projector, {name: phone})."""
    console = open_console(new_page, server, facts)
    console.get_by_role("button", name="Start the round").click()
    projector = new_page("projector", **BIG_SCREEN)
    projector.goto(f"{server.url}/projector/{facts['projector_key']}/")
    expect(projector.locator("body")).to_have_class(LIVE)
    join_url = f"{server.url}/r/{facts['join_code']}/"
    phones = {name: new_page(f"phone {name}", **PHONE) for name in names}
    for name, phone in phones.items():
        join(phone, join_url, name)
    return console, projector, phones


def show_first(console, facts, kind):
    """Click the agenda's first step of ``kind`` on the console; returns that step's facts."""
    number, step = next((n, s) for n, s in enumerate(facts["steps"], start=1) if s["kind"] == kind)
    console.locator(".agenda").get_by_role("button", name=f"{number}. {step['title']}").click()
    return step
