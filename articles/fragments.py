"""
Comment markup rendered once, joined per request.

Most of an article page's rendering time went into the same comments rendered the
same way for every reader. A comment's markup is a pure function of its fields,
the page's comment switch and the templates, so it is kept in the cache under a
hash of exactly those: any change to one gives a new key, and nothing needs to be
invalidated. Comments that look different for this reader (their own, one they
voted on, one awaiting moderation) are rendered for them on every request.
"""

import hashlib
import re

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

PARTIAL = "articles/includes/comments.html#comment"
# Templates whose source shapes a comment's markup: a deploy that edits them changes every key.
SOURCES = ("articles/includes/comments.html", "articles/includes/inline.html")
KEPT_SECONDS = 7 * 24 * 3600
# The template's indentation, a third of each comment's bytes; one space renders the same.
BETWEEN_TAGS = re.compile(r">\s+<")


def is_personal(comment):
    """Whether this reader sees the comment differently from everyone else."""
    return comment.my_vote is not None or comment.changeable or not comment.is_approved


def _templates_stamp():
    sources = (get_template(name).template.source for name in SOURCES)
    return hashlib.blake2b("\x00".join(sources).encode(), digest_size=8).hexdigest()


def _key(comment, page_stamp):
    fields = (
        comment.pk,
        comment.status,
        comment.score,
        comment.name,
        comment.reply_to_name,
        comment.depth,
        comment.created_at.isoformat(),
        comment.edited_at.isoformat() if comment.edited_at else "",
        comment.block_id,
        comment.quote,
        comment.body_html,
    )
    digest = hashlib.blake2b(repr(fields).encode(), digest_size=16).hexdigest()
    return f"comment-html:{page_stamp}:{digest}"


def comment_items(comments, *, article, comments_open):
    """The `<li>` of each comment, in order, as one safe string."""
    context = {"article": article, "comments_open": comments_open}
    page_stamp = f"{_templates_stamp()}:{article.get_absolute_url()}:{int(comments_open)}"
    keys = {c.pk: _key(c, page_stamp) for c in comments if not is_personal(c)}
    found = cache.get_many(keys.values()) if keys else {}
    rendered, new = [], {}
    for comment in comments:
        key = keys.get(comment.pk)
        html = found.get(key)
        if html is None:
            html = render_to_string(PARTIAL, {**context, "comment": comment})
            html = BETWEEN_TAGS.sub("> <", html.strip())
            if key is not None:
                new[key] = html
        rendered.append(html)
    if new:
        cache.set_many(new, KEPT_SECONDS)
    return mark_safe("".join(rendered))
