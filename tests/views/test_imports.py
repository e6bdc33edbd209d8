"""Editors import ClaimReview files on a page; what they bring in is labelled with where it came from."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from claims.choices import CorpusKind, JobStatus
from claims.models import CorpusItem, Job, Suggestion
from tests.factories import ArticleFactory, ClaimFactory

pytestmark = pytest.mark.django_db

URL = reverse("claimreview_import")


def upload(name="reviews.json", data=None) -> SimpleUploadedFile:
    if data is None:
        data = json.dumps(
            {
                "@type": "ClaimReview",
                "url": "https://checks.example/tram",
                "claimReviewed": "The tram line will be 12 km longer.",
                "author": {"name": "Example Checks"},
                "datePublished": "2023-05-02",
                "reviewRating": {"alternateName": "Mostly false"},
            }
        ).encode()
    return SimpleUploadedFile(name, data, content_type="application/json")


def test_the_page_is_for_editors_only(client, alice, carol):
    assert client.get(URL).status_code == 302  # to the login page

    client.force_login(alice)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"files": [upload()]}).status_code == 403
    assert not CorpusItem.objects.exists()

    client.force_login(carol)
    page = client.get(URL)
    assert page.status_code == 200
    assert b"Upload ClaimReview files" in page.content


def test_an_upload_imports_its_reviews_and_shows_the_counts_and_problems(client, carol):
    client.force_login(carol)
    broken = upload("broken.json", b'[{"@type": "ClaimReview", "claimReviewed": ""}]')

    page = client.post(URL, {"files": [upload(), broken]})

    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-count="imported">1<' in html and 'data-count="reviews_found">2<' in html
    assert "broken.json" in html and "no claim text" in html
    item = CorpusItem.objects.get(kind=CorpusKind.CLAIMREVIEW)
    assert (item.publisher, item.rating) == ("Example Checks", "mostly-false")


def test_the_same_upload_again_adds_nothing(client, carol):
    client.force_login(carol)
    client.post(URL, {"files": [upload()]})

    page = client.post(URL, {"files": [upload()]})

    assert 'data-count="imported">0<' in page.content.decode()
    assert 'data-count="skipped">1<' in page.content.decode()
    assert CorpusItem.objects.count() == 1


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "This field is required"),
        ([SimpleUploadedFile("empty.json", b"")], "empty"),
    ],
)
def test_a_refused_upload_says_why_and_stores_nothing(client, carol, files, message):
    client.force_login(carol)

    page = client.post(URL, {"files": files})

    assert page.status_code == 400
    assert message in page.content.decode() and "Nothing was imported" in page.content.decode()
    assert not CorpusItem.objects.exists() and not Job.objects.exists()


def test_a_file_over_the_limit_is_refused_whole(client, carol, settings):
    settings.CLAIMREVIEW_UPLOAD_MAX_BYTES = 100
    client.force_login(carol)

    page = client.post(URL, {"files": [upload(), upload("big.json", b"[" + b" " * 200 + b"]")]})

    assert page.status_code == 400
    assert "big.json: larger than 100" in page.content.decode()
    assert not CorpusItem.objects.exists()


def test_a_relative_link_in_a_saved_page_resolves_against_its_address(client, carol):
    client.force_login(carol)
    page = (
        b'<html><head><script type="application/ld+json">{"@type": "ClaimReview", "url": "/checks/tram",'
        b' "claimReviewed": "The tram line will be 12 km longer.", "author": {"name": "Example Checks"},'
        b' "reviewRating": {"alternateName": "False"}}</script></head><body></body></html>'
    )

    client.post(URL, {"files": [upload("page.html", page)], "saved_from": "https://checks.example/x"})

    assert CorpusItem.objects.get().url == "https://checks.example/checks/tram"


@pytest.fixture
def suggested(alice):
    """A claim with one suggestion of each origin the panel names."""
    claim = ClaimFactory(article=ArticleFactory(ingested_by=alice))
    Job.objects.create(
        kind="suggest_coverage",
        dedupe_key=f"claim:{claim.pk}",
        status=JobStatus.DONE,
        result={"suggestions": 3, "outside_errors": ["Could not search GDELT: it timed out."]},
    )
    items = [
        CorpusItem.objects.create(
            kind=CorpusKind.CLAIMREVIEW,
            text="The tram line will be <b>12 km</b> longer.",
            publisher="Example Checks",
            rating_label="Pants on Fire",
            rating="false",
            url="https://checks.example/tram",
            details={"claimant": "The mayor"},
        ),
        CorpusItem.objects.create(
            kind=CorpusKind.CLAIMREVIEW,
            text="The ferry will be free.",
            publisher="Otro Verificador",
            rating_label="Engañoso",
            rating="unmapped",
        ),
        CorpusItem.objects.create(
            kind=CorpusKind.PROVIDER, text="Tram news", provider="gdelt", publisher="news.example"
        ),
    ]
    for rank, item in enumerate(items, 1):
        Suggestion.objects.create(claim=claim, item=item, rank=rank, score=0.5, passage=item.text)
    return claim


def test_the_panel_says_where_each_suggestion_came_from_and_how_outsiders_rated_it(client, alice, suggested):
    client.force_login(alice)

    html = client.get(
        reverse("coverage_section", args=[suggested.pk]), headers={"X-Requested-With": "fetch"}
    ).content.decode()

    assert "Fact-check by Example Checks" in html
    assert "False (their rating: “Pants on Fire”)" in html and "claim by The mayor" in html
    assert "“Engañoso” (not on our scale)" in html
    assert "GDELT: news.example" in html
    assert "Could not search GDELT: it timed out." in html
    assert "<b>12 km</b>" not in html and "&lt;b&gt;12 km&lt;/b&gt;" in html
    assert html.count('value="same_claim"') == 2  # imported fact-checks can be the same claim; news cannot
