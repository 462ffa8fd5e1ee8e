"""Text anchoring: annotations find their passage again after the facilitator edits the text."""

import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from facilitation.deliberation.anchoring import (
    CONTEXT,
    MAX_LENGTH,
    Anchor,
    AnchorError,
    Selector,
    anchor,
    describe,
    heat,
    sentences,
)

FINDING = (
    "Kommunikatörerna är måna om likabehandling. De vill att alla ska höras, "
    "även de som sällan tar ordet. Samtidigt upplever många att mötena drar ut på tiden."
)


def span_of(text, passage):
    start = text.index(passage)
    return start, start + len(passage)


def anchored_at(text, passage, changed=False):
    return Anchor(*span_of(text, passage), passage, changed)


def texts(text):
    return [text[s:e] for s, e in sentences(text)]


def test_a_selector_quotes_the_passage_with_its_context_and_offsets():
    start, end = span_of(FINDING, "alla ska höras")
    selector = describe(FINDING, start, end)
    assert selector == Selector(
        "alla ska höras", FINDING[start - CONTEXT : start], FINDING[end : end + CONTEXT], start, end
    )


def test_an_unchanged_text_anchors_to_the_described_span():
    selector = describe(FINDING, *span_of(FINDING, "måna om likabehandling"))
    assert anchor(FINDING, selector) == anchored_at(FINDING, "måna om likabehandling")


def test_a_passage_at_the_very_start_or_end_anchors_with_its_short_context():
    first = describe(FINDING, *span_of(FINDING, "Kommunikatörerna"))
    last = describe(FINDING, *span_of(FINDING, "drar ut på tiden."))
    assert (first.prefix, last.suffix) == ("", "")
    assert anchor(FINDING, first) == anchored_at(FINDING, "Kommunikatörerna")
    assert anchor(FINDING, last) == anchored_at(FINDING, "drar ut på tiden.")


def test_an_edit_before_the_passage_shifts_the_anchor():
    selector = describe(FINDING, *span_of(FINDING, "alla ska höras"))
    edited = FINDING.replace("Kommunikatörerna är", "Alla kommunikatörer på enheten är")
    assert anchor(edited, selector) == anchored_at(edited, "alla ska höras")


def test_an_edit_right_after_the_passage_leaves_the_anchor_in_place():
    selector = describe(FINDING, *span_of(FINDING, "även de som sällan tar ordet."))
    edited = FINDING.replace("Samtidigt upplever", "Ändå tycker")
    assert anchor(edited, selector) == anchored_at(edited, "även de som sällan tar ordet.")


def test_a_typo_fixed_inside_the_passage_still_anchors_and_reports_the_new_wording():
    with_typo = FINDING.replace("likabehandling", "likabehandlnig")
    passage = "Kommunikatörerna är måna om likabehandlnig"
    selector = describe(with_typo, *span_of(with_typo, passage))
    found = anchor(FINDING, selector)
    assert found == anchored_at(FINDING, "Kommunikatörerna är måna om likabehandling", True)


def test_missing_swedish_letters_added_later_still_anchor():
    plain = "Kommunikatorerna ar mana om likabehandling. De vill att alla ska horas."
    selector = describe(plain, *span_of(plain, "Kommunikatorerna ar mana om likabehandling."))
    found = anchor(FINDING, selector)
    assert found == anchored_at(FINDING, "Kommunikatörerna är måna om likabehandling.", True)


def test_a_corrected_typo_in_a_passage_that_also_moved_still_anchors():
    with_typo = FINDING.replace("sällan", "sälan")
    selector = describe(with_typo, *span_of(with_typo, "även de som sälan tar ordet"))
    edited = "Inledning: det här är vad vi hörde under dagen, i korthet.\n\n" + FINDING
    assert anchor(edited, selector) == anchored_at(edited, "även de som sällan tar ordet", True)


def test_a_deleted_passage_is_detached():
    selector = describe(FINDING, *span_of(FINDING, "även de som sällan tar ordet"))
    edited = FINDING.replace("De vill att alla ska höras, även de som sällan tar ordet. ", "")
    assert anchor(edited, selector) is None


def test_a_rewritten_passage_is_detached():
    selector = describe(FINDING, *span_of(FINDING, "måna om likabehandling"))
    edited = FINDING.replace("måna om likabehandling", "oroliga för budgeten")
    assert anchor(edited, selector) is None


def test_context_decides_between_copies_of_a_duplicated_passage():
    text = (
        "Ledningen vill ha mer tid för reflektion efter varje möte. "
        "Medarbetarna säger också: mer tid för reflektion, men inte på fredagar."
    )
    second = text.rindex("mer tid för reflektion")
    selector = describe(text, second, second + len("mer tid för reflektion"))
    assert anchor(text, selector).start == second
    # Pushed far enough that the first copy now sits nearer the old offsets than the second.
    edited = "Bakgrund: " + "vi träffades i tre omgångar under våren och hösten. " * 3 + text
    assert anchor(edited, selector).start == edited.rindex("mer tid för reflektion")


def test_a_verbatim_copy_elsewhere_does_not_capture_a_corrected_passage():
    text = "Ordet recieve stavas ofta fel. Vi ska recieve feedback från alla deltagare i veckan."
    selector = describe(text, text.rindex("recieve"), text.rindex("recieve") + len("recieve"))
    edited = text[: selector.start] + "receive" + text[selector.end :]
    found = anchor(edited, selector)
    assert (found.start, found.exact_now, found.exact_changed) == (selector.start, "receive", True)


def test_surrounding_white_space_is_trimmed_from_a_selection():
    text = "Första stycket.\n\n   Andra stycket här.  \n"
    padded = describe(text, text.index("Andra") - 3, len(text))
    assert (padded.exact, padded.start, padded.end) == (
        "Andra stycket här.",
        *span_of(text, "Andra stycket här."),
    )


@pytest.mark.parametrize(
    ("text", "start", "end", "message"),
    [
        (FINDING, 5, 5, "Nothing is selected"),
        (FINDING, 10, 3, "ends before it starts"),
        (FINDING, -1, 4, "outside the text"),
        (FINDING, 0, len(FINDING) + 1, "outside the text"),
        ("ord    ord", 3, 7, "only white space"),
        ("x" * (MAX_LENGTH + 1), 0, MAX_LENGTH + 1, f"at most {MAX_LENGTH}"),
        (FINDING, 0, "5", "whole-number"),
    ],
)
def test_every_bad_span_is_refused_with_a_message(text, start, end, message):
    with pytest.raises(AnchorError, match=message):
        describe(text, start, end)


def test_an_anchor_error_is_a_value_error():
    assert issubclass(AnchorError, ValueError)


def test_a_selector_round_trips_through_w3c_json():
    selector = describe(FINDING, *span_of(FINDING, "alla ska höras"))
    w3c = selector.to_w3c()
    assert w3c == [
        {
            "type": "TextQuoteSelector",
            "exact": "alla ska höras",
            "prefix": selector.prefix,
            "suffix": selector.suffix,
        },
        {"type": "TextPositionSelector", "start": selector.start, "end": selector.end},
    ]
    assert Selector.from_w3c(json.loads(json.dumps(w3c))) == selector
    assert Selector.from_w3c(list(reversed(w3c))) == selector


@pytest.mark.parametrize(
    "w3c",
    [
        [],
        None,
        [{"type": "TextQuoteSelector", "exact": "ord"}],
        [{"type": "TextQuoteSelector", "exact": ""}, {"type": "TextPositionSelector", "start": 0}],
        [{"type": "TextQuoteSelector", "exact": "ord"}, {"type": "TextPositionSelector"}],
    ],
)
def test_a_malformed_w3c_selector_is_refused(w3c):
    with pytest.raises(AnchorError):
        Selector.from_w3c(w3c)


def test_swedish_sentences_split_but_not_after_abbreviations():
    text = (
        "Vi pratade t.ex. om lön. Bl.a. arbetstider kom upp, dvs. när vi börjar! "
        "Flera orter, t.ex. Stockholm och Malmö, deltog. Lön, tider m.m. och semester diskuterades."
        " Är det klart… Ja."
    )
    assert texts(text) == [
        "Vi pratade t.ex. om lön.",
        "Bl.a. arbetstider kom upp, dvs. när vi börjar!",
        "Flera orter, t.ex. Stockholm och Malmö, deltog.",
        "Lön, tider m.m. och semester diskuterades.",
        "Är det klart…",
        "Ja.",
    ]


def test_a_list_closing_abbreviation_ends_a_sentence_before_a_capital():
    assert texts("Vi tog upp lön, tider m.m. Sedan åt vi.") == [
        "Vi tog upp lön, tider m.m.",
        "Sedan åt vi.",
    ]


def test_english_sentences_split_but_not_after_abbreviations():
    text = 'Some teams, e.g. Support, meet weekly. Others not, i.e. Sales. Why? "Time," she said.'
    assert texts(text) == [
        "Some teams, e.g. Support, meet weekly.",
        "Others not, i.e. Sales.",
        "Why?",
        '"Time," she said.',
    ]


def test_markdown_paragraphs_bullets_and_headings_bound_sentences():
    text = (
        "## Vad vi hörde\n"
        "Vi såg tre saker\n\n"
        "- Mötena är långa\n"
        "- Alla hörs inte. Vissa tystnar.\n"
        "* Tiden räcker inte\n"
        "1. Först en sak\n\n"
        "---\n\n"
        "En mening som\nfortsätter på nästa rad."
    )
    assert texts(text) == [
        "Vad vi hörde",
        "Vi såg tre saker",
        "Mötena är långa",
        "Alla hörs inte.",
        "Vissa tystnar.",
        "Tiden räcker inte",
        "Först en sak",
        "En mening som\nfortsätter på nästa rad.",
    ]


def test_sentence_spans_are_offsets_into_the_text():
    spans = sentences(FINDING)
    assert spans == [
        span_of(FINDING, "Kommunikatörerna är måna om likabehandling."),
        span_of(FINDING, "De vill att alla ska höras, även de som sällan tar ordet."),
        span_of(FINDING, "Samtidigt upplever många att mötena drar ut på tiden."),
    ]


def test_empty_or_blank_text_has_no_sentences():
    assert sentences("") == []
    assert sentences("  \n\n ") == []


def test_heat_counts_the_spans_overlapping_each_sentence():
    first, second, third = sentences(FINDING)
    spans = [
        span_of(FINDING, "måna om"),  # first only
        (first[1] - 5, second[0] + 3),  # crosses into the second
        span_of(FINDING, "drar ut"),  # third
        (third[0] - 1, third[0]),  # only the space before the third: overlaps nothing
    ]
    assert heat(FINDING, iter(spans)) == [(*first, 2), (*second, 1), (*third, 1)]


ALPHABET = "abcdefghijklmnopåäö .,!?\n"


@st.composite
def texts_with_spans(draw):
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=300))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())
    return text, start, end


@given(texts_with_spans())
def test_any_valid_span_anchors_back_to_exactly_its_trimmed_self(case):
    text, start, end = case
    chosen = text[start:end]
    trimmed = (start + len(chosen) - len(chosen.lstrip()), end - len(chosen) + len(chosen.rstrip()))
    selector = describe(text, start, end)
    assert (selector.start, selector.end) == trimmed
    assert anchor(text, selector) == Anchor(*trimmed, text[slice(*trimmed)], False)


@given(texts_with_spans(), st.text(alphabet=ALPHABET, max_size=100), st.data())
def test_text_inserted_before_any_span_keeps_the_passage_anchored(case, inserted, data):
    text, start, end = case
    selector = describe(text, start, end)
    at = data.draw(st.integers(0, selector.start))
    edited = text[:at] + inserted + text[at:]
    found = anchor(edited, selector)
    assert found is not None
    assert (found.exact_now, found.exact_changed) == (selector.exact, False)
    if edited.count(selector.exact) == 1:  # otherwise identical copies may be indistinguishable
        assert found.start == selector.start + len(inserted)


@given(
    st.text(alphabet=ALPHABET, max_size=150),
    st.text(alphabet="ÅÄÖXYZ", min_size=1, max_size=40),
    st.text(alphabet=ALPHABET, max_size=150),
    st.text(alphabet=ALPHABET, min_size=1, max_size=100),
    st.data(),
)
def test_text_inserted_before_a_unique_passage_shifts_it_exactly(
    before, passage, after, inserted, data
):
    text = before + passage + after
    selector = describe(text, len(before), len(before) + len(passage))
    at = data.draw(st.integers(0, len(before)))
    edited = text[:at] + inserted + text[at:]
    shifted = len(before) + len(inserted)
    assert anchor(edited, selector) == Anchor(shifted, shifted + len(passage), passage, False)
