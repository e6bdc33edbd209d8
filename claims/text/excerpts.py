"""Finding a quoted excerpt in a source's archived text, however the quote marks and spaces were typed."""

import unicodedata

# People retype quotes with straight marks and hyphens where the page had typographic ones (and the
# other way round); these differences must not make a faithful excerpt look invented.
_FOLD = str.maketrans(
    {
        **dict.fromkeys("‘’‚‛′‵`´", "'"),
        **dict.fromkeys("“”„‟″‶«»", '"'),
        **dict.fromkeys("‐‑‒–—―−﹘﹣－", "-"),
    }
)
_QUOTE_MARKS = "'\""


def _fold(text: str) -> tuple[str, list[int]]:
    """A comparison form of `text`, and for each of its characters the index it came from.

    Compatibility forms (NFKC: ligatures, the ellipsis, no-break spaces), typographic quotes and dashes,
    case and runs of whitespace are all made alike.
    """
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                origin.append(index)
            continue
        folded = unicodedata.normalize("NFKC", ch).translate(_FOLD).casefold()
        for part in folded:
            if part.isspace():
                if out and out[-1] != " ":
                    out.append(" ")
                    origin.append(index)
            else:
                out.append(part)
                origin.append(index)
    return "".join(out), origin


def _folded_excerpt(excerpt: str) -> str:
    folded, _ = _fold(excerpt)
    folded = folded.strip()
    # An excerpt pasted with its own surrounding quotation marks: look for what is inside them.
    while len(folded) >= 2 and folded[0] in _QUOTE_MARKS and folded[-1] == folded[0]:
        folded = folded[1:-1].strip()
    return folded


def excerpt_location(archived_text: str, excerpt: str) -> tuple[int, int] | None:
    """Where the excerpt stands in the archived text, as [start, end) indices into it, or None.

    Whitespace, typographic quotes and dashes, and case may differ; the words may not.
    """
    if not archived_text or not excerpt or not excerpt.strip():
        return None
    exact = excerpt.strip()
    found = archived_text.find(exact)
    if found >= 0:
        return found, found + len(exact)
    needle = _folded_excerpt(excerpt)
    if not needle:
        return None
    haystack, origin = _fold(archived_text)
    found = haystack.find(needle)
    if found < 0:
        return None
    return origin[found], origin[found + len(needle) - 1] + 1
