"""Read queries of the partner API (claims/api/): what each endpoint lists or shows, as seen by its caller.

Every query starts from the visibility rule (claims/selectors/visibility.py), so a key never reads what it
may not see. List queries return plain rows (`.values()`): one query per page whatever its size, and no
model instances to build; detail queries issue a fixed number of queries.
"""

import functools

from django.db import connection
from django.db.models import Count, F, FilteredRelation, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from claims.choices import OPEN_VERDICT_STATUSES, SuggestionStatus, VerdictStatus
from claims.models import Article, Claim, Evidence, Job, Rating, Source, Suggestion, Verdict
from claims.selectors.visibility import (
    partner_of,
    visible_articles,
    visible_claims,
    visible_evidence,
    visible_sources,
    visible_suggestions,
    visible_verdicts,
)

# --- claims --------------------------------------------------------------------------------------------

# The columns of a claim in a list, and the published verdict's (one at most per claim: a database
# constraint), reached through one LEFT JOIN rather than a subquery per column.
CLAIM_ROW_FIELDS = (
    "id",
    "article_id",
    "text",
    "normalised_text",
    "claimant",
    "start",
    "end",
    "kind",
    "status",
    "checkworthiness",
    "anchor_state",
    "version",
    "created_at",
    "updated_at",
)
CLAIM_ROW_EXPRESSIONS = {
    "assignee_username": F("assignee__username"),
    "verdict_id": F("published_verdict__id"),
    "verdict_published_at": F("published_verdict__published_at"),
    "rating_slug": F("published_verdict__rating__slug"),
    "rating_label": F("published_verdict__rating__label"),
    "rating_value": F("published_verdict__rating__value"),
}


@functools.cache
def _claim_rows() -> QuerySet:
    """Every claim as a row, joined once to its published verdict (`published_verdict__…`).

    Built once per process: resolving the join and the columns costs more, on every request, than running
    the page's query. It is never evaluated itself; every use filters (so copies) it.
    """
    return Claim.objects.annotate(
        published_verdict=FilteredRelation("verdicts", condition=Q(verdicts__status=VerdictStatus.PUBLISHED))
    ).values(*CLAIM_ROW_FIELDS, **CLAIM_ROW_EXPRESSIONS)


def api_claim_rows(*, user) -> QuerySet:
    """The claims the caller sees, as rows (dicts of CLAIM_ROW_FIELDS and CLAIM_ROW_EXPRESSIONS): what a claim
    list shows. Unordered; filter it further (claims/api/filters.py) as any queryset of claims.

    Exactly visible_claims(user=user) (tests/api/test_claims.py holds them equal), said through the join the
    rows make anyway: "has a published verdict" is that join finding a row, and "an article the partner
    pushed" a subquery of its article ids. The list is the API's hottest query, and this one compiles and
    plans in a fraction of the time of an EXISTS beside a join.
    """
    rows = _claim_rows()
    if partner_of(user) is None:
        return rows.all()
    pushed = Article.objects.filter(ingested_by=user).values("pk")
    # `verdict_id`, the row's own column, not `published_verdict__id`: that would join the verdicts again.
    return rows.filter(Q(verdict_id__isnull=False) | Q(article_id__in=pushed))


def claims_search(queryset: QuerySet[Claim], query: str) -> QuerySet[Claim]:
    """Claims whose words match `query` (PostgreSQL full-text search, websearch syntax: "quoted phrases",
    or, -not), or which contain it as typed; on SQLite, containing it as typed."""
    query = query.strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("text") + SearchVector("normalised_text")
        search_query = SearchQuery(query, search_type="websearch")
        # An alias, not an annotation: the rows do not carry the vector.
        return queryset.alias(search=vector).filter(Q(search=search_query) | Q(text__icontains=query))
    return queryset.filter(Q(text__icontains=query) | Q(normalised_text__icontains=query))


def api_claim_detail(*, user, claim_id: int, can_write: bool) -> dict | None:
    """One claim as the caller sees it: its row, its evidence, its published and open verdicts (the open
    one only if the caller may see it: a person's role, or the partner's own draft with `can_write`), and
    its undecided suggestions. None if the caller may not see it. Four queries."""
    row = api_claim_rows(user=user).filter(pk=claim_id).first()
    if row is None:
        return None
    verdicts = list(
        visible_verdicts(user=user, can_write=can_write)
        .filter(claim_id=claim_id, status__in=(VerdictStatus.PUBLISHED, *OPEN_VERDICT_STATUSES))
        .select_related("rating")
        .order_by("-revision")
    )
    return {
        "claim": row,
        "evidence": list(api_evidence(user=user).filter(claim_id=claim_id).order_by("created_at", "id")),
        "verdict": next((v for v in verdicts if v.status == VerdictStatus.PUBLISHED), None),
        "open_verdict": next((v for v in verdicts if v.status in OPEN_VERDICT_STATUSES), None),
        "suggestions": list(
            api_suggestions(user=user)
            .filter(claim_id=claim_id, status=SuggestionStatus.SUGGESTED)
            .order_by("rank", "id")
        ),
    }


# --- articles ------------------------------------------------------------------------------------------


def _visible_claim_count(user) -> Subquery:
    """How many of an article's claims the caller sees, as a subquery of the article's row."""
    counted = (
        visible_claims(user=user)
        .filter(article_id=OuterRef("pk"))
        .order_by()
        .values("article_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def api_articles(*, user, with_text: bool = False) -> QuerySet[Article]:
    """The articles the caller sees, each with `claim_count` (the claims of it the caller sees)."""
    articles = visible_articles(user=user).annotate(claim_count=_visible_claim_count(user))
    return articles if with_text else articles.defer("text", "html")


def articles_search(queryset: QuerySet[Article], query: str) -> QuerySet[Article]:
    """Articles whose title or text match `query`, as the browser's article search finds them
    (claims/selectors/articles.py): full-text on PostgreSQL, the title also on part of a word."""
    query = query.strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", weight="A") + SearchVector("text", weight="B")
        search_query = SearchQuery(query, search_type="websearch")
        return queryset.annotate(search=vector).filter(Q(search=search_query) | Q(title__icontains=query))
    return queryset.filter(Q(title__icontains=query) | Q(text__icontains=query))


def api_article_claims(*, user, article_id: int) -> QuerySet | None:
    """The claims of one article the caller sees, as rows; None if the caller may not see the article."""
    if not visible_articles(user=user).filter(pk=article_id).exists():
        return None
    return api_claim_rows(user=user).filter(article_id=article_id)


def api_article_visible(*, user, article_id: int) -> bool:
    return visible_articles(user=user).filter(pk=article_id).exists()


# --- evidence, sources, suggestions, ratings, jobs -----------------------------------------------------


def api_evidence(*, user) -> QuerySet[Evidence]:
    return visible_evidence(user=user).select_related("source")


def api_sources(*, user) -> QuerySet[Source]:
    return visible_sources(user=user).defer("archived_text")


def api_suggestions(*, user) -> QuerySet[Suggestion]:
    """Suggestions the caller sees, with their item (and its verdict's rating) joined."""
    return visible_suggestions(user=user).select_related("item__verdict__rating")


def rating_scale() -> dict[str, Rating]:
    """Every rating by slug (inactive ones still name outside fact-checks' ratings): one query."""
    return {r.slug: r for r in Rating.objects.all()}


def api_ratings() -> QuerySet[Rating]:
    return Rating.objects.order_by("order", "id")


def api_job(*, user, job_id: int) -> Job | None:
    """A job its creator (or staff) may follow; None otherwise (someone else's job is not found)."""
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        return None
    if job.created_by_id != user.pk and not (user.is_staff and partner_of(user) is None):
        return None
    return job


def api_verdict_of(*, user, verdict_id: int, can_write: bool) -> Verdict | None:
    return visible_verdicts(user=user, can_write=can_write).filter(pk=verdict_id).first()
