"""Preview links: a story before it is live shown to someone without an account, for a
chosen time.

Who may make a link, see it and revoke it (`shareable`): editors for any article,
writers for the ones they work on (`Article.objects.on_story`), never for a story
that is live. A link opens only while its maker still may share the story, and ends for
good once the story has been published after it was made (`PreviewLink.outlived`).
The token is random and shown once; the database keeps its hash
(`articles.models.previews`). Recording an opening is one UPDATE that is also the check.
"""

import datetime
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone

from . import roles
from .models import Article, PreviewLink
from .models.previews import MAX_HOURS, hash_token

ADD_PERMISSION = "articles.add_previewlink"
CHANGE_PERMISSION = "articles.change_previewlink"
# A longer value is no token of ours: not worth hashing.
TOKEN_MAX_LENGTH = 100
LIVE = "“{}” is on the site: readers see it at its own address, no preview link is needed."


class LinkGone(Exception):
    """The token was a link to this article, and it no longer opens it."""


def shareable(user):
    """The articles whose links `user` may make, see and revoke."""
    if not (user.is_active and user.is_staff):
        return Article.objects.none()
    if roles.can_publish(user):
        return Article.objects.all()
    return Article.objects.on_story(user)


def may_share(user, article):
    """Whether `user` may make a link to `article`'s preview (live or not)."""
    return user.has_perm(ADD_PERMISSION) and shareable(user).filter(pk=article.pk).exists()


def make_link(article, by, hours):
    """A new link to `article`, valid `hours` hours: (the link, its token). The token is
    not stored: this is the only time it can be shown."""
    if not may_share(by, article):
        raise PermissionDenied("You may not share a preview of this article.")
    if article.is_published:
        raise ValidationError(LIVE.format(article), code="live")
    if not 1 <= hours <= MAX_HOURS:
        raise ValidationError(
            f"A preview link lasts from 1 hour to {MAX_HOURS // 24} days.", code="duration"
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    link = PreviewLink.objects.create(
        article=article,
        token_hash=hash_token(token),
        created_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(hours=hours),
    )
    return link, token


def may_revoke(user, link):
    return user.has_perm(CHANGE_PERMISSION) and (
        shareable(user).filter(pk=link.article_id).exists()
    )


def revoke(link, by):
    """Stop `link` working at once (a revoked link stays listed, with who revoked it)."""
    if not may_revoke(by, link):
        raise PermissionDenied("You may not revoke this preview link.")
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = timezone.now(), by
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def open_link(article_id, token, *, record=True):
    """The article a link shows, with the opening recorded when `record` (a GET, not a
    HEAD); None for a token that never was a link to it. Raises LinkGone for a link
    that expired, was revoked, was outlived by its story going live, or whose maker
    may no longer share the story; a live story is returned (its page is public)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    link = (
        PreviewLink.objects.for_token(article_id, token)
        .select_related("article__category", "article__author", "created_by")
        .first()
    )
    if link is None:
        return None
    now = timezone.now()
    if link.state != PreviewLink.State.ACTIVE or not _maker_may_share(link):
        raise LinkGone
    if link.outlived(now):
        if link.article.is_published:
            return link.article
        raise LinkGone
    if record and not _recorded(link, now):
        raise LinkGone  # revoked or expired a moment ago
    return link.article


def _maker_may_share(link):
    """A link is its maker's word: it holds while they are staff who may share the story."""
    return link.created_by is not None and may_share(link.created_by, link.article)


def _recorded(link, now):
    opened = PreviewLink.objects.filter(pk=link.pk).active(now)
    return opened.update(last_opened_at=now, times_opened=F("times_opened") + 1)


def link_url(link, token):
    """The whole address to send: the site's, the article's preview by id, the token."""
    path = link.article.get_preview_url()
    return f"{settings.MAGAZINE_SITE_URL}{path}?{urlencode({'token': token})}"
