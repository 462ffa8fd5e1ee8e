"""A Swedish workshop in real browsers: a Swedish phone and the projector stay Swedish through
every push (a step change, answers, a reveal, someone joining), while an English phone in the
same round stays English. Axe checks the Swedish pages."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_every_kind import serious_violations
from tests.browser.test_live_round import BIG_SCREEN, LIVE, PHONE, mark_loaded
from tests.e2e.server import FACILITATOR, FACILITATOR_PASSWORD, demo_round, manage
from tests.screens.catalogue import english_left

pytestmark = pytest.mark.browser

SWEDISH = {"locale": "sv-SE"}


def join(phone, url, name, *, field, button, joined):
    phone.goto(url)
    phone.get_by_label(field).fill(name)
    phone.get_by_role("button", name=button, exact=True).click()
    expect(phone.get_by_text(joined)).to_be_visible()
    expect(phone.locator("body")).to_have_class(LIVE)
    mark_loaded(phone)


def no_english(page):
    """The page as shown now (after its pushes), without English of the catalogue in it."""
    assert page.locator("html").get_attribute("lang") == "sv"
    found = english_left(page.content())
    assert not found, f"English on {page.url}: {found}"


def test_a_swedish_phone_and_projector_stay_swedish_after_pushes(
    sqlite_deployment, start_server, new_page
):
    manage(sqlite_deployment, "seed_demo", "--language", "sv", "--facilitator", FACILITATOR)
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment, "sv")
    dilemma = next(step for step in facts["steps"] if step["kind"] == "dilemma")
    number = facts["steps"].index(dilemma) + 1

    # The facilitator's browser asks for English: the console speaks the workshop's Swedish.
    console = new_page("console", **BIG_SCREEN)
    console.goto(f"{server.url}/accounts/login/")
    console.locator("input[name=username]").fill(FACILITATOR)
    console.locator("input[name=password]").fill(FACILITATOR_PASSWORD)
    console.get_by_role("button", name="Log in").click()
    console.goto(f"{server.url}/console/rounds/{facts['id']}/")
    console.get_by_role("button", name="Starta omgången").click()
    expect(console.locator("#stage .badge")).to_have_text("Pågår")

    projector = new_page("projector", **BIG_SCREEN, **SWEDISH)
    projector.goto(f"{server.url}/projector/{facts['projector_key']}/")
    expect(projector.locator("body")).to_have_class(LIVE)
    mark_loaded(projector)
    expect(projector.locator("#people")).to_have_text("0 personer har anslutit")

    join_url = f"{server.url}/r/{facts['join_code']}/"
    sara = new_page("phone Sara", **PHONE, **SWEDISH)
    join(
        sara,
        join_url,
        "Sara",
        field="Ditt namn (valfritt)",
        button="Gå med",
        joined="Din personliga kod",
    )
    emma = new_page("phone Emma", **PHONE)  # an English browser in the same Swedish round
    join(
        emma,
        join_url,
        "Emma",
        field="Your name (optional)",
        button="Join",
        joined="Your personal code",
    )
    expect(projector.locator("#people")).to_have_text("2 personer har anslutit")
    no_english(projector)
    no_english(sara)

    console.locator(".agenda").get_by_role("button", name=f"{number}. {dilemma['title']}").click()
    for page in (sara, emma, projector):
        expect(page.locator("#stage h1")).to_have_text(dilemma["title"])
    expect(sara.locator("legend")).to_have_text("Vad skulle du göra?")
    expect(emma.locator("legend")).to_have_text("What would you do?")
    expect(projector.locator(".join-footer")).to_contain_text("Gå med på")

    sara.locator("button.option").first.click()
    expect(sara.locator('button.option[aria-pressed="true"]')).to_have_count(1)
    emma.locator("button.option").nth(1).click()
    expect(emma.locator('button.option[aria-pressed="true"]')).to_have_count(1)
    expect(projector.locator("#results")).to_contain_text("2 svar hittills")

    console.get_by_role("button", name="Visa resultat").click()
    expect(projector.locator("#results .bar-value").first).to_contain_text("röst")
    expect(sara.locator("#results")).to_contain_text("Gruppens svar")
    expect(emma.locator("#results")).to_contain_text("The room's answers")
    expect(emma.locator("#results .bar-value").first).to_contain_text("vote")
    no_english(projector)
    no_english(sara)
    assert serious_violations(projector) == []
    assert serious_violations(sara) == []

    # A reload (a reconnect from scratch) keeps each phone's language.
    sara.reload()
    expect(sara.locator("#results")).to_contain_text("Gruppens svar")
    emma.reload()
    expect(emma.locator("#results")).to_contain_text("The room's answers")
    assert projector.evaluate("window.loadedOnce") is True, "the projector was reloaded"
    assert new_page.errors() == {}
