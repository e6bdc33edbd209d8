"""Shortening text at word boundaries."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claims.text.shortening import keep_end, keep_start


def test_short_text_is_left_alone():
    assert keep_start("Short title", 20) == "Short title"
    assert keep_end("Short title", 11) == "Short title"


def test_keep_start_cuts_after_a_whole_word():
    assert keep_start("The council approved the budget on Tuesday", 20) == "The council…"
    assert keep_start("The council, approved", 14) == "The council…"  # no dangling comma


def test_keep_end_cuts_before_a_whole_word():
    assert keep_end("The council approved the budget on Tuesday", 20) == "…budget on Tuesday"


def test_text_without_spaces_is_cut_between_characters():
    assert keep_start("政府周二批准了新的预算案", 6) == "政府周二批…"
    assert keep_end("政府周二批准了新的预算案", 6) == "…新的预算案"


@pytest.mark.parametrize("limit", [0, -3])
def test_a_limit_below_one_is_refused(limit):
    with pytest.raises(ValueError):
        keep_start("text", limit)


@given(st.text(st.sampled_from(list("ab 中,\n")), max_size=80), st.integers(1, 90))
def test_the_result_fits_and_comes_from_the_text(text, limit):
    for shortened, side in ((keep_start(text, limit), "start"), (keep_end(text, limit), "end")):
        assert len(shortened) <= limit
        if shortened != text:
            body = shortened.removesuffix("…") if side == "start" else shortened.removeprefix("…")
            assert body in text
