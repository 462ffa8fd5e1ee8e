"""The projector fits its frame: every step kind in every state, at three projector sizes.

The demo and a stress workshop (the longest content a facilitator can give) are walked state by
state through the domain functions (``projector_states``), each in a test of its own so that two
workers share them; a page loads each state at one size and is resized to the others. In each
state nothing visible of the stage may reach past the frame or under the footer, the stage may not
scroll, no text may be smaller than the floor (2.2 % of the frame's height; the question's text
3.3 %), and no text may run into another. The lobby's QR code is at least 40 % of the frame's
height. A screenshot of every state (at the size it was loaded at, which turns from state to state)
goes to var/screenshots/projector-fit/ for a person to look.
"""

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from tests.browser.projector_states import WORKSHOPS, StateDriver
from tests.browser.test_every_kind import serious_violations
from tests.e2e.server import ROOT

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (1280, 720), (1024, 768)]
SCREENSHOTS = ROOT / "var" / "screenshots" / "projector-fit"
LABEL_FLOOR, BODY_FLOOR = 0.022, 0.033
# The lobby's QR code, as a share of the frame's height: large enough to scan from 5 m.
QR_FLOOR = 0.4
QR_SHARE = "() => document.querySelector('.lobby .qr svg').getBoundingClientRect().height"
QR_SHARE += " / window.innerHeight"

# Runs in the page: what does not fit, as readable lines (empty when all is well).
PROBLEMS = """([labelFloor, bodyFloor]) => {
  const problems = [];
  const frame = {w: window.innerWidth, h: window.innerHeight};
  const stage = document.getElementById("stage");
  const footer = stage.querySelector(".join-footer");
  const limit = footer ? footer.getBoundingClientRect().top : frame.h;
  const classes = (el) => typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().split(/\\s+/).join(".") : "";
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes(el) +
    " «" + (el.textContent || "").trim().slice(0, 40) + "»";
  if (document.scrollingElement.scrollHeight > frame.h + 1) problems.push("the page scrolls");
  if (document.scrollingElement.scrollWidth > frame.w + 1) problems.push("it scrolls sideways");
  for (const box of [stage, ...stage.querySelectorAll("*")]) {
    const style = getComputedStyle(box);
    if (["auto", "scroll"].includes(style.overflowY) && box.scrollHeight > box.clientHeight + 1)
      problems.push("scrolls: " + name(box));
  }
  for (const el of stage.querySelectorAll("*")) {
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    if (el.closest(".visually-hidden, .cloud-counts, .md")) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const inFooter = footer && footer.contains(el);
    if (r.left < -1 || r.right > frame.w + 1 || r.top < -1 || r.bottom > frame.h + 1)
      problems.push("past the frame: " + name(el));
    else if (!inFooter && r.bottom > limit + 1) problems.push("under the footer: " + name(el));
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!ownText) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    const body = !el.matches(".heat-count") && el.closest(".prose, .finding-text, .step > h1");
    const floor = (body ? bodyFloor : labelFloor) * frame.h;
    if (size < floor - 0.5)
      problems.push(`text ${size.toFixed(1)}px < ${floor.toFixed(1)}px: ` + name(el));
  }
  // No text runs into another (an option into the "Then"/"Now" labels, a label into its value):
  // the lines of every visible text, cut to what the boxes that clip them show, compared between
  // elements that do not contain one another. What is meant to lie over the stage (a fixed layer:
  // the pinned question, the recording mark) is compared within itself only.
  const layers = [...stage.querySelectorAll("*")].filter(
    (el) => getComputedStyle(el).position === "fixed");
  const everywhere = {left: -Infinity, top: -Infinity, right: Infinity, bottom: Infinity};
  const cut = (a, b) => ({left: Math.max(a.left, b.left), top: Math.max(a.top, b.top),
    right: Math.min(a.right, b.right), bottom: Math.min(a.bottom, b.bottom)});
  const clips = new Map();
  const clipOf = (el) => {
    if (!clips.has(el)) {
      const style = getComputedStyle(el);
      const outer = el === stage || style.position === "fixed" ? everywhere
        : clipOf(el.parentElement);
      const clipping = style.overflowX !== "visible" || style.overflowY !== "visible";
      clips.set(el, clipping ? cut(outer, el.getBoundingClientRect()) : outer);
    }
    return clips.get(el);
  };
  const lines = [];
  const range = document.createRange();
  const walker = document.createTreeWalker(stage, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || el.closest(".visually-hidden, .cloud-counts, .md")) continue;
    if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    const layer = layers.find((fixed) => fixed.contains(el));
    range.selectNodeContents(node);
    for (const line of range.getClientRects()) {
      const box = cut(line, clipOf(el));
      if (box.right - box.left > 1 && box.bottom - box.top > 1) lines.push({el, layer, box});
    }
  }
  const said = new Set();
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) {
      const a = lines[i], b = lines[j];
      if (a.el === b.el || a.layer !== b.layer || a.el.contains(b.el) || b.el.contains(a.el))
        continue;
      const both = cut(a.box, b.box);
      const shorter = Math.min(a.box.bottom - a.box.top, b.box.bottom - b.box.top);
      // Lines under one another may touch where the line height is tight; text that runs
      // into text covers more than a third of the shorter one's height.
      if (both.right - both.left <= 1 || both.bottom - both.top <= shorter / 3) continue;
      const pair = name(a.el) + " and " + name(b.el);
      if (!said.has(pair)) problems.push("texts overlap: " + pair);
      said.add(pair);
    }
  }
  return problems;
}"""


# Texts side by side in every way the check must let pass (sentences wrapping into each other's
# lines, a superscript, a list item clamped to one line over the next one), and one option whose
# label is pulled back over it.
TOUCHING = """<!doctype html><body style="margin: 0"><div id="stage" style="height: 100vh;
  overflow: hidden; font: 40px/1.1 sans-serif">
  <p style="width: 14em"><span>A first sentence that wraps onto the next line</span>
    <span>and a second one that goes on</span><sup>12</sup> <em>a third</em></p>
  <ul><li style="width: 8em; display: -webkit-box; -webkit-box-orient: vertical;
    -webkit-line-clamp: 1; overflow: hidden">A clamped answer, more lines hidden below</li>
    <li>The next answer</li></ul>
  <p><span>An option of the vote</span><span style="margin-left: -4em">Then</span></p>
</div></body>"""


def test_the_check_sees_a_text_run_into_another_and_nothing_else(new_page):
    page = new_page("overlaps", viewport={"width": 1280, "height": 720})
    page.set_content(TOUCHING)
    found = page.evaluate(PROBLEMS, [LABEL_FLOOR, BODY_FLOOR])
    assert [p for p in found if p.startswith("texts overlap")] == [
        "texts overlap: span «An option of the vote» and span «Then»"
    ]


def settled(page):
    """The stage is in and the fitting script has sized it."""
    expect(page.locator("#stage > .stage-body[data-fitted]")).to_have_count(1)


# After a resize the test waits for the fitting script's mark to come back, then for two frames:
# the resize event is handled before the next frame's callbacks, and the script fits once at once
# and once more in the frame after.
UNFITTED = "() => document.querySelector('#stage > .stage-body').removeAttribute('data-fitted')"
TWO_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def at_each_size(page, url, index):
    """Show ``url`` at each of ``SIZES``, yielding each size once the stage is fitted to it.

    The page is loaded afresh at one size (a different one from state to state, ``index``, so every
    size has fresh loads) and then resized to the others, which the fitting script follows, as when
    the window is moved to another projector: a load per state, not one per size.
    """
    turn = index % len(SIZES)
    for number, (width, height) in enumerate(SIZES[turn:] + SIZES[:turn]):
        if number:
            page.evaluate(UNFITTED)
        page.set_viewport_size({"width": width, "height": height})
        if not number:
            page.goto(url)
        settled(page)
        page.evaluate(TWO_FRAMES)
        yield width, height


def screenshot(page, path):
    """Save a picture of the page for a person to look at; False if the browser could not.

    Headless Chromium now and then answers "Unable to capture screenshot" (its compositor, not the
    page: the same state captures the next time), so a failed capture is tried once more. The
    pictures are for reading; what fits is decided by measuring the page, never by them.
    """
    for _attempt in range(2):
        try:
            page.screenshot(path=path)
            return True
        except PlaywrightError as error:
            if "Unable to capture screenshot" not in str(error):
                raise
    return False


# What each walk must have gone through, beyond every kind of step: or the test saw too little.
MUST_SEE = {
    "demo": ("notes-part-", "second-revealed", "recap-shown", "then-now"),
    "stress": ("notes-part-", "second-revealed", "recap-shown"),
}


@pytest.mark.long
@pytest.mark.parametrize("workshop", WORKSHOPS)
def test_every_state_of_every_step_fits_the_projector(
    sqlite_deployment, start_server, new_page, workshop
):
    server = start_server(sqlite_deployment)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"{workshop}-*.png"):
        old.unlink()
    print(f"\nScreenshots of every projector state: {SCREENSHOTS}")
    width, height = SIZES[0]
    page = new_page("projector", viewport={"width": width, "height": height})
    driver = StateDriver(sqlite_deployment, workshop)
    problems, seen, checked_axe, missing = {}, [], set(), []
    try:
        for index, (name, projector_key) in enumerate(driver):
            seen.append(name)
            url = f"{server.url}/projector/{projector_key}/"
            for number, (width, height) in enumerate(at_each_size(page, url, index)):
                # One picture a state is enough to look through (a picture costs as much as the
                # checks of a size); the size it is taken at turns from one state to the next.
                shot = f"{name}-{width}x{height}"
                if not number and not screenshot(page, SCREENSHOTS / f"{shot}.png"):
                    missing.append(shot)
                found = page.evaluate(PROBLEMS, [LABEL_FLOOR, BODY_FLOOR])
                if name.endswith("lobby") and (share := page.evaluate(QR_SHARE)) < QR_FLOOR:
                    found.append(f"the QR code is {share:.0%} of the frame's height")
                if found:
                    problems[f"{name} at {width}x{height}"] = found
            # Once per kind of step (and the lobby), before and with results, it passes axe.
            kind = name.split("-")[2] if name.count("-") > 2 else name
            key = (kind, any(word in name for word in ("revealed", "then-now", "report")))
            if key not in checked_axe:
                checked_axe.add(key)
                if violations := serious_violations(page):
                    problems[f"{name}: axe"] = violations
    finally:
        driver.close()
        report = "\n".join(
            f"{state}:\n  " + "\n  ".join(found) for state, found in problems.items()
        )
        if missing:
            report += "\n\nNo screenshot (the browser could not capture one): " + ", ".join(missing)
        (SCREENSHOTS / f"problems-{workshop}.txt").write_text(report or "none\n")
    kinds = {name.split("-")[2] for name in seen if name.count("-") > 2}
    assert {"finding", "dilemma", "discussion", "conduct", "statements"} <= kinds, seen
    assert f"{workshop}-00-lobby" in seen
    for part in MUST_SEE[workshop]:
        assert any(part in name for name in seen), (part, seen)
    assert problems == {}, "\n".join(
        f"{state}:\n  " + "\n  ".join(found[:8]) for state, found in problems.items()
    )
    assert new_page.errors() == {}
