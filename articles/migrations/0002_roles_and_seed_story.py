from django.db import migrations

from articles import roles, seed


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunPython(roles.sync_roles, migrations.RunPython.noop),
        migrations.RunPython(seed.load_seed_story, migrations.RunPython.noop),
    ]
