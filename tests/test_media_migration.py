"""Migration 0020 moves every featured image into the media library, texts included."""

import json

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from articles import revisions
from articles.models import Article, ArticleRevision
from articles.models.media import MediaImage
from articles.renditions import Spec

from .factories import image_upload

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("articles", "0018_merge_tags_differing_in_case")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _old_revision(apps, article, image_name):
    """A revision as django-reversion stored it before the library: the file's name."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("reversion", "Revision")
    Version = apps.get_model("reversion", "Version")
    content_type, _ = ContentType.objects.get_or_create(app_label="articles", model="article")
    data = [
        {
            "model": "articles.article",
            "pk": article.pk,
            "fields": {"title": article.title, "image": image_name},
        }
    ]
    version = Version.objects.create(
        revision=Revision.objects.create(comment="Saved", date_created=timezone.now()),
        object_id=str(article.pk),
        content_type=content_type,
        db="default",
        format="json",
        serialized_data=json.dumps(data),
        object_repr=article.title,
    )
    apps.get_model("articles", "ArticleRevision").objects.create(
        revision=version.revision, article_id=article.pk, kind="save", tags=[]
    )


def test_the_migration_moves_every_featured_image_into_the_library_with_its_texts():
    apps = _migrate(BEFORE)
    OldArticle = apps.get_model("articles", "Article")
    current = default_storage.save("articles/current.jpg", image_upload(size=(1600, 900)))
    earlier = default_storage.save("articles/earlier.jpg", image_upload(size=(800, 600)))
    gone = "articles/gone.jpg"
    rendition = default_storage.save("renditions/articles/current-480.webp", ContentFile(b"x"))
    pictured = OldArticle.objects.create(
        title="Summit",
        slug="summit",
        image=current,
        image_width=1600,
        image_height=900,
        image_alt="Two leaders",
        image_caption="In Minsk",
        image_credit="dpa",
    )
    OldArticle.objects.create(title="No picture", slug="no-picture")
    _old_revision(apps, pictured, earlier)
    _old_revision(apps, pictured, gone)

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    article = Article.objects.get(slug="summit")
    image = article.image
    assert (image.file.name, image.width, image.height) == (current, 1600, 900)
    assert (image.alt, image.caption, image.credit) == ("Two leaders", "In Minsk", "dpa")
    assert (article.image_alt, article.image_caption) == ("Two leaders", "In Minsk")
    assert image.rendition_name(Spec(480)) == rendition  # its renditions keep their names
    assert Article.objects.get(slug="no-picture").image is None
    # History still knows the earlier image (now in the library) and the gone one as none.
    kept = [
        revisions.snapshot_of(saved)["image"] for saved in ArticleRevision.objects.order_by("pk")
    ]
    earlier_image = MediaImage.objects.get(file=earlier)
    assert kept == [earlier_image.pk, None]
    assert (earlier_image.width, earlier_image.height) == (800, 600)
    assert MediaImage.objects.count() == 2
