"""
The comment section under an article: the reader's sort (in the address alone), what
jinja2/articles/includes/comments.html needs, and the section as a part of the
article's page that kept markup may share (see `articles.fragments`). The comments
themselves come from the read model, `articles.models.comment_section`.
"""

import functools

from django.utils.http import urlencode

from .. import fragments, inline
from ..forms.comments import CommentForm
from ..models import Comment
from ..models.comment_section import comment_section, editors_picks
from ..models.comments import comments_open
from ..readers import get_reader

DEFAULT_SORT = Comment.Sort.NEWEST
# The cookie that once remembered a reader's sort: it kept every later page of theirs
# out of the page cache and any cache in front, so it is dropped where it comes back.
OLD_SORT_COOKIE = "comment_sort"


def chosen_sort(request):
    """The reader's sort, from the address alone (?sort=, carried on by every link)."""
    chosen = request.GET.get("sort")
    return chosen if chosen in Comment.Sort.values else DEFAULT_SORT


def forget_old_sort_cookie(request, response):
    """The sort is in the address; a sort cookie from before is deleted."""
    if OLD_SORT_COOKIE in request.COOKIES:
        response.delete_cookie(OLD_SORT_COOKIE, samesite="Lax")
    return response


def comment_query(request, sort):
    """The query string that keeps this sort and filter on the links between comment
    pages ("View all comments", "Back to the article"); "" for the defaults."""
    params = {"feedback": inline.FEEDBACK_FILTER} if inline.feedback_only(request) else {}
    if sort != DEFAULT_SORT:
        params["sort"] = sort
    return f"?{urlencode(params)}" if params else ""


def section_context(request, article, reader=None):
    """The comment section under an article: the first threads, the form, the sort links.

    As this request's reader sees it, or as `reader` does (a stranger, for kept markup).
    """
    reader = reader or get_reader(request)
    sort = chosen_sort(request)
    section = comment_section(article, reader, sort, inline.feedback_only(request))
    return {
        **listing(request, article, section.comments, sort, reader),
        "more_comments": section.more_comments,
        # Pinned above the threads; not among passages' threads (?feedback=inline).
        "comment_picks": [] if inline.feedback_only(request) else editors_picks(article),
    }


def section_part(request, context, own):
    """The article page's comment section: kept for strangers, per sort and filter;
    fresh for a reader with comments of their own; a voter's buttons rendered for them."""
    return fragments.ArticlePart(
        "comments",
        functools.partial(_render_section, request, context),
        fragments.SECTION_SOURCES,
        variant=(chosen_sort(request), inline.feedback_only(request)),
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
        "comment_query": comment_query(request, sort),
        "comment_sorts": Comment.Sort.choices,
        "comments_open": is_open,
        "comment_form": CommentForm(article=article, reader=reader),
        "feedback_only": inline.feedback_only(request),
    }
