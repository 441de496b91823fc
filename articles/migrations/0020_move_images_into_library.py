"""Every article's featured image moves into the media library.

The file stays where it is (names are unique, its renditions keep their names); a
library image is made for it with the article's alt text, caption and credit, its
writer as uploader. Revisions that kept a file name now keep the library image's id,
so history and restore still find the earlier image (one whose file is gone: none).
"""

import json

from django.core.files.storage import default_storage
from django.db import migrations


def _library_image(MediaImage, name, article, known):
    """The library image for a stored file name, made once; None if the file is gone."""
    if name in known:
        return known[name]
    image = None
    if article is not None and article.image_width:
        image = MediaImage.objects.create(
            file=name,
            width=article.image_width,
            height=article.image_height or 0,
            alt=article.image_alt,
            caption=article.image_caption,
            credit=article.image_credit,
            uploaded_by_id=article.created_by_id,
        )
        MediaImage.objects.filter(pk=image.pk).update(created_at=article.updated_at)
    elif default_storage.exists(name):
        image = MediaImage.objects.create(file=name)  # reads its size from the file
    known[name] = image
    return image


def move_images_into_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    MediaImage = apps.get_model("articles", "MediaImage")
    known = {}
    for article in Article.objects.exclude(image_file="").order_by("pk"):
        image = _library_image(MediaImage, article.image_file.name, article, known)
        Article.objects.filter(pk=article.pk).update(image=image)
    _point_revisions_at_library(apps, MediaImage, known)
    if schema_editor.connection.vendor == "postgresql":
        # The columns go next: PostgreSQL refuses while FK checks of this are pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _point_revisions_at_library(apps, MediaImage, known):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    content_type = ContentType.objects.filter(app_label="articles", model="article").first()
    if content_type is None:
        return
    for version in Version.objects.filter(content_type=content_type, format="json"):
        data = json.loads(version.serialized_data)
        fields = data[0]["fields"] if data else {}
        name = fields.get("image")
        if not isinstance(name, str):
            continue
        image = _library_image(MediaImage, name, None, known) if name else None
        fields["image"] = image.pk if image else None
        version.serialized_data = json.dumps(data)
        version.save(update_fields=["serialized_data"])


def back_to_files(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.exclude(image=None).select_related("image"):
        article.image_file = article.image.file.name
        article.image_width, article.image_height = article.image.width, article.image.height
        article.save(update_fields=["image_file", "image_width", "image_height"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0019_media_library"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        migrations.RunPython(move_images_into_library, back_to_files),
        migrations.RemoveField(model_name="article", name="image_file"),
        migrations.RemoveField(model_name="article", name="image_width"),
        migrations.RemoveField(model_name="article", name="image_height"),
    ]
