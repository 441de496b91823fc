"""Review steps in an article's history (with an editor's note), and an unpublish time."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0020_move_images_into_library"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="unpublish_at",
            field=models.DateTimeField(
                blank=True,
                help_text="When a published article leaves the site by itself (its address then answers “gone”). Empty: it stays.",
                null=True,
                verbose_name="unpublish time",
            ),
        ),
        migrations.AddField(
            model_name="articlerevision",
            name="note",
            field=models.TextField(
                blank=True, default="", help_text="A review step: what the editor asked the writer."
            ),
        ),
        migrations.AlterField(
            model_name="articlerevision",
            name="kind",
            field=models.CharField(
                choices=[
                    ("save", "Saved"),
                    ("autosave", "Autosaved"),
                    ("restore", "Restored"),
                    ("publish", "Published"),
                    ("unpublish", "Unpublished"),
                    ("submission", "Accepted from a submission"),
                    ("review", "Sent for review"),
                    ("withdraw", "Withdrawn from review"),
                    ("approve", "Approved and scheduled"),
                    ("send_back", "Sent back"),
                ],
                default="save",
                max_length=20,
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("unpublish_at__isnull", False)),
                fields=["unpublish_at"],
                name="article_unpublish_at_idx",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("unpublish_at__isnull", True),
                    ("publish_at__isnull", True),
                    ("unpublish_at__gt", models.F("publish_at")),
                    _connector="OR",
                ),
                name="article_unpublish_after_publish",
                violation_error_message="The unpublish time must be after the publish time.",
            ),
        ),
    ]
