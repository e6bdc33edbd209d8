"""Importing ClaimReview fact-checks: every usable review stored once, the rest reported, reruns add nothing."""

import json
from pathlib import Path

import pytest

from claims.choices import CorpusKind, JobKind
from claims.models import CorpusItem, Job
from claims.services.claimreviews import ImportFile, claimreviews_import

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parent.parent / "outside" / "data"


def review(url="https://checks.example/tram", claim="The tram line will be 12 km longer.", **rating):
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim,
        "datePublished": "2023-05-02",
        "author": {"@type": "Organization", "name": "Example Checks", "url": "https://checks.example"},
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "The mayor"}},
        "reviewRating": {"@type": "Rating", **(rating or {"alternateName": "Mostly false"})},
    }


def as_file(data, name="reviews.json") -> ImportFile:
    return ImportFile(name=name, data=json.dumps(data).encode())


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """An import whose on-commit work (the indexing job) runs, as it does after a real commit."""

    def run(files, **options):
        with django_capture_on_commit_callbacks(execute=True):
            return claimreviews_import(files=files, **options)

    return run


def imported() -> list[CorpusItem]:
    return list(CorpusItem.objects.filter(kind=CorpusKind.CLAIMREVIEW).order_by("url"))


def test_a_review_becomes_an_imported_fact_check_with_publisher_rating_date_and_link(run_import):
    summary = run_import([as_file(review())])

    assert summary.to_dict() == {
        "files": 1,
        "reviews_found": 1,
        "imported": 1,
        "updated": 0,
        "skipped": 0,
        "errors": [],
    }
    [item] = imported()
    assert item.text == "The tram line will be 12 km longer."
    assert item.publisher == "Example Checks"
    assert (item.rating_label, item.rating) == ("Mostly false", "mostly-false")
    assert item.date.isoformat() == "2023-05-02"
    assert item.url == "https://checks.example/tram"
    assert item.details["claimant"] == "The mayor"
    assert item.details["rating_basis"] == "label"


def test_the_imported_reviews_are_indexed_in_the_background(run_import):
    summary = run_import([as_file([review(), review(url="https://checks.example/2")])])

    job = Job.objects.get(kind=JobKind.INDEX_CORPUS)
    assert sorted(job.params["items"]) == sorted(summary.item_ids)
    assert job.status == "done"  # the suite runs jobs on commit
    assert all(item.embedding is not None for item in imported())
    assert all(item.terms for item in imported())  # searchable in the database's ranking too


def test_importing_the_same_data_again_adds_nothing(run_import):
    data = as_file([review(), review(url="https://checks.example/2", claim="Ferry tickets doubled.")])
    run_import([data])
    before = {item.pk: item.updated_at for item in imported()}

    again = run_import([data])

    assert (again.imported, again.updated, again.skipped, again.reviews_found) == (0, 0, 2, 2)
    assert {item.pk: item.updated_at for item in imported()} == before
    assert Job.objects.filter(kind=JobKind.INDEX_CORPUS).count() == 1  # nothing new to index


def test_a_changed_review_is_updated_in_place_and_embedded_again_when_its_wording_changed(run_import):
    run_import([as_file(review())])
    [first] = imported()

    rerated = run_import([as_file(review(alternateName="False"))])
    [item] = imported()
    assert (rerated.imported, rerated.updated) == (0, 1)
    assert item.pk == first.pk and item.rating == "false"
    assert bytes(item.embedding) == bytes(first.embedding)  # the rating is not part of what is embedded

    reworded = run_import([as_file(review(claim="The tram line will be 15 km longer."))])
    [item] = imported()
    assert reworded.updated == 1 and item.pk == first.pk
    assert item.text == "The tram line will be 15 km longer."
    assert item.embedding is not None and bytes(item.embedding) != bytes(first.embedding)


def test_a_review_without_an_address_is_the_same_review_by_claim_publisher_and_date(run_import):
    nameless = review(url="")
    del nameless["url"]
    run_import([as_file(nameless)])
    again = run_import([as_file(nameless, name="copy.json")])

    assert again.imported == 0 and len(imported()) == 1
    assert imported()[0].details["identity_basis"] == "claim"


def test_broken_records_are_reported_with_their_reason_and_the_rest_imported(run_import):
    good = review()
    no_claim = review(url="https://checks.example/empty", claim="")
    summary = run_import([as_file([good, no_claim, "not a review"])])

    assert summary.imported == 1
    assert summary.skipped == summary.reviews_found - 1
    assert [e["file"] for e in summary.errors] == ["reviews.json"] * len(summary.errors)
    assert any("no claim text" in e["reason"] for e in summary.errors)
    assert [item.url for item in imported()] == ["https://checks.example/tram"]


def test_a_file_that_is_not_claimreview_is_one_error_and_the_other_files_are_imported(run_import):
    summary = run_import(
        [
            ImportFile(name="photo.jpg", data=b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256))),
            ImportFile(name="broken.json", data=b'{"@type": "ClaimReview", "url": '),
            as_file(review()),
        ]
    )

    assert summary.files == 3 and summary.imported == 1
    assert {e["file"] for e in summary.errors} == {"photo.jpg", "broken.json"}


def test_every_shape_of_the_recorded_files_is_imported(run_import):
    files = [ImportFile(name=path.name, data=path.read_bytes()) for path in sorted(DATA.iterdir())]
    summary = run_import(files)

    publishers = {item.publisher for item in imported()}
    assert {"Riverside Truth Desk", "Harbour Facts", "Example Checks"} <= publishers  # html, feed, lines
    assert summary.imported == len(imported()) > 5
    assert summary.reviews_found == summary.imported + summary.skipped


@pytest.mark.parametrize(
    ("rating", "slug", "basis"),
    [
        (
            {"ratingValue": "1", "bestRating": "5", "worstRating": "1", "alternateName": "Wrong"},
            "false",
            "number",
        ),
        ({"ratingValue": 5, "bestRating": 5, "alternateName": "Correct"}, "true", "number"),
        ({"alternateName": "Pants on Fire!"}, "false", "label"),
        ({"alternateName": "Verdadero a medias"}, "unmapped", ""),
    ],
)
def test_ratings_map_by_number_when_the_scale_is_given_else_by_label(run_import, rating, slug, basis):
    run_import([as_file(review(**rating))])

    [item] = imported()
    assert (item.rating, item.details["rating_basis"]) == (slug, basis)
    assert item.rating_label == rating["alternateName"]  # their words are kept whatever they map to


def test_the_label_map_of_the_settings_extends_the_built_in_one(run_import, settings):
    settings.CLAIMREVIEW_RATING_LABELS = {"Verdadero a medias": "half-true", "Rotundamente falso": "false"}
    run_import(
        [
            as_file(
                [
                    review(alternateName="Verdadero a medias"),
                    review(url="https://checks.example/rotundo", alternateName="Rotundamente falso"),
                    review(url="https://checks.example/wrong", alternateName="Mostly false"),
                ]
            )
        ]
    )

    # By address: /rotundo, /tram, /wrong. The built-in labels still map.
    assert [item.rating for item in imported()] == ["false", "half-true", "mostly-false"]


def test_a_failure_while_storing_leaves_the_database_as_it_was(run_import, monkeypatch):
    from claims.services import claimreviews

    run_import([as_file(review())])

    def fail(**kwargs):
        raise RuntimeError("the index job could not be queued")

    monkeypatch.setattr(claimreviews, "coverage_items_loaded", fail)
    with pytest.raises(RuntimeError):
        run_import([as_file([review(alternateName="True"), review(url="https://checks.example/n")])])

    [item] = imported()
    assert item.rating == "mostly-false"
