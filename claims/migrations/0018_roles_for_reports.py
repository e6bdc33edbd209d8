"""Give the editor and admin roles the export permission 0017 added (as 0016 does for partners)."""

from django.db import migrations

from claims.defaults import install_defaults


def forwards(apps, schema_editor):
    install_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [("claims", "0017_claimant_and_export_permission")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
