"""Before one source per fetched URL becomes a constraint (0009), merge the duplicates there may be.

Databases where two fetched sources share a URL (SQLite had no advisory lock) have them merged: the evidence
moves to the one kept (a fetched copy if there is one, else the oldest), its excerpts are checked again
against that copy, and the duplicates are deleted.
"""

from django.db import migrations
from django.db.models import Count


def merge_duplicates(apps, schema_editor):
    from claims.text.excerpts import excerpt_location

    Source = apps.get_model("claims", "Source")
    Evidence = apps.get_model("claims", "Evidence")
    Job = apps.get_model("claims", "Job")
    fetched = Source.objects.exclude(fetch_status="manual").exclude(url="")
    for row in fetched.values("url").annotate(n=Count("id")).filter(n__gt=1):
        same = list(fetched.filter(url=row["url"]).order_by("id"))
        keep = next((s for s in same if s.fetch_status == "fetched"), same[0])
        for duplicate in same:
            if duplicate.pk == keep.pk:
                continue
            for evidence in Evidence.objects.filter(source=duplicate):
                evidence.source = keep
                if evidence.excerpt and keep.archived_text:
                    evidence.excerpt_verified = excerpt_location(keep.archived_text, evidence.excerpt) is not None
                else:
                    evidence.excerpt_verified = None
                evidence.save(update_fields=["source", "excerpt_verified"])
            Job.objects.filter(source=duplicate).delete()
            duplicate.delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_job_drop_ingestion_fields")]

    # Data only: PostgreSQL cannot add the constraint's index in the transaction that updated the rows.
    operations = [migrations.RunPython(merge_duplicates, migrations.RunPython.noop)]
