"""The page script never puts anything but a claim panel into the side panel."""

from urllib.parse import quote

import pytest
from django.urls import reverse

from claims.choices import JobKind, JobStatus
from claims.models import Job
from claims.services.ingest import article_ingest_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_crafted_claim_parameter_cannot_inject_html(sign_in, alice):
    # The job status JSON carries an error text that a fetched page can shape (its status reason or
    # content type), and JSON is not HTML-escaped: it must never reach the panel's innerHTML.
    article = article_ingest_text(
        text="Prices rose 4% in May. Exports fell sharply in June.", user=alice
    ).article
    job = Job.objects.create(
        kind=JobKind.INGEST_URL,
        url="https://example.org/",
        status=JobStatus.FAILED,
        error="<img src=x onerror=window.__injected=1>",
        created_by=alice,
    )
    crafted = quote(f"../articles/jobs/{job.pk}/?format=json&x=", safe="")
    first_claim = article.claims.order_by("start").first()

    page = sign_in(alice)
    page.goto(f"{reverse('article_detail', args=[article.pk])}?claim={crafted}")
    page.locator(f'#article-text a.claim[data-claim="{first_claim.pk}"]').click()
    page.wait_for_selector(f'[data-claim-panel="{first_claim.pk}"]')
    page.go_back()  # popstate: the script reads ?claim= from the crafted address
    page.wait_for_timeout(1000)

    assert page.evaluate("window.__injected") is None
    assert page.locator("#claim-panel img").count() == 0
