"""Several authors in order: `ArticleByline` after the lead byline (`Article.author`),
and revisions that keep them. Every existing article keeps its one author as lead;
there is nothing to copy. The editors' group gets the new model's permissions."""

import django.db.models.deletion
from django.db import migrations, models

from articles import roles


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0022_previewlink"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleByline",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=1,
                        help_text="Where the name stands after the lead byline: lower first.",
                    ),
                ),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="co_bylines",
                        to="articles.article",
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="co_bylines",
                        to="articles.author",
                    ),
                ),
            ],
            options={
                "verbose_name": "other author",
                "verbose_name_plural": "other authors",
                "ordering": ("position", "id"),
                "indexes": [models.Index(fields=["author", "article"], name="byline_author_idx")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("article", "author"), name="byline_author_once_per_article"
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="articlerevision",
            name="bylines",
            field=models.JSONField(
                blank=True, default=list, help_text="The other authors' ids, in their order."
            ),
        ),
        migrations.RunPython(roles.sync_roles, migrations.RunPython.noop),
    ]
