"""Give the roles the permissions of the models 0013 added (view/add/change feed, import fact-checks).

Permissions are created after all migrations run, so 0002's role set-up never saw them; this syncs the
groups with claims/roles.py again (idempotent, as 0002 is)."""

from django.db import migrations

from claims.defaults import install_defaults


def forwards(apps, schema_editor):
    install_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [("claims", "0013_outside_corpora")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
