"""A phone is told at once what the facilitator decided on its own notes, statements and questions,
and keeps the newest word on them, whichever of a push and a reply comes last."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.room import show_first
from tests.browser.test_every_kind import open_console, serious_violations
from tests.browser.test_live_round import PHONE, join
from tests.e2e.server import demo_round

pytestmark = pytest.mark.browser

HIDDEN = "hidden this note from the shared screens"
# Counts, on the body (a page load would lose them), the replies swapped in and the pushes.
COUNT = """() => {
  document.body.dataset.replies = 0;
  document.body.dataset.pushes = 0;
  document.addEventListener('htmx:afterSwap', () => { document.body.dataset.replies++; });
  document.addEventListener('htmx:wsAfterMessage', () => { document.body.dataset.pushes++; });
  document.body.insertAdjacentHTML('beforeend', '<p id="relay-said"></p>');
}"""


class Relay:
    """Stands between a phone and its socket: passes the server's pushes on, or holds them
    back and lets them go later, as a slow network might."""

    def __init__(self):
        self.holding = False
        self.held = []

    def __call__(self, socket):
        self.socket = socket
        server = socket.connect_to_server()
        server.on_message(self.from_server)

    def from_server(self, message):
        if not self.holding:
            self.socket.send(message)
            return
        self.held.append(message)
        if 'id="my-notes"' in message:  # tell the page, so the test knows without waiting
            self.socket.send('<p id="relay-said">holding</p>')

    def release(self):
        self.holding = False
        for message in self.held:
            self.socket.send(message)
        return len(self.held)


def send_note(phone, text):
    phone.locator("[data-annotatable] .sentence").first.click()
    phone.get_by_label("Why does it strike you? (optional)").fill(text)
    phone.locator(".note-form").get_by_role("button", name="Send").click()


def hide(console, text):
    note = console.locator("#annotations .moderated-note", has_text=text)
    note.get_by_role("button", name="Hide").click()
    expect(note).to_contain_class("is-hidden")


def send_statement(phone, text):
    phone.get_by_role("textbox", name="Your statement").fill(text)
    phone.get_by_role("button", name="Send the statement").click()
    expect(phone.locator("#my-statements .note", has_text=text)).to_contain_text(
        "Waiting for the facilitator's approval"
    )


def ask_question(phone, text):
    phone.get_by_label("Your question", exact=True).fill(text)
    phone.get_by_role("button", name="Ask", exact=True).click()


def decide(console, text, decision):
    queue = console.locator(".statement-queue li", has_text=text)
    queue.get_by_role("button", name=decision).click()
    expect(queue).to_have_count(0)


def test_a_phone_is_told_of_decisions_on_its_own_and_no_late_render_undoes_them(
    sqlite_deployment, start_server, new_page
):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console = open_console(new_page, server, facts)
    console.get_by_role("button", name="Start the round").click()
    anna, relay = new_page("phone Anna", **PHONE), Relay()
    anna.route_web_socket(re.compile(r".*/ws/participant/"), relay)
    join(anna, f"{server.url}/r/{facts['join_code']}/", "Anna")
    finding = show_first(console, facts, "finding")
    expect(anna.locator("#stage h1")).to_have_text(finding["title"])
    anna.evaluate(COUNT)
    annotate = f"**/steps/{anna.locator('#stage').get_attribute('data-step')}/annotations/"

    # A reply older than a push: the reply to Anna's note as the server rendered it at first...
    replies = []

    def keep_reply(route):
        response = route.fetch()
        replies.append(response.text())
        route.fulfill(response=response)

    anna.route(annotate, keep_reply)
    send_note(anna, "Mine")
    expect(anna.locator("#my-notes")).to_contain_text("Mine")
    anna.unroute(annotate)
    hide(console, "Mine")
    expect(anna.locator("#my-notes")).to_contain_text(HIDDEN)

    # ...comes again as the reply to her next note, later than the hide's push.
    def stale_reply(route, body):
        route.fetch()  # the server stores the note as usual
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)

    anna.route(annotate, lambda route: stale_reply(route, replies[0]))
    send_note(anna, "Second")
    expect(anna.locator("body")).to_have_attribute("data-replies", "2")
    anna.unroute(annotate)
    assert HIDDEN not in replies[0]
    expect(anna.locator("#my-notes")).to_contain_text(HIDDEN)
    assert anna.locator("#my-notes").count() == 1

    # A push older than a reply: the hide of "Second" is held back on the way to the phone...
    relay.holding = True
    hide(console, "Second")
    expect(anna.locator("#relay-said")).to_have_text("holding")
    send_note(anna, "Third")  # ...while the reply to her next note, rendered after it, is not
    expect(anna.locator("body")).to_have_attribute("data-replies", "3")
    expect(anna.locator("#my-notes")).to_contain_text("Third")
    before = int(anna.locator("body").get_attribute("data-pushes"))
    released = relay.release()
    expect(anna.locator("body")).to_have_attribute("data-pushes", str(before + released))
    mine = anna.locator("#my-notes .note.own")
    expect(mine).to_have_count(3)
    expect(mine.filter(has_text="Third")).not_to_contain_text(HIDDEN)
    expect(mine.filter(has_text="Second")).to_contain_text(HIDDEN)

    # The notes kept from the push still act through htmx (no page load: the counts survive).
    own = mine.filter(has_text="Mine")
    own.locator("summary", has_text="Edit").click()
    own.get_by_label("Note").fill("Mine, reworded")
    own.get_by_role("button", name="Save").click()
    expect(anna.locator("body")).to_have_attribute("data-replies", "4")
    expect(anna.locator("#my-notes")).to_contain_text("Mine, reworded")
    assert serious_violations(anna) == []

    # Statements: waiting, then approved (on everyone's list) or not accepted, said at once.
    show_first(console, facts, "statements")
    expect(anna.locator("#stage .statement-submit")).to_be_visible()
    send_statement(anna, "Answer every message by noon")
    send_statement(anna, "Never answer on weekends")
    decide(console, "Answer every message by noon", "Approve")
    approved = anna.locator("#my-statements .note", has_text="Answer every message by noon")
    expect(approved).to_contain_text("Your statement was approved")
    expect(anna.locator(".statement-list")).to_contain_text("Answer every message by noon")
    decide(console, "Never answer on weekends", "Reject")
    refused = anna.locator("#my-statements .note", has_text="Never answer on weekends")
    expect(refused).to_contain_text("did not add this statement")
    expect(approved).to_contain_text("Your statement was approved")
    assert serious_violations(anna) == []

    # Questions are the round's: a reply to Anna's question, rendered before the facilitator
    # approved it, comes again later than the approval's push and does not undo it.
    panel = console.locator("#console-questions")
    panel.get_by_label("Open on every step (a panel on every phone)").check()
    panel.get_by_label("Approve questions before the room sees them").check()
    panel.get_by_role("button", name="Save").click()
    expect(anna.locator("#questions")).to_be_visible()
    ask = f"**/r/{facts['join_code']}/questions/"
    anna.route(ask, keep_reply)
    ask_question(anna, "Why weekends?")
    waiting = anna.locator("#my-questions .note", has_text="Why weekends?")
    expect(waiting).to_contain_text("Waiting for the facilitator's approval")
    anna.unroute(ask)
    panel.locator(".note", has_text="Why weekends?").get_by_role("button", name="Approve").click()
    expect(waiting).to_contain_text("On the board")
    replied, stale = int(anna.locator("body").get_attribute("data-replies")), replies[-1]
    assert "On the board" not in stale
    anna.route(ask, lambda route: stale_reply(route, stale))
    ask_question(anna, "And holidays?")
    expect(anna.locator("body")).to_have_attribute("data-replies", str(replied + 1))
    anna.unroute(ask)
    expect(waiting).to_contain_text("On the board")
    assert anna.locator("#my-questions").count() == 1
