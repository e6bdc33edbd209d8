"""The public fact-check pages: readable by anyone, signed in or not, and showing published work only.

A page per published verdict (the page partners link to, with its ClaimReview embedded), an index, an Atom
feed of the newest and the DataFeed of every ClaimReview. What may be shown is the selectors' rule
(claims/selectors/public.py); these views only render it. Absolute addresses (canonical link, ClaimReview,
feed) start at settings.PUBLIC_BASE_URL, so they are the same whichever host name a visitor used.
"""

import json

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from claims.exports.claimreview import (
    CONTENT_TYPE,
    claimreview,
    public_verdict_url,
    stream_claimreview_feed,
)
from claims.selectors import public as selectors
from claims.selectors.reports import public_name

# "<", ">" and "&" written as JSON escapes: the text can then never end the <script> element it sits in
# ("</script>") or open a comment, whatever the claim, rationale or title holds (as Django's json_script).
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def ld_json(data: dict) -> SafeString:
    """JSON for a `<script type="application/ld+json">` element: a data block, which the CSP does not
    treat as script (it is never run), escaped so that nothing in it can close the element."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES))  # noqa: S308


@require_safe
def public_index(request):
    page = selectors.public_index_page(page_number=request.GET.get("page"))
    return render(
        request,
        "claims/public/index.html",
        {
            "page": page,
            "organisation": settings.ORGANISATION_NAME,
            "canonical_url": f"{settings.PUBLIC_BASE_URL}{reverse('public_index')}",
        },
    )


@require_safe
def public_verdict(request, verdict_id: int):
    verdict = selectors.public_verdict(verdict_id=verdict_id)
    if verdict is None:
        successor = selectors.public_successor(verdict_id=verdict_id)
        if successor is None:
            raise Http404("There is no published fact-check at this address.")
        return HttpResponsePermanentRedirect(reverse("public_verdict", args=[successor.pk]))
    base_url = settings.PUBLIC_BASE_URL
    review = claimreview(
        verdict,
        base_url=base_url,
        organisation=settings.ORGANISATION_NAME,
        organisation_url=settings.ORGANISATION_URL,
    )
    return render(
        request,
        "claims/public/verdict.html",
        {
            "verdict": verdict,
            "claim": verdict.claim,
            "article": verdict.claim.article,
            "context": selectors.claim_context(verdict.claim),
            "evidence": verdict.public_evidence,
            "reviewer": public_name(verdict.author),
            "approver": public_name(verdict.approver),
            "claimreview": review,
            "claimreview_json": ld_json(review),
            "canonical_url": public_verdict_url(verdict, base_url),
            "organisation": settings.ORGANISATION_NAME,
        },
    )


@require_safe
def public_claimreview_feed(request):
    """Every published verdict's ClaimReview as one DataFeed, streamed a chunk of verdicts at a time."""
    stream = stream_claimreview_feed(
        selectors.public_verdicts_for_datafeed(),
        base_url=settings.PUBLIC_BASE_URL,
        organisation=settings.ORGANISATION_NAME,
        organisation_url=settings.ORGANISATION_URL,
    )
    return StreamingHttpResponse(stream, content_type=f"{CONTENT_TYPE}; charset=utf-8")


class PublicVerdictFeed(Feed):
    """Atom feed of the newest published fact-checks."""

    feed_type = Atom1Feed

    def title(self):
        return f"Fact-checks by {settings.ORGANISATION_NAME}"

    def subtitle(self):
        return f"The newest fact-checks published by {settings.ORGANISATION_NAME}."

    def link(self):
        return f"{settings.PUBLIC_BASE_URL}{reverse('public_index')}"

    def feed_url(self):
        return f"{settings.PUBLIC_BASE_URL}{reverse('public_feed')}"

    def author_name(self):
        return settings.ORGANISATION_NAME

    def items(self):
        return selectors.public_feed_verdicts()

    def item_title(self, verdict):
        claim = verdict.claim
        wording = Truncator(claim.normalised_text.strip() or claim.text).chars(140)
        return f"{verdict.rating.label}: {wording}"

    def item_description(self, verdict):
        # Atom writes the description as type="html": the plain-text summary is escaped to stay text.
        return escape(verdict.summary)

    def item_link(self, verdict):
        return public_verdict_url(verdict, settings.PUBLIC_BASE_URL)

    def item_guid(self, verdict):
        return public_verdict_url(verdict, settings.PUBLIC_BASE_URL)

    def item_pubdate(self, verdict):
        return verdict.published_at

    def item_updateddate(self, verdict):
        return verdict.published_at

    def item_categories(self, verdict):
        return [verdict.rating.label]


public_feed = PublicVerdictFeed()
