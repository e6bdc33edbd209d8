"""Security review: each test pins down one defect that was found and fixed."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import reverse

from claims.choices import IngestMethod, JobStatus
from claims.models import IngestionJob
from claims.services.ingest import article_ingest_text
from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def in_a_browser(base_url: str, steps):
    """Run `steps(page)` in a fresh headless Chromium and return what it returns.

    In a thread of its own: in a full run the browser tests' Playwright is still running in the main
    thread, and Playwright's sync API refuses to start a second one there. No ORM calls in `steps`.
    """
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package (as root).")

    def run():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
            )
            try:
                context = browser.new_context(base_url=base_url)
                context.set_default_timeout(15_000)
                return steps(context.new_page())
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_panel_script_only_loads_claim_ids_so_a_crafted_link_cannot_inject_html(live_server, alice):
    # Any same-origin response that is not an escaped HTML fragment must never reach the panel's innerHTML.
    # The job status JSON carries an error text that a fetched page can shape (its status reason or
    # content type), and JSON is not HTML-escaped.
    article = article_ingest_text(
        text="Prices rose 4% in May. Exports fell sharply in June.", user=alice
    ).article
    job = IngestionJob.objects.create(
        method=IngestMethod.URL,
        url="https://example.org/",
        status=JobStatus.FAILED,
        error="<img src=x onerror=window.__injected=1>",
        created_by=alice,
    )
    crafted = quote(f"../articles/jobs/{job.pk}/?format=json&x=", safe="")
    first_claim = article.claims.order_by("start").first()

    def steps(page):
        page.goto("/accounts/login/")
        page.get_by_label("User name").fill(alice.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{reverse('article_detail', args=[article.pk])}?claim={crafted}")
        page.locator(f'#article-text a.claim[data-claim="{first_claim.pk}"]').click()
        page.wait_for_selector(f'[data-claim-panel="{first_claim.pk}"]')
        page.go_back()  # popstate: the script reads ?claim= from the crafted address
        page.wait_for_timeout(1500)
        return page.evaluate("window.__injected"), page.locator("#claim-panel img").count()

    injected, images = in_a_browser(live_server.url, steps)
    assert injected is None
    assert images == 0
