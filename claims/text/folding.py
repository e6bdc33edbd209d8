"""One comparison form of text, for finding a quote however its quote marks, dashes and spaces were typed.

A claim re-anchored in a corrected article and an excerpt looked up in an archived source are the same
problem: people and pages write the same words with straight or curly quotes, hyphens or dashes, one space
or a line break, a ligature or two letters. `fold` makes those alike and says, for every character it
returns, which character of the original it came from, so a match in the folded text maps back onto exact
offsets in the original.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold"]

# Look-alikes that compatibility normalisation (NFKC) leaves apart, or splits in two (″ becomes ′′).
_LOOK_ALIKES = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′‵`´", "'"),
        **dict.fromkeys("“”„‟″‶«»", '"'),
        **dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"),
    }
)
# Invisible characters that split a word without showing: soft hyphen, zero-width space and joiners,
# word joiner, byte order mark. Dropped, or part of the one space a run of whitespace becomes.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# Everything that may fold to something else; the ASCII between these matches is kept as it is, which
# keeps folding a long English article fast.
_SPECIAL = re.compile(rf"[\s{_INVISIBLE}]+|[^\x00-\x7f]|`")


@lru_cache(maxsize=4096)
def _fold_character(ch: str, casefold: bool) -> str:
    folded = unicodedata.normalize("NFKC", ch.translate(_LOOK_ALIKES)).translate(_LOOK_ALIKES)
    if casefold:
        folded = folded.casefold()
    # A space that NFKC brings along (spacing accents: "¨" is " ̈") is not a word boundary.
    return "".join(folded.split())


def fold(text: str, *, casefold: bool = True) -> tuple[str, list[int]]:
    """The comparison form of `text`, and for each of its characters the index in `text` it came from.

    Compatibility forms (NFKC: ligatures, the ellipsis, no-break and full-width characters), typographic
    quotes and dashes, invisible characters, runs of whitespace (to one space) and, unless
    `casefold=False`, case are all made alike. A match at [i, j) in the folded text stands for
    `text[origin[i] : origin[j - 1] + 1]`.
    """
    parts: list[str] = []
    origin: list[int] = []
    position = 0
    for match in _SPECIAL.finditer(text):
        start = match.start()
        if start > position:
            plain = text[position:start]
            parts.append(plain.lower() if casefold else plain)
            origin.extend(range(position, start))
        found = match.group()
        if len(found) > 1 or found.isspace() or found in _INVISIBLE:
            if any(ch.isspace() for ch in found):
                parts.append(" ")
                origin.append(start)
        else:
            folded = _fold_character(found, casefold)
            parts.append(folded)
            origin.extend([start] * len(folded))
        position = match.end()
    if position < len(text):
        plain = text[position:]
        parts.append(plain.lower() if casefold else plain)
        origin.extend(range(position, len(text)))
    return "".join(parts), origin
