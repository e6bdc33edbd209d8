"""Carry the old ingestion jobs over, and give every source still waiting for its fetch a job.

Jobs that were queued or running under the old design are put back in the queue, not handed over: the
sweeper hands them to the workers. (Messages the old release left in the broker name tasks that no longer
exist, `claims.ingest_url_job` and `claims.fetch_source`; workers log and drop them.)
"""

from django.db import migrations


def forwards(apps, schema_editor):
    Job = apps.get_model("claims", "Job")
    Source = apps.get_model("claims", "Source")
    for job in Job.objects.all().iterator():
        job.params = {"method": job.method} if job.method and job.method != "url" else {}
        if job.status == "done":
            job.result = {"created": not job.created_existing}
        if job.status in ("done", "failed"):
            job.finished_at = job.updated_at
        else:
            job.status, job.enqueued_at, job.lease_token, job.lease_expires_at = "queued", None, "", None
        job.save(update_fields=["params", "result", "finished_at", "status", "enqueued_at", "lease_token", "lease_expires_at"])
    # fetched_at was the old fetch lease on a pending source; it now only ever means "archived at".
    pending = Source.objects.filter(fetch_status="pending")
    pending.filter(fetched_at__isnull=False).update(fetched_at=None)
    for source in pending.exclude(url=""):
        Job.objects.create(
            kind="fetch_source", source=source, url=source.url, dedupe_key=f"source:{source.pk}"
        )


def backwards(apps, schema_editor):
    # The old IngestionJob knew only URL ingestion by a person.
    Job = apps.get_model("claims", "Job")
    Job.objects.exclude(kind="ingest_url").delete()
    Job.objects.filter(created_by__isnull=True).delete()
    for job in Job.objects.filter(status="done"):
        job.created_existing = not job.result.get("created", True)
        job.save(update_fields=["created_existing"])


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_job_rename_and_lease_fields")]

    operations = [migrations.RunPython(forwards, backwards)]
