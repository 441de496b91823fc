"""
Publishing: what follows when an editor saves, publishes or unpublishes an article.

`Article.save()` keeps the article's own row right (slug, rendered body, search text,
its old addresses). What an edit means for other rows happens here, for the admin's
form and its actions alike:

- a changed body: passage comments and editors' questions find their words again
  (`inline.reanchor`), or are orphaned until the words come back;
- published or scheduled: the contributor's submission behind the article becomes
  published, and the contributor is told when it appears (`submissions.article_published`);
- every save, publish, unpublish and restore is recorded as a revision, with who and
  what kind (`articles.revisions`).

Scheduled articles need no job to go live: `Article.objects.published()` shows them
once their time comes, and their submission was marked when they were scheduled.
"""

from django.db import transaction

from . import inline, revisions, submissions
from .models import Article, ArticleRevision

Kind = ArticleRevision.Kind


def save_article(article, by=None, kind=Kind.SAVE, **meta):
    """Store an editor's change to an article, and what follows from it; returns its revision."""
    with transaction.atomic():
        stored_html = article.body_html
        article.save()
        _followed(article, stored_html, by)
        return revisions.record(article, by, kind, **meta)


def restore(article, saved, by=None):
    """Bring back a revision's content as a new revision (the ones after it stay)."""
    with transaction.atomic():
        revisions.apply(article, saved)
        restored = save_article(article, by, Kind.RESTORE, restored_from=saved)
        Article.objects.filter(pk=article.pk).refresh_search_text()
    return restored


def publish(article, when=None, by=None):
    """Publish now, or schedule for `when`; an article already live keeps its date.

    Returns whether anything changed.
    """
    with transaction.atomic():
        stored_html = article.body_html
        if not article.publish(when):
            return False
        _followed(article, stored_html, by)
        revisions.record(article, by, Kind.PUBLISH)
    return True


def unpublish(article, by=None):
    """Back to draft: the article leaves the site at once (its submission stays published)."""
    with transaction.atomic():
        stored_html = article.body_html
        article.unpublish()
        _followed(article, stored_html, by)
        revisions.record(article, by, Kind.UNPUBLISH)


def _followed(article, stored_html, by=None):
    if stored_html and article.body_html != stored_html:
        inline.reanchor(article)
    if article.status == Article.Status.PUBLISHED:
        submissions.article_published(article, by=by)
