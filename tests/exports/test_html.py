"""The HTML verdict report: a standalone document with every claim, drafts marked, nothing unsafe or internal."""

import hashlib
import re

import pytest
from django.utils import timezone

from claims.exports import build_report, format_module
from claims.exports.html import _cuts, css_string, document, document_parts, page_numbers_document
from claims.models import Rating
from claims.selectors.reports import ReportSelection
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    CommentFactory,
    EvidenceFactory,
    SourceFactory,
    VerdictFactory,
    budget_claims,
    cited_as_published,
    rating,
)

pytestmark = pytest.mark.django_db


def html_of(user, *, with_drafts=False, **selection) -> str:
    report = build_report(user=user, selection=ReportSelection(**selection), with_drafts=with_drafts)
    return b"".join(format_module("html").render(report)).decode("utf-8")


def entries_of(html: str) -> list[str]:
    """Each entry's markup, in report order."""
    return re.split(r'<article class="entry', html)[1:]


@pytest.fixture
def budget(alice, bob, carol):
    """The budget article's three claims, each with a published verdict by alice, approved by carol."""
    article = ArticleFactory(
        title="Council budget approved",
        url="https://news.example/budget",
        site_name="Harbour Times",
        published_at=timezone.localdate(),
        text="The council approved the budget on Tuesday. It cost 5 million euros. Critics said it was far too high.",
    )
    claims = budget_claims(article)
    verdicts = [
        VerdictFactory(claim=claim, status="published", author=alice, approver=carol, rating=rating(slug))
        for claim, slug in zip(claims, ["true", "false", "false"], strict=True)
    ]
    return article, claims, verdicts


def test_the_document_stands_alone_with_its_stylesheet_inlined_and_no_scripts(budget, carol):
    html = html_of(carol)

    assert html.startswith("<!DOCTYPE html>")
    assert format_module("html").CONTENT_TYPE == "text/html; charset=utf-8"
    assert "@page" in html and 'Page " counter(page) " of " counter(pages)' in html
    assert "<script" not in html and "<link" not in html and 'src="' not in html


def test_it_names_the_organisation_the_date_and_the_selection(budget, carol, settings):
    article, _, _ = budget
    html = html_of(carol, article_id=article.pk)

    assert settings.ORGANISATION_NAME in html
    assert timezone.localtime().strftime("%B %Y") in html
    assert "All published verdicts in the article “Council budget approved”" in html


def test_every_claim_is_there_with_its_rating_summary_and_rationale(budget, carol):
    _, claims, verdicts = budget
    html = html_of(carol)

    entries = entries_of(html)
    assert len(entries) == 3
    for entry, claim, verdict in zip(entries, claims, verdicts, strict=True):
        assert claim.text in entry
        assert verdict.rating.label in entry and verdict.summary in entry
        assert "The <strong>official</strong> report says otherwise." in entry  # Markdown, rendered
        assert "Harbour Times" in entry and 'href="https://news.example/budget"' in entry


def test_the_summary_counts_and_charts_the_ratings_as_text(budget, carol):
    html = html_of(carol)

    assert re.search(r'stat-number">3</span> <span class="stat-label">claims', html)
    assert re.search(r'stat-number">3</span> <span class="stat-label">published verdicts', html)
    assert re.search(r"<text [^>]*>False</text>", html) and "2 (67%)" in html
    assert re.search(r"<text [^>]*>True</text>", html) and "1 (33%)" in html
    assert 'role="img"' in html


def test_sources_come_with_stance_excerpt_archive_date_and_the_people(budget, carol):
    _, claims, verdicts = budget
    source = SourceFactory(
        title="Budget statement 2024",
        url="https://council.example/budget.pdf",
        publisher="City Council",
        archived_text="The budget totals 5 million euros.",
        archived_hash=hashlib.sha256(b"The budget totals 5 million euros.").hexdigest(),
        fetched_at=timezone.now(),
    )
    EvidenceFactory(claim=claims[1], source=source, stance="refutes", excerpt="totals 5 million euros")
    cited_as_published(verdicts[1])
    html = html_of(carol)

    entry = entries_of(html)[1]
    assert "Refutes" in entry and 'href="https://council.example/budget.pdf"' in entry
    assert "“totals 5 million euros”" in entry and "City Council" in entry
    assert f"archived {timezone.localtime(source.fetched_at).day} " in entry
    assert "Alice" in entry and "Carol" in entry  # reviewer and approver
    assert f"/fact-checks/{verdicts[1].pk}/" in entry


def test_a_public_report_has_no_drafts(budget, alice, carol):
    _, claims, _ = budget
    VerdictFactory(claim=ClaimFactory(), status="draft", author=alice, summary="Not ready yet.")
    html = html_of(carol)

    assert "Not ready yet." not in html and "DRAFT" not in html and "Internal" not in html


def test_an_internal_report_marks_every_draft_entry(budget, alice, carol):
    article, claims, _ = budget
    other = ClaimFactory(article=ArticleFactory(title="Harbour ferry"))
    draft = VerdictFactory(claim=other, status="draft", author=alice, summary="Draft reasoning.")
    submitted = VerdictFactory(
        claim=ClaimFactory(article=other.article, start=0, end=5), status="submitted", author=alice
    )
    ClaimFactory(article=other.article, start=6, end=10)  # no verdict yet
    html = html_of(carol, with_drafts=True)

    entries = entries_of(html)
    assert len(entries) == 6
    marked = [entry for entry in entries if "DRAFT — not approved" in entry or "NO VERDICT YET" in entry]
    assert len(marked) == 3
    assert all(f"/fact-checks/{v.pk}/" not in html for v in (draft, submitted))
    assert "Draft reasoning." in html
    assert "<title>Verdict report (internal, with drafts)" in html
    assert (
        "Internal report." in html and css_string("INTERNAL — includes drafts, not for publication") in html
    )


def test_internal_comments_and_review_comments_never_appear(budget, alice, carol):
    _, claims, verdicts = budget
    CommentFactory(claim=claims[0], body="Internal: ask the desk before publishing")
    verdicts[0].review_comment = "Returned once: cite the minutes"
    verdicts[0].save()
    html = html_of(carol, with_drafts=True)

    assert "ask the desk" not in html and "cite the minutes" not in html


def test_what_people_wrote_is_escaped_and_rationales_sanitised(alice, carol):
    claim = ClaimFactory(article=ArticleFactory(text="<script>alert('claim')</script> is the claim."), end=33)
    label = Rating.objects.get(slug="false")
    label.label = "<svg onload=alert(4)>False"
    label.save()
    verdict = VerdictFactory(
        claim=claim,
        status="published",
        author=alice,
        approver=carol,
        rating=label,
        summary='"><img src=x onerror=alert(5)>',
        rationale="<img src=x onerror=alert(1)> <script>bad()</script> [link](javascript:alert(2))",
    )
    source = SourceFactory(title="<b onmouseover=alert(3)>Title</b>", url="javascript:alert(6)")
    EvidenceFactory(claim=claim, source=source, excerpt="</blockquote><script>x()</script>")
    cited_as_published(verdict)
    html = html_of(carol)

    assert "<script" not in html and "<img" not in html and "<svg onload" not in html
    assert "<b onmouseover" not in html and "javascript:" not in html.split("</style>", 1)[1].replace(
        "javascript:alert(6)", ""
    )
    assert 'href="javascript' not in html
    assert "&lt;script&gt;alert(&#x27;claim&#x27;)&lt;/script&gt;" in html
    assert "&lt;b onmouseover=alert(3)&gt;Title&lt;/b&gt;" in html
    assert "&lt;svg onload=alert(4)&gt;False" in html  # in the entry and in the chart
    assert f"/fact-checks/{verdict.pk}/" in html


def test_the_page_margin_texts_cannot_break_out_of_the_stylesheet(budget, carol, settings):
    settings.ORGANISATION_NAME = '</style><script>alert(1)</script>"; } body { display: none'
    html = html_of(carol)

    assert "<script" not in html
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    organisation = re.search(r'@top-left \{ content: "([^"]*)"; \}', style).group(1)
    assert not set(organisation) & set('<>{};"'), organisation  # one CSS string, every character escaped


def test_the_paged_document_leaves_the_running_footer_to_the_page_margins(budget, carol):
    report = build_report(user=carol, selection=ReportSelection())

    assert 'class="document-footer"' not in document(report, paged=True)


def test_the_paged_report_cut_in_parts_has_every_entry_once_and_the_summary_first(budget, carol):
    _, claims, _ = budget
    parts = document_parts(build_report(user=carol, selection=ReportSelection()), parts=2)

    assert len(parts) == 2
    first, second = parts
    assert (
        '<header class="masthead">' in first
        and 'id="summary-heading"' in first
        and 'id="entries-heading"' in first
    )
    assert '<header class="masthead">' not in second
    assert 'id="summary-heading"' not in second and 'id="entries-heading"' not in second
    assert [n for part in parts for n in re.findall(r"Claim (\d+)</h3>", part)] == ["1", "2", "3"]
    for part in parts:
        assert "@top-left" in part and "@top-right" in part
        assert "counter(page)" not in part  # numbered once the parts' pages are joined


def test_the_parts_share_out_the_work_and_none_is_empty():
    assert _cuts([10] * 10, 2) == [5]
    assert _cuts([10] * 10, 2, first=20) == [4]  # e.g. the summary, laid out with the first part
    assert _cuts([10] * 9, 3) == [3, 6]
    assert _cuts([10, 10, 10, 100], 2) == [3]
    assert _cuts([100, 10, 10, 10], 3) == [1, 3]
    assert _cuts([10] * 3, 5) == [1, 2]
    assert _cuts([10], 2) == []
    assert _cuts([], 2) == []


def test_the_page_numbers_document_has_as_many_pages_and_nothing_else():
    html = page_numbers_document(3)

    assert html.count('<div class="sheet"></div>') == 2 and html.count("<div") == 3
    assert 'counter(page) " of " counter(pages)' in html
    assert "html, body { background: none; }" in html  # stamped over pages, it must not hide them
