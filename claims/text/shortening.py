"""Shortening text for display without cutting a word in half: titles that must fit a column, labels."""

from __future__ import annotations

__all__ = ["ELLIPSIS", "keep_end", "keep_start"]

ELLIPSIS = "…"
# Left dangling at a cut, these read as if something had been lost mid-phrase.
_DANGLING = " \t\n,;:-–—"


def keep_start(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a word boundary, "…" marking the cut.

    Text without spaces where the cut falls (Chinese, Japanese, one very long word) is cut between
    characters.
    """
    if limit < 1:
        raise ValueError("The limit must be at least one character.")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if not text[limit - 1].isspace():
        space = max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\t"))
        if space > 0:
            cut = cut[:space]
    return cut.rstrip(_DANGLING) + ELLIPSIS if cut.strip(_DANGLING) else text[: limit - 1] + ELLIPSIS


def keep_end(text: str, limit: int) -> str:
    """The last `limit` characters of `text` at most, cut at a word boundary, "…" marking the cut."""
    if limit < 1:
        raise ValueError("The limit must be at least one character.")
    if len(text) <= limit:
        return text
    cut = text[len(text) - limit + 1 :]
    if not text[len(text) - limit].isspace():
        spaces = [i for i in (cut.find(" "), cut.find("\n"), cut.find("\t")) if i >= 0]
        if spaces and min(spaces) < len(cut) - 1:
            cut = cut[min(spaces) + 1 :]
    return ELLIPSIS + cut.lstrip(" \t\n") if cut.strip() else ELLIPSIS + text[len(text) - limit + 1 :]
