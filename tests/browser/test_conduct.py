"""Two phones propose, endorse and amend the code of conduct while the facilitator accepts and
the projector follows; the pages pass axe."""

import pytest
from playwright.sync_api import expect

from tests.browser.room import live_room, show_first
from tests.browser.test_every_kind import serious_violations
from tests.browser.test_live_round import no_horizontal_scroll
from tests.e2e.server import demo_round

pytestmark = pytest.mark.browser


def test_two_phones_write_the_code_while_the_facilitator_accepts(
    sqlite_deployment, start_server, new_page
):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console, projector, phones = live_room(new_page, server, facts, ["Anna", "Bo"])
    anna, bo = phones["Anna"], phones["Bo"]

    join_url = f"{server.url}/r/{facts['join_code']}/"
    step = show_first(console, facts, "conduct")
    for page in (anna, bo, projector):
        expect(page.locator("#stage h1")).to_have_text(step["title"])
    expect(projector.locator("#conduct .clauses li")).to_have_count(3)
    assert serious_violations(anna) == []
    assert serious_violations(projector) == []

    # Anna proposes a clause; markup stays text. It reaches Bo's phone and the projector live.
    anna.get_by_label("The clause").fill("We thank people who correct us <b>.")
    anna.get_by_role("button", name="Propose", exact=True).click()
    expect(anna.locator("#conduct .error")).to_contain_text("plain text")
    anna.get_by_label("The clause").fill("We thank people who correct us.")
    anna.get_by_label("Why? (optional)").last.fill("Mistakes happen in public.")
    anna.get_by_role("button", name="Propose", exact=True).click()
    expect(anna.locator("#conduct .proposals")).to_contain_text("We thank people who correct us.")
    expect(bo.locator("#conduct .proposals")).to_contain_text("We thank people who correct us.")
    expect(projector.locator("#conduct .proposals-board")).to_contain_text("correct us")

    # Anna starts a second clause; Bo agrees with her first; the push keeps her draft and caret.
    draft = anna.get_by_label("The clause")
    draft.fill("We link to the source")
    proposal = bo.locator("#conduct .proposals .clause", has_text="correct us")
    proposal.get_by_role("button", name="Agree").click()
    expect(anna.locator("#conduct .proposals")).to_contain_text("1 agree")
    expect(anna.get_by_label("The clause")).to_have_value("We link to the source")
    expect(anna.get_by_label("The clause")).to_be_focused()
    anna.get_by_label("The clause").fill("")

    # Bo's agree is marked; Anna disagrees with the first clause, saying why.
    expect(
        bo.locator("#conduct .proposals .clause", has_text="correct us").get_by_role(
            "button", name="Agree"
        )
    ).to_have_attribute("aria-pressed", "true")
    expect(projector.locator("#conduct .proposals-board")).to_contain_text("1 agree")
    first = anna.locator("#conduct ol.clauses > li").first
    first.locator(".disagree summary").click()
    first.get_by_label("Why do you disagree? One line.").fill("Businesses ask too.")
    first.get_by_role("button", name="Disagree").click()
    expect(projector.locator("#conduct ol.clauses > li").first).to_contain_text("1 disagree")
    expect(console.locator("#conduct .objections").first).to_contain_text("Businesses ask too.")

    # Bo proposes a new wording of the second clause; both phones and the projector show the diff.
    second = bo.locator("#conduct ol.clauses > li").nth(1)
    second.locator(".amend summary").click()
    wording = second.get_by_label("New wording")
    wording.fill(wording.input_value().replace("likes and shares", "numbers of likes"))
    second.get_by_role("button", name="Propose this wording").click()
    expect(anna.locator("#conduct .amendment ins")).to_contain_text("numbers of")
    expect(anna.locator("#conduct .amendment del")).to_contain_text("and shares")
    expect(projector.locator("#conduct .diff ins")).to_contain_text("numbers")
    anna.locator("#conduct .amendment").get_by_role("button", name="Agree").click()
    expect(projector.locator("#conduct .diff")).to_contain_text("1 agree")
    no_horizontal_scroll(anna)
    no_horizontal_scroll(bo)

    # The facilitator accepts the proposal and the new wording: the projector's code follows.
    item = console.locator("#conduct .conduct-item", has_text="correct us")
    item.get_by_role("button", name="Accept", exact=True).click()
    expect(projector.locator("#conduct ol.clauses > li")).to_have_count(4)
    expect(projector.locator("#conduct ol.clauses > li").last).to_contain_text("correct us")
    console.locator("#conduct .amendment").get_by_role("button", name="Accept wording").click()
    expect(projector.locator("#conduct ol.clauses > li").nth(1)).to_contain_text("numbers of likes")
    expect(projector.locator("#conduct .diff")).to_have_count(0)
    expect(anna.locator("#conduct h2").first).to_contain_text("version 3")
    expect(bo.locator("#conduct ol.clauses > li").nth(1)).to_contain_text("numbers of likes")
    assert serious_violations(anna) == []
    assert serious_violations(projector) == []
    assert serious_violations(console) == []

    # Anyone in the workshop compares versions and prints one.
    anna.goto(f"{join_url}conduct/compare/?older=1&newer=3")
    expect(anna.locator("table.compare")).to_contain_text("amended")
    expect(anna.locator("table.compare")).to_contain_text("added")
    assert serious_violations(anna) == []
    anna.goto(f"{join_url}conduct/versions/3/print/")
    expect(anna.locator(".printed-clauses > li")).to_have_count(4)
    expect(anna.locator(".printed-code")).to_contain_text("P01")
    expect(anna.locator(".printed-code")).not_to_contain_text("Anna")
    assert serious_violations(anna) == []
