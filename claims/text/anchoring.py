"""Anchoring claims to an article's plain text.

A claim is stored as code-point offsets [start, end) into the article text plus a W3C
TextQuoteSelector (the quoted text and ~32 characters either side). The offsets are fast; the
selector is what survives when the text is re-fetched or corrected, so `reanchor` maps old offsets
onto the new text and checks each one against its selector: found as it was ("anchored"), found
edited ("changed") or gone ("lost").

Browsers count offsets in UTF-16 code units, Python in code points: the conversion and
`resolve_browser_selection` sit at that boundary. Pure Python, no database.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq, Levenshtein

from claims.text.folding import fold

# Anchor states: the same values as claims.choices.AnchorState, which the models store.
ANCHORED = "anchored"
CHANGED = "changed"
LOST = "lost"

SELECTOR_CONTEXT = 32
# Below this similarity (1 - edit distance / length) a quote counts as gone rather than edited.
MIN_SIMILARITY = 0.75
# A stretch of text whose best alignment with the quote scores below this (rapidfuzz's 0-100 scale,
# insertions and deletions counted) cannot reach MIN_SIMILARITY: it would take 40% of the quote edited.
_ROUGH_SCORE = 60

# Occurrence counts above these say nothing about where a quote is, only cost time.
_MAX_CANDIDATES = 2000
_MAX_SCORED = 200


# --- Selectors -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextQuoteSelector:
    """https://www.w3.org/TR/annotation-model/#text-quote-selector"""

    exact: str
    prefix: str = ""
    suffix: str = ""


def make_selector(text: str, start: int, end: int, *, context: int = SELECTOR_CONTEXT) -> TextQuoteSelector:
    if not 0 <= start < end <= len(text):
        raise ValueError(f"[{start}, {end}) is not a non-empty span of a text of length {len(text)}.")
    if context < 0:
        raise ValueError("The selector context cannot be negative.")
    return TextQuoteSelector(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


@dataclass(frozen=True, slots=True)
class Anchor:
    start: int
    end: int
    state: str  # ANCHORED, CHANGED or LOST


# --- Locating a quote ------------------------------------------------------------------------


def _locate(selector: TextQuoteSelector, text: str, *, hint: int, hint_end: int) -> Anchor:
    """Find the selector's quote in `text`, near `hint` (where the claim's old offsets map to).

    Exact copies of the quote are told apart by how well their surroundings agree with the
    selector's prefix and suffix, then by distance to `hint`. Without an exact copy the quote is
    looked for with its whitespace and typographic quotes normalised, then with small edits
    allowed; a match found that way is "changed".
    """
    hint = min(max(hint, 0), len(text))
    hint_end = min(max(hint_end, hint), len(text))
    exact = selector.exact
    if not exact:
        return _lost(hint)

    starts = _find_all(text, exact, limit=_MAX_CANDIDATES)
    if starts is None:
        starts = _find_all(text, exact, limit=len(text))
    if starts:
        spans = [(s, s + len(exact)) for s in starts]
        start, end = _pick(selector, text, spans, hint)
        if abs(start - hint) <= len(exact) or _context_fraction(selector, text, start, end) >= 0.5:
            return Anchor(start, end, ANCHORED)
        # The only copies sit far from where the claim was, in unfamiliar surroundings (a pull quote,
        # a summary): if the claim's own place still holds an edited version, that is the claim.
        near = _fuzzy(selector, text, hint=hint, hint_end=hint_end, near_hint_only=True)
        if near is not None and _context_fraction(selector, text, near[0], near[1]) >= 0.5:
            return _anchor(selector, text, near[0], near[1])
        return Anchor(start, end, ANCHORED)

    spans = _normalized_spans(text, exact)
    if spans:
        start, end = _pick(selector, text, spans, hint)
        return _anchor(selector, text, start, end)

    found = _fuzzy(selector, text, hint=hint, hint_end=hint_end, near_hint_only=False)
    if found is not None:
        return _anchor(selector, text, found[0], found[1])
    return _lost(hint)


def _anchor(selector: TextQuoteSelector, text: str, start: int, end: int) -> Anchor:
    return Anchor(start, end, ANCHORED if text[start:end] == selector.exact else CHANGED)


def _lost(hint: int) -> Anchor:
    return Anchor(hint, hint, LOST)


def _find_all(text: str, sub: str, *, limit: int) -> list[int] | None:
    """Start of every (possibly overlapping) occurrence; None when there are more than `limit`."""
    found = []
    position = text.find(sub)
    while position != -1:
        if len(found) == limit:
            return None
        found.append(position)
        position = text.find(sub, position + 1)
    return found


# --- Telling occurrences apart ---------------------------------------------------------------


def _agreement(expected: str, found: str) -> int:
    """How many characters of `expected` reappear, in order, in `found` (a longest common subsequence)."""
    if expected == found:
        return len(expected)
    return LCSseq.similarity(expected, found)


def _context_agreement(selector: TextQuoteSelector, text: str, start: int, end: int) -> int:
    before = text[max(0, start - len(selector.prefix)) : start]
    after = text[end : end + len(selector.suffix)]
    return _agreement(selector.prefix, before) + _agreement(selector.suffix, after)


def _context_fraction(selector: TextQuoteSelector, text: str, start: int, end: int) -> float:
    total = len(selector.prefix) + len(selector.suffix)
    return 1.0 if total == 0 else _context_agreement(selector, text, start, end) / total


def _edge_mismatches(selector: TextQuoteSelector, text: str, start: int, end: int) -> int:
    # A prefix shorter than the usual context was cut short by the start of the text, so the copy
    # right at the start is the one it was taken from (likewise for the suffix and the end).
    mismatches = 0
    if len(selector.prefix) < SELECTOR_CONTEXT and start != len(selector.prefix):
        mismatches += 1
    if len(selector.suffix) < SELECTOR_CONTEXT and end + len(selector.suffix) != len(text):
        mismatches += 1
    return mismatches


def _run_agreement(selector: TextQuoteSelector, text: str, start: int, end: int) -> int:
    """A cheap stand-in for `_context_agreement`: unbroken agreement next to the quote."""
    before = text[max(0, start - len(selector.prefix)) : start]
    after = text[end : end + len(selector.suffix)]
    run = 0
    for a, b in zip(reversed(selector.prefix), reversed(before), strict=False):
        if a != b:
            break
        run += 1
    for a, b in zip(selector.suffix, after, strict=False):
        if a != b:
            break
        run += 1
    return run


def _pick(
    selector: TextQuoteSelector,
    text: str,
    spans: Sequence[tuple[int, int]],
    hint: int | None,
    *,
    edges: bool = True,
) -> tuple[int, int]:
    if len(spans) == 1:
        return spans[0]
    if len(spans) > _MAX_SCORED:
        spans = sorted(spans, key=lambda span: -_run_agreement(selector, text, *span))[:_MAX_SCORED]

    def key(span: tuple[int, int]) -> tuple:
        start, end = span
        return (
            -_context_agreement(selector, text, start, end),
            _edge_mismatches(selector, text, start, end) if edges else 0,
            0 if hint is None else abs(start - hint),
            start,
        )

    return min(spans, key=key)


# --- Normalised matching: whitespace, typographic quotes and dashes, invisible characters -----


@lru_cache(maxsize=8)
def _normalized_text(text: str) -> tuple[str, list[int]]:
    # Re-anchoring looks up hundreds of claims in the same article text.
    return fold(text, casefold=False)


def _normalized_spans(text: str, exact: str) -> list[tuple[int, int]]:
    needle = fold(exact, casefold=False)[0].strip()
    if not needle:
        return []
    haystack, origin = _normalized_text(text)
    starts = _find_all(haystack, needle, limit=_MAX_CANDIDATES) or []
    return [(origin[s], origin[s + len(needle) - 1] + 1) for s in starts]


# --- Fuzzy matching --------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _folded(text: str) -> str:
    return fold(text)[0].strip()


def _similarity(exact: str, found: str) -> float:
    """1 - edit distance / length, with case, spacing and typographic look-alikes not counted."""
    a, b = _folded(exact), fold(found)[0].strip()
    if not a or not b:
        return 0.0
    return Levenshtein.normalized_similarity(a, b)


def _fuzzy(
    selector: TextQuoteSelector, text: str, *, hint: int, hint_end: int, near_hint_only: bool
) -> tuple[int, int] | None:
    exact = selector.exact
    m = len(exact)
    slack = max(24, m // 3)
    best: tuple[tuple, tuple[int, int]] | None = None

    def consider(lo: int, hi: int) -> None:
        nonlocal best
        span = _align(selector, text, lo, hi)
        if span is None:
            return
        similarity = _similarity(exact, text[span[0] : span[1]])
        if similarity < MIN_SIMILARITY:
            return
        fraction = _context_fraction(selector, text, *span)
        key = (similarity + 0.1 * fraction, -abs(span[0] - hint), fraction)
        if best is None or key > best[0]:
            best = (key, span)

    consider(max(0, hint - slack), min(len(text), max(hint + m, hint_end) + slack))
    # An edited claim still in its old surroundings: no need to search the rest of the text.
    if near_hint_only or (best is not None and best[0][2] >= 0.5):
        return None if best is None else best[1]
    # Otherwise the claim may have moved as well as changed: look where its words fit best.
    elsewhere = fuzz.partial_ratio_alignment(exact, text, score_cutoff=_ROUGH_SCORE)
    if elsewhere is not None and abs(elsewhere.dest_start - hint) > slack:
        consider(max(0, elsewhere.dest_start - slack), min(len(text), elsewhere.dest_end + slack))
    return None if best is None else best[1]


def _align(selector: TextQuoteSelector, text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """The stretch of text[lo:hi] closest to the quote, its edges fitted to the quote's own."""
    if hi <= lo:
        return None
    found = fuzz.partial_ratio_alignment(selector.exact, text[lo:hi], score_cutoff=_ROUGH_SCORE)
    if found is None:
        return None
    return _fit_edges(selector, text, lo + found.dest_start, lo + found.dest_end, lo, hi)


def _is_word_edge(text: str, position: int) -> bool:
    if position <= 0 or position >= len(text):
        return True
    return not (text[position - 1].isalnum() and text[position].isalnum())


def _fit_edges(
    selector: TextQuoteSelector, text: str, start: int, end: int, lo: int, hi: int
) -> tuple[int, int]:
    """Move the edges of an approximate match to where the quote's own edges are.

    The alignment is as long as the quote, so when words were added or removed one of its edges is
    off ("day. Unemployment" for "The unemployment rate"). Among nearby edges that look like the quote's
    (a word edge where the quote starts a word, a full stop where it ends on one), take those that make
    the stretch most like the quote.
    """
    exact = selector.exact
    starts_at_edge = not selector.prefix or _is_word_edge(selector.prefix[-1] + exact[0], 1)
    ends_at_edge = not selector.suffix or _is_word_edge(exact[-1] + selector.suffix[0], 1)
    # MIN_SIMILARITY allows a quarter of the quote edited, so an edge may be a third of it away.
    reach = max(12, len(exact) // 3)

    def start_fits(s: int) -> bool:
        fits = text[s].isalnum() == exact[0].isalnum() and text[s].isspace() == exact[0].isspace()
        return fits and (_is_word_edge(text, s) or not starts_at_edge)

    def end_fits(e: int) -> bool:
        fits = text[e - 1].isalnum() == exact[-1].isalnum() and text[e - 1].isspace() == exact[-1].isspace()
        return fits and (_is_word_edge(text, e) or not ends_at_edge)

    starts = [s for s in range(max(lo, start - reach), min(hi, start + reach + 1)) if start_fits(s)]
    ends = [e for e in range(max(lo + 1, end - reach), min(hi, end + reach) + 1) if end_fits(e)]
    starts.append(start)
    ends.append(end)

    def key(s: int, e: int, fits: bool, moved: int) -> tuple:
        # Close enough with a fitting edge, then as close as can be, then as little moved as can be.
        similarity = _similarity(exact, text[s:e])
        return (similarity >= MIN_SIMILARITY and fits, similarity, -moved)

    for _ in range(2):  # the best end depends on the start and the other way round
        end = max(
            (e for e in ends if e > start),
            key=lambda e: key(start, e, end_fits(e), abs(e - end)),
            default=end,
        )
        start = max(
            (s for s in starts if s < end),
            key=lambda s: key(s, end, start_fits(s), abs(s - start)),
            default=start,
        )
    return start, end


# --- Re-anchoring after the text changed -----------------------------------------------------

_TOKEN = re.compile(r"\S+\s*|\s+")


class _OffsetMap:
    """Maps offsets in an old text to the corresponding offsets in a new one, as a hint.

    Only the stretch between the common beginning and end is diffed, word by word, so a local
    correction to a long article costs little.
    """

    def __init__(self, old: str, new: str):
        self.shift = len(new) - len(old)
        self.head = _common_prefix_length(old, new)
        limit = min(len(old), len(new)) - self.head
        self.old_tail = len(old) - _common_suffix_length(old, new, limit)
        old_middle = old[self.head : self.old_tail]
        new_middle = new[self.head : len(new) - (len(old) - self.old_tail)]
        old_tokens, old_bounds = _tokens(old_middle)
        new_tokens, new_bounds = _tokens(new_middle)
        matcher = SequenceMatcher(None, old_tokens, new_tokens)
        self.blocks = []  # (tag, old start, old end, new start, new end), relative to head
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            self.blocks.append((tag, old_bounds[i1], old_bounds[i2], new_bounds[j1], new_bounds[j2]))
        self.block_starts = [block[1] for block in self.blocks]

    def __call__(self, position: int) -> int:
        if position <= self.head:
            return position
        if position >= self.old_tail:
            return position + self.shift
        relative = position - self.head
        i = max(bisect_right(self.block_starts, relative) - 1, 0)
        tag, old_start, _old_end, new_start, new_end = self.blocks[i]
        return self.head + new_start + min(relative - old_start, new_end - new_start)


def _tokens(text: str) -> tuple[list[str], list[int]]:
    tokens, bounds = [], []
    for match in _TOKEN.finditer(text):
        tokens.append(match.group())
        bounds.append(match.start())
    bounds.append(len(text))
    return tokens, bounds


def _common_prefix_length(a: str, b: str) -> int:
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:  # slices compare in C, so halving beats a character loop
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix_length(a: str, b: str, limit: int) -> int:
    lo, hi = 0, limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid : len(a) - lo] == b[len(b) - mid : len(b) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def reanchor(
    old_text: str, new_text: str, anchors: Sequence[tuple[int, int, TextQuoteSelector]]
) -> list[Anchor]:
    """Map each claim (start, end, selector) on `old_text` onto `new_text`, in order."""
    offset_map = None if old_text == new_text else _OffsetMap(old_text, new_text)
    results = []
    for start, end, selector in anchors:
        if offset_map is None:
            hint, hint_end = start, end
        else:
            hint, hint_end = offset_map(start), offset_map(end)
        results.append(_locate(selector, new_text, hint=hint, hint_end=hint_end))
    return results


# --- Browser offsets -------------------------------------------------------------------------

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _astral_utf16_positions(text: str) -> list[int]:
    """UTF-16 offset of each character outside the Basic Multilingual Plane (a surrogate pair)."""
    return [match.start() + k for k, match in enumerate(_ASTRAL.finditer(text))]


def utf16_to_index(text: str, utf16_offset: int) -> int:
    pairs = _astral_utf16_positions(text)
    if not 0 <= utf16_offset <= len(text) + len(pairs):
        raise ValueError(f"UTF-16 offset {utf16_offset} is outside the text (0 to {len(text) + len(pairs)}).")
    before = bisect_left(pairs, utf16_offset)  # pairs starting before the offset
    if before and pairs[before - 1] + 1 == utf16_offset:
        raise ValueError(f"UTF-16 offset {utf16_offset} falls inside a surrogate pair.")
    return utf16_offset - before


def resolve_browser_selection(
    text: str, *, selector: TextQuoteSelector, utf16_start: int | None = None
) -> tuple[int, int]:
    """Code-point (start, end) of a reviewer's selection, whitespace around it left out.

    The page's UTF-16 offset is only a hint; the quote and its context decide, and the quote must
    be found exactly.
    """
    exact = selector.exact
    stripped = exact.strip()
    if not stripped:
        raise ValueError("The selection is empty: select some text of the article first.")
    lead = len(exact) - len(exact.lstrip())
    trail = len(exact) - len(exact.rstrip())
    trimmed = TextQuoteSelector(
        exact=stripped,
        prefix=selector.prefix + exact[:lead],
        suffix=exact[len(exact) - trail :] + selector.suffix,
    )
    hint = None
    if utf16_start is not None:
        try:
            hint = utf16_to_index(text, utf16_start) + lead
        except ValueError:
            hint = None  # a stale or foreign offset; the quote still decides
    starts = _find_all(text, stripped, limit=_MAX_CANDIDATES)
    if starts is None:
        starts = _find_all(text, stripped, limit=len(text))
    if not starts:
        raise ValueError("The selected text was not found in the article.")
    # A page sends as much context as it likes, so a short prefix says nothing about the text's edges.
    return _pick(trimmed, text, [(s, s + len(stripped)) for s in starts], hint, edges=False)
