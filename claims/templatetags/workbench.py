"""Template filters for the workbench: `{% load workbench %}`."""

import re

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from claims.editing import person_name

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "ul",
    "ol",
    "li",
    "em",
    "strong",
    "code",
    "pre",
    "blockquote",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer nofollow"

# One sanitiser for all rendered Markdown. Relative links are dropped as well: a rationale cites sources
# by full address, and a relative href would point into the workbench itself.
_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes={"a": {"href"}},
    url_schemes=ALLOWED_SCHEMES,
    url_relative="deny",
    link_rel=LINK_REL,
    strip_comments=True,
)


class _DemoteHeadings(Treeprocessor):
    """`# Heading` becomes <h3>: the rationale sits under the page's own h1/h2, which it must not outrank."""

    def run(self, root):
        for element in root.iter():
            if re.fullmatch(r"h[1-6]", element.tag):
                element.tag = f"h{min(int(element.tag[1]) + 2, 6)}"


class _DemoteHeadingsExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_DemoteHeadings(md), "demote_headings", 5)


def render_markdown(text: str) -> str:
    """Markdown to HTML that is safe to show: Python-Markdown renders, then nh3 keeps only the allowed tags.

    Python-Markdown passes raw HTML through, so nothing it produces is trusted until nh3 has cleaned it.
    """
    extensions = ["fenced_code", "sane_lists", _DemoteHeadingsExtension()]
    html = markdown_lib.markdown(text or "", extensions=extensions, output_format="html")
    return _cleaner.clean(html)


@register.filter(name="markdown")
def markdown_filter(value) -> str:
    return mark_safe(render_markdown(str(value) if value is not None else ""))  # noqa: S308 (nh3 cleaned it)


@register.filter
def person(user) -> str:
    """A user's full name, or their username when they have none."""
    return person_name(user) if user else "someone"


@register.filter
def with_status(verdicts, status: str) -> list:
    """The verdict revisions in one status, e.g. `verdicts|with_status:"superseded"`."""
    return [v for v in verdicts or () if v.status == status]
