"""The values the flat formats (CSV, JSON, Markdown) write for a report entry, computed one way for all three.

An entry's report status is "published", "draft" (an open revision, internal reports only) or "no verdict"
(a claim of an internal report nobody has written a verdict for yet): every line that is not published work
says so. A rationale is Markdown; the CSV wants it as plain text, which is what a reader of the rendered
rationale would see.
"""

import html
import re

import nh3

from claims.exports import claimreview
from claims.selectors.reports import ReportEntry

_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_REFERENCE_LINK = re.compile(r"!?\[([^\]]*)\]\[[^\]]*\]")
_LINK_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:.*$", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_STRONG = re.compile(r"(?<!\\)(\*\*|__)(?=\S)(.+?)(?<![\s\\])\1")
_EMPHASIS = re.compile(r"(?<![\w*\\])([*_])(?=\S)(.+?)(?<![\s\\])\1(?![\w*])")
_CODE = re.compile(r"`+([^`]*)`+")
_LINE_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?)", re.MULTILINE)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_FENCE = re.compile(r"(```+|~~~+)\w*")

PUBLISHED = "published"
DRAFT = "draft"
NO_VERDICT = "no verdict"


def report_status(entry: ReportEntry) -> str:
    if entry.verdict is None:
        return NO_VERDICT
    return DRAFT if entry.is_draft else PUBLISHED


def is_public(entry: ReportEntry) -> bool:
    return report_status(entry) == PUBLISHED


def evidence_note(evidence, *, internal: bool) -> str:
    """A reviewer's note on a piece of evidence is for the desk: only internal reports (with drafts) print it,
    as the public pages never show it."""
    return evidence.note if internal else ""


def public_verdict_url(entry: ReportEntry, base_url: str) -> str:
    """The verdict's public page; "" unless published: a draft has no public page."""
    return claimreview.public_verdict_url(entry.verdict, base_url) if is_public(entry) else ""


def plain_text(markdown: str) -> str:
    """A Markdown rationale as the words a reader sees: links and images by their text, emphasis, code and
    heading marks, quote marks and backslash escapes dropped, raw HTML tags removed (nh3), blank lines gone.

    Not the full renderer (claims.templatetags.workbench.render_markdown): that costs about a millisecond a
    rationale, and a 10,000-row CSV must stream in seconds; for plain text these rules give the same words.
    """
    text = markdown or ""
    text = _IMAGE_OR_LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _LINK_DEFINITION.sub("", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _CODE.sub(r"\1", text)
    text = _LINE_MARK.sub("", text)
    text = html.unescape(nh3.clean(text, tags=set()))
    text = _ESCAPE.sub(r"\1", text)
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not _FENCE.fullmatch(line))
