"""schema.org ClaimReview (JSON-LD) for our published verdicts: one review, a DataFeed of them, and the
`claimreview` export format.

Fields follow Google's ClaimReview structured-data documentation:

- `claimReviewed` is the claim's normalised wording when a reviewer wrote one, else the claim as quoted.
  The quoted span often leans on its article ("It cost 5 million euros."), while claimReviewed is read on
  its own (a search result, another fact-checker's corpus); the normalised wording is the self-contained
  version a reviewer writes for exactly that reason.
- `reviewRating` carries the rating's label as `alternateName` (the text verdict) and, for ratings on the
  true-false axis, `ratingValue` with `bestRating` 5 and `worstRating` 1. A rating off the axis (missing
  context, unverifiable: `Rating.value` empty) gives `alternateName` only, as Google asks for ratings that
  are not numeric; so does a value an admin set outside 1–5, which no numeric reading could place.
- `author` is the organisation (settings), never the reviewer: Google wants the publisher of the review.
- `datePublished` is the verdict's publication date; `itemReviewed.datePublished` is when the claim was
  made, which is the article's publication date, not the review's.
- `itemReviewed.appearance` is the article, when it has an address; `itemReviewed.author` the claimant (a Person
  or an Organization, as the reviewer said; an Organization when they did not),
  when the claim says who made it. `firstAppearance` is left out: the article is where we found the claim,
  and we do not know that it is where the claim first appeared.

Only published verdicts become ClaimReviews; anything else is refused (ValueError), and the export skips
the drafts an internal report may hold. The DataFeed is written entry by entry, so a feed of any size
streams in flat memory; its `dateModified` (the newest publication) comes last, once it is known.
"""

import json
from collections.abc import Iterable, Iterator
from datetime import datetime

from django.utils import timezone

from claims.choices import ClaimantKind, VerdictStatus
from claims.models import Verdict

CONTENT_TYPE = "application/ld+json"
EXTENSION = "jsonld"

SCHEMA_ORG = "https://schema.org"
BEST_RATING = 5
WORST_RATING = 1


def public_verdict_url(verdict: Verdict, base_url: str) -> str:
    """The address of the verdict's public page (claims/urls/public.py), absolute from `base_url`."""
    return f"{base_url.rstrip('/')}/fact-checks/{verdict.pk}/"


def claimreview(verdict: Verdict, *, base_url: str, organisation: str, organisation_url: str = "") -> dict:
    """The ClaimReview of one published verdict (its claim, article and rating loaded or loadable)."""
    if verdict.status != VerdictStatus.PUBLISHED or verdict.published_at is None:
        raise ValueError(
            f"Verdict {verdict.pk} is not published; only published verdicts have a ClaimReview."
        )
    claim = verdict.claim
    review = {
        "@context": SCHEMA_ORG,
        "@type": "ClaimReview",
        "url": public_verdict_url(verdict, base_url),
        "claimReviewed": claim.normalised_text.strip() or claim.text,
        "reviewRating": _review_rating(verdict),
        "reviewBody": verdict.summary,
        "author": _organisation(organisation, organisation_url),
        "datePublished": timezone.localdate(verdict.published_at).isoformat(),
        "itemReviewed": _item_reviewed(verdict),
    }
    if claim.article.language:
        review["inLanguage"] = claim.article.language
    return review


def _review_rating(verdict: Verdict) -> dict:
    rating = verdict.rating
    node = {"@type": "Rating", "alternateName": rating.label}
    if rating.value is not None and WORST_RATING <= rating.value <= BEST_RATING:
        node.update(ratingValue=rating.value, bestRating=BEST_RATING, worstRating=WORST_RATING)
    return node


def _organisation(name: str, url: str) -> dict:
    node = {"@type": "Organization", "name": name}
    if url:
        node["url"] = url
    return node


def _item_reviewed(verdict: Verdict) -> dict:
    claim, article = verdict.claim, verdict.claim.article
    item: dict = {"@type": "Claim"}
    if claim.claimant.strip():
        # A Person or an Organization, as the reviewer said; when they did not, the wider type (a name alone
        # does not tell, and Google reads only the name).
        kind = "Person" if claim.claimant_kind == ClaimantKind.PERSON else "Organization"
        item["author"] = {"@type": kind, "name": claim.claimant.strip()}
    if article.published_at:
        item["datePublished"] = article.published_at.isoformat()
    if article.url:
        appearance = {"@type": "CreativeWork", "url": article.url}
        if article.title:
            appearance["headline"] = article.title
        if article.published_at:
            appearance["datePublished"] = article.published_at.isoformat()
        item["appearance"] = [appearance]
    return item


# --- the DataFeed -------------------------------------------------------------------------------


def claimreview_feed(
    verdicts: Iterable[Verdict],
    *,
    base_url: str,
    organisation: str,
    organisation_url: str = "",
    name: str = "",
    now: datetime | None = None,
) -> dict:
    """A DataFeed of the verdicts' ClaimReviews, as one dict (for small feeds; `stream_claimreview_feed`
    writes the same document for any number of verdicts)."""
    elements, newest = [], None
    for verdict in verdicts:
        elements.append(
            claimreview(
                verdict, base_url=base_url, organisation=organisation, organisation_url=organisation_url
            )
        )
        newest = _newer(newest, verdict.published_at)
    return {
        **_feed_head(
            base_url=base_url, organisation=organisation, organisation_url=organisation_url, name=name
        ),
        "dataFeedElement": elements,
        "dateModified": _date_modified(newest, now),
    }


def stream_claimreview_feed(
    verdicts: Iterable[Verdict],
    *,
    base_url: str,
    organisation: str,
    organisation_url: str = "",
    name: str = "",
    now: datetime | None = None,
) -> Iterator[bytes]:
    """The DataFeed of `claimreview_feed`, as UTF-8 JSON written one ClaimReview at a time."""
    head = _feed_head(
        base_url=base_url, organisation=organisation, organisation_url=organisation_url, name=name
    )
    yield _dumps(head)[:-1].encode() + b', "dataFeedElement": ['
    newest, separator = None, b""
    for verdict in verdicts:
        review = claimreview(
            verdict, base_url=base_url, organisation=organisation, organisation_url=organisation_url
        )
        yield separator + _dumps(review).encode()
        separator = b", "
        newest = _newer(newest, verdict.published_at)
    yield b'], "dateModified": ' + _dumps(_date_modified(newest, now)).encode() + b"}\n"


def _feed_head(*, base_url: str, organisation: str, organisation_url: str, name: str) -> dict:
    return {
        "@context": SCHEMA_ORG,
        "@type": "DataFeed",
        "name": name or f"Fact-checks by {organisation}",
        "url": f"{base_url.rstrip('/')}/fact-checks/claimreview.json",
        "publisher": _organisation(organisation, organisation_url),
    }


def _newer(newest: datetime | None, published_at: datetime | None) -> datetime | None:
    if published_at is None:
        return newest
    return published_at if newest is None or published_at > newest else newest


def _date_modified(newest: datetime | None, now: datetime | None) -> str:
    """When the feed's data last changed: its newest publication; an empty feed, when it was written."""
    moment = newest or now or timezone.now()
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- the export format --------------------------------------------------------------------------


def render(report) -> Iterator[bytes]:
    """The report's published entries as a DataFeed, streamed; drafts (internal reports) are left out."""
    published = (
        entry.verdict
        for entry in report.entries
        if not entry.is_draft
        and entry.verdict is not None
        and entry.verdict.status == VerdictStatus.PUBLISHED
    )
    return stream_claimreview_feed(
        published,
        base_url=report.base_url,
        organisation=report.organisation,
        organisation_url=report.organisation_url,
        name=report.title,
        now=report.generated_at,
    )
