"""Anchor participants' annotations to passages of a finding text, so they survive later edits.

Follows the W3C Web Annotation model (https://www.w3.org/TR/annotation-model/#selectors): each
annotation stores the quoted passage with a little context (TextQuoteSelector) *and* its offsets
(TextPositionSelector). Offsets alone break as soon as the facilitator fixes a typo earlier in the
text; the quote alone is ambiguous when a phrase occurs twice. Together they let ``anchor`` find
the passage again, or report it detached (``None``) rather than pin it to the wrong words.

Offsets are Python string indices (code points) into the text the facilitator wrote, i.e. the
Markdown source of the step body; mapping rendered text to source offsets is the caller's job.
Pure Python and standard library only, so it runs anywhere without Django.
"""

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import islice
from typing import NamedTuple

# Longest passage one annotation may cover; beyond that a participant is annotating the whole text.
MAX_LENGTH = 1000
# Characters of context remembered on each side; 32 is what the Hypothesis client uses.
CONTEXT = 32
# How similar an edited passage must stay to the quote to keep its annotation (difflib ratio).
THRESHOLD = 0.75
# How well at least one side of the context must still match, so that a similar phrase elsewhere
# (say, after the passage was deleted) does not capture the annotation.
MIN_CONTEXT = 0.5
# Shorter quotes are only ever matched exactly: one changed letter in "cat" makes another word.
MIN_FUZZY_LENGTH = 4
# Occurrences examined per quote, nearest the old position first; bounds work on huge texts.
MAX_OCCURRENCES = 500


class AnchorError(ValueError):
    """A span that cannot be annotated; the message is meant for the participant."""


@dataclass(frozen=True)
class Selector:
    """Where an annotation points: the quoted passage, its context, and its offsets when made."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int

    def to_w3c(self) -> list[dict]:
        """The selector as W3C Web Annotation JSON-LD, ready to store or send to the browser."""
        return [
            {
                "type": "TextQuoteSelector",
                "exact": self.exact,
                "prefix": self.prefix,
                "suffix": self.suffix,
            },
            {"type": "TextPositionSelector", "start": self.start, "end": self.end},
        ]

    @classmethod
    def from_w3c(cls, selectors: list[dict]) -> "Selector":
        """Read back ``to_w3c`` output (in any order); refuse anything that lacks either part."""
        found = {s.get("type"): s for s in selectors or () if isinstance(s, dict)}
        quote, position = found.get("TextQuoteSelector"), found.get("TextPositionSelector")
        try:
            selector = cls(
                exact=str(quote["exact"]),
                prefix=str(quote.get("prefix", "")),
                suffix=str(quote.get("suffix", "")),
                start=int(position["start"]),
                end=int(position["end"]),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise AnchorError("This annotation's passage is stored in an unknown form.") from exc
        if not selector.exact:
            raise AnchorError("This annotation does not quote any passage.")
        return selector


@dataclass(frozen=True)
class Anchor:
    """Where a selector's passage is in the current text, and whether its wording changed."""

    start: int
    end: int
    exact_now: str
    exact_changed: bool


class _Hit(NamedTuple):
    """A candidate place for the passage, with how well it and its surroundings match."""

    start: int
    end: int
    similarity: float  # of the passage itself
    before: float  # of the text before it to the remembered prefix
    after: float  # of the text after it to the remembered suffix
    distance: int  # from the old position: the last tie-breaker

    @property
    def context(self) -> float:
        """The better side: an edit on one side of the passage leaves the other side intact."""
        return max(self.before, self.after)

    @property
    def rank(self) -> tuple:
        return (self.similarity + (self.before + self.after) / 2, -self.distance)


def describe(text: str, start: int, end: int, context: int = CONTEXT) -> Selector:
    """Build the selector for ``text[start:end]``, trimmed of surrounding white space.

    Raises AnchorError for spans that cannot make a useful annotation, so the view can show why.
    """
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
        raise AnchorError("A selection needs whole-number start and end positions.")
    if end < start:
        raise AnchorError("The selection ends before it starts.")
    if start < 0 or end > len(text):
        raise AnchorError(f"The selection lies outside the text, which has {len(text)} characters.")
    if start == end:
        raise AnchorError("Nothing is selected; select at least one word.")
    start, end = _trim(text, start, end)
    if start == end:
        raise AnchorError("The selection holds only white space; select some words.")
    if end - start > MAX_LENGTH:
        raise AnchorError(
            f"The selection has {end - start} characters; "
            f"an annotation can cover at most {MAX_LENGTH}."
        )
    prefix = text[max(0, start - context) : start]
    return Selector(text[start:end], prefix, text[end : end + context], start, end)


def anchor(text: str, selector: Selector) -> Anchor | None:
    """Find the selector's passage in the (possibly edited) text; None means detached.

    1. Unchanged at the old offsets, context included: done.
    2. Otherwise every verbatim occurrence competes on how well its context matches, then on
       nearness to the old offsets (so a duplicated phrase goes to the right copy).
    3. If none occurs, or the best one's context no longer matches on either side, look for an
       approximate match (a corrected typo) and take it if it is at least THRESHOLD similar and
       sits in familiar context; a verbatim copy elsewhere thus does not steal the annotation.
    """
    exact, start, end = selector.exact, selector.start, selector.end
    if not exact:
        return None
    if (
        0 <= start <= end <= len(text)
        and text[start:end] == exact
        and text[max(0, start - len(selector.prefix)) : start] == selector.prefix
        and text[end : end + len(selector.suffix)] == selector.suffix
    ):
        return Anchor(start, end, exact, False)
    nearest = sorted(_occurrences(text, exact), key=lambda i: abs(i - start))
    hits = [_hit(text, i, i + len(exact), selector) for i in nearest[:MAX_OCCURRENCES]]
    best = max(hits, key=lambda h: h.rank, default=None)
    if best is None or best.context < MIN_CONTEXT:
        fuzzy = _fuzzy(text, selector)
        if fuzzy and (best is None or fuzzy.rank > best.rank):
            best = fuzzy
    if best is None:
        return None
    now = text[best.start : best.end]
    return Anchor(best.start, best.end, now, now != exact)


def _occurrences(text: str, needle: str):
    """Yield every start of ``needle`` in ``text``, overlapping ones included."""
    i = text.find(needle)
    while i != -1:
        yield i
        i = text.find(needle, i + 1)


def _similarity(a: str, b: str) -> float:
    return 1.0 if a == b else SequenceMatcher(None, a, b, autojunk=False).ratio()


def _hit(text: str, start: int, end: int, selector: Selector) -> _Hit:
    before = text[max(0, start - len(selector.prefix)) : start]
    after = text[end : end + len(selector.suffix)]
    return _Hit(
        start,
        end,
        _similarity(selector.exact, text[start:end]),
        _similarity(selector.prefix, before),
        _similarity(selector.suffix, after),
        abs(start - selector.start),
    )


def _fuzzy(text: str, selector: Selector) -> _Hit | None:
    """The best approximate match of the quote near a likely position, if good enough."""
    if len(selector.exact) < MIN_FUZZY_LENGTH:
        return None
    hits = []
    for seed in _seeds(text, selector):
        span = _align(text, selector.exact, seed)
        if span:
            hit = _hit(text, *span, selector)
            if hit.similarity >= THRESHOLD and hit.context >= MIN_CONTEXT:
                hits.append(hit)
    return max(hits, key=lambda h: h.rank, default=None)


def _seeds(text: str, selector: Selector, limit: int = 5) -> list[int]:
    """Likely starts of the edited passage: the old one, and where the passage would start
    according to pieces of the quote and its context that still occur verbatim.

    Cheaper than sliding a window over the whole text, and it still finds a passage that both
    moved (text inserted before it) and changed (a typo fixed inside it).
    """
    quote = selector.prefix + selector.exact + selector.suffix
    size = max(3, min(12, len(quote) // 10))
    votes = Counter()
    for offset in range(0, len(quote) - size + 1, size):
        found = list(islice(_occurrences(text, quote[offset : offset + size]), 21))
        if len(found) <= 20:  # a piece found everywhere ("och ") says nothing
            votes.update(p - offset + len(selector.prefix) for p in found)
    seeds = [min(max(selector.start, 0), len(text))]
    seeds += [s for s, _ in votes.most_common(limit) if s not in seeds]
    return seeds


def _align(text: str, exact: str, seed: int) -> tuple[int, int] | None:
    """Align ``exact`` with the text around ``seed``; return the span it maps onto, trimmed.

    The span's ends are extrapolated from the first and last matching blocks of at least three
    characters, so a changed first or last letter still yields the whole passage.
    """
    slack = len(exact) // 2 + 8
    lo, hi = max(0, seed - slack), min(len(text), seed + len(exact) + slack)
    matcher = SequenceMatcher(None, text[lo:hi], exact, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= 3]
    if not blocks:
        return None
    first, last = blocks[0], blocks[-1]
    start = lo + max(first.a - first.b, 0)
    end = lo + min(last.a + len(exact) - last.b, hi - lo)
    start, end = _trim(text, start, end)
    return (start, end) if start < end else None


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# A Markdown list item ("- ", "* ", "+ ", "1. ", "1) ") or heading ("# ") at the start of a line.
_MARKER = re.compile(r"[ \t]*(?:[-*+]|\d{1,3}[.)]|#{1,6})[ \t]+")
_HEADING = re.compile(r"[ \t]*#{1,6}[ \t]")
# The markers of a quotation ("> ", nested "> > ") at the start of a line.
_QUOTE = re.compile(r"[ \t]*(?:>[ \t]?)+")
# Sentence-ending punctuation, with any closing quotes, brackets or emphasis, then space or end.
_CLOSERS = "\"'”’»)]*_"
_END = re.compile(r"[.!?…]+[\"'”’»)\]*_]*(?=\s|$)")
# Abbreviations that never end a sentence, even before a capital ("t.ex. Stockholm"). List-closing
# ones (m.m., osv., etc., m.fl.) are left out: before a capital they usually do end one.
NO_BREAK_AFTER = frozenset(
    {
        *("t.ex.", "bl.a.", "dvs.", "d.v.s.", "s.k.", "t.o.m.", "fr.o.m.", "p.g.a.", "pga."),
        *("m.a.o.", "f.d.", "ca.", "jfr.", "resp.", "kl.", "nr.", "inkl.", "exkl.", "enl."),
        *("ang.", "e.g.", "i.e.", "cf.", "vs.", "approx.", "mr.", "mrs.", "ms.", "dr.", "prof."),
        "st.",
    }
)


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans, trimmed, for tapping a sentence on a phone and for the heat map.

    Paragraphs, list items and headings are split first, since no sentence crosses them; then
    each is split after . ! ? … unless an abbreviation or a lower-case word follows ("osv. och").
    Spans without any letter or digit (a "---" rule) are dropped.
    """
    spans = []
    for block_start, block_end in blocks(text):
        cursor = block_start
        for match in _END.finditer(text, block_start, block_end):
            if not _continues(text, match, block_start, block_end):
                spans.append(_trim(text, cursor, match.end()))
                cursor = match.end()
        spans.append(_trim(text, cursor, block_end))
    return [(s, e) for s, e in spans if any(ch.isalnum() for ch in text[s:e])]


def blocks(text: str) -> list[tuple[int, int]]:
    """Paragraphs, list items and headings (without their markers), as (start, end).

    A quotation ("> ") is a block of its own: its first line starts one, its marker is left out,
    and the markers of the lines that continue it stay inside the block (screens hide them).
    """
    found, start, pos, quoting = [], None, 0, False
    for line in text.splitlines(keepends=True):
        quote = _QUOTE.match(line)
        after_quote = quote.end() if quote else 0
        marker = _MARKER.match(line, after_quote)
        blank = not line[after_quote:].strip()
        starts_quote = bool(quote) and not quoting
        if start is not None and (marker or blank or starts_quote):
            found.append((start, pos))
            start = None
        if start is None and not blank:
            start = pos + (marker.end() if marker else after_quote)
        quoting = bool(quote) and not blank
        pos += len(line)
        if _HEADING.match(line, after_quote):
            found.append((start, pos))
            start = None
    if start is not None:
        found.append((start, pos))
    return found


def _continues(text: str, match: re.Match, block_start: int, block_end: int) -> bool:
    """Whether the sentence goes on past this punctuation: an abbreviation or lower case next."""
    following = text[match.end() : min(block_end, match.end() + 8)].lstrip()
    if following[:1].islower():
        return True
    if match.group().rstrip(_CLOSERS) == ".":
        word = text[max(block_start, match.start() - 15) : match.start() + 1].split()
        return bool(word) and word[-1].lstrip("([\"'«“‘*_").lower() in NO_BREAK_AFTER
    return False


def heat(text: str, spans) -> list[tuple[int, int, int]]:
    """For each sentence, how many of the annotated (start, end) spans overlap it."""
    spans = list(spans)
    return [(s, e, sum(1 for a, b in spans if a < e and b > s)) for s, e in sentences(text)]
