"""Split an article into sentence spans with exact offsets into the original text.

Database-free. pysbd decides where sentences end inside a paragraph; this module decides where
paragraphs, headings, list items and title lines begin and end, and maps pysbd's sentences back
onto the source text itself.

Why not ``Segmenter(char_span=True)``: it searches the whole text with one regex per sentence
(quadratic on long articles) and silently drops any sentence whose text pysbd altered. Here pysbd
only ever sees one block at a time, and its output is used for *cut points* alone: a span always
runs from one cut to the next, so whatever pysbd changes or drops can at worst merge two
sentences, never lose or duplicate a character.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import cache

import pysbd
from pysbd.languages import LANGUAGE_CODES

from claims.text.scripts import UNSPACED_CHARACTER
from claims.text.shortening import keep_end, keep_start

__all__ = ["Span", "normalise_language", "split_label", "split_points", "split_sentences"]

DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # code-point offset into the text (Python str index)
    end: int
    text: str  # == source_text[start:end]


# The same line boundaries as str.splitlines(), so "a line" means what Python means by it.
_LINE_BREAK_RE = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

_HEADING_RE = re.compile(r"#{1,6}(?:\s|$)")
# A horizontal rule or setext underline: only punctuation-like symbols, nothing to read.
_RULE_RE = re.compile(r"(?:[-=*_~#]\s*){3,}$")
_LIST_ITEM_RE = re.compile(r"(?:[-*+•‣◦▪●]|\d{1,3}[.)]|\(\d{1,3}\))\s+\S")

# Characters that can end a sentence in any language pysbd knows. A block without one of them
# (except at its very end) is one sentence, and pysbd is not called at all.
_TERMINAL_RE = re.compile(r"[.!?;…‼⁇⁈⁉。！？｡।॥؟۔։።၊။]")
# What may close a line that is a finished sentence rather than a title.
_LINE_END_PUNCT = frozenset(".!?;:,…‼⁇⁈⁉。！？｡।॥؟۔։።၊။-–—")
_CLOSERS = "\"'”’»)]}›"

_TITLE_MAX_CHARS = 90
_TITLE_MAX_WORDS = 12
# A line ending in one of these is a sentence wrapped mid-way, not a heading.
_CONTINUATION_WORDS = frozenset(
    "a an the of to in on at by for from with and or but nor as that which who whose than "
    "into onto over under about after before between is are was were be been has have had "
    "said says his her its their our my your this these those".split()
)


def normalise_language(language: str | None) -> str:
    """The pysbd language code to use for ``language`` ("en-GB" -> "en"; unknown -> "en")."""
    if not language:
        return DEFAULT_LANGUAGE
    code = re.split(r"[-_]", language.strip().lower(), maxsplit=1)[0]
    return code if code in LANGUAGE_CODES else DEFAULT_LANGUAGE


@cache  # bounded: one per pysbd language
def _segmenter(language: str) -> pysbd.Segmenter:
    return pysbd.Segmenter(language=language, clean=False, char_span=False)


def split_sentences(text: str, *, language: str = DEFAULT_LANGUAGE) -> list[Span]:
    """Sentences of ``text`` as stripped, ordered, non-overlapping spans.

    Every non-whitespace character of ``text`` lies in exactly one span, and
    ``text[span.start:span.end] == span.text`` for any input.
    """
    if not text or text.isspace():
        return []
    segmenter = _segmenter(normalise_language(language))
    spans: list[Span] = []
    for start, end in _blocks(text):
        for s, e in _sentence_cuts(text, start, end, segmenter):
            spans.append(Span(s, e, text[s:e]))
    return spans


# --- blocks: paragraphs, headings, list items, title lines -------------------------------------


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, line break excluded."""
    lines = []
    pos = 0
    for m in _LINE_BREAK_RE.finditer(text):
        lines.append((pos, m.start()))
        pos = m.end()
    lines.append((pos, len(text)))
    return lines


def _is_title_like(line: str) -> bool:
    """A short line with no closing punctuation: a headline, a subheading, a dateline."""
    if len(line) > _TITLE_MAX_CHARS:
        return False
    stripped = line.rstrip(_CLOSERS)
    if not stripped or stripped[-1] in _LINE_END_PUNCT:
        return False
    words = line.split()
    if len(words) > _TITLE_MAX_WORDS:
        return False
    return words[-1].lower() not in _CONTINUATION_WORDS


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _LINE_END_PUNCT


def _starts_lowercase(line: str) -> bool:
    first = line.lstrip()[:1]
    return first.islower()


def _blocks(text: str) -> list[tuple[int, int]]:
    """Spans of text that no sentence crosses, in order.

    A blank line ends a paragraph; a heading, a rule and a title-like line are blocks of their
    own; a list item starts a block that runs on over indented or lower-case continuation lines.
    Single line breaks inside a paragraph are not boundaries (hard-wrapped text).
    """
    lines = [(s, e, text[s:e]) for s, e in _lines(text)]
    blocks: list[tuple[int, int]] = []
    current: list[int] | None = None  # [start, end] of the block being built
    in_list_item = False
    previous_line = ""

    def flush() -> None:
        nonlocal current, in_list_item
        if current is not None:
            blocks.append((current[0], current[1]))
        current = None
        in_list_item = False

    for index, (start, end, raw) in enumerate(lines):
        content = raw.strip()
        if not content:
            flush()
            previous_line = ""
            continue
        if _HEADING_RE.match(content) or _RULE_RE.match(content):
            flush()
            blocks.append((start, end))
            previous_line = ""
            continue
        if _LIST_ITEM_RE.match(content):
            flush()
            current = [start, end]
            in_list_item = True
            previous_line = content
            continue
        if in_list_item and not (raw[:1].isspace() or _starts_lowercase(content)):
            flush()
        if (current is None or _ends_sentence(previous_line)) and _is_title_like(content):
            following = lines[index + 1][2] if index + 1 < len(lines) else ""
            if not _starts_lowercase(following):
                flush()
                blocks.append((start, end))
                previous_line = ""
                continue
        if current is None:
            current = [start, end]
        else:
            current[1] = end
        previous_line = content
    flush()
    return blocks


# --- sentences inside a block -------------------------------------------------------------------


def _sentence_cuts(text: str, start: int, end: int, segmenter: pysbd.Segmenter) -> list[tuple[int, int]]:
    """Stripped (start, end) sentence spans inside text[start:end]."""
    # Line breaks become spaces of the same length, so offsets in ``block`` are offsets in text;
    # otherwise pysbd would end a sentence at every wrapped line.
    block = _LINE_BREAK_RE.sub(lambda m: " " * len(m.group()), text[start:end])
    body = block.rstrip().rstrip(_CLOSERS)
    if _TERMINAL_RE.search(body, 0, max(len(body) - 1, 0)) is None:
        cuts = [len(block)]
    else:
        cuts = _pysbd_cuts(block, segmenter)
    spans = []
    previous = 0
    for cut in cuts:
        s, e = previous, cut
        while s < e and block[s].isspace():
            s += 1
        while e > s and block[e - 1].isspace():
            e -= 1
        if s < e:
            spans.append((start + s, start + e))
        previous = cut
    return spans


def _pysbd_cuts(block: str, segmenter: pysbd.Segmenter) -> list[int]:
    """Offsets in ``block`` where pysbd ends a sentence; the last is always len(block)."""
    try:
        # The processor is what Segmenter.segment runs before its own (slow, lossy) re-mapping;
        # a fresh one per call also keeps the cached segmenter free of per-call state.
        sentences = segmenter.processor(block).process()
    except Exception:  # noqa: BLE001 - a pysbd bug must not lose the article
        sentences = None
    if not sentences:
        return _fallback_cuts(block)
    cuts = []
    cursor = 0
    for sentence in sentences:
        if not isinstance(sentence, str):
            continue
        sentence = sentence.strip()
        if not sentence:
            continue
        found = _locate_end(block, sentence, cursor)
        if found is not None and found > cursor:
            cuts.append(found)
            cursor = found
    if not cuts or cuts[-1] != len(block):
        cuts.append(len(block))
    return cuts


def _locate_end(block: str, sentence: str, cursor: int) -> int | None:
    """Where ``sentence`` (as pysbd returned it) ends in ``block``, searching from ``cursor``.

    None when it cannot be placed safely; the caller then merges it with the next sentence.
    """
    pos = block.find(sentence, cursor)
    if pos == cursor or (pos > cursor and block[cursor:pos].isspace()):
        return pos + len(sentence)
    # pysbd rewrote something (usually whitespace): align the non-whitespace characters.
    i, n = cursor, len(block)
    for ch in sentence:
        if ch.isspace():
            continue
        while i < n and block[i].isspace():
            i += 1
        if i >= n or block[i] != ch:
            return None
        i += 1
    return i


_FALLBACK_BOUNDARY_RE = re.compile(r"[.!?。！？…]+[\"'”’»)\]]*(?=\s+\S)")


def _fallback_cuts(block: str) -> list[int]:
    """A plain punctuation splitter, for when pysbd fails on a block."""
    cuts = [m.end() for m in _FALLBACK_BOUNDARY_RE.finditer(block)]
    cuts.append(len(block))
    return cuts


# --- where a claim can be split in two -----------------------------------------------------------

MAX_SPLIT_POINTS = 8
# Clause punctuation, strongest first: a split there leaves two parts that read as statements.
# Western marks count when a space follows (not "3:1", "1,000"), the full-width ones of Chinese and
# Japanese always; a closing quote or bracket right after the mark stays with the first part.
_STRONG_BREAK_RE = re.compile(r"[;:][\"'”’»)\]]*(?=\s)|[；：]|(?<!\d)[–—](?!\d)|\s-\s")
_WEAK_BREAK_RE = re.compile(r",[\"'”’»)\]]*(?=\s)|[，、]|\s\(")
# A conjunction opens a clause of its own ("..., but the bridge is over budget").
# ("since", "after", "until" are left out: as often as not they start a phrase of time, not a clause.)
_CONJUNCTIONS = frozenset(
    "and but or nor yet while whilst whereas although though because which unless".split()
)
_SPLIT_WORD_RE = re.compile(
    rf"{UNSPACED_CHARACTER.pattern}|(?:(?!{UNSPACED_CHARACTER.pattern})[^\W_])+(?:['’][^\W_]+)*"
)
_MIN_WORDS_AFTER_PUNCTUATION = 2  # "Prices rose, | officials said."
_MIN_WORDS_AROUND_CONJUNCTION = 3  # not "bread | and butter"


def split_points(text: str) -> list[int]:
    """Offsets into ``text`` (code points) where a claim can be cut into two checkable parts.

    After clause punctuation (; : – — , and before an opening parenthesis) and before a conjunction
    ("and", "but", "while", "because", "which"...), each offset being where the second part's first
    word starts. Both parts keep a few words; at most MAX_SPLIT_POINTS offsets are offered, punctuation
    before conjunctions, in text order. An empty list when the claim has no such place.
    """
    words = [(m.start(), m.group().lower()) for m in _SPLIT_WORD_RE.finditer(text)]
    starts = [start for start, _ in words]
    ranked: dict[int, int] = {}  # offset -> rank (0 is the strongest kind of break)

    def offer(at: int, rank: int, minimum: int) -> None:
        while at < len(text) and text[at].isspace():
            at += 1
        before = bisect_left(starts, at)  # words that start before the cut
        if before >= minimum and len(starts) - before >= minimum and not text[:at].isspace():
            ranked[at] = min(rank, ranked.get(at, rank))

    for rank, pattern in enumerate((_STRONG_BREAK_RE, _WEAK_BREAK_RE)):
        for match in pattern.finditer(text):
            # After the mark (and any closing quote); an opening parenthesis goes with what follows.
            at = match.end() - 1 if match.group().endswith("(") else match.end()
            offer(at, rank, _MIN_WORDS_AFTER_PUNCTUATION)
    for start, word in words:
        if word in _CONJUNCTIONS:
            offer(start, 2, _MIN_WORDS_AROUND_CONJUNCTION)

    # Too many to choose from: the strongest breaks, and among equals those nearest the middle.
    middle = len(text) / 2
    kept = sorted(ranked, key=lambda at: (ranked[at], abs(at - middle)))[:MAX_SPLIT_POINTS]
    return sorted(kept)


def split_label(text: str, at: int, *, context: int = 30) -> str:
    """A menu label for cutting ``text`` at ``at``: "…words before ‖ words after…", cut at word boundaries."""
    if not 0 < at < len(text):
        raise ValueError(f"A split point must lie inside the text (1 to {len(text) - 1}), not {at}.")
    before = keep_end(text[:at].rstrip(), context)
    after = keep_start(text[at:].lstrip(), context)
    return f"{before} ‖ {after}"
