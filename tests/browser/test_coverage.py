"""In the browser: a claim of the seed article shows related coverage with its reasons, and one click
attaches a fact-check as evidence."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from claims.coverage.store import corpus_store_reset
from claims.management.commands.seed_demo import DEMO_FACTCHECKS
from claims.models import Evidence, Suggestion
from claims.services.ingest import article_ingest_text

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coverage_on(settings):
    settings.COVERAGE_AUTO_JOBS = True
    corpus_store_reset()
    yield
    corpus_store_reset()


def test_a_seed_claim_shows_the_demo_fact_check_and_accepting_it_attaches_evidence(
    coverage_on, sign_in, alice, seed_text, screenshot
):
    call_command("load_factchecks", str(DEMO_FACTCHECKS), "--prefix", "demo:", "--no-refresh")
    article = article_ingest_text(text=seed_text, user=alice).article  # its jobs run as it commits
    claim = article.claims.order_by("start").first()
    assert claim.text.startswith("Delegates from the Palestinian militant group Hamas")
    best = Suggestion.objects.filter(claim=claim).order_by("rank").first()
    assert best.item.external_id == "demo:demo-2023-hamas-moscow"

    page = sign_in(alice)
    page.goto(f"/articles/{article.pk}/?claim={claim.pk}")
    coverage = page.locator("#claim-panel section.coverage")
    expect(coverage).to_contain_text("Done")
    first = coverage.locator(".suggestion").first
    expect(first).to_contain_text("a Hamas delegation held talks in Moscow")
    expect(first.locator(".suggestion-reasons li").first).to_be_visible()
    page.set_viewport_size({"width": 1400, "height": 2400})  # the panel scrolls inside the viewport
    coverage.scroll_into_view_if_needed()
    screenshot(coverage, "claim-panel-coverage")

    first.get_by_label("Stance").select_option("supports")
    first.get_by_role("button", name="Attach as evidence").click()
    expect(page.locator("#claim-panel .evidence")).to_contain_text("Fact-check: Yes, a Hamas delegation")
    expect(page.locator("#claim-panel .decided-suggestions")).to_contain_text("Decided (1)")
    evidence = Evidence.objects.select_related("source").get(claim=claim)
    assert evidence.stance == "supports" and evidence.excerpt_verified is True
    assert evidence.source.url == "https://factcheck.example.org/2023/10/hamas-delegation-moscow"
