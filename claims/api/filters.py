"""Query-string filters of the list endpoints (django-filter). A filter that does not parse is a 400 naming it."""

import django_filters
from django import forms

from claims.choices import ClaimStatus, SuggestionStatus
from claims.models import Article, Claim, Evidence, Source, Suggestion
from claims.selectors.api import articles_search, claims_search


class IdFilter(django_filters.Filter):
    """An object's id: a whole number (django-filter's NumberFilter would take 1.5)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


class ScoreFilter(django_filters.Filter):
    field_class = forms.FloatField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0.0)
        kwargs.setdefault("max_value", 1.0)
        super().__init__(*args, **kwargs)


class ClaimFilter(django_filters.FilterSet):
    """Filters of `GET /claims/`; they combine (AND). The queryset is claims.selectors.api.api_claim_rows."""

    q = django_filters.CharFilter(
        method="search",
        label='Words to look for in the claim (full-text, websearch syntax: "a phrase", or, -word).',
    )
    status = django_filters.MultipleChoiceFilter(
        choices=ClaimStatus.choices, label="Claim status; repeat the parameter for several."
    )
    rating = django_filters.CharFilter(
        field_name="published_verdict__rating__slug", label="Slug of the published verdict's rating."
    )
    published = django_filters.BooleanFilter(
        method="filter_published", label="true: only claims with a published verdict; false: only without."
    )
    article = IdFilter(field_name="article_id", label="Only the claims of this article.")
    assignee = django_filters.CharFilter(
        field_name="assignee__username", label="Username of the person the claim is assigned to."
    )
    min_checkworthiness = ScoreFilter(
        field_name="checkworthiness", lookup_expr="gte", label="Check-worthiness score at least this (0–1)."
    )
    created_after = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label="Claims made on or after this date."
    )
    created_before = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label="Claims made on or before this date."
    )
    published_after = django_filters.DateFilter(
        field_name="published_verdict__published_at",
        lookup_expr="date__gte",
        label="Verdict published on or after this date.",
    )
    published_before = django_filters.DateFilter(
        field_name="published_verdict__published_at",
        lookup_expr="date__lte",
        label="Verdict published on or before this date.",
    )

    class Meta:
        model = Claim
        fields = []

    def search(self, queryset, name, value):
        return claims_search(queryset, value)

    def filter_published(self, queryset, name, value):
        return queryset.filter(published_verdict__id__isnull=not value)


class ArticleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Words to look for in the title or text.")
    mine = django_filters.BooleanFilter(
        method="filter_mine", label="true: only the articles this key's partner (or you) added."
    )
    published_after = django_filters.DateFilter(field_name="published_at", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_at", lookup_expr="lte")
    site_name = django_filters.CharFilter(field_name="site_name", lookup_expr="icontains")

    class Meta:
        model = Article
        fields = []

    def search(self, queryset, name, value):
        return articles_search(queryset, value)

    def filter_mine(self, queryset, name, value):
        user = self.request.user if self.request is not None else None
        mine = {"ingested_by_id": getattr(user, "pk", None)}
        return queryset.filter(**mine) if value else queryset.exclude(**mine)


class EvidenceFilter(django_filters.FilterSet):
    claim = IdFilter(field_name="claim_id", label="Only the evidence of this claim.")
    source = IdFilter(field_name="source_id", label="Only the evidence citing this source.")

    class Meta:
        model = Evidence
        fields = []


class SourceFilter(django_filters.FilterSet):
    fetch_status = django_filters.ChoiceFilter(choices=Source._meta.get_field("fetch_status").choices)

    class Meta:
        model = Source
        fields = []


class SuggestionFilter(django_filters.FilterSet):
    claim = IdFilter(field_name="claim_id", label="Only the suggestions for this claim.")
    status = django_filters.ChoiceFilter(choices=SuggestionStatus.choices)

    class Meta:
        model = Suggestion
        fields = []
