"""The progress page of a background job: honest labels, and a clear word when the worker is out of reach."""

from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from claims.choices import JobStatus
from claims.models import Job
from claims.tasks import run_job
from tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("article_create")


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def status_url(job) -> str:
    return reverse("job_status", args=[job.pk])


def test_a_url_sent_while_the_broker_is_down_is_saved_and_the_page_says_so(
    signed_in, settings, django_capture_on_commit_callbacks
):
    settings.JOB_RUNNER = "celery"
    down = OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(run_job, "apply_async", side_effect=down),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = signed_in.post(CREATE, {"method": "url", "url": "https://example.org/story"})

    job = Job.objects.get()
    assert response.status_code == 302 and response.url == status_url(job)
    assert job.status == JobStatus.QUEUED and job.enqueued_at is None
    page = signed_in.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert "background worker can’t be reached right now" in html and "saved" in html
    assert 'class="step-current" aria-current="step">Queued' in html
    assert "can’t be reached" in signed_in.get(response.url, {"format": "json"}).json()["label"]


@pytest.mark.parametrize(
    ("status", "current", "text"),
    [
        (JobStatus.QUEUED, "Queued", "Waiting for a worker to pick it up…"),
        (JobStatus.RUNNING, "Fetching and splitting", "Fetching the page and splitting it into claims…"),
    ],
)
def test_the_chips_and_the_text_always_say_the_same(signed_in, alice, status, current, text):
    job = JobFactory(created_by=alice, status=status)

    html = signed_in.get(status_url(job)).content.decode()
    poll = signed_in.get(status_url(job), {"format": "json"}).json()

    assert f'class="step-current" aria-current="step">{current}' in html and text in html
    assert poll["status"] == status and poll["label"] == text
    assert [step["label"] for step in poll["steps"] if step["state"] == "current"] == [current]


def test_a_job_whose_worker_died_says_it_will_be_tried_again(signed_in, alice, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    job = JobFactory(created_by=alice, attempts=1)
    label = signed_in.get(status_url(job), {"format": "json"}).json()["label"]
    assert "stopped before it finished" in label and "attempt 2 of 3" in label


def test_a_job_waiting_to_be_retried_says_why_and_at_what_time(signed_in, alice, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    retry_at = timezone.now() + timedelta(seconds=12)
    job = JobFactory(created_by=alice, attempts=1, error="The database did not answer.", retry_at=retry_at)
    expected = (
        "The database did not answer. "
        f"Retrying at {timezone.localtime(retry_at).strftime('%H:%M:%S')} (attempt 2 of 3)."
    )

    html = signed_in.get(status_url(job)).content.decode()
    poll = signed_in.get(status_url(job), {"format": "json"}).json()

    assert expected in html and 'class="step-current" aria-current="step">Queued' in html
    assert poll["status"] == "queued" and poll["label"] == expected
    assert poll["retry_at"] == retry_at.isoformat()


def test_a_retry_whose_time_has_come_waits_for_a_worker(signed_in, alice, settings):
    settings.JOB_MAX_ATTEMPTS = 3
    job = JobFactory(
        created_by=alice,
        attempts=2,
        error="The database did not answer.",
        retry_at=timezone.now() - timedelta(seconds=1),
    )
    label = signed_in.get(status_url(job), {"format": "json"}).json()["label"]
    assert label == "The database did not answer. Retrying as soon as a worker is free (attempt 3 of 3)…"


def test_a_job_nobody_asked_for_is_seen_by_staff_only(client, alice):
    job = JobFactory(created_by=None)
    client.force_login(alice)
    assert client.get(status_url(job)).status_code == 404
    client.force_login(UserFactory(username="root", is_staff=True))
    assert client.get(status_url(job)).status_code == 200
