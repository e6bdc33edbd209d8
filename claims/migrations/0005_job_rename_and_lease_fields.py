"""IngestionJob becomes Job: one model for every kind of background work, with a lease and an outbox mark."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_rating_history_evidence_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="IngestionJob", new_name="Job"),
        migrations.AddField(
            model_name="job",
            name="kind",
            field=models.CharField(
                choices=[
                    ("ingest_url", "Add an article from a web address"),
                    ("fetch_source", "Fetch and archive a source"),
                    ("refetch_article", "Fetch an article again"),
                ],
                default="ingest_url",
                max_length=32,
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="job",
            name="status",
            field=models.CharField(
                choices=[("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
                default="queued",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="job",
            name="article",
            field=models.ForeignKey(
                blank=True,
                help_text="The article fetched again, or the one added from the web address.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="jobs",
                to="claims.article",
            ),
        ),
        migrations.AlterField(
            model_name="job",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="jobs",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="job",
            name="error",
            field=models.TextField(
                blank=True, help_text="Why it failed, in words the person who asked can act on."
            ),
        ),
        migrations.AddField(
            model_name="job",
            name="source",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="jobs",
                to="claims.source",
            ),
        ),
        migrations.AddField(model_name="job", name="params", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(model_name="job", name="result", field=models.JSONField(blank=True, default=dict)),
        migrations.AddField(
            model_name="job", name="dedupe_key", field=models.CharField(blank=True, max_length=200)
        ),
        migrations.AddField(
            model_name="job", name="attempts", field=models.PositiveSmallIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="job", name="lease_token", field=models.CharField(blank=True, max_length=64)
        ),
        migrations.AddField(
            model_name="job", name="lease_expires_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="job",
            name="enqueued_at",
            field=models.DateTimeField(
                blank=True, help_text="When it was handed to the worker queue; empty: not yet.", null=True
            ),
        ),
        migrations.AddField(
            model_name="job", name="started_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="job", name="finished_at", field=models.DateTimeField(blank=True, null=True)
        ),
    ]
