"""The finding rendered as Markdown, every source character still in the page for the offsets."""

from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st

from facilitation.deliberation.anchoring import sentences
from facilitation.screens.reading import block_kind, paragraphs, pieces


def spelled(parts):
    return "".join(text for text, what in parts if what in {"text", "markup", "cr"})


def shown(parts):
    """The visible text, with elements as tags: what a reader sees."""
    out = []
    for text, what in parts:
        if what in {"text", "cr"}:
            out.append(text)
        elif what == "open":
            out.append(f"<{text}>")
        elif what == "close":
            out.append(f"</{text}>")
    return "".join(out)


def test_emphasis_strong_code_and_links_render_with_their_markers_hidden():
    source = "A *clear* rule, **always**, in `code` and a [link](https://example.org/a)."
    parts = pieces(source)
    assert spelled(parts) == source
    assert shown(parts) == (
        "A <em>clear</em> rule, <strong>always</strong>, in <code>code</code> and a "
        "<link>link</link>."
    )
    assert ("](https://example.org/a)", "markup") in parts


def test_underscores_inside_words_stay_text_and_escapes_hide_their_backslash():
    source = "snake_case_name and __strong__ and \\*not emphasis\\*"
    parts = pieces(source)
    assert spelled(parts) == source
    assert shown(parts) == "snake_case_name and <strong>strong</strong> and *not emphasis*"


def test_a_quotation_continued_on_the_next_line_hides_its_marker():
    source = "Vi kan inte\r\n> spara chattarna."
    parts = pieces(source)
    assert spelled(parts) == source
    assert shown(parts) == "Vi kan inte\r\nspara chattarna."
    assert ("\r", "cr") in parts and ("> ", "markup") in parts


def test_what_markdown_cannot_spell_exactly_falls_back_to_the_source_text():
    # An entity would show as "&" but is five characters in the source: shown as written.
    source = "Fish &amp; chips, **bold**"
    parts = pieces(source)
    assert spelled(parts) == source
    assert "&amp;" in shown(parts) and "**" not in shown(parts)
    # Emphasis cut in two by a sentence break: no half-open element.
    assert shown(pieces("**Starts here.")) == "Starts here."


@given(st.text(alphabet=st.sampled_from("ab *_`[]()\\>#-\r\n&;åäö."), max_size=60))
def test_the_pieces_always_spell_the_source(source):
    parts = pieces(source)
    assert spelled(parts) == source
    opened = [text for text, what in parts if what == "open"]
    closed = [text for text, what in parts if what == "close"]
    assert sorted(opened) == sorted(closed)


def test_blocks_are_headings_items_quotations_or_paragraphs():
    text = "## Svar\n\nVanlig text.\n- en punkt\n> Ett citat.\n"
    assert block_kind(text, text.index("Svar")) == ("heading", 2)
    assert block_kind(text, text.index("Vanlig")) == ("paragraph", None)
    assert block_kind(text, text.index("en punkt")) == ("item", None)
    assert block_kind(text, text.index("Ett citat")) == ("quote", None)


def test_paragraphs_group_sentences_by_block_and_keep_a_quotation_together():
    body = (
        "# Rubrik\n\nFörsta meningen. Andra meningen.\n"
        "> Ett citat som\n> fortsätter. Och en mening till.\n\n- Punkt ett.\n- Punkt två."
    )
    step = SimpleNamespace(body=body)
    spans = [(s, e, body[s:e], 0) for s, e in sentences(body)]
    groups = paragraphs(step, spans)
    assert [(g["kind"], g["level"]) for g in groups] == [
        ("heading", 2),
        ("paragraph", None),
        ("quote", None),
        ("item", None),
        ("item", None),
    ]
    quote = groups[2]["sentences"]
    assert [body[s["start"] : s["end"]] for s in quote] == [
        "Ett citat som\n> fortsätter.",
        "Och en mening till.",
    ]


def test_a_quoted_passage_shows_without_its_markers_and_escaped():
    from facilitation.screens.templatetags.balans import passage

    assert passage("share *one* club's\r\n> race") == "share one club's\nrace"
    assert passage("<b>x</b> **y**") == "<b>x</b> y"  # still text: autoescaped where shown
