"""Thin Celery tasks: ids in, a service does the work. Jobs are handed to them on commit (job_queue)."""

import logging

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings

from claims.errors import InputRejected
from claims.services.checkworthiness import model_retrain
from claims.services.coverage import coverage_warm_up
from claims.services.feeds import feeds_poll_due
from claims.services.jobs import job_run, jobs_sweep
from claims.services.webhooks import webhooks_submit_due

logger = logging.getLogger(__name__)


@shared_task(name="claims.run_job", bind=True, ignore_result=True)
def run_job(self, job_id: int) -> None:
    # The delivery's task id is the job's lease token: the same message handed back after its worker
    # died takes the job over at once.
    job_run(job_id=job_id, token=self.request.id)


@shared_task(name="claims.sweep_jobs", ignore_result=True)
def sweep_jobs() -> dict:
    return jobs_sweep()


@shared_task(name="claims.poll_due_feeds", ignore_result=True)
def poll_due_feeds() -> int:
    # Beat runs this every FEED_CHECK_SECONDS; each due feed becomes a poll_feed job of its own.
    return feeds_poll_due()


@shared_task(name="claims.deliver_due_webhooks", ignore_result=True)
def deliver_due_webhooks() -> int:
    # Beat runs this every WEBHOOK_CHECK_SECONDS; each due delivery becomes a deliver_webhook job.
    return webhooks_submit_due()


@shared_task(name="claims.retrain_checkworthiness", ignore_result=True)
def retrain_checkworthiness() -> dict | None:
    # Beat runs this every CHECKWORTHINESS_RETRAIN_DAYS (weekly by default; beat does not run on `make run`).
    try:
        return model_retrain()
    except InputRejected as error:  # too few labels yet, or an unreadable configured file: try next time
        logger.warning("Check-worthiness retraining skipped: %s", error.message)
        return None


@worker_process_init.connect
def warm_up_coverage(**kwargs) -> None:
    """Load the corpus vectors and the embedding model when a worker process starts, not on its first job,
    so a new claim's suggestions do not wait for them (about 7 s with 13,824 fact-checks)."""
    if not settings.COVERAGE_AUTO_JOBS:
        return
    try:
        coverage_warm_up()
    except Exception:  # a cold start is slower, not broken: the first job loads what is missing
        logger.exception("Warming up related coverage failed")
