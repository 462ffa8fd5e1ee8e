"""The Swedish catalogue as the tests read it, and what of a Swedish screen is still English.

``english_left(html)`` finds, in what a screen shows (its text and the attributes a person reads
or hears: labels, titles, placeholders, the messages scripts show), the English of any catalogue
entry that has a Swedish translation, and common English words that no translation explains
(a string that was never marked for translation).
"""

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import lxml.html

PO_FILE = Path(__file__).parents[2] / "facilitation" / "locale" / "sv" / "LC_MESSAGES" / "django.po"

# Placeholders and markup inside a msgid: the English between them is what a screen would show.
SEPARATORS = re.compile(r"%\(\w+\)[sd]|%[sd]|<[^>]*>|\{[^}]*\}|[·…:;,.!?()“”\"'/|→←+-]|\s-\s")
# Words that say a text is English, whatever it is; none is Swedish.
ENGLISH_WORDS = re.compile(
    r"\b(the|and|of|you|your|this|with|has|have|what|who|which|to|are|there|been|here|"
    r"votes?|answers?|people|joined|results?|hidden|step)\b",
    re.IGNORECASE,
)
READ_ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "aria-description")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgstrs: list = field(default_factory=list)
    fuzzy: bool = False
    obsolete: bool = False
    context: str = ""

    @property
    def translated(self):
        return bool(self.msgstrs) and all(self.msgstrs) and not self.fuzzy


def _unquote(text):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def read_po(path=PO_FILE):
    """Every entry of a .po file (the header left out)."""
    entries, entry, target = [], Entry(), None
    lines = path.read_text(encoding="utf-8").splitlines() + [""]
    for line in lines:
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].lstrip()
        if not line.strip():
            if entry.msgid or entry.msgstrs:
                entries.append(entry)
            entry, target = Entry(), None
            continue
        if line.startswith("#,"):
            entry.fuzzy = "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        entry.obsolete = entry.obsolete or obsolete
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line[1:-1])
        else:
            value = _unquote(rest.strip()[1:-1])
            target = keyword
            if keyword.startswith("msgstr"):
                entry.msgstrs.append("")
        if target == "msgid":
            entry.msgid += value
        elif target == "msgid_plural":
            entry.msgid_plural += value
        elif target == "msgctxt":
            entry.context += value
        elif target and target.startswith("msgstr"):
            entry.msgstrs[-1] += value
    return [e for e in entries if e.msgid]


def live_entries():
    return [e for e in read_po() if not e.obsolete]


def pieces(text):
    """The runs of English words of a msgid, between its placeholders, markup and punctuation."""
    text = text.replace("%%", "%")
    return [p.strip() for p in SEPARATORS.split(text) if len(re.findall(r"[A-Za-z]", p)) >= 3]


@cache
def english_needles():
    """One pattern for every English run that a Swedish screen must not show.

    A run that also occurs in some Swedish translation ("Dilemma", "Agenda", "pass"), in any case,
    is a Swedish word as well, and is left out.
    """
    entries = [e for e in live_entries() if e.translated]
    swedish = "\n".join(s for e in entries for s in e.msgstrs)
    needles = set()
    for entry in entries:
        english = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        if english[0] == entry.msgstrs[0]:
            continue
        for piece in (p for text in english for p in pieces(text)):
            if not re.search(rf"(?<!\w){re.escape(piece)}(?!\w)", swedish, re.IGNORECASE):
                needles.add(piece)
    ordered = sorted(needles, key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(map(re.escape, ordered)) + r")(?!\w)")


def shown_texts(html):
    """What a person reads or hears of ``html``: text runs and the read attributes."""
    root = lxml.html.fromstring(f"<div>{html}</div>") if "<html" not in html[:200] else None
    if root is None:
        root = lxml.html.document_fromstring(html)
    # Scripts are not shown; what is marked as another language (the language switch's
    # "English") is meant to be in it.
    for bad in root.xpath("//script|//style|//*[@lang and not(starts-with(@lang, 'sv'))]"):
        if bad is not root:
            bad.drop_tree()
    texts = [" ".join(t.split()) for t in root.xpath("//text()")]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name in READ_ATTRIBUTES or (name.startswith("data-") and " " in value):
                texts.append(" ".join(value.split()))
        if element.tag == "input" and element.get("type") in {"submit", "button"}:
            texts.append(element.get("value", ""))
    return [t for t in texts if t]


def english_left(html):
    """Every English run found in what ``html`` shows, as a sorted list of (run, in text)."""
    found = set()
    needles = english_needles()
    for text in shown_texts(html):
        for match in needles.finditer(text):
            found.add((match.group(1), text[:120]))
        for match in ENGLISH_WORDS.finditer(text):
            found.add((match.group(1), text[:120]))
    return sorted(found)
