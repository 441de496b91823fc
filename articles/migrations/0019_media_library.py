"""The media library: images as their own model, and the featured image a library image.

The old file field is renamed here and moved into the library by the next migration
(0020), which then drops it.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import articles.images
import articles.models.media
from articles import roles


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0018_merge_tags_differing_in_case"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="MediaImage",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "file",
                    articles.images.CheckedImageField(
                        height_field="height",
                        help_text="JPEG, PNG or WebP, at most 10 MB and 40 megapixels.",
                        upload_to=articles.images.UploadPath("articles"),
                        verbose_name="image",
                        width_field="width",
                    ),
                ),
                ("width", models.PositiveIntegerField(default=0, editable=False)),
                ("height", models.PositiveIntegerField(default=0, editable=False)),
                (
                    "alt",
                    models.CharField(
                        blank=True,
                        help_text="What the image shows, for readers who cannot see it.",
                        max_length=250,
                        verbose_name="alt text",
                    ),
                ),
                ("caption", models.CharField(blank=True, max_length=300)),
                (
                    "credit",
                    models.CharField(
                        blank=True, help_text="Who made it, e.g. “dpa”.", max_length=150
                    ),
                ),
                (
                    "focal_x",
                    models.FloatField(
                        default=0.5,
                        help_text="0 is the left edge, 1 the right. Crops keep this point in the picture.",
                        validators=[
                            django.core.validators.MinValueValidator(0.0),
                            django.core.validators.MaxValueValidator(1.0),
                        ],
                        verbose_name="focal point across",
                    ),
                ),
                (
                    "focal_y",
                    models.FloatField(
                        default=0.5,
                        help_text="0 is the top edge, 1 the bottom.",
                        validators=[
                            django.core.validators.MinValueValidator(0.0),
                            django.core.validators.MaxValueValidator(1.0),
                        ],
                        verbose_name="focal point down",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="uploaded"),
                ),
                (
                    "uploaded_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "library image",
                "ordering": ("-created_at", "-id"),
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("focal_x__gte", 0),
                            ("focal_x__lte", 1),
                            ("focal_y__gte", 0),
                            ("focal_y__lte", 1),
                        ),
                        name="mediaimage_focal_point_inside",
                    )
                ],
            },
        ),
        migrations.RenameField(model_name="article", old_name="image", new_name="image_file"),
        migrations.AddField(
            model_name="article",
            name="image",
            field=articles.models.media.LibraryImageField(
                blank=True,
                help_text="Chosen from the library, or uploaded there from here.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="featured_in",
                to="articles.mediaimage",
                verbose_name="featured image",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="image_alt",
            field=models.CharField(
                blank=True,
                help_text="What the image shows, for readers who cannot see it. Left empty, the library's alt text is used (as are its caption and credit).",
                max_length=250,
                verbose_name="image alt text",
            ),
        ),
        migrations.RunPython(roles.sync_roles, migrations.RunPython.noop),
    ]
