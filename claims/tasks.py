"""Thin Celery tasks: ids in, a service does the work. Jobs are handed to them on commit (job_queue)."""

from celery import shared_task

from claims.services.jobs import job_run, jobs_sweep


@shared_task(name="claims.run_job", bind=True, ignore_result=True)
def run_job(self, job_id: int) -> None:
    # The delivery's task id is the job's lease token: the same message handed back after its worker
    # died takes the job over at once.
    job_run(job_id=job_id, token=self.request.id)


@shared_task(name="claims.sweep_jobs", ignore_result=True)
def sweep_jobs() -> dict:
    return jobs_sweep()
