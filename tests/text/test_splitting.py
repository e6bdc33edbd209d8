"""split_sentences: where sentences begin and end, and that offsets are always exact."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.text import splitting
from claims.text.splitting import (
    MAX_SPLIT_POINTS,
    Span,
    normalise_language,
    split_label,
    split_points,
    split_sentences,
)


def texts(spans: list[Span]) -> list[str]:
    return [s.text for s in spans]


def assert_exact_cover(text: str, spans: list[Span]) -> None:
    """The invariants every result must satisfy, whatever the input."""
    previous_end = 0
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text and span.text == span.text.strip()
        assert previous_end <= span.start < span.end <= len(text)
        assert text[previous_end : span.start].strip() == ""  # only whitespace between spans
        previous_end = span.end
    assert text[previous_end:].strip() == ""
    non_space = "".join(ch for ch in text if not ch.isspace())
    assert "".join(ch for s in spans for ch in s.text if not ch.isspace()) == non_space


# --- boundaries ---------------------------------------------------------------------------------


def test_it_returns_nothing_for_empty_or_blank_text():
    assert split_sentences("") == []
    assert split_sentences(" \n\t\r\n\u3000 ") == []


def test_a_blank_line_ends_a_paragraph_even_without_punctuation():
    text = "The vote was close and nobody expected it\n\nThe result came on Monday."
    assert texts(split_sentences(text)) == [
        "The vote was close and nobody expected it",
        "The result came on Monday.",
    ]


def test_a_markdown_heading_is_a_sentence_of_its_own():
    text = "## Talks in Moscow\nThe delegation arrived on Monday. It met officials."
    assert texts(split_sentences(text)) == [
        "## Talks in Moscow",
        "The delegation arrived on Monday.",
        "It met officials.",
    ]


def test_a_short_title_line_without_final_punctuation_is_a_sentence_of_its_own():
    text = "Hamas delegation arrives in Moscow\nDelegates arrived on Monday. They met officials."
    assert texts(split_sentences(text))[0] == "Hamas delegation arrives in Moscow"


def test_a_subheading_after_a_finished_sentence_is_a_sentence_of_its_own():
    text = "The talks ended on Monday.\nWhat comes next\nBoth sides will meet again."
    assert texts(split_sentences(text)) == [
        "The talks ended on Monday.",
        "What comes next",
        "Both sides will meet again.",
    ]


def test_a_hard_wrapped_sentence_is_not_cut_at_the_line_break():
    text = "The talks were held in the\nKremlin on Monday, officials said.\nNo deal was reached."
    assert texts(split_sentences(text)) == [
        "The talks were held in the\nKremlin on Monday, officials said.",
        "No deal was reached.",
    ]


@pytest.mark.parametrize("marker", ["- ", "* ", "• ", "1. ", "1) "])
def test_list_items_are_boundaries(marker):
    text = f"The plan has two parts\n{marker}Lower taxes\n{marker}More jobs"
    assert texts(split_sentences(text)) == [
        "The plan has two parts",
        f"{marker}Lower taxes",
        f"{marker}More jobs",
    ]


def test_a_list_item_may_hold_several_sentences():
    text = "- Prices rose. Wages did not.\n- Exports fell."
    assert texts(split_sentences(text)) == ["- Prices rose.", "Wages did not.", "- Exports fell."]


def test_abbreviations_do_not_end_sentences():
    text = "Mr. and Mrs. Smith met Dr. Jones on Jan. 5 in the U.S. capital. They talked, e.g. about rates."
    assert texts(split_sentences(text)) == [
        "Mr. and Mrs. Smith met Dr. Jones on Jan. 5 in the U.S. capital.",
        "They talked, e.g. about rates.",
    ]


def test_decimals_and_percentages_do_not_end_sentences():
    text = "Growth was 3.5 percent, or 4.5% adjusted. Prices rose 0.2%."
    assert texts(split_sentences(text)) == ["Growth was 3.5 percent, or 4.5% adjusted.", "Prices rose 0.2%."]


def test_a_quotation_spanning_sentences_stays_in_one_sentence():
    text = 'He said "I will go. You stay." She nodded.'
    assert texts(split_sentences(text)) == ['He said "I will go. You stay."', "She nodded."]


def test_ellipses_keep_every_character():
    text = "Wait... what? He paused… Then he spoke. And then... silence."
    spans = split_sentences(text)
    assert texts(spans)[0] == "Wait... what?"
    assert_exact_cover(text, spans)


# --- offsets ------------------------------------------------------------------------------------


def test_offsets_are_exact_with_crlf_tabs_and_non_latin_scripts():
    text = (
        "\ufeff  Première phrase 😀.\r\n\tZweiter Satz!\r\n\r\n"
        "这是第一句。这是第二句。\n\nهذه جملة. e\u0301 x\u200by."
    )
    spans = split_sentences(text)
    assert_exact_cover(text, spans)
    assert "这是第一句。" in texts(spans)


def test_spans_are_stripped_of_surrounding_whitespace():
    text = "   First sentence.      Second sentence.   \n"
    spans = split_sentences(text)
    assert texts(spans) == ["First sentence.", "Second sentence."]
    assert (spans[0].start, spans[0].end, spans[1].start, spans[1].end) == (3, 18, 24, 40)


def test_zero_width_characters_are_kept_as_text():
    text = "\u200b\n\nOne.\u200b Two."
    assert_exact_cover(text, split_sentences(text))


# --- language -----------------------------------------------------------------------------------


def test_a_supported_language_is_passed_to_pysbd():
    assert texts(split_sentences("هذه جملة؟ نعم.", language="ar")) == ["هذه جملة؟", "نعم."]


@pytest.mark.parametrize(
    ("given", "used"), [("de", "de"), ("en-GB", "en"), ("FR_ca", "fr"), ("xx", "en"), ("", "en")]
)
def test_an_unknown_language_falls_back_to_english(given, used):
    assert normalise_language(given) == used
    assert texts(split_sentences("One. Two.", language=given)) == ["One.", "Two."]


def test_segmenters_are_cached_per_language():
    assert splitting._segmenter("de") is splitting._segmenter("de")
    assert splitting._segmenter("de") is not splitting._segmenter("en")


# --- pysbd misbehaving ----------------------------------------------------------------------------


class _FakeSegmenter:
    def __init__(self, result):
        self.result = result

    def processor(self, text):
        fake = self

        class _Processor:
            def process(self):
                if isinstance(fake.result, Exception):
                    raise fake.result
                return fake.result(text)

        return _Processor()


@pytest.mark.parametrize(
    "rewrite",
    [
        pytest.param(lambda t: [s + " " for s in t.split(". ")], id="drops-the-periods"),
        pytest.param(lambda t: [t.replace("  ", " ")], id="squeezes-whitespace"),
        pytest.param(lambda t: ["nothing like the input.", "?"], id="garbage"),
        pytest.param(lambda t: [], id="nothing"),
        pytest.param(lambda t: [t[:5], t[:5], t[3:]], id="overlapping"),
    ],
)
def test_no_text_is_lost_whatever_pysbd_returns(monkeypatch, rewrite):
    monkeypatch.setattr(splitting, "_segmenter", lambda language: _FakeSegmenter(rewrite))
    text = "First  sentence here. Second one. Third, with U.S. in it."
    assert_exact_cover(text, split_sentences(text))


def test_a_pysbd_error_falls_back_to_a_plain_splitter(monkeypatch):
    monkeypatch.setattr(splitting, "_segmenter", lambda language: _FakeSegmenter(RuntimeError("boom")))
    text = "First sentence. Second one!"
    spans = split_sentences(text)
    assert texts(spans) == ["First sentence.", "Second one!"]


# --- properties ---------------------------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    [
        " ",
        "  ",
        "\n",
        "\n\n",
        "\r\n",
        "\t",
        ". ",
        "? ",
        "! ",
        "...",
        "…",
        '"',
        "“",
        "”",
        "'",
        "(",
        ")",
        "Mr.",
        "Dr.",
        "U.S.",
        "e.g.",
        "Jan.",
        "3.5",
        "4.5%",
        "# ",
        "- ",
        "* ",
        "• ",
        "1. ",
        "2) ",
        "😀",
        "👍🏽",
        "日本語",
        "。",
        "مرحبا",
        "؟",
        "Привет",
        "e\u0301",
        "\u200b",
        "\u2028",
        "\u00a0",
        "\u3000",
        "Hello",
        "world",
        "The",
        "said",
        "Moscow",
    ]
)
_TEXT = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=4)), max_size=40).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT, language=st.sampled_from(["en", "de", "zh", "ar", "xx"]))
def test_any_text_is_covered_exactly_once_by_ordered_stripped_spans(text, language):
    assert_exact_cover(text, split_sentences(text, language=language))


@settings(max_examples=200, deadline=None)
@given(text=st.text())
def test_arbitrary_unicode_is_covered_exactly_once(text):
    assert_exact_cover(text, split_sentences(text))


# --- split points: where a reviewer can cut a claim in two ------------------------------------------


def parts(text):
    """Each split point as (first part, second part), whitespace at the cut left out."""
    return [(text[:at].rstrip(), text[at:]) for at in split_points(text)]


def test_a_claim_splits_after_clause_punctuation_at_the_next_word():
    text = "The bridge opened in 1974; it was closed for repairs in 2019."
    assert parts(text) == [("The bridge opened in 1974;", "it was closed for repairs in 2019.")]


def test_a_claim_splits_before_a_conjunction_that_opens_a_clause():
    text = "Prices rose by 4% in May but wages fell by 2% in the same month."
    assert parts(text) == [("Prices rose by 4% in May", "but wages fell by 2% in the same month.")]


def test_a_comma_before_a_conjunction_is_one_split_point_not_two():
    text = "The minister said the bridge would open in 2026, but critics say it is over budget."
    assert parts(text) == [
        ("The minister said the bridge would open in 2026,", "but critics say it is over budget.")
    ]


def test_a_quotation_keeps_its_closing_mark_and_a_parenthesis_goes_with_what_follows():
    assert parts('"We will not accept this," the senator said on Monday.') == [
        ('"We will not accept this,"', "the senator said on Monday.")
    ]
    text = "The report by the World Bank (published on Monday) covers inflation."
    assert ("The report by the World Bank", "(published on Monday) covers inflation.") in parts(text)


def test_numbers_and_compounds_are_not_split_points():
    text = "The stadium holds 40,000 people and the final ended 3–1 at 10:30 pm."
    assert split_points(text) == [text.index("and the final")]
    assert split_points("A well-known Anglo-French study found nothing new.") == []


def test_no_part_is_left_without_words():
    for text in (
        "Yes, indeed.",
        "He left — quietly.",
        "Bread and butter.",
        "And then, nothing.",
        "x",
        "",
        "   ",
    ):
        for first, second in parts(text):
            assert len(first.split()) >= 2 and len(second.split()) >= 2


def test_a_claim_without_a_clause_break_offers_nothing():
    assert split_points("Turnout was 38 percent in the northern districts.") == []


def test_chinese_splits_after_a_full_width_comma():
    text = "政府周二批准了预算，但反对派表示将提出质疑。"
    assert parts(text) == [("政府周二批准了预算，", "但反对派表示将提出质疑。")]


def test_a_long_claim_offers_at_most_eight_points_preferring_punctuation():
    clauses = [f"clause number {i} says something about prices" for i in range(12)]
    text = "; ".join(clauses) + " and wages and rents and fares rose."
    points = split_points(text)
    assert len(points) == MAX_SPLIT_POINTS
    assert all(text[at - 2] == ";" for at in points)
    assert points == sorted(points)


def test_the_label_shows_whole_words_either_side_of_the_cut():
    text = "The minister said the bridge would open in 2026, but critics say it is over budget."
    at = text.index("but")
    assert split_label(text, at) == "…bridge would open in 2026, ‖ but critics say it is over…"
    assert split_label(text, at, context=200) == (
        "The minister said the bridge would open in 2026, ‖ but critics say it is over budget."
    )


def test_a_label_outside_the_text_is_refused():
    with pytest.raises(ValueError):
        split_label("Some text", 0)
    with pytest.raises(ValueError):
        split_label("Some text", 9)


_CLAIMS = st.lists(
    st.sampled_from(
        ["The", "bridge", "and", "but", "which", ",", ";", "—", "(", ")", "3–1", "“", "”", " ", "\n", "中"]
    ),
    max_size=40,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(_CLAIMS)
def test_split_points_are_word_starts_inside_the_text_with_text_either_side(text):
    points = split_points(text)
    assert points == sorted(set(points)) and len(points) <= MAX_SPLIT_POINTS
    for at in points:
        assert 0 < at < len(text) and not text[at].isspace()
        assert text[:at].strip() and text[at:].strip()
        label = split_label(text, at)
        assert " ‖ " in label
