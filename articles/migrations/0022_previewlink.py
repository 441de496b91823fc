"""Preview links to share a draft; both newsroom groups may make them (roles.py)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import articles.models.previews
from articles import roles


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_review_and_unpublish"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PreviewLink",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token_hash", models.CharField(editable=False, max_length=64, unique=True)),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="made"),
                ),
                (
                    "expires_at",
                    models.DateTimeField(
                        default=articles.models.previews.default_expiry, verbose_name="expires"
                    ),
                ),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="revoked")),
                (
                    "last_opened_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last opened"),
                ),
                ("times_opened", models.PositiveIntegerField(default=0)),
                (
                    "article",
                    models.ForeignKey(
                        help_text="Whoever has the link sees this article's preview until it expires.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="preview_links",
                        to="articles.article",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="made by",
                    ),
                ),
                (
                    "revoked_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ("-created_at", "-id"),
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("expires_at__gt", models.F("created_at"))),
                        name="preview_link_expires_after_it_is_made",
                    )
                ],
            },
        ),
        # Existing groups get the new model's permissions (Editors all, Writers theirs).
        migrations.RunPython(roles.sync_roles, migrations.RunPython.noop),
    ]
