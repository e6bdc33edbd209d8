"""Finding a quoted excerpt in a source's archived text, however the quote marks and spaces were typed."""

from claims.text.folding import fold

# People retype quotes with straight marks and hyphens where the page had typographic ones (and the
# other way round); these differences must not make a faithful excerpt look invented.
_QUOTE_MARKS = "'\""


def _folded_excerpt(excerpt: str) -> str:
    folded = fold(excerpt)[0].strip()
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
    haystack, origin = fold(archived_text)
    found = haystack.find(needle)
    if found < 0:
        return None
    return origin[found], origin[found + len(needle) - 1] + 1
