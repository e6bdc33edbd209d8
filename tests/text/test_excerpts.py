"""Finding a quoted excerpt in an archived text."""

import pytest

from claims.text.excerpts import excerpt_location


def test_an_exact_excerpt_is_located():
    text = "Alpha beta. Gamma delta."
    assert excerpt_location(text, "Gamma delta") == (12, 23)


def test_typographic_quotes_dashes_case_and_spacing_do_not_hide_an_excerpt():
    text = "He said “it’s done” — twice.\n\nThen  LEFT."
    start, end = excerpt_location(text, 'he said "it\'s done" - twice. then left')
    assert text[start:end] == "He said “it’s done” — twice.\n\nThen  LEFT"


def test_straight_quotes_in_the_text_match_curly_ones_in_the_excerpt():
    text = 'The "council\'s" plan'
    start, end = excerpt_location(text, "the “council’s” plan")
    assert text[start:end] == text


def test_an_excerpt_wrapped_in_its_own_quotation_marks_is_found():
    text = "The toll would rise in July."
    start, end = excerpt_location(text, "“the toll would rise”")
    assert text[start:end] == "The toll would rise"


def test_an_ellipsis_character_matches_three_dots_and_the_span_ends_on_whole_characters():
    text = "Wait… what?"
    start, end = excerpt_location(text, "wait...")
    assert text[start:end] == "Wait…"


def test_changed_words_are_not_found():
    assert (
        excerpt_location("The bridge carried 160,000 vehicles.", "The bridge carried 180,000 vehicles")
        is None
    )


@pytest.mark.parametrize("excerpt", ["", "   ", "“”"])
def test_an_empty_excerpt_has_no_location(excerpt):
    assert excerpt_location("Some text", excerpt) is None


def test_nothing_is_located_in_an_empty_archive():
    assert excerpt_location("", "anything") is None
