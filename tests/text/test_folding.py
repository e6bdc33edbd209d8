"""The one comparison form of text shared by anchoring and excerpt matching."""

from hypothesis import given
from hypothesis import strategies as st

from claims.text.folding import fold


def folded(text, **options):
    return fold(text, **options)[0]


def test_typographic_quotes_dashes_and_primes_become_plain_ones():
    assert folded("“It’s done” — ‘twice’ ″ ‶ ‵ − －") == "\"it's done\" - 'twice' \" \" ' - -"


def test_compatibility_forms_are_unified():
    assert folded("ﬁnal… Ｆｕｌｌ\u00a0width") == "final... full width"


def test_runs_of_whitespace_become_one_space_and_invisible_characters_vanish():
    assert folded("a \n\t b\u200bc\u00add \u200b e\ufeff") == "a bcd e"


def test_case_is_kept_when_asked():
    assert folded("Straße “Über”", casefold=False) == 'Straße "Über"'
    assert folded("Straße “Über”") == 'strasse "über"'


def test_each_folded_character_says_where_it_came_from():
    text = "Wait…  “OK”"
    out, origin = fold(text)
    assert out == 'wait... "ok"'
    assert [text[i] for i in origin] == ["W", "a", "i", "t", "…", "…", "…", " ", "“", "O", "K", "”"]


WORLD = st.text(st.sampled_from(list("aAé\u0301中ال ह😀\n\t.,'\"“”—-…ﬁß\u200b\u00a0İ")), max_size=60)


@given(WORLD)
def test_origins_are_in_order_and_inside_the_text(text):
    out, origin = fold(text)
    assert len(out) == len(origin)
    assert origin == sorted(origin)
    assert all(0 <= i < len(text) for i in origin)


@given(WORLD)
def test_folding_is_idempotent(text):
    once = folded(text)
    assert folded(once) == once
