"""How the claim panel says where a suggestion came from (our verdicts, an imported fact-check and its
publisher, a feed, an article, a source, an outside provider) and what an outside fact-check rated it."""

from urllib.parse import urlsplit

from django import template

from claims.choices import CorpusKind
from claims.outside.providers import PROVIDERS

register = template.Library()

PROVIDER_LABELS = {provider.name: provider.label for provider in PROVIDERS}


@register.filter
def coverage_origin(item) -> str:
    """One short phrase: "Our published verdict", "Fact-check by PolitiFact", "Feed: Harbour News"…"""
    kind = item.kind
    if kind == CorpusKind.FACTCHECK:
        return "Our published verdict" if item.verdict_id else "Fact-check archive"
    if kind == CorpusKind.CLAIMREVIEW:
        return f"Fact-check by {item.publisher}" if item.publisher else "Imported fact-check"
    if kind == CorpusKind.FEED_ITEM:
        name = item.feed.name if item.feed_id else ""
        return f"Feed: {name}" if name else "Feed item"
    if kind == CorpusKind.PROVIDER:
        provider = PROVIDER_LABELS.get(item.provider, item.provider or "an outside search")
        return f"{provider}: {item.publisher}" if item.publisher else f"Found by {provider}"
    if kind == CorpusKind.PASSAGE:
        return "Article in the workbench"
    if kind == CorpusKind.SOURCE:
        return "Archived source"
    return item.get_kind_display()


@register.simple_tag
def outside_rating(item, ratings) -> str:
    """An outside fact-check's rating: ours with theirs in brackets, or theirs alone when it maps to none."""
    label = item.rating_label
    ours = ratings.get(item.rating) if item.rating else None
    if ours is not None:
        if label and label.casefold() != ours.label.casefold():
            return f"{ours.label} (their rating: “{label}”)"
        return ours.label
    if label:
        return f"“{label}” (not on our scale)"
    return ""


@register.filter
def site_name(url: str) -> str:
    """The host of an address without "www.": what a link with no title of its own says."""
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.") or url
