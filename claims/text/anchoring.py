"""Anchoring claims to an article's plain text.

A claim is stored as code-point offsets [start, end) into the article text plus a W3C
TextQuoteSelector (the quoted text and ~32 characters either side). The offsets are fast; the
selector is what survives when the text is re-fetched or corrected, so `reanchor` maps old offsets
onto the new text and `locate` checks each one against its selector.

Browsers count offsets in UTF-16 code units, Python in code points: the conversions and
`resolve_browser_selection` sit at that boundary. Pure Python, no database.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from claims.choices import AnchorState

SELECTOR_CONTEXT = 32
# Below this similarity (1 - edit distance / length) a quote counts as gone rather than edited.
MIN_SIMILARITY = 0.75

# Occurrence counts above these say nothing about where a quote is, only cost time.
_MAX_CANDIDATES = 2000
_MAX_SCORED = 200
_MAX_SEED_HITS = 16


# --- Selectors -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextQuoteSelector:
    """https://www.w3.org/TR/annotation-model/#text-quote-selector"""

    exact: str
    prefix: str = ""
    suffix: str = ""

    def as_w3c(self) -> dict:
        return {
            "type": "TextQuoteSelector",
            "exact": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
        }

    @classmethod
    def from_w3c(cls, data: Mapping) -> TextQuoteSelector:
        if not isinstance(data, Mapping):
            raise ValueError("A text quote selector must be an object with 'exact', 'prefix' and 'suffix'.")
        kind = data.get("type", "TextQuoteSelector")
        if kind != "TextQuoteSelector":
            raise ValueError(f"Expected a selector of type 'TextQuoteSelector', got {kind!r}.")
        exact = data.get("exact")
        if not isinstance(exact, str) or not exact:
            raise ValueError("A text quote selector needs a non-empty 'exact' string.")
        context = {}
        for key in ("prefix", "suffix"):
            value = data.get(key)
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise ValueError(f"The selector's {key!r} must be a string, got {type(value).__name__}.")
            context[key] = value
        return cls(exact=exact, **context)


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
    state: str  # an AnchorState value


# --- Locating a quote ------------------------------------------------------------------------


def locate(selector: TextQuoteSelector, text: str, *, hint: int | None = None) -> Anchor:
    """Find the selector's quote in `text`.

    Exact copies of the quote are told apart by how well their surroundings agree with the
    selector's prefix and suffix, then by distance to `hint`. Without an exact copy the quote is
    looked for with its whitespace and typographic quotes normalised, then with small edits
    allowed; a match found that way is "changed".
    """
    return _locate(selector, text, hint=hint, hint_end=None)


def _locate(selector: TextQuoteSelector, text: str, *, hint: int | None, hint_end: int | None) -> Anchor:
    if hint is not None:
        hint = min(max(hint, 0), len(text))
    if hint_end is not None:
        hint_end = min(max(hint_end, hint or 0), len(text))
    exact = selector.exact
    if not exact:
        return _lost(hint)

    starts = _find_all(text, exact, limit=_MAX_CANDIDATES)
    if starts is None:
        starts = _find_all(text, exact, limit=len(text))
    if starts:
        spans = [(s, s + len(exact)) for s in starts]
        start, end = _pick(selector, text, spans, hint)
        if (
            hint is None
            or abs(start - hint) <= len(exact)
            or _context_fraction(selector, text, start, end) >= 0.5
        ):
            return Anchor(start, end, AnchorState.ANCHORED.value)
        # The only copies sit far from where the claim was, in unfamiliar surroundings (a pull quote,
        # a summary): if the claim's own place still holds an edited version, that is the claim.
        near = _fuzzy(selector, text, hint=hint, hint_end=hint_end, near_hint_only=True)
        if near is not None and _context_fraction(selector, text, near[0], near[1]) >= 0.5:
            return _anchor(selector, text, near[0], near[1])
        return Anchor(start, end, AnchorState.ANCHORED.value)

    spans = _normalized_spans(text, exact)
    if spans:
        start, end = _pick(selector, text, spans, hint)
        return _anchor(selector, text, start, end)

    found = _fuzzy(selector, text, hint=hint, hint_end=hint_end, near_hint_only=False)
    if found is not None:
        return _anchor(selector, text, found[0], found[1])
    return _lost(hint)


def _anchor(selector: TextQuoteSelector, text: str, start: int, end: int) -> Anchor:
    state = AnchorState.ANCHORED if text[start:end] == selector.exact else AnchorState.CHANGED
    return Anchor(start, end, state.value)


def _lost(hint: int | None) -> Anchor:
    position = hint or 0
    return Anchor(position, position, AnchorState.LOST.value)


def _find_all(text: str, sub: str, *, limit: int, start: int = 0, end: int | None = None) -> list[int] | None:
    """Start of every (possibly overlapping) occurrence; None when there are more than `limit`."""
    end = len(text) if end is None else end
    found = []
    position = text.find(sub, start, end)
    while position != -1:
        if len(found) == limit:
            return None
        found.append(position)
        position = text.find(sub, position + 1, end)
    return found


# --- Telling occurrences apart ---------------------------------------------------------------


def _agreement(expected: str, found: str) -> int:
    """How many characters of `expected` reappear, in order, in `found`."""
    if expected == found:
        return len(expected)
    if not expected or not found:
        return 0
    return sum(
        block.size for block in SequenceMatcher(None, expected, found, autojunk=False).get_matching_blocks()
    )


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

_CHARACTER_MAP = str.maketrans(
    {
        **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
        **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
        **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
        "\u2026": ".",
    }
)
_SQUEEZE = re.compile(r"[\s\u00ad\u200b-\u200d\u2060\ufeff]+")


def _normalize(text: str) -> tuple[str, list[int]]:
    """The text with runs of whitespace collapsed to one space and look-alike characters unified.

    Also returns, for each normalised character, its index in `text` (plus a final len(text)).
    """
    translated = text.translate(_CHARACTER_MAP)  # one character for one, so indexes hold
    parts: list[str] = []
    index: list[int] = []
    position = 0
    for match in _SQUEEZE.finditer(translated):
        parts.append(translated[position : match.start()])
        index.extend(range(position, match.start()))
        if any(ch.isspace() for ch in match.group()):
            parts.append(" ")
            index.append(match.start())
        position = match.end()
    parts.append(translated[position:])
    index.extend(range(position, len(text)))
    index.append(len(text))
    return "".join(parts), index


@lru_cache(maxsize=8)
def _normalized_text(text: str) -> tuple[str, list[int]]:
    # Re-anchoring looks up hundreds of claims in the same article text.
    return _normalize(text)


def _normalized_spans(text: str, exact: str) -> list[tuple[int, int]]:
    needle = _normalize(exact)[0].strip()
    if not needle:
        return []
    haystack, index = _normalized_text(text)
    starts = _find_all(haystack, needle, limit=_MAX_CANDIDATES) or []
    return [(index[s], index[s + len(needle) - 1] + 1) for s in starts]


def _fold(text: str) -> str:
    return _normalize(text)[0].strip().lower()


# --- Fuzzy matching --------------------------------------------------------------------------


def _myers(pattern: str, text: str, *, anchored: bool) -> list[int]:
    """Edit distances between `pattern` and text ending at each position of `text`.

    Myers' bit-parallel algorithm (J. ACM 46(3), 1999). With anchored=False the distance is to the
    best substring ending there; with anchored=True to the whole of text[:j + 1].
    """
    m = len(pattern)
    full = (1 << m) - 1
    last = 1 << (m - 1)
    peq: dict[str, int] = defaultdict(int)
    for i, ch in enumerate(pattern):
        peq[ch] |= 1 << i
    carry = 1 if anchored else 0
    pv, mv, score = full, 0, m
    scores = []
    for ch in text:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = ((ph << 1) | carry) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
        scores.append(score)
    return scores


def _edit_distance(a: str, b: str) -> int:
    if not a or not b:
        return max(len(a), len(b))
    return _myers(a, b, anchored=True)[-1]


def _similarity(exact: str, found: str) -> float:
    a, b = _fold(exact), _fold(found)
    if not a or not b:
        return 0.0
    return 1 - _edit_distance(a, b) / max(len(a), len(b))


def _seed_centers(selector: TextQuoteSelector, text: str, limit: int = 3) -> list[int]:
    """Likely starts of the quote, by where pieces of prefix + exact + suffix still occur."""
    quote = selector.prefix + selector.exact + selector.suffix
    shift = len(selector.prefix)
    k = 8 if len(quote) >= 32 else max(3, len(quote) // 4)
    if len(quote) < k:
        return []
    count = min(24, len(quote) - k + 1)
    offsets = sorted({round(i * (len(quote) - k) / max(count - 1, 1)) for i in range(count)})
    bucket = max(8, len(selector.exact) // 4)
    votes: dict[int, list[int]] = defaultdict(list)
    for offset in offsets:
        seed = quote[offset : offset + k]
        if not seed.strip():
            continue
        for position in _find_all(text, seed, limit=_MAX_SEED_HITS) or []:
            diagonal = position - offset + shift
            votes[diagonal // bucket].append(diagonal)
    ranked = sorted(
        votes, key=lambda b: -(len(votes[b]) + len(votes.get(b - 1, ())) + len(votes.get(b + 1, ())))
    )
    centers = []
    for b in ranked[:limit]:
        diagonals = sorted(votes[b])
        centers.append(diagonals[len(diagonals) // 2])
    return centers


def _fuzzy(
    selector: TextQuoteSelector, text: str, *, hint: int | None, hint_end: int | None, near_hint_only: bool
) -> tuple[int, int] | None:
    exact = selector.exact
    m = len(exact)
    slack = max(24, m // 3)
    best: tuple[tuple, tuple[int, int]] | None = None

    def consider(lo: int, hi: int, expected: int) -> None:
        nonlocal best
        span = _align(selector, text, lo, hi, expected)
        if span is None:
            return
        similarity = _similarity(exact, text[span[0] : span[1]])
        if similarity < MIN_SIMILARITY:
            return
        fraction = _context_fraction(selector, text, *span)
        key = (similarity + 0.1 * fraction, 0 if hint is None else -abs(span[0] - hint), fraction)
        if best is None or key > best[0]:
            best = (key, span)

    if hint is not None:
        hi = max(hint + m, hint_end or 0) + slack
        consider(max(0, hint - slack), min(len(text), hi), hint)
        # An edited claim still in its old surroundings: no need to search the rest of the text.
        if near_hint_only or (best is not None and best[0][2] >= 0.5):
            return None if best is None else best[1]
    for center in _seed_centers(selector, text):
        if hint is None or abs(center - hint) > slack:
            consider(max(0, center - slack), min(len(text), center + m + slack), center)
    return None if best is None else best[1]


def _align(selector: TextQuoteSelector, text: str, lo: int, hi: int, expected: int) -> tuple[int, int] | None:
    """The substring of text[lo:hi] closest in edit distance to the quote, snapped to word edges."""
    exact = selector.exact
    if hi <= lo:
        return None
    scores = _myers(exact, text[lo:hi], anchored=False)
    lowest = min(scores)
    if lowest > 0.4 * len(exact):
        return None  # far beyond MIN_SIMILARITY even allowing for case and whitespace, which count below
    expected_end = expected + len(exact)
    end = min((lo + j + 1 for j, s in enumerate(scores) if s == lowest), key=lambda e: abs(e - expected_end))
    # Walk back from that end for the start, with the whole stretch up to `end` counted.
    back = _myers(exact[::-1], text[lo:end][::-1], anchored=True)
    lowest = min(back)
    length = min((j + 1 for j, s in enumerate(back) if s == lowest), key=lambda n: abs(n - len(exact)))
    start = end - length
    return _snap(selector, text, start, end, lo, hi)


def _is_word_edge(text: str, position: int) -> bool:
    if position <= 0 or position >= len(text):
        return True
    return not (text[position - 1].isalnum() and text[position].isalnum())


def _snap(selector: TextQuoteSelector, text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """Move the edges of a fuzzy match to where the quote's own edges are.

    Edit distance alone happily starts a match on the tail of the previous word ("h. Unemployment"
    for "The unemployment"); among close-enough edges, prefer those that look like the quote's.
    """
    exact = selector.exact
    starts_at_edge = not selector.prefix or _is_word_edge(selector.prefix[-1] + exact[0], 1)
    ends_at_edge = not selector.suffix or _is_word_edge(exact[-1] + selector.suffix[0], 1)
    reach = 12

    def start_fits(s: int) -> int:
        fits = text[s].isalnum() == exact[0].isalnum() and text[s].isspace() == exact[0].isspace()
        return int(fits and (_is_word_edge(text, s) or not starts_at_edge))

    def end_fits(e: int) -> int:
        fits = text[e - 1].isalnum() == exact[-1].isalnum() and text[e - 1].isspace() == exact[-1].isspace()
        return int(fits and (_is_word_edge(text, e) or not ends_at_edge))

    def key(s: int, e: int, fits: int) -> tuple:
        similarity = _similarity(exact, text[s:e])
        return (similarity >= MIN_SIMILARITY and fits, similarity)

    if not start_fits(start):
        candidates = [s for s in range(max(lo, start - reach), min(end, start + reach + 1)) if start_fits(s)]
        start = max([start, *candidates], key=lambda s: key(s, end, start_fits(s)))
    if not end_fits(end):
        candidates = [e for e in range(max(start + 1, end - reach), min(hi, end + reach) + 1) if end_fits(e)]
        end = max([end, *candidates], key=lambda e: key(start, e, end_fits(e)))
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


def index_to_utf16(text: str, index: int) -> int:
    if not 0 <= index <= len(text):
        raise ValueError(f"Index {index} is outside the text (0 to {len(text)}).")
    return index + sum(1 for _ in _ASTRAL.finditer(text, 0, index))


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
