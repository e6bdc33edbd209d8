"""Why a document matched, in words a reviewer reads: shared names, numbers, dates, key terms, meaning.

Computed from the query's text and the matched passage only, so a reason always points at something
visible on both sides.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from claims.coverage.lexical import STOP_WORDS, clean, tokenize, words

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
DATE_PATTERNS = (
    # 2020-03-03
    (re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b"), ("y", "m", "d")),
    # March 3, 2020 / Mar 3 2020
    (
        re.compile(rf"\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE),
        ("M", "d", "y"),
    ),
    # 3 March 2020 / 3rd of March, 2020
    (
        re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH}),?\s+(\d{{4}})\b", re.IGNORECASE),
        ("d", "M", "y"),
    ),
)

_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "k": 1e3, "m": 1e6, "bn": 1e9}
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(\s*(?:%|percent|per cent)|\s+(?:thousand|million|billion|trillion)|(?:k|m|bn)\b)?",
    re.IGNORECASE,
)
_NAME_WORD = r"(?:[A-Z][\w'\-]*[a-z][\w'\-]*|[A-Z]{2,})"
_NAME = re.compile(rf"{_NAME_WORD}(?:\s+(?:(?:of|the|de|al|bin|van|von|la|le|der)\s+)?{_NAME_WORD})*")


def _to_month(token: str) -> int:
    return MONTHS[token.lower().rstrip(".")]


def find_dates(text: str) -> list[tuple[datetime.date, tuple[int, int]]]:
    """Dates written in `text` with their spans, in order of appearance."""
    found = []
    for pattern, order in DATE_PATTERNS:
        for m in pattern.finditer(text):
            parts = dict(zip(order, m.groups(), strict=True))
            try:
                date = datetime.date(
                    int(parts["y"]),
                    _to_month(parts["M"]) if "M" in parts else int(parts["m"]),
                    int(parts["d"]),
                )
            except (ValueError, KeyError):
                continue
            if not any(s <= m.start() < e for _, (s, e) in found):
                found.append((date, m.span()))
    return sorted(found, key=lambda item: item[1][0])


def format_date(date: datetime.date) -> str:
    return f"{date.day} {date.strftime('%B')} {date.year}"


def find_numbers(text: str) -> dict[tuple[float, str], str]:
    """Numbers with their value normalised ("1,000" = "1000", "120 million" = 120e6, "4.5%"), as written."""
    text = _strip_dates(clean(text))
    found: dict[tuple[float, str], str] = {}
    for m in _NUMBER.finditer(text):
        digits, unit = m.group(1), (m.group(2) or "").strip().lower()
        value, kind = float(digits.replace(",", "")), ""
        if unit in _SCALES:
            value *= _SCALES[unit]
        elif unit:
            kind = "%"  # a percentage never equals the bare number
        found.setdefault((value, kind), m.group(0).strip())
    return found


def _strip_dates(text: str) -> str:
    for _, (start, end) in reversed(find_dates(text)):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def find_names(text: str) -> list[str]:
    """Capitalised names, multi-word ones kept whole ("Moussa Abu Marzouk"); sentence-initial common words dropped."""
    text = _strip_dates(clean(text))
    names = []
    for m in _NAME.finditer(text):
        name = m.group(0).strip("'-")
        first = name.split()[0].lower()
        if " " not in name and (first in STOP_WORDS or first in MONTHS or len(name) < 3):
            continue
        while name.split()[0].lower() in STOP_WORDS and " " in name:
            name = name.split(" ", 1)[1]
        if name not in names:
            names.append(name)
    return names


def explain(
    query: str,
    passage: str,
    *,
    semantic: float | None = None,
    idf: Callable[[str], float] | None = None,
    max_terms: int = 4,
) -> tuple[str, ...]:
    """Readable reasons why `passage` matches `query`, the strongest first."""
    reasons = []
    passage_folded = " ".join(words(passage))
    passage_names = {n.lower() for n in find_names(passage)}
    shared_names = [
        n
        for n in find_names(query)
        if n.lower() in passage_names or f" {' '.join(words(n))} " in f" {passage_folded} "
    ]
    # A name inside a longer shared name says nothing more ("Moscow" inside "Moscow Kremlin").
    shared_names = [n for n in shared_names if not any(n != o and n in o for o in shared_names)]
    if shared_names:
        reasons.append("Same names: " + ", ".join(shared_names[:4]))

    passage_numbers = find_numbers(passage)
    shared_numbers = [written for value, written in find_numbers(query).items() if value in passage_numbers]
    if shared_numbers:
        reasons.append("Same numbers: " + ", ".join(shared_numbers[:4]))

    passage_dates = {d for d, _ in find_dates(passage)}
    shared_dates = [format_date(d) for d, _ in find_dates(query) if d in passage_dates]
    if shared_dates:
        reasons.append("Same date: " + ", ".join(dict.fromkeys(shared_dates)))

    date_words = " ".join(query[s:e] for _, (s, e) in find_dates(query))
    covered = set(tokenize(" ".join([*shared_names, *shared_numbers, date_words])))
    passage_tokens = set(tokenize(passage))
    terms: dict[str, str] = {}
    for word in words(query):
        (stem,) = tokenize(word) or ("",)
        if stem and stem in passage_tokens and stem not in covered and not word.isdigit():
            terms.setdefault(stem, word)
    ranked = sorted(terms, key=lambda s: -(idf(s) if idf else len(s)))
    if ranked:
        reasons.append("Key terms: " + ", ".join(terms[s] for s in ranked[:max_terms]))

    if semantic is not None and semantic >= 0.5:
        reasons.append(f"Close in meaning ({semantic:.2f})")
    return tuple(reasons)
