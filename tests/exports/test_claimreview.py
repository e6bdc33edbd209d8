"""Specification of our ClaimReview (claims/exports/claimreview.py), field by field against Google's
ClaimReview structured-data documentation, and of its round trip through `import_claimreviews`.

Google's fields: required `claimReviewed`, `reviewRating` (with `alternateName`; `ratingValue`,
`bestRating`, `worstRating` numbers when given), `url`; recommended `author` (an organisation's `name`,
and `url`), `datePublished`, and `itemReviewed` as a `Claim` with `author`, `datePublished` and
`appearance`.
"""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from claims.choices import CorpusKind
from claims.exports import Report, format_module
from claims.exports.claimreview import (
    CONTENT_TYPE,
    EXTENSION,
    claimreview,
    claimreview_feed,
    public_verdict_url,
    render,
    stream_claimreview_feed,
)
from claims.models import Article, CorpusItem
from claims.selectors.reports import ReportSelection, report_entries
from tests.factories import ArticleFactory, ClaimFactory, VerdictFactory, budget_claims, rating

pytestmark = pytest.mark.django_db

BASE = "https://factcheck.example.org"
ORG = {"organisation": "Example Checks", "organisation_url": "https://example.org/"}
PUBLISHED_AT = timezone.make_aware(dt.datetime(2026, 3, 4, 10, 30))


@pytest.fixture
def reported_article():
    return ArticleFactory(
        title="Council passes the budget",
        url="https://news.example.com/budget",
        site_name="Example News",
        published_at=dt.date(2026, 2, 27),
        language="en",
        text="The council approved the budget on Tuesday. It cost 5 million euros. Critics said it was too high.",
    )


@pytest.fixture
def verdict(reported_article):
    claim = ClaimFactory(article=reported_article, claimant="Mayor Jane Doe")
    return VerdictFactory(
        claim=claim,
        status="published",
        rating=rating("false"),
        published_at=PUBLISHED_AT,
        summary="It was 9m.",
    )


def review_of(verdict, **options):
    return claimreview(verdict, base_url=BASE, **{**ORG, **options})


# --- required by Google -----------------------------------------------------------------------


def test_it_is_a_schema_org_claimreview(verdict):
    review = review_of(verdict)

    assert review["@context"] == "https://schema.org"
    assert review["@type"] == "ClaimReview"


def test_claim_reviewed_is_the_claim_as_quoted(verdict):
    assert review_of(verdict)["claimReviewed"] == "The council approved the budget on Tuesday."


def test_claim_reviewed_is_the_normalised_wording_when_the_quote_needs_its_context(reported_article):
    claim = ClaimFactory(
        article=reported_article,
        start=reported_article.text.index("It cost"),
        end=reported_article.text.index("euros.") + 6,
        normalised_text="The city budget passed in February 2026 cost 5 million euros.",
    )
    verdict = VerdictFactory(claim=claim, status="published")

    assert (
        review_of(verdict)["claimReviewed"] == "The city budget passed in February 2026 cost 5 million euros."
    )


def test_review_rating_gives_the_text_verdict_and_the_scales_numbers(verdict):
    assert review_of(verdict)["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }


@pytest.mark.parametrize(
    ("slug", "value"), [("true", 5), ("mostly-true", 4), ("half-true", 3), ("mostly-false", 2)]
)
def test_rating_values_are_numbers_within_best_and_worst(verdict, slug, value):
    verdict.rating = rating(slug)

    got = review_of(verdict)["reviewRating"]

    assert got["ratingValue"] == value and isinstance(got["ratingValue"], int)
    assert got["worstRating"] <= got["ratingValue"] <= got["bestRating"]


@pytest.mark.parametrize(
    ("slug", "label"), [("missing-context", "Missing context"), ("unverifiable", "Unverifiable")]
)
def test_a_rating_off_the_true_false_axis_gives_its_label_only(verdict, slug, label):
    verdict.rating = rating(slug)

    assert review_of(verdict)["reviewRating"] == {"@type": "Rating", "alternateName": label}


def test_url_is_the_verdicts_public_page(verdict):
    assert review_of(verdict)["url"] == f"{BASE}/fact-checks/{verdict.pk}/"
    assert public_verdict_url(verdict, BASE + "/") == f"{BASE}/fact-checks/{verdict.pk}/"


# --- recommended by Google --------------------------------------------------------------------


def test_author_is_the_organisation_not_the_reviewer(verdict):
    assert review_of(verdict)["author"] == {
        "@type": "Organization",
        "name": "Example Checks",
        "url": "https://example.org/",
    }


def test_an_organisation_without_an_address_is_named_only(verdict):
    assert review_of(verdict, organisation_url="")["author"] == {
        "@type": "Organization",
        "name": "Example Checks",
    }


def test_date_published_is_the_verdicts_publication_date(verdict):
    assert review_of(verdict)["datePublished"] == "2026-03-04"


def test_item_reviewed_is_the_claim_where_and_when_it_was_made_and_by_whom(verdict):
    assert review_of(verdict)["itemReviewed"] == {
        "@type": "Claim",
        "author": {"@type": "Organization", "name": "Mayor Jane Doe"},
        "datePublished": "2026-02-27",  # when the claim was made: the article's date, not the review's
        "appearance": [
            {
                "@type": "CreativeWork",
                "url": "https://news.example.com/budget",
                "headline": "Council passes the budget",
                "datePublished": "2026-02-27",
            }
        ],
    }


@pytest.mark.parametrize(("kind", "schema_type"), [("person", "Person"), ("organization", "Organization")])
def test_the_claimant_is_the_person_or_organisation_the_reviewer_said(verdict, kind, schema_type):
    verdict.claim.claimant_kind = kind

    assert review_of(verdict)["itemReviewed"]["author"] == {"@type": schema_type, "name": "Mayor Jane Doe"}


def test_item_reviewed_leaves_out_what_is_not_known(verdict):
    claim = verdict.claim
    claim.claimant = ""
    claim.article.url, claim.article.published_at = None, None

    assert review_of(verdict)["itemReviewed"] == {"@type": "Claim"}


def test_a_verdict_that_is_not_published_has_no_claimreview(reported_article):
    for status in ("draft", "submitted", "returned", "superseded"):
        verdict = VerdictFactory(claim=ClaimFactory(article=reported_article, start=0, end=3), status=status)
        with pytest.raises(ValueError, match="not published"):
            review_of(verdict)
        verdict.claim.delete()


def test_markup_in_the_claim_stays_text_in_the_json(reported_article):
    claim = ClaimFactory(article=reported_article, normalised_text="</script><script>alert(1)</script>")
    verdict = VerdictFactory(claim=claim, status="published")

    assert review_of(verdict)["claimReviewed"] == "</script><script>alert(1)</script>"


# --- the DataFeed -----------------------------------------------------------------------------


def published_pair(article):
    first, second, _ = budget_claims(article)
    older = VerdictFactory(claim=first, status="published", published_at=PUBLISHED_AT)
    newer = VerdictFactory(
        claim=second,
        status="published",
        rating=rating("true"),
        published_at=PUBLISHED_AT + dt.timedelta(days=2),
    )
    return older, newer


def test_the_datafeed_lists_each_claimreview_and_when_it_last_changed(article):
    older, newer = published_pair(article)

    feed = claimreview_feed([older, newer], base_url=BASE, **ORG)

    assert feed["@context"] == "https://schema.org" and feed["@type"] == "DataFeed"
    assert feed["dataFeedElement"] == [review_of(older), review_of(newer)]
    assert feed["dateModified"] == timezone.localtime(newer.published_at).isoformat(timespec="seconds")
    assert feed["publisher"]["name"] == "Example Checks"


def test_the_streamed_datafeed_is_the_same_document(article):
    older, newer = published_pair(article)
    now = timezone.now()

    streamed = b"".join(stream_claimreview_feed(iter([older, newer]), base_url=BASE, now=now, **ORG))

    assert json.loads(streamed) == claimreview_feed([older, newer], base_url=BASE, now=now, **ORG)


def test_an_empty_datafeed_is_valid_and_dated_when_written():
    now = timezone.now()

    feed = json.loads(b"".join(stream_claimreview_feed([], base_url=BASE, now=now, **ORG)))

    assert feed["dataFeedElement"] == []
    assert feed["dateModified"] == timezone.localtime(now).isoformat(timespec="seconds")


# --- the export format ------------------------------------------------------------------------


def report_of(user, with_drafts=False):
    selection = ReportSelection()
    return Report(
        selection=selection,
        with_drafts=with_drafts,
        entries=report_entries(user=user, selection=selection, with_drafts=with_drafts),
        count=0,
        base_url=BASE,
        **ORG,
    )


def test_the_export_format_is_registered_as_json_ld():
    assert format_module("claimreview").render is render
    assert (CONTENT_TYPE, EXTENSION) == ("application/ld+json", "jsonld")


def test_the_export_holds_published_verdicts_only_even_when_the_report_has_drafts(carol, article):
    first, second, third = budget_claims(article)
    published = VerdictFactory(claim=first, status="published")
    VerdictFactory(claim=second, status="draft")
    VerdictFactory(claim=third, status="submitted")

    feed = json.loads(b"".join(render(report_of(carol, with_drafts=True))))

    assert [element["url"] for element in feed["dataFeedElement"]] == [public_verdict_url(published, BASE)]


def test_the_export_streams_one_chunk_per_claimreview(carol, article):
    published_pair(article)

    chunks = list(render(report_of(carol)))

    assert len(chunks) == 1 + 2 + 1  # the feed's head, each review, its tail


# --- the round trip ---------------------------------------------------------------------------


def import_file(path) -> dict:
    out = StringIO()
    call_command("import_claimreviews", str(path), "--json", "--no-refresh", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue().strip().splitlines()[-1])


def test_our_export_imported_with_import_claimreviews_gives_back_the_same_claims_ratings_and_urls(
    carol, article, reported_article, tmp_path
):
    claims = budget_claims(article)
    rated = [("false", claims[0]), ("mostly-true", claims[1]), ("missing-context", claims[2])]
    verdicts = [VerdictFactory(claim=claim, status="published", rating=rating(slug)) for slug, claim in rated]
    with_context = VerdictFactory(
        claim=ClaimFactory(article=reported_article, claimant="Mayor Jane Doe"), status="published"
    )
    expected = {
        public_verdict_url(v, BASE): (v.claim.text, v.rating.label, v.rating.slug)
        for v in [*verdicts, with_context]
    }
    path = tmp_path / "ours.jsonld"
    path.write_bytes(b"".join(render(report_of(carol))))
    Article.objects.all().delete()  # a fresh corpus: nothing of ours is left to match against

    summary = import_file(path)

    items = CorpusItem.objects.filter(kind=CorpusKind.CLAIMREVIEW)
    assert (summary["imported"], summary["errors"]) == (4, [])
    assert {item.url: (item.text, item.rating_label, item.rating) for item in items} == expected
    item = items.get(url=public_verdict_url(with_context, BASE))
    assert item.publisher == "Example Checks"
    assert item.details["claimant"] == "Mayor Jane Doe"
    assert item.details["claim_date"] == "2026-02-27"
    assert item.details["appearances"] == ["https://news.example.com/budget"]
    assert item.details["rating_basis"] == "number"


def test_a_single_claimreview_of_ours_is_read_back_too(verdict, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(review_of(verdict)))

    summary = import_file(path)

    item = CorpusItem.objects.get(kind=CorpusKind.CLAIMREVIEW)
    assert summary["imported"] == 1
    assert (item.text, item.rating, item.url) == (
        verdict.claim.text,
        "false",
        public_verdict_url(verdict, BASE),
    )
    assert item.date == dt.date(2026, 3, 4)
