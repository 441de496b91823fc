"""Preview links: a draft shown to someone without an account, for a chosen time.

Who may make a link: staff with the `add_previewlink` permission, for an article they
may read themselves (`Article.objects.visible_to`): editors for any, writers for their
own. The token is random and shown once; the database keeps its hash
(`articles.models.previews`). Opening a link is one UPDATE that is also the check.
"""

import datetime
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone

from .models import Article, PreviewLink
from .models.previews import MAX_HOURS, hash_token

ADD_PERMISSION = "articles.add_previewlink"
CHANGE_PERMISSION = "articles.change_previewlink"
# A longer value is no token of ours: not worth hashing.
TOKEN_MAX_LENGTH = 100


def may_share(user, article):
    """Whether `user` may make a link to `article`'s preview."""
    return (
        user.is_active
        and user.has_perm(ADD_PERMISSION)
        and Article.objects.visible_to(user).filter(pk=article.pk).exists()
    )


def make_link(article, by, hours):
    """A new link to `article`, valid `hours` hours: (the link, its token). The token is
    not stored: this is the only time it can be shown."""
    if not may_share(by, article):
        raise PermissionDenied("You may not share a preview of this article.")
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
        Article.objects.visible_to(user).filter(pk=link.article_id).exists()
    )


def revoke(link, by):
    """Stop `link` working at once (a revoked link stays listed, with who revoked it)."""
    if not may_revoke(by, link):
        raise PermissionDenied("You may not revoke this preview link.")
    if link.revoked_at is None:
        link.revoked_at, link.revoked_by = timezone.now(), by
        link.save(update_fields=["revoked_at", "revoked_by"])
    return link


def open_link(article_id, token):
    """The article a valid link shows, recording the opening; None for any other token."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    opened = (
        PreviewLink.objects.for_token(article_id, token)
        .active()
        .update(last_opened_at=timezone.now(), times_opened=F("times_opened") + 1)
    )
    if not opened:
        return None
    return Article.objects.select_related("category", "author").filter(pk=article_id).first()


def is_spent(article_id, token):
    """Whether `token` was a link to this article that expired or was revoked."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return False
    return PreviewLink.objects.for_token(article_id, token).exists()


def link_url(link, token):
    """The whole address to send: the site's, the article's preview by id, the token."""
    path = link.article.get_preview_url()
    return f"{settings.MAGAZINE_SITE_URL}{path}?{urlencode({'token': token})}"
