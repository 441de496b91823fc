"""Editors get the permissions of the models 0025 added (comment reports, daily views)."""

from django.db import migrations

from articles import roles


class Migration(migrations.Migration):
    dependencies = [("articles", "0025_front_page_readership_and_reports")]

    operations = [migrations.RunPython(roles.sync_roles, migrations.RunPython.noop)]
