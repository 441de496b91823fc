"""Tags that differ only in case become one ("MINSK" and "minsk" split the archive).

From here on taggit matches tag names case-insensitively (TAGGIT_CASE_INSENSITIVE);
this merges the duplicates made before: the most used spelling stays, the others'
articles move to it, and the others are deleted.
"""

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Lower


def merge_tags_differing_in_case(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    duplicated = (
        Tag.objects.annotate(key=Lower("name"))
        .values("key")
        .annotate(spellings=Count("id"))
        .filter(spellings__gt=1)
        .values_list("key", flat=True)
    )
    for key in list(duplicated):
        kept, *merged = (
            Tag.objects.annotate(key=Lower("name"), uses=Count("taggit_taggeditem_items"))
            .filter(key=key)
            .order_by("-uses", "id")
        )
        tagged = set(
            TaggedItem.objects.filter(tag=kept).values_list("content_type_id", "object_id")
        )
        for item in TaggedItem.objects.filter(tag__in=merged).order_by("id"):
            pair = (item.content_type_id, item.object_id)
            if pair in tagged:
                item.delete()  # tagged with both spellings: once is enough
            else:
                item.tag = kept
                item.save(update_fields=["tag"])
                tagged.add(pair)
        Tag.objects.filter(pk__in=[tag.pk for tag in merged]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0017_corrections_and_rough_drafts"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunPython(merge_tags_differing_in_case, migrations.RunPython.noop, elidable=True)
    ]
