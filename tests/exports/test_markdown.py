"""The Markdown export: a readable report whose outside text cannot inject links or HTML, drafts marked."""

import markdown as python_markdown
import pytest
from markdown_it import MarkdownIt

from claims.exports.markdown import inline, rationale_markdown
from tests.exports.report_world import make_world, rendered
from tests.factories import ArticleFactory, ClaimFactory, EvidenceFactory, SourceFactory, VerdictFactory

pytestmark = pytest.mark.django_db

ATTACK = "[click me](https://evil.example) ![x](https://evil.example/x.png) <script>alert(1)</script> <b>b</b> **loud** `code` www.evil.example https://evil.example/p | a | b |"


@pytest.fixture
def world(alice, bob, carol):
    return make_world(alice, bob, carol)


def as_html(text: str) -> list[str]:
    """The Markdown as two renderers show it (CommonMark, and Python-Markdown as the workbench uses it)."""
    return [
        MarkdownIt("commonmark").enable("table").render(text),
        python_markdown.markdown(text, extensions=["tables"]),
    ]


def sections(text: str) -> list[str]:
    return text.split("\n### ")[1:]


def test_it_has_the_title_the_counts_per_rating_and_each_claim(world, settings):
    text = rendered("md").decode("utf-8")
    assert text.startswith("# Verdict report\n")
    assert settings.ORGANISATION_NAME in text.splitlines()[2]
    assert "| False | 1 |" in text and "| True | 0 |" in text
    [entry] = sections(text)
    assert entry.startswith("1. “The council approved the budget on Tuesday.”")
    assert "- **Rating:** False" in entry
    assert "- **Summary:** The budget cost 3.2 million euros." in entry
    assert (
        "[Council approves the budget](<https://news.example/council-budget>) (Example News, 2026-03-02)"
        in entry
    )
    assert "- **Claimant:** The mayor" in entry
    assert "- **Reviewer:** Alice · **Approver:** Carol" in entry
    assert "- **Submitted:** 2026-03-03 · **Published:** 2026-03-03" in entry
    assert f"/fact-checks/{world.verdict.pk}/" in entry
    assert "> The **official** figures say [3.2 million](https://stats.example/budget)." in entry
    assert "1. **Refutes**: [Budget 2026](<https://stats.example/b>) (Statistics Office)" in entry
    assert "   > “The budget totals 3.2 million euros.”" in entry
    assert "Note:" not in entry  # a reviewer's note on evidence is for the desk: internal reports only
    assert "2. **Adds context**: [Council minutes](<https://council.example/minutes>)" in entry


def test_it_renders_as_a_report_with_the_links_it_means(world):
    for html in as_html(rendered("md").decode("utf-8")):
        assert "<h1>Verdict report</h1>" in html
        assert '<a href="https://stats.example/b">Budget 2026</a>' in html
        assert "<strong>official</strong>" in html
        assert "<table>" in html


def test_without_drafts_only_published_work_is_reported(world):
    text = rendered("md").decode("utf-8")
    assert "Work in progress" not in text and "DRAFT" not in text


def test_with_drafts_every_entry_that_is_not_published_work_is_marked_draft(world):
    text = rendered("md", with_drafts=True).decode("utf-8")
    assert "Internal report" in text
    entries = sections(text)
    assert len(entries) == 3
    for entry in entries:
        assert ("DRAFT" in entry) == ("**Published:**" not in entry), entry


def test_outside_text_cannot_inject_links_images_or_html(db):
    claim = ClaimFactory(
        article=ArticleFactory(title=ATTACK, site_name="<i>Site</i>"),
        text=ATTACK,
        claimant=ATTACK,
        status="published",
    )
    EvidenceFactory(claim=claim, source=SourceFactory(title=ATTACK, url=""), excerpt=ATTACK, note=ATTACK)
    VerdictFactory(claim=claim, status="published", summary=ATTACK[:300], rationale="")
    text = rendered("md", with_drafts=True).decode("utf-8")  # internal: the note is printed too
    assert "Note: " in text
    for html in as_html(text):
        assert "evil.example" in html  # the words are all there, as text
        assert "<a " not in html.split("<h2>Claims</h2>")[1].replace('<a href="http://127.0.0.1', "")
        assert "<img" not in html and "<script" not in html and "<b>" not in html and "<i>" not in html
        assert "<code>" not in html
        assert "<strong>loud</strong>" not in html


def test_inline_text_reads_back_as_exactly_its_characters():
    for html in as_html(inline("It cost *5* million_euros [sic] & <more>: see www.x.example.")):
        assert "It cost *5* million_euros [sic] &amp; &lt;more&gt;: see www.x.example." in html


def test_a_rationale_keeps_its_markdown_but_not_html_or_other_links():
    text = rationale_markdown(
        "# Why\n\n**Bold** and [a source](https://stats.example/b).\n\n"
        "[bad](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n[ref]: javascript:alert(2)\n"
    )
    for html in as_html(text):
        assert "<h4>Why</h4>" in html and "<strong>Bold</strong>" in html
        assert '<a href="https://stats.example/b">a source</a>' in html
        assert 'href="javascript' not in html and "<img" not in html
