"""
Publishing: what follows when an editor saves, publishes or unpublishes an article.

`Article.save()` keeps the article's own row right (slug, rendered body, search text,
its old addresses). What an edit means for other rows happens here, for the admin's
form and its actions alike:

- a changed body: passage comments and editors' questions find their words again
  (`inline.reanchor`), or are orphaned until the words come back;
- published or scheduled: the contributor's submission behind the article becomes
  published, and the contributor is told when it appears (`submissions.article_published`).

Scheduled articles need no job to go live: `Article.objects.published()` shows them
once their time comes, and their submission was marked when they were scheduled.
"""

from django.db import transaction

from . import inline, submissions
from .models import Article


def save_article(article, by=None):
    """Store an editor's change to an article, and what follows from it."""
    with transaction.atomic():
        stored_html = article.body_html
        article.save()
        _followed(article, stored_html, by)


def publish(article, when=None, by=None):
    """Publish now, or schedule for `when`; an article already live keeps its date.

    Returns whether anything changed.
    """
    with transaction.atomic():
        stored_html = article.body_html
        if not article.publish(when):
            return False
        _followed(article, stored_html, by)
    return True


def unpublish(article):
    """Back to draft: the article leaves the site at once (its submission stays published)."""
    with transaction.atomic():
        stored_html = article.body_html
        article.unpublish()
        _followed(article, stored_html)


def _followed(article, stored_html, by=None):
    if stored_html and article.body_html != stored_html:
        inline.reanchor(article)
    if article.status == Article.Status.PUBLISHED:
        submissions.article_published(article, by=by)
