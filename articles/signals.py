"""Changes to other apps' models that our pages show: taggit's tags."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from . import pagecache
from .models import Article


@receiver(post_save, sender=Tag)
def tag_renamed(sender, instance, created, **kwargs):
    """Articles carrying a renamed tag show it, and are found by it, under its new name."""
    if not created:
        _articles_changed(list(Article.objects.filter(tags=instance).values_list("pk", flat=True)))


@receiver(pre_delete, sender=Tag)
def tag_removing(sender, instance, **kwargs):
    instance.tagged_article_ids = list(
        Article.objects.filter(tags=instance).values_list("pk", flat=True)
    )


@receiver(post_delete, sender=Tag)
def tag_removed(sender, instance, **kwargs):
    _articles_changed(getattr(instance, "tagged_article_ids", []))


@receiver(post_save, sender=TaggedItem)
@receiver(post_delete, sender=TaggedItem)
def article_tag_moved(sender, instance, **kwargs):
    """A tag put on or taken off an article one row at a time (the admin's "Merge
    selected tags" moves them so) shows on its page."""
    if instance.content_type_id == ContentType.objects.get_for_model(Article).pk:
        _articles_changed([instance.object_id])


def _articles_changed(article_ids):
    Article.objects.filter(pk__in=article_ids).refresh_search_text()
    pagecache.invalidate("articles", *map(pagecache.article_page, article_ids))
