from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("claims", "0006_job_data")]

    operations = [
        # A default first, so that going back can add the column again to the rows that exist then.
        migrations.AlterField(
            model_name="job",
            name="method",
            field=models.CharField(
                choices=[
                    ("paste", "Pasted text"),
                    ("upload", "Uploaded file"),
                    ("url", "Fetched from a URL"),
                    ("command", "manage.py ingest"),
                    ("api", "Partner API"),
                ],
                default="url",
                max_length=16,
            ),
        ),
        migrations.RemoveField(model_name="job", name="method"),
        migrations.RemoveField(model_name="job", name="created_existing"),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["status", "lease_expires_at"], name="job_status_lease"),
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["status", "enqueued_at"], name="job_status_enqueued"),
        ),
        migrations.AddConstraint(
            model_name="job",
            constraint=models.UniqueConstraint(
                condition=Q(("status__in", ("queued", "running")), models.Q(("dedupe_key", ""), _negated=True)),
                fields=("kind", "dedupe_key"),
                name="job_one_active_per_key",
            ),
        ),
    ]
