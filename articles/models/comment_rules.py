"""What a comment's text becomes on save, its links clickable; whether an article takes comments."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.html import urlize

from .. import richtext


def render_body(text):
    """Plain text to HTML once, on save: escaped, paragraphs kept, links clickable."""
    html = richtext.paragraphs_to_html(text)
    # urlize on already-escaped text must not escape it again (autoescape=False).
    return urlize(html, trim_url_limit=60, nofollow=False, autoescape=False).replace(
        "<a href=", '<a rel="nofollow ugc noopener" href='
    )


def comments_open(article, now=None):
    """Whether readers may post on the article: its switch, and the optional time limit."""
    if not article.comments_enabled:
        return False
    days = settings.MAGAZINE_COMMENTS_CLOSE_AFTER_DAYS
    if days is None or article.publish_at is None:
        return True
    return (now or timezone.now()) < article.publish_at + timedelta(days=days)
