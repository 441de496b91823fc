"""The people on a story (its embargo) and writers' suggested changes to published
stories; editors get the new models' permissions (roles.py)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from articles import roles


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0023_bylines"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ChangeSuggestion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="suggested"
                    ),
                ),
                (
                    "fields",
                    models.JSONField(help_text="The fields it changes, with their new values."),
                ),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for an editor"),
                            ("accepted", "Accepted"),
                            ("declined", "Declined"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "note",
                    models.TextField(blank=True, help_text="The editor's word to the writer."),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="suggestions",
                        to="articles.article",
                    ),
                ),
                (
                    "base",
                    models.ForeignKey(
                        help_text="The saved version the writer suggested the change to.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="articles.articlerevision",
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="suggested by",
                    ),
                ),
                (
                    "decided_by",
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
                "indexes": [
                    models.Index(fields=["article", "state"], name="suggestion_article_state_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("decided_at__isnull", True), ("state", "pending")),
                            models.Q(
                                models.Q(("state", "pending"), _negated=True),
                                ("decided_at__isnull", False),
                            ),
                            _connector="OR",
                        ),
                        name="suggestion_decided_when_not_pending",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="StoryMember",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "added_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="added"
                    ),
                ),
                (
                    "added_by",
                    models.ForeignKey(
                        blank=True,
                        editable=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="members",
                        to="articles.article",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        help_text="Sees this story, and may edit it, before it is published.",
                        limit_choices_to={"is_active": True, "is_staff": True},
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="story_memberships",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="staff member",
                    ),
                ),
            ],
            options={
                "verbose_name": "person on this story",
                "verbose_name_plural": "people on this story",
                "ordering": ("added_at", "id"),
                "indexes": [models.Index(fields=["user", "article"], name="story_member_user_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "user"), name="story_member_once_per_story"
                    )
                ],
            },
        ),
        migrations.RunPython(roles.sync_roles, migrations.RunPython.noop),
    ]
