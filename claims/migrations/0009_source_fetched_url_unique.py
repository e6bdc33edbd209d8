"""One source per fetched URL, as a constraint rather than an advisory lock (hand-typed ones may share)."""

from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    dependencies = [("claims", "0008_source_merge_duplicate_urls")]

    operations = [
        migrations.AddConstraint(
            model_name="source",
            constraint=models.UniqueConstraint(
                condition=Q(models.Q(("fetch_status", "manual"), _negated=True), models.Q(("url", ""), _negated=True)),
                fields=("url",),
                name="source_fetched_url_unique",
            ),
        ),
    ]
