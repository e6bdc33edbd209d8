"""Give the admin role the permissions of the partner models 0015 added (as 0014 does for feeds)."""

from django.db import migrations

from claims.defaults import install_defaults


def forwards(apps, schema_editor):
    install_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [("claims", "0015_partners_and_webhooks")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
