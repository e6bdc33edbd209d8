"""In the browser: an editor imports a ClaimReview about the seed article's event, and a reviewer finds it
among a seed claim's suggestions with its publisher and rating."""

import json

import pytest
from playwright.sync_api import expect

from claims.choices import CorpusKind
from claims.coverage.store import corpus_store_reset
from claims.models import CorpusItem, Suggestion
from claims.services.ingest import article_ingest_text

pytestmark = pytest.mark.django_db(transaction=True)

HAMAS_IN_MOSCOW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "url": "https://desk.example.org/checks/2023/10/hamas-delegation-moscow",
    "claimReviewed": "A Hamas delegation led by Moussa Abu Marzouk held talks with Russian officials in Moscow.",
    "datePublished": "2023-10-27",
    "author": {"@type": "Organization", "name": "Harbour Fact Desk", "url": "https://desk.example.org"},
    "itemReviewed": {"@type": "Claim", "author": {"@type": "Organization", "name": "Russian state media"}},
    "reviewRating": {
        "@type": "Rating",
        "ratingValue": "5",
        "bestRating": "5",
        "worstRating": "1",
        "alternateName": "Accurate",
    },
}


@pytest.fixture
def coverage_on(settings):
    settings.COVERAGE_AUTO_JOBS = True
    corpus_store_reset()
    yield
    corpus_store_reset()


def test_an_imported_claimreview_appears_among_a_seed_claims_suggestions(
    coverage_on, sign_in, alice, carol, seed_text, tmp_path, screenshot
):
    article = article_ingest_text(text=seed_text, user=alice).article  # suggested before the import
    claim = article.claims.order_by("start").first()
    assert claim.text.startswith("Delegates from the Palestinian militant group Hamas")
    upload = tmp_path / "desk-export.json"
    upload.write_text(json.dumps([HAMAS_IN_MOSCOW, {"@type": "ClaimReview", "claimReviewed": ""}]))

    editor = sign_in(carol)
    editor.goto("/")
    editor.get_by_role("link", name="Import fact-checks").click()
    editor.get_by_label("ClaimReview files", exact=True).set_input_files(str(upload))
    editor.get_by_role("button", name="Import").click()
    summary = editor.locator("#import-summary")
    expect(summary).to_contain_text("Import finished")
    expect(summary.locator('[data-count="imported"]')).to_have_text("1")
    expect(summary).to_contain_text("no claim text")
    item = CorpusItem.objects.get(kind=CorpusKind.CLAIMREVIEW)
    # Indexed in the background, and the open claims it may change were searched again.
    assert Suggestion.objects.filter(claim=claim, item=item).exists()

    page = sign_in(alice)
    page.goto(f"/articles/{article.pk}/?claim={claim.pk}")
    coverage = page.locator("#claim-panel section.coverage")
    suggestion = coverage.locator(".suggestion", has_text="Moussa Abu Marzouk held talks")
    expect(suggestion.locator(".suggestion-origin")).to_have_text("Fact-check by Harbour Fact Desk")
    expect(suggestion.locator(".suggestion-rating")).to_contain_text("True (their rating: “Accurate”)")
    expect(suggestion.locator(".suggestion-rating")).to_contain_text("claim by Russian state media")
    expect(suggestion.get_by_role("link")).to_have_attribute("href", HAMAS_IN_MOSCOW["url"])
    page.set_viewport_size({"width": 1400, "height": 2400})
    coverage.scroll_into_view_if_needed()
    screenshot(coverage, "claim-panel-imported-claimreview")
