"""Two phones annotate the same finding; the projector's heat map and wall follow live."""

import pytest
from playwright.sync_api import expect

from tests.browser.room import live_room, show_first
from tests.browser.test_every_kind import serious_violations
from tests.browser.test_live_round import no_horizontal_scroll
from tests.e2e.server import demo_round

pytestmark = pytest.mark.browser

# Select the words from "cornerstone" to the end of the text node that holds them, as a finger
# would; the selection ends inside the sentence, so its end offset is computed in the page.
SELECT_PASSAGE = """() => {
  const sentence = document.querySelector('[data-annotatable] .sentence');
  const node = Array.from(sentence.childNodes)
    .find(n => n.nodeType === 3 && n.data.includes('cornerstone'));
  const range = document.createRange();
  const from = node.data.indexOf('cornerstone');
  range.setStart(node, from);
  range.setEnd(node, from + 'cornerstone of public administration'.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return Number(sentence.dataset.start);
}"""

# A selection from inside the first sentence to inside the second; returns the offsets it should
# give, computed from the sentences' data-start.
SELECT_ACROSS = """() => {
  const [first, second] = document.querySelectorAll('[data-annotatable] .sentence');
  const textOf = s => Array.from(s.childNodes).find(n => n.nodeType === 3);
  const a = textOf(first), b = textOf(second);
  const range = document.createRange();
  range.setStart(a, 6);
  range.setEnd(b, 12);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return [Number(first.dataset.start) + 6, Number(second.dataset.start) + 12];
}"""

# A selection in the finding's quotation from "share" (before the <em>) to "race" (after it).
SELECT_AROUND_EMPHASIS = """() => {
  const quote = document.querySelector('[data-annotatable] blockquote .sentence');
  const em = quote.querySelector('em');
  const before = em.previousSibling, after = em.nextSibling;
  const range = document.createRange();
  range.setStart(before, before.data.indexOf('share'));
  range.setEnd(after, after.data.indexOf('race') + 'race'.length);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


def test_a_carriage_return_reference_stays_a_character_in_the_page(new_page):
    """Phones carry CRs of the source as &#13; so that offsets counted in the page match it."""
    page = new_page("page")
    page.set_content('<p><span id="s">a&#13;\nb</span></p>')
    assert page.evaluate("document.getElementById('s').textContent") == "a\r\nb"


def test_two_phones_annotate_a_finding_and_the_projector_follows(
    sqlite_deployment, start_server, new_page
):
    server = start_server(sqlite_deployment)
    facts = demo_round(sqlite_deployment)
    console, projector, phones = live_room(new_page, server, facts, ["Anna", "Bo"])
    anna, bo = phones["Anna"], phones["Bo"]

    finding = show_first(console, facts, "finding")
    for page in (anna, bo, projector):
        expect(page.locator("#stage h1")).to_have_text(finding["title"])
    no_horizontal_scroll(anna)
    assert serious_violations(anna) == []
    assert serious_violations(projector) == []

    # The finding is rendered Markdown: a quotation, emphasis, strong words. A selection across
    # the emphasised word still gives the passage's offsets in the Markdown source.
    quote = anna.locator("[data-annotatable] blockquote.finding-quote")
    expect(quote.locator("em")).to_have_text("one", use_inner_text=True)
    expect(anna.locator("[data-annotatable] strong").first).to_have_text(
        "Transparency", use_inner_text=True
    )
    assert "*" not in quote.inner_text()
    anna.evaluate(SELECT_AROUND_EMPHASIS)
    body = finding["body"]
    expect(anna.locator(".note-form input[name=start]")).to_have_value(
        str(body.index("share *one*"))
    )
    expect(anna.locator(".note-form input[name=end]")).to_have_value(
        str(body.index("club's race") + len("club's race"))
    )
    expect(anna.locator(".note-form .passage")).to_contain_text("share one club's race")

    first = anna.locator("[data-annotatable] .sentence").first
    first.focus()
    first.press("Enter")
    expect(first).to_have_attribute("aria-pressed", "true")
    expect(anna.locator(".note-form .passage")).to_contain_text("Equal treatment")
    anna.get_by_label("Why does it strike you? (optional)").fill("Vi <b>känner</b> igen det")
    anna.locator(".note-form .codes-choice label").first.click()
    anna.locator(".note-form").get_by_role("button", name="Send").click()
    expect(anna.locator("#my-notes")).to_contain_text("Vi <b>känner</b> igen det")
    expect(projector.locator("#annotations .heat-map .sentence").first).to_have_class(
        "sentence heat-4"
    )
    expect(projector.locator("#annotations .wall")).to_contain_text("Vi <b>känner</b> igen det")
    expect(projector.locator("#annotations .wall")).to_contain_text("1 note")
    # Her own note on the wall has no +1 button.
    expect(anna.locator("#annotation-wall .note .own-label")).to_be_visible()
    expect(anna.locator("#annotation-wall .plus-one")).to_be_hidden()

    # Bo selects a passage inside the same sentence and reacts "Surprising".
    expect(bo.locator("#annotation-wall")).to_contain_text("Vi <b>känner</b> igen det")
    sentence_start = bo.evaluate(SELECT_PASSAGE)
    expect(bo.locator(".note-form .passage")).to_contain_text(
        "cornerstone of public administration"
    )
    start = int(bo.locator(".note-form input[name=start]").input_value())
    end = int(bo.locator(".note-form input[name=end]").input_value())
    assert start > sentence_start and end - start == len("cornerstone of public administration")
    expected = bo.evaluate(SELECT_ACROSS)
    expect(bo.locator(".note-form input[name=end]")).to_have_value(str(expected[1]))
    assert int(bo.locator(".note-form input[name=start]").input_value()) == expected[0]
    bo.evaluate(SELECT_PASSAGE)
    expect(bo.locator(".note-form input[name=start]")).to_have_value(str(start))
    bo.get_by_label("Surprising").first.check()
    bo.locator(".note-form").get_by_role("button", name="Send").click()
    expect(bo.locator("#my-notes")).to_contain_text("cornerstone of public administration")
    expect(projector.locator("#annotations .wall")).to_contain_text("2 notes")
    expect(projector.locator("#annotations .wall")).to_contain_text("Surprising")
    expect(projector.locator("#annotations .heat-count").first).to_contain_text("2")

    # Bo +1s Anna's note.
    annas = bo.locator("#annotation-wall .note", has_text="igen det")
    annas.get_by_role("button", name="+1").click()
    expect(annas).to_contain_text("2 people")
    expect(projector.locator("#annotations .note", has_text="igen det")).to_contain_text("2 people")
    no_horizontal_scroll(bo)

    # The console hides Anna's note: gone from the projector and from Bo's phone.
    notes = console.locator("#annotations .moderated-note", has_text="igen det")
    notes.get_by_role("button", name="Hide").click()
    expect(projector.locator("#annotations .wall")).not_to_contain_text("igen det")
    expect(projector.locator("#annotations .wall")).to_contain_text("1 note")
    expect(bo.locator("#annotation-wall")).not_to_contain_text("igen det")
    # Anna, its author, is told at once under "Your notes"; her note is kept there.
    expect(anna.locator("#my-notes")).to_contain_text("hidden this note from the shared screens")
    expect(anna.locator("#my-notes")).to_contain_text("igen det")
    assert serious_violations(anna) == []
    assert serious_violations(projector) == []
    assert serious_violations(console) == []
