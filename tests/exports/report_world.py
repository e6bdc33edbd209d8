"""What the flat formats' specifications report on (CSV, JSON, Markdown, the command and the API's exports).

One article with three claims: one published (rated False by alice, approved by carol, two sources cited),
one with a draft verdict by bob, one nobody has written a verdict for yet.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.contrib.auth.models import AnonymousUser

from claims.exports import build_report, format_module
from claims.models import Article, Claim, Evidence, Verdict
from claims.selectors.reports import ReportSelection
from tests.factories import (
    BUDGET_TEXT,
    ArticleFactory,
    EvidenceFactory,
    SourceFactory,
    VerdictFactory,
    budget_claims,
    rating,
)

SUBMITTED = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)
PUBLISHED = datetime(2026, 3, 3, 16, 40, tzinfo=UTC)


@dataclass
class World:
    article: Article
    published: Claim
    drafted: Claim
    unchecked: Claim
    verdict: Verdict
    draft: Verdict
    evidence: list[Evidence]


def make_world(alice, bob, carol) -> World:
    article = ArticleFactory(
        text=BUDGET_TEXT,
        title="Council approves the budget",
        url="https://news.example/council-budget",
        site_name="Example News",
        published_at=date(2026, 3, 2),
    )
    published, drafted, unchecked = budget_claims(article)
    Claim.objects.filter(pk=published.pk).update(status="published", claimant="The mayor")
    Claim.objects.filter(pk=drafted.pk).update(status="in_review")
    published.refresh_from_db()
    # The evidence comes first: publishing records what the verdict cites.
    evidence = [
        EvidenceFactory(
            claim=published,
            source=SourceFactory(
                title="Budget 2026", publisher="Statistics Office", url="https://stats.example/b"
            ),
            stance="refutes",
            excerpt="The budget totals 3.2 million euros.",
            note="Table 2.",
        ),
        EvidenceFactory(
            claim=published,
            source=SourceFactory(title="Council minutes", url="https://council.example/minutes"),
            stance="context",
            excerpt="",
        ),
    ]
    verdict = VerdictFactory(
        claim=published,
        status="published",
        rating=rating("false"),
        summary="The budget cost 3.2 million euros.",
        rationale="The **official** figures say [3.2 million](https://stats.example/budget).",
        author=alice,
        approver=carol,
        submitted_at=SUBMITTED,
        published_at=PUBLISHED,
    )
    draft = VerdictFactory(claim=drafted, rating=rating("true"), summary="Work in progress.", author=bob)
    return World(article, published, drafted, unchecked, verdict, draft, evidence)


def rendered(name: str, *, user=None, selection=None, with_drafts=False, title="") -> bytes:
    """The whole file format `name` writes for the selection (everything, as the whole workbench sees it)."""
    report = build_report(
        user=user or AnonymousUser(),
        selection=selection or ReportSelection(),
        with_drafts=with_drafts,
        title=title,
    )
    return b"".join(format_module(name).render(report))


def chunks(name: str, **kwargs) -> list[bytes]:
    report = build_report(user=AnonymousUser(), selection=ReportSelection(), **kwargs)
    return list(format_module(name).render(report))
