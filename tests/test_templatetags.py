"""The `markdown` filter: rationales render as Markdown, and nothing in them can run."""

import pytest
from django.template import Context, Template

from claims.templatetags.workbench import render_markdown


def render(text: str) -> str:
    return Template("{% load workbench %}{{ text|markdown }}").render(Context({"text": text}))


def test_markdown_renders_the_allowed_formatting():
    html = render("Some *emphasis*, **strong** and `code`.\n\n- one\n- two\n\n> quoted\n\n### Heading")
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html and "<code>code</code>" in html
    assert "<ul>" in html and "<li>one</li>" in html
    assert "<blockquote>" in html and "<h5>Heading</h5>" in html


def test_top_level_headings_are_demoted_below_the_page_headings():
    assert render("# Title\n\n## Part") == "<h3>Title</h3>\n<h4>Part</h4>"


def test_links_keep_safe_schemes_and_get_rel():
    html = render("[report](https://example.org/r) and [mail](mailto:desk@example.org)")
    assert '<a href="https://example.org/r" rel="noopener noreferrer nofollow">report</a>' in html
    assert 'href="mailto:desk@example.org"' in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert('x')</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src="x" onerror="alert(1)">',
        '<p onmouseover="alert(1)">hover</p>',
        "[click](javascript:alert(1))",
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href="&#106;avascript:alert(1)">click</a>',
        "[data](data:text/html;base64,PHNjcmlwdD4=)",
        '<iframe src="https://evil.example"></iframe>',
        "<svg><script>alert(1)</script></svg>",
        "[rel](/admin/)",
    ],
)
def test_dangerous_markup_comes_out_inert(payload):
    html = render(f"Before {payload} after").lower()
    assert "<script" not in html
    assert "onerror" not in html and "onmouseover" not in html
    assert "javascript:" not in html and "data:" not in html
    assert "<iframe" not in html and "<img" not in html and "<svg" not in html
    assert 'href="/admin/"' not in html


def test_empty_and_missing_text_render_to_nothing():
    assert render_markdown("") == ""
    assert render("") == ""
    assert Template("{% load workbench %}{{ missing|markdown }}").render(Context({})) == ""


def test_the_output_is_marked_safe_only_after_cleaning():
    html = render("a < b & **c**")
    assert "a &lt; b &amp; <strong>c</strong>" in html
