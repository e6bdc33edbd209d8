"""In the browser: a claim of the seed article shows related coverage with its reasons, and one click
attaches a fact-check as evidence; a claim whose job has not finished shows its suggestions once it has,
without a reload."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from claims.choices import JobKind
from claims.coverage.store import corpus_store_reset
from claims.management.commands.seed_demo import DEMO_FACTCHECKS
from claims.models import Evidence, Job, Suggestion, suggestion_job_key
from claims.services import job_queue
from claims.services.ingest import article_ingest_text
from claims.services.jobs import job_run

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


@pytest.fixture
def held_jobs(monkeypatch):
    """Jobs submitted from here on stay queued (no runner is handed them) until the test plays the worker."""
    monkeypatch.setattr(job_queue, "job_hand_over", lambda **kwargs: False)


def test_a_claim_whose_job_is_still_going_shows_its_suggestions_when_it_finishes_without_a_reload(
    coverage_on, held_jobs, sign_in, alice, seed_text
):
    call_command("load_factchecks", str(DEMO_FACTCHECKS), "--prefix", "demo:", "--no-refresh")
    article = article_ingest_text(text=seed_text, user=alice).article
    claim = article.claims.order_by("start").first()
    job = Job.objects.get(kind=JobKind.SUGGEST_COVERAGE, dedupe_key=suggestion_job_key(claim.pk))

    page = sign_in(alice)
    page.goto(f"/articles/{article.pk}/?claim={claim.pk}")
    page.evaluate("window.__samePage = true")
    coverage = page.locator("#claim-panel section.coverage")
    status = coverage.locator(".coverage-job")
    expect(status).to_contain_text("Queued")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(coverage.locator(".suggestion")).to_have_count(0)

    # A worker takes the job: the page follows it through running to done.
    assert job_queue.job_claim(job_id=job.pk, token="browser-test") is not None
    expect(status).to_contain_text("Running")
    job_run(job_id=job.pk, token="browser-test")
    expect(status).to_contain_text("Done")
    first = coverage.locator(".suggestion").first
    expect(first).to_contain_text("a Hamas delegation held talks in Moscow")
    assert page.evaluate("window.__samePage") is True
    assert page.locator("#claim-panel .coverage-job").count() == 1  # swapped in place, not added

    # It has stopped asking, and the forms that came with the swap work as the server-rendered ones do.
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "/coverage/" in request.url else None)
    page.wait_for_timeout(2500)
    assert asked == []
    first.get_by_label("Stance").select_option("supports")
    first.get_by_role("button", name="Attach as evidence").click()
    expect(page.locator("#claim-panel .decided-suggestions")).to_contain_text("Decided (1)")
    assert Evidence.objects.get(claim=claim).stance == "supports"


def test_a_job_that_takes_too_long_leaves_a_note_to_reload(coverage_on, held_jobs, sign_in, alice):
    article = article_ingest_text(text="The harbour bridge cost 40 million pounds.", user=alice).article
    claim = article.claims.get()

    page = sign_in(alice)
    page.clock.install()
    page.goto(f"/articles/{article.pk}/?claim={claim.pk}")
    status = page.locator("#claim-panel section.coverage .coverage-job")
    expect(status).to_contain_text("Queued")
    page.clock.fast_forward("04:00")
    expect(status).to_contain_text("Still working")
    status.get_by_role("button", name="reload").click()
    expect(status).not_to_contain_text("Still working")  # the reload's fresh page follows the job again
