"""Background ingestion jobs: a URL is fetched and split off the request, and the browser polls its state."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.choices import IngestMethod, JobStatus
from claims.errors import InputRejected
from claims.models import IngestionJob
from claims.services.ingest import article_ingest_url, canonicalise_url

logger = logging.getLogger(__name__)
STALE_AFTER = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT * 2)


@transaction.atomic
def ingestion_job_start(*, url: str, user) -> IngestionJob:
    """Queue a URL for ingestion once this transaction commits; the address is validated first."""
    from claims.tasks import ingest_url_job  # tasks import the services

    canonicalise_url(url)  # refuses a malformed address before anything is stored
    if len(url.strip()) > IngestionJob._meta.get_field("url").max_length:
        raise InputRejected("The web address is too long.")
    job = IngestionJob.objects.create(method=IngestMethod.URL, url=url.strip(), created_by=user)
    transaction.on_commit(lambda: ingest_url_job.delay(job.pk))
    return job


def ingestion_job_run(*, job_id: int) -> None:
    """Run a queued job once: the compare-and-set makes a redelivered task a no-op."""
    # A job left running longer than a task may live was lost with its worker: it may be taken over.
    abandoned = Q(status=JobStatus.RUNNING, updated_at__lt=timezone.now() - STALE_AFTER)
    claimed = IngestionJob.objects.filter(Q(status=JobStatus.QUEUED) | abandoned, pk=job_id).update(
        status=JobStatus.RUNNING, updated_at=timezone.now()
    )
    if claimed != 1:
        logger.info("Ingestion job %s is gone or already taken; nothing to do.", job_id)
        return
    job = IngestionJob.objects.select_related("created_by").get(pk=job_id)
    try:
        outcome = article_ingest_url(url=job.url, user=job.created_by)
    except InputRejected as refused:
        job.status, job.error = JobStatus.FAILED, refused.message
    except Exception:
        logger.exception("Ingestion job %s failed", job_id)
        job.status, job.error = JobStatus.FAILED, "Something went wrong on our side while reading that page."
    else:
        job.status, job.article, job.created_existing = JobStatus.DONE, outcome.article, not outcome.created
    job.save(update_fields=["status", "error", "article", "created_existing", "updated_at"])
