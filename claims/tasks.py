"""Thin Celery tasks: ids in, a service does the work. Queued only after the transaction commits."""

from celery import shared_task

from claims.services.jobs import ingestion_job_run


@shared_task(name="claims.ingest_url_job")
def ingest_url_job(job_id: int) -> None:
    ingestion_job_run(job_id=job_id)


@shared_task(name="claims.fetch_source")
def fetch_source(source_id: int) -> None:
    from claims.services.sources import source_fetch  # the service queues this task

    source_fetch(source_id=source_id)
