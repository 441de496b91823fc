"""
The comment section under an article: the reader's sort (a link, then a cookie), what
jinja2/articles/includes/comments.html needs, and the section as a part of the
article's page that kept markup may share (see `articles.fragments`). The comments
themselves come from the read model, `articles.models.comment_section`.
"""

import functools

from django.conf import settings

from .. import fragments, inline
from ..forms.comments import CommentForm
from ..models import Comment
from ..models.comment_section import comment_section
from ..models.comments import comments_open
from ..readers import get_reader

SORT_COOKIE = "comment_sort"
DEFAULT_SORT = Comment.Sort.NEWEST


def sort_choice(request):
    """The reader's sort: chosen now by a link (?sort=), or remembered in a cookie."""
    chosen = request.GET.get("sort")
    if chosen in Comment.Sort.values:
        return chosen, chosen != request.COOKIES.get(SORT_COOKIE)
    remembered = request.COOKIES.get(SORT_COOKIE)
    return (remembered if remembered in Comment.Sort.values else DEFAULT_SORT), False


def remember_sort(request, response):
    """Set the sort cookie only on the response to a new choice."""
    sort, is_new = sort_choice(request)
    if is_new:
        response.set_cookie(
            SORT_COOKIE,
            sort,
            max_age=365 * 24 * 3600,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


def section_context(request, article, reader=None):
    """The comment section under an article: the first threads, the form, the sort links.

    As this request's reader sees it, or as `reader` does (a stranger, for kept markup).
    """
    reader = reader or get_reader(request)
    sort, _ = sort_choice(request)
    section = comment_section(article, reader, sort, inline.feedback_only(request))
    return {
        **listing(request, article, section.comments, sort, reader),
        "more_comments": section.more_comments,
    }


def section_part(request, context, own):
    """The article page's comment section: kept for strangers, per sort and filter;
    fresh for a reader with comments of their own; a voter's buttons rendered for them."""
    return fragments.ArticlePart(
        "comments",
        functools.partial(_render_section, request, context),
        fragments.SECTION_SOURCES,
        variant=(sort_choice(request)[0], inline.feedback_only(request)),
        is_personal=lambda: own.comments,
        make_own=lambda kept: kept.for_reader(own.votes),
    )


def _render_section(request, context, shared):
    reader = fragments.STRANGER if shared else None
    section = {**context, **section_context(request, context["article"], reader)}
    if not shared:
        rendered = fragments.render_templates([fragments.SECTION], section, request)
        return {"comment_section": rendered[fragments.SECTION]}
    top, bottom = fragments.render_templates(fragments.SECTION_AROUND, section, request).values()
    return {"comment_section": fragments.KeptSection(top, section["kept_comments"], bottom)}


def listing(request, article, comments, sort, reader):
    """What includes/comments.html needs on the article page and "View all comments"."""
    is_open = comments_open(article)
    kept = fragments.kept_comments(request, comments, article=article, comments_open=is_open)
    return {
        "comments": comments,
        "kept_comments": kept,
        "comment_items": fragments.comment_items(kept, comments),
        "comment_sort": sort,
        "comment_sorts": Comment.Sort.choices,
        "comments_open": is_open,
        "comment_form": CommentForm(article=article, reader=reader),
        "feedback_only": inline.feedback_only(request),
    }
