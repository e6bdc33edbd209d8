"""Read queries for the article list: search, filters and per-status claim counts in one query."""

import datetime

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from claims.choices import ClaimStatus
from claims.models import Article, Claim

STATUS_NEEDS_REVIEW = "needs_review"
STATUS_AWAITING_APPROVAL = "awaiting_approval"
STATUS_PUBLISHED = "published"
STATUS_FILTERS = {
    STATUS_NEEDS_REVIEW: (ClaimStatus.NEW, ClaimStatus.IN_REVIEW),
    STATUS_AWAITING_APPROVAL: (ClaimStatus.AWAITING_APPROVAL,),
    STATUS_PUBLISHED: (ClaimStatus.PUBLISHED,),
}


def _with_claim_counts(queryset: QuerySet) -> QuerySet:
    """Each article's claim total and one count per status, as aggregates of the same query."""
    per_status = {
        f"{status}_count": Count("claims", filter=Q(claims__status=status)) for status in ClaimStatus.values
    }
    return queryset.annotate(claim_count=Count("claims"), **per_status)


def _search(queryset: QuerySet, query: str) -> QuerySet:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector("title", weight="A") + SearchVector("text", weight="B")
        search_query = SearchQuery(query, search_type="websearch")
        # Full-text search finds words in any form; the title also matches on part of a word.
        return (
            queryset.annotate(search=vector, rank=SearchRank(vector, search_query))
            .filter(Q(search=search_query) | Q(title__icontains=query))
            .order_by("-rank", "-created_at", "-id")
        )
    return queryset.filter(Q(title__icontains=query) | Q(text__icontains=query)).order_by(
        "-created_at", "-id"
    )


def article_list(
    *,
    query: str = "",
    published_from: datetime.date | None = None,
    published_to: datetime.date | None = None,
    publisher: str = "",
    status: str = "",
) -> QuerySet:
    """Articles matching the search and filters, newest first (best match first when searching).

    Every row carries claim_count and <status>_count (new_count, in_review_count, ...) and the
    person who added it, so the list renders without a query per row.
    """
    queryset = Article.objects.select_related("ingested_by").defer("text", "html")
    if published_from:
        queryset = queryset.filter(published_at__gte=published_from)
    if published_to:
        queryset = queryset.filter(published_at__lte=published_to)
    if publisher.strip():
        queryset = queryset.filter(site_name__icontains=publisher.strip())
    if status in STATUS_FILTERS:
        queryset = queryset.filter(
            Exists(Claim.objects.filter(article=OuterRef("pk"), status__in=STATUS_FILTERS[status]))
        )
    # Explicit ordering: the model's default is not applied to a query with aggregates.
    queryset = _search(queryset, query.strip()) if query.strip() else queryset.order_by("-created_at", "-id")
    return _with_claim_counts(queryset)


def publisher_names(*, limit: int = 200) -> list[str]:
    """Publishers seen so far, for suggestions in the filter box."""
    return list(
        Article.objects.exclude(site_name="")
        .order_by("site_name")
        .values_list("site_name", flat=True)
        .distinct()[:limit]
    )
