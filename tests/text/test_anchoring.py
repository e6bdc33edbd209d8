"""Anchoring claims to article text: selectors, re-anchoring, browser offsets."""

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from claims.text.anchoring import (
    ANCHORED,
    CHANGED,
    LOST,
    SELECTOR_CONTEXT,
    Anchor,
    TextQuoteSelector,
    make_selector,
    reanchor,
    resolve_browser_selection,
    utf16_to_index,
)

ARTICLE = (
    "The city council met on Tuesday. "
    "The unemployment rate fell to 4.1 percent in March, the lowest in a decade. "
    "Officials said the new bridge will open in 2026. "
    "Critics say the bridge is over budget. "
    'The mayor called it "a historic day" for the region. '
    "Turnout was 38 percent."
)
UNEMPLOYMENT = "The unemployment rate fell to 4.1 percent in March, the lowest in a decade."
BRIDGE = "Officials said the new bridge will open in 2026."
BUDGET = "Critics say the bridge is over budget."
MAYOR = 'The mayor called it "a historic day" for the region.'
TURNOUT = "Turnout was 38 percent."
CLAIMS = [UNEMPLOYMENT, BRIDGE, BUDGET, MAYOR, TURNOUT]


def claim_anchors(text, claims=CLAIMS):
    anchors = []
    for claim in claims:
        start = text.index(claim)
        anchors.append((start, start + len(claim), make_selector(text, start, start + len(claim))))
    return anchors


def span(text, quote, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return start, start + len(quote)


def utf16_len(text):
    return len(text.encode("utf-16-le")) // 2


def find(selector, text, *, near=0, old_text=None):
    """Re-anchor one claim whose stored offsets start at `near` in `old_text` (by default `text` itself).

    Stored offsets are only a hint: the selector decides where the claim is.
    """
    old_text = text if old_text is None else old_text
    [anchor] = reanchor(old_text, text, [(near, near + len(selector.exact), selector)])
    return anchor


# --- Selectors ---------------------------------------------------------------------------------


def test_make_selector_takes_context_either_side():
    start, end = span(ARTICLE, BRIDGE)
    selector = make_selector(ARTICLE, start, end)
    assert selector.exact == BRIDGE
    assert selector.prefix == ARTICLE[start - SELECTOR_CONTEXT : start]
    assert selector.suffix == ARTICLE[end : end + SELECTOR_CONTEXT]
    assert len(selector.prefix) == len(selector.suffix) == 32


def test_make_selector_context_is_cut_short_at_the_edges_of_the_text():
    selector = make_selector("Short text here.", 0, 5)
    assert selector == TextQuoteSelector(exact="Short", prefix="", suffix=" text here.")
    assert make_selector("abcdef", 2, 4, context=1) == TextQuoteSelector("cd", "b", "e")


@pytest.mark.parametrize("start, end", [(3, 3), (4, 2), (-1, 2), (0, 99)])
def test_make_selector_rejects_empty_or_out_of_range_spans(start, end):
    with pytest.raises(ValueError):
        make_selector("some text", start, end)


# --- Finding a quote in changed text ----------------------------------------------------------


def test_it_finds_an_unchanged_quote():
    start, end = span(ARTICLE, BUDGET)
    assert find(make_selector(ARTICLE, start, end), ARTICLE, near=start) == Anchor(start, end, ANCHORED)


def test_prefix_and_suffix_pick_the_right_copy_of_a_repeated_sentence():
    text = "Alice said: Prices rose. Then Bob said: Prices rose. Finally Carol said: Prices rose."
    second = span(text, "Prices rose.", occurrence=1)
    selector = make_selector(text, *second)
    assert find(selector, text, near=second[0]) == Anchor(*second, ANCHORED)
    # ... even when the stored offsets point at another copy: context comes first.
    assert find(selector, text, near=0) == Anchor(*second, ANCHORED)


def test_the_stored_offsets_pick_between_copies_with_the_same_surroundings():
    text = "Yes. " * 30
    selector = make_selector(text, 50, 54)
    assert find(selector, text, near=52) == Anchor(50, 54, ANCHORED)
    assert find(selector, text, near=101) == Anchor(100, 104, ANCHORED)


def changed_claim(new_text, claim):
    """Re-anchor `claim` of ARTICLE after ARTICLE became `new_text`."""
    start, end = span(ARTICLE, claim)
    return find(make_selector(ARTICLE, start, end), new_text, near=start, old_text=ARTICLE)


def test_whitespace_changes_make_the_quote_changed_not_lost():
    text = ARTICLE.replace("the lowest in", "the\n  lowest in")
    anchor = changed_claim(text, UNEMPLOYMENT)
    assert anchor.state == CHANGED
    assert text[anchor.start : anchor.end] == UNEMPLOYMENT.replace("the lowest", "the\n  lowest")


def test_typographic_quotes_make_the_quote_changed_not_lost():
    text = ARTICLE.replace('"a historic day"', "\u201ca historic day\u201d")
    anchor = changed_claim(text, MAYOR)
    assert (anchor.state, text[anchor.start : anchor.end]) == (
        CHANGED,
        "The mayor called it \u201ca historic day\u201d for the region.",
    )


def test_invisible_characters_and_an_ellipsis_make_the_quote_changed_not_lost():
    claim = "The report said more... later."
    old_text = f"Intro here. {claim} Outro."
    new_text = "Intro here. The re\u00adport said more\u2026 later. Outro."
    start, end = span(old_text, claim)
    anchor = find(make_selector(old_text, start, end), new_text, near=start, old_text=old_text)
    assert anchor.state == CHANGED
    assert new_text[anchor.start : anchor.end] == "The re\u00adport said more\u2026 later."


def test_a_few_changed_words_are_found_with_their_new_span():
    text = ARTICLE.replace("fell to 4.1 percent", "dropped to 4.3 percent")
    expected = UNEMPLOYMENT.replace("fell to 4.1 percent", "dropped to 4.3 percent")
    assert changed_claim(text, UNEMPLOYMENT) == Anchor(*span(text, expected), CHANGED)


def test_an_edited_first_word_does_not_drag_in_the_previous_sentence():
    text = ARTICLE.replace("The unemployment rate", "Unemployment")
    expected = "Unemployment fell to 4.1 percent in March, the lowest in a decade."
    assert changed_claim(text, UNEMPLOYMENT) == Anchor(*span(text, expected), CHANGED)


def test_an_edited_claim_in_emoji_and_non_latin_text_keeps_whole_characters():
    claim = "Фанаты 🎉 праздновали победу 3–1 в Цюрихе."
    old_text = f"東京で雨。 {claim} ثم توقف."
    new_text = old_text.replace("3–1", "4–1").replace("🎉", "🎉🎉")
    start, end = span(old_text, claim)
    anchor = find(make_selector(old_text, start, end), new_text, near=start, old_text=old_text)
    expected = "Фанаты 🎉🎉 праздновали победу 4–1 в Цюрихе."
    assert anchor == Anchor(*span(new_text, expected), CHANGED)


def test_an_edited_claim_that_moved_far_away_is_still_found():
    filler = " ".join(f"Unrelated sentence {i} about the weather." for i in range(40))
    old_text = f"{BRIDGE} {filler}"
    new_text = f"{filler} Officials said the new bridge will open in 2027."
    anchor = find(make_selector(old_text, 0, len(BRIDGE)), new_text, near=0, old_text=old_text)
    assert anchor == Anchor(*span(new_text, BRIDGE.replace("2026", "2027")), CHANGED)


def test_a_rewritten_sentence_is_lost_where_it_was():
    text = ARTICLE.replace(BUDGET, "Nobody has yet published a cost estimate for it.")
    where = ARTICLE.index(BUDGET)
    assert changed_claim(text, BUDGET) == Anchor(where, where, LOST)
    assert find(TextQuoteSelector("Zebras are striped."), text) == Anchor(0, 0, LOST)


# --- reanchor ----------------------------------------------------------------------------------


def test_unchanged_text_keeps_every_offset():
    anchors = claim_anchors(ARTICLE)
    assert reanchor(ARTICLE, ARTICLE, anchors) == [Anchor(s, e, ANCHORED) for s, e, _ in anchors]


def test_text_inserted_before_the_claims_shifts_them():
    lead = "BREAKING: new figures were released this morning. "
    new_text = lead + ARTICLE
    anchors = claim_anchors(ARTICLE)
    shifted = [Anchor(s + len(lead), e + len(lead), ANCHORED) for s, e, _ in anchors]
    assert reanchor(ARTICLE, new_text, anchors) == shifted


def test_a_small_edit_inside_a_claim_gives_changed_with_the_new_span():
    new_text = ARTICLE.replace("open in 2026", "open in late 2027")
    result = reanchor(ARTICLE, new_text, claim_anchors(ARTICLE))
    edited = "Officials said the new bridge will open in late 2027."
    assert result[1] == Anchor(*span(new_text, edited), CHANGED)
    others = [result[0], *result[2:]]
    assert [new_text[a.start : a.end] for a in others] == [UNEMPLOYMENT, BUDGET, MAYOR, TURNOUT]
    assert {a.state for a in others} == {ANCHORED}


def test_a_deleted_sentence_is_lost_where_it_used_to_be():
    new_text = ARTICLE.replace(BUDGET + " ", "")
    result = reanchor(ARTICLE, new_text, claim_anchors(ARTICLE))
    where = ARTICLE.index(BUDGET)
    assert result[2] == Anchor(where, where, LOST)
    assert [r.state for r in result] == [ANCHORED, ANCHORED, LOST, ANCHORED, ANCHORED]


def test_a_duplicated_sentence_elsewhere_does_not_steal_the_anchor():
    new_text = BRIDGE + " " + ARTICLE + " In short: " + BRIDGE
    result = reanchor(ARTICLE, new_text, claim_anchors(ARTICLE))
    assert result[1] == Anchor(*span(new_text, BRIDGE, occurrence=1), ANCHORED)


def test_an_edited_claim_is_not_replaced_by_an_exact_copy_far_away():
    # The pull quote at the top still says 2026; the claim itself now says 2027.
    new_text = BRIDGE + " " + ARTICLE.replace("open in 2026", "open in 2027")
    result = reanchor(ARTICLE, new_text, claim_anchors(ARTICLE))
    assert result[1] == Anchor(*span(new_text, BRIDGE.replace("2026", "2027")), CHANGED)


def test_reanchor_returns_one_anchor_per_claim_in_order():
    anchors = claim_anchors(ARTICLE)[::-1]
    result = reanchor(ARTICLE, ARTICLE.upper(), anchors)
    assert len(result) == len(anchors)
    assert all(isinstance(a, Anchor) for a in result)


def test_reanchoring_a_long_article_maps_every_claim():
    sentences = [
        f"Sentence number {i} of the report says that {i * 7 % 1000} people attended event {i}."
        for i in range(1500)
    ]
    old_text = " ".join(sentences)
    claims = sentences[::5]
    anchors = claim_anchors(old_text, claims)
    edited = list(sentences)
    for i in range(0, len(edited), 50):
        edited[i] = edited[i].replace("people", "residents")
    edited.insert(700, "An inserted correction notice.")
    new_text = " ".join(edited)
    assert len(old_text) > 100_000 and len(anchors) == 300

    result = reanchor(old_text, new_text, anchors)

    for claim, anchor in zip(claims, result, strict=True):
        expected = claim.replace("people", "residents") if claim not in edited else claim
        assert new_text[anchor.start : anchor.end] == expected
        assert anchor.state == (ANCHORED if expected == claim else CHANGED)


# --- UTF-16 offsets ----------------------------------------------------------------------------


def test_an_emoji_is_one_code_point_but_two_utf16_units():
    text = "I 💙 fact-checks"
    assert utf16_to_index(text, 2) == 2
    assert utf16_to_index(text, 4) == 3
    assert utf16_to_index(text, len(text) + 1) == len(text)


def test_an_offset_inside_a_surrogate_pair_is_refused():
    with pytest.raises(ValueError, match="surrogate pair"):
        utf16_to_index("I 💙 it", 3)


@pytest.mark.parametrize("offset", [-1, 9])
def test_an_offset_outside_the_text_is_refused(offset):
    with pytest.raises(ValueError, match="outside"):
        utf16_to_index("I 💙 it", offset)


# --- Browser selections ------------------------------------------------------------------------


def test_a_browser_selection_after_an_emoji_resolves_to_code_points():
    text = "Fans 🎉🎉 cheered. The team won 3–1 in Zürich. Fans 🎉 cheered again."
    start = text.index("The team")
    selector = TextQuoteSelector(exact="The team won 3–1 in Zürich.", prefix="🎉 cheered. ", suffix=" Fans")
    assert resolve_browser_selection(text, selector=selector, utf16_start=start + 2) == (start, start + 27)


def test_whitespace_around_a_selection_is_left_out():
    text = "كتب المراسل:  ارتفعت الأسعار بنسبة ٥٪.  ثم توقف."
    quote = "ارتفعت الأسعار بنسبة ٥٪."
    start = text.index(quote)
    selector = TextQuoteSelector(exact="  " + quote + "  ", prefix="كتب المراسل:", suffix="ثم توقف.")
    assert resolve_browser_selection(text, selector=selector, utf16_start=start - 2) == (
        start,
        start + len(quote),
    )


def test_the_utf16_start_picks_between_identical_selections():
    text = "東京で雨。大阪で雨。東京で雨。"
    selector = TextQuoteSelector(exact="東京で雨。")
    assert resolve_browser_selection(text, selector=selector, utf16_start=10) == (10, 15)
    assert resolve_browser_selection(text, selector=selector, utf16_start=0) == (0, 5)


def test_a_selection_not_in_the_article_is_refused():
    with pytest.raises(ValueError, match="^The selected text was not found in the article.$"):
        resolve_browser_selection(ARTICLE, selector=TextQuoteSelector("The council resigned."))


@pytest.mark.parametrize("exact", ["", "   ", "\n\t"])
def test_an_empty_selection_is_refused(exact):
    with pytest.raises(ValueError, match="empty"):
        resolve_browser_selection(ARTICLE, selector=TextQuoteSelector(exact), utf16_start=0)


# --- Properties --------------------------------------------------------------------------------

# Latin, accents, combining marks, CJK, Arabic, Devanagari, emoji (astral), whitespace, punctuation.
WORLD = st.sampled_from(list("aAbé\u0301\u0308中文字ال عربيةह\u093f 😀🎉👍🏽𝔘\n\t.,'\"“”—-"))
TEXTS = st.text(WORLD, min_size=1, max_size=120)
SENTENCES = st.sampled_from(
    ["Prices rose. ", "Prices rose! ", "物价上涨。", "ارتفعت الأسعار. ", "🎉 Yes. ", "No. "]
)
REPETITIVE_TEXTS = st.lists(SENTENCES, min_size=1, max_size=30).map("".join)


@st.composite
def text_and_span(draw, texts=TEXTS):
    text = draw(texts)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


@settings(max_examples=200)
@given(st.one_of(text_and_span(), text_and_span(REPETITIVE_TEXTS)))
def test_a_selector_locates_its_own_span_in_unchanged_text(case):
    text, start, end = case
    selector = make_selector(text, start, end)

    assert find(selector, text, near=start) == Anchor(start, end, ANCHORED)
    # With offsets pointing elsewhere, any copy it lands on is indistinguishable from the original.
    anchor = find(selector, text, near=0)
    assert anchor.state == ANCHORED
    assert make_selector(text, anchor.start, anchor.end) == selector


@settings(max_examples=200)
@given(st.lists(SENTENCES, min_size=2, max_size=30), st.data())
def test_prefix_and_suffix_pick_the_copy_of_a_sentence_they_came_from(sentences, data):
    text = "".join(sentences)
    which = data.draw(st.integers(0, len(sentences) - 1))
    start = len("".join(sentences[:which]))
    end = start + len(sentences[which])
    selector = make_selector(text, start, end)

    anchor = find(selector, text, near=0)  # stored offsets that point at the first sentence

    copies = [
        i for i in range(len(text) - (end - start) + 1) if make_selector(text, i, i + end - start) == selector
    ]
    if copies == [start]:  # the context tells this copy apart from every other
        assert anchor == Anchor(start, end, ANCHORED)
    else:
        assert anchor.state == ANCHORED and anchor.start in copies


@settings(max_examples=200)
@given(TEXTS)
def test_utf16_offsets_map_to_code_points_and_count_surrogate_pairs(text):
    for index in range(len(text) + 1):
        assert utf16_to_index(text, utf16_len(text[:index])) == index
    astral_ends = {utf16_len(text[:i]) + 1 for i, ch in enumerate(text) if ord(ch) > 0xFFFF}
    for offset in astral_ends:
        with pytest.raises(ValueError):
            utf16_to_index(text, offset)


@settings(max_examples=200)
@given(text_and_span())
def test_a_browser_selection_resolves_to_its_exact_span(case):
    text, start, end = case
    quote = text[start:end]
    assume(quote.strip())
    lead = len(quote) - len(quote.lstrip())
    trail = len(quote) - len(quote.rstrip())
    selector = make_selector(text, start, end)
    resolved = resolve_browser_selection(text, selector=selector, utf16_start=utf16_len(text[:start]))
    assert resolved == (start + lead, end - trail)
    assert text[resolved[0] : resolved[1]] == quote.strip()


@settings(max_examples=200)
@given(
    st.text(WORLD, min_size=SELECTOR_CONTEXT, max_size=80),
    text_and_span(st.one_of(TEXTS, REPETITIVE_TEXTS)),
    st.text(WORLD, min_size=1, max_size=40),
    st.data(),
)
def test_text_inserted_well_before_a_claim_shifts_it(head, case, inserted, data):
    rest, start, end = case
    old_text = head + rest
    start, end = start + len(head), end + len(head)
    at = data.draw(st.integers(0, start - SELECTOR_CONTEXT))
    new_text = old_text[:at] + inserted + old_text[at:]

    [anchor] = reanchor(old_text, new_text, [(start, end, make_selector(old_text, start, end))])

    shifted = (start + len(inserted), end + len(inserted))
    assert anchor.state == ANCHORED
    # The claim itself, or a copy that no selector could tell from it.
    assert make_selector(new_text, anchor.start, anchor.end) == make_selector(new_text, *shifted)
