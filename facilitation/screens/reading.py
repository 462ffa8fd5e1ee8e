"""A finding as the room reads it: rendered Markdown that still maps to the source, sentence by
sentence.

Annotations point at code points of the Markdown source (``deliberation.anchoring``), and a
phone turns a selection into offsets by counting characters from a sentence's ``data-start``. So
every character of the source stays in the page: the markers (``**``, ``_``, `` ` ``, ``[``,
``](url)``, ``\\``, the ``>`` that continues a quotation) in hidden ``.md`` spans, the words
inside ``<em>``, ``<strong>``, ``<code>`` or a link-styled span. Blocks become paragraphs, list
items, headings or quotations.

A sentence is rendered from markdown-it's own inline tokens, each checked against the source;
anything that does not match exactly (an entity such as ``&amp;``, emphasis cut in two by a
sentence break, a link with a title) falls back to the source text with just the emphasis
markers hidden, so offsets are never wrong, only plainer.
"""

import math
import re

from markdown_it import MarkdownIt

from facilitation.deliberation.anchoring import blocks

# Inline only; text_join off so that escapes stay tokens of their own and can be matched.
_inline = MarkdownIt("commonmark", {"html": False}).disable(["image", "text_join"])
_TAGS = {"em": "em", "strong": "strong"}
# The end of a line inside a paragraph: trailing spaces, a hard-break backslash, CR, LF, and the
# next line's indentation (its quotation markers come as the start of the next text token).
_BREAK = re.compile(r"(?P<space>[ \t]*)(?P<slash>\\?)(?P<cr>\r?)\n(?P<lead>[ \t]*)")
_QUOTE_MARKERS = re.compile(r"(?:>[ \t]?)+")
_LINK_END = re.compile(r"\]\([^()\s]*\)")
_MARKUP = re.compile(r"(\*\*|__|`|\r)")
_HEADING = re.compile(r"[ \t]*(?:>[ \t]?)*(#{1,6})[ \t]+$")
_ITEM = re.compile(r"[ \t]*(?:>[ \t]?)*(?:[-*+]|\d{1,3}[.)])[ \t]+$")
_QUOTE = re.compile(r"[ \t]*>")


class _Mismatch(Exception):
    """The tokens do not spell the source exactly; render it plainly instead."""


def pieces(source):
    """A sentence's source as (text, what) pairs, what being "text", "markup" (kept, not shown),
    "cr" (a carriage return, which the page must carry as a character reference: an HTML parser
    turns a literal CR LF into LF and the offsets would drift), "open" or "close" (text is then
    the element: em, strong, code or link). The "text" and "markup" pieces spell the source."""
    try:
        return _rendered(source)
    except _Mismatch:
        return _plain(source)


def _rendered(source):
    out, pos = [], 0

    def take(expected, what):
        nonlocal pos
        if not source.startswith(expected, pos):
            raise _Mismatch
        if expected:
            out.append((expected, what))
            pos += len(expected)

    after_break = False
    for token in _inline.parseInline(source)[0].children or ():
        kind = token.type
        if kind == "text":
            content = token.content
            if after_break and (quoted := _QUOTE_MARKERS.match(content)):
                take(quoted.group(), "markup")
                content = content[quoted.end() :]
            # Delimiters left unpaired (emphasis cut by a sentence break) are hidden, as markup.
            for piece, what in _plain(content):
                take(piece, what)
        elif kind in {"softbreak", "hardbreak"}:
            found = _BREAK.match(source, pos)
            if not found:
                raise _Mismatch
            take(found["space"], "text")
            take(found["slash"], "markup")
            if found["cr"]:
                out.append(("\r", "cr"))
                pos += 1
            take("\n", "text")
            take(found["lead"], "markup")
            after_break = True
            continue
        elif kind in {"em_open", "strong_open"}:
            out.append((_TAGS[kind.split("_")[0]], "open"))
            take(token.markup, "markup")
        elif kind in {"em_close", "strong_close"}:
            take(token.markup, "markup")
            out.append((_TAGS[kind.split("_")[0]], "close"))
        elif kind == "code_inline":
            out.append(("code", "open"))
            take(token.markup, "markup")
            take(token.content, "text")
            take(token.markup, "markup")
            out.append(("code", "close"))
        elif kind == "text_special" and token.info == "escape":
            take("\\", "markup")
            take(token.content, "text")
        elif kind == "link_open":
            out.append(("link", "open"))
            take("[", "markup")
        elif kind == "link_close":
            end = _LINK_END.match(source, pos)
            if not end:
                raise _Mismatch
            take(end.group(), "markup")
            out.append(("link", "close"))
        else:
            raise _Mismatch
        after_break = False
    if pos != len(source):
        raise _Mismatch
    return out


def _plain(source):
    return [
        (piece, "cr" if piece == "\r" else "markup" if _MARKUP.fullmatch(piece) else "text")
        for piece in _MARKUP.split(source)
        if piece
    ]


def heat_level(count, most):
    """0 for an unmarked sentence, else 1 to 4 relative to the most marked one."""
    return 0 if not count else max(1, math.ceil(4 * count / most))


def block_kind(text, start):
    """What the block starting at ``start`` is, from the markers before it on its line:
    ("heading", level), ("item", None), ("quote", None) or ("paragraph", None)."""
    line = text[text.rfind("\n", 0, start) + 1 : start]
    if heading := _HEADING.match(line):
        return "heading", len(heading[1])
    if _ITEM.match(line):
        return "item", None
    if _QUOTE.match(line):
        return "quote", None
    return "paragraph", None


def paragraphs(step, sentences):
    """The finding's blocks, each with its kind and its sentences (start, end, text, count)."""
    text = step.body
    most = max((count for *_rest, count in sentences), default=0)
    groups, spans = [], iter(blocks(text))
    block_end = -1
    for start, end, source, count in sentences:
        if start >= block_end:
            block_start, block_end = next(
                ((s, e) for s, e in spans if e > start), (start, len(text))
            )
            kind, level = block_kind(text, block_start)
            # Headings inside a finding sit under the step's title (h1) and its h2 sections.
            groups.append({"kind": kind, "level": min(level + 1, 6) if level else None})
            groups[-1]["sentences"] = []
        groups[-1]["sentences"].append(
            {
                "start": start,
                "end": end,
                "pieces": pieces(source),
                "count": count,
                "level": heat_level(count, most),
            }
        )
    return groups
