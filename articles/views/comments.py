"""
Comments: "View all comments" and the reader's actions (post, reply, edit, delete);
the section under an article is views/comment_section.py's, votes are
views/comment_votes.py's. Every action is a plain form with POST/redirect/GET; static/js/comments.js sends the same forms by fetch and
swaps in the macros of jinja2/articles/includes/comments.html.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .. import comments, fragments, inline, moderation, pagecache, pagination
from ..forms.comments import CommentEditForm, CommentForm
from ..forms.inline import comment_form_class
from ..models import Article, Comment
from ..models.comment_section import comments_in, threads
from ..models.comments import THREAD_ORDER, comments_open
from ..readers import client_ip_hash, get_reader
from .comment_section import chosen_sort, forget_old_sort_cookie, listing

CLOSED = "Comments are closed for this article."
NO_COMMENT = "There is no comment to vote on here."
NOT_SAVED = (
    "We could not save your comment just now. Your text is still here: "
    "please send it again in a moment."
)
NOT_LIVE = (
    "This article is not published: readers cannot see it, so it takes no comments yet. "
    "Your text is still here."
)
# What a page about a story that is not live says to search engines.
NOINDEX = "noindex, nofollow"
TOO_FAST = "You are commenting very quickly. Please wait a moment and send it again."
ALREADY = "You sent this comment already: here it is."

logger = logging.getLogger(__name__)


def wants_fragment(request):
    """comments.js asks for partials, to swap them in without a reload."""
    return request.headers.get("X-Requested-With") == "fetch"


# --- Reading -------------------------------------------------------------------------


def all_comments(request, article_id):
    """ "View all comments": every thread of an article, a page at a time."""
    article = get_object_or_404(
        Article.objects.visible_to(request.user).select_related("category"), pk=article_id
    )
    if not article.is_published:
        return not_live(
            render(request, "articles/comment_list_not_live.html", {"article": article})
        )
    pagecache.depends_on(request, *pagecache.article_page_names(article))
    pagecache.expire_by(request, article.unpublish_at)
    reader = get_reader(request)
    sort = chosen_sort(request)
    found = threads(article, reader, sort, inline.feedback_only(request))
    found = found.only("pk", "created_at", "score")
    # Keyset pages (see articles.pagination): a late page of a long discussion costs
    # what the first costs. Links name the sort and filter their cursors belong to.
    link_params = {"sort": sort}
    if inline.feedback_only(request):
        link_params = {"feedback": inline.FEEDBACK_FILTER, **link_params}
    page = pagination.paginate(
        found,
        THREAD_ORDER[sort],
        settings.MAGAZINE_COMMENT_THREADS_PER_PAGE,
        request.GET,
        link_params,
    )
    shown = comments_in(article, [thread.pk for thread in page], reader, sort)
    context = {
        **listing(request, article, shown, sort, reader),
        "article": article,
        "page_obj": page,
        "is_paginated": page.has_previous or page.has_next,
        "previous_label": "Previous",
        "next_label": "Next",
        "first_label": "First",
        "all_comments_page": True,
    }
    return forget_old_sort_cookie(request, render(request, "articles/comment_list.html", context))


def not_live(response):
    """A comment page of a story readers cannot see (for the staff who can): no search
    engine keeps it."""
    response["X-Robots-Tag"] = NOINDEX
    return response


def open_to_readers(article):
    """Whether the article takes readers' comments: live, and its comments open."""
    return article.is_published and comments_open(article)


# --- Writing -------------------------------------------------------------------------


def _published_article(article_id):
    return Article.objects.published().select_related("category").filter(pk=article_id).first()


def _refuse_not_live(request, article_id):
    """A comment sent to a story that is not live: to the staff who may see it, the
    reason and their text; to anyone else there is no such article."""
    article = Article.objects.visible_to(request.user).filter(pk=article_id).first()
    if article is None:
        return refuse(request, "There is no published article to comment on here.", 404)
    form = comment_form_class(request.POST)(
        request.POST, article=article, reader=get_reader(request)
    )
    return not_live(refuse(request, NOT_LIVE, 403, article=article, form=form))


def refuse(request, message, status, *, article=None, form=None, comment=None):
    """A readable 4xx: the form with the reader's text and the message beside it."""
    if wants_fragment(request) and form is None:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    context = {
        "article": article,
        "comment_form": form,
        "comment": comment,
        "comments_open": article is not None and open_to_readers(article),
        "form_message": message,
    }
    if wants_fragment(request):
        return fragments.partial_response(
            request, f"{fragments.COMMENTS}#form", context, form, message, status=status
        )
    return render(request, "articles/comment_form.html", context, status=status)


def not_post(request, article, what):
    response = refuse(request, f"{what} are sent with the comment form.", 405, article=article)
    response["Allow"] = "POST"
    return response


def post_comment(request, article_id):
    """A new comment or reply; back to it on the article page."""
    article = _published_article(article_id)
    if article is None:
        if request.method == "POST" and article_id <= pagination.MAX_INT:
            return _refuse_not_live(request, article_id)
        return refuse(request, "There is no published article to comment on here.", 404)
    if request.method != "POST":
        return not_post(request, article, "Comments")
    reader = get_reader(request, create=True)
    form = comment_form_class(request.POST)(request.POST, article=article, reader=reader)
    if not comments_open(article):
        return refuse(request, CLOSED, 403, article=article, form=form)
    if not form.is_valid():
        return _invalid(request, form)
    notify = form.cleaned_data.get("notify_replies", False)
    try:
        posted = comments.post_comment(
            form.unsaved_comment(), reader, client_ip_hash(request), notify_replies=notify
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _invalid(request, form)
    except comments.TooFast as too_fast:
        response = refuse(request, TOO_FAST, 429, article=article, form=form)
        response["Retry-After"] = str(too_fast.retry_after)
        return response
    except DatabaseError:
        logger.exception("Comment on article %s not saved", article.pk)
        return refuse(request, NOT_SAVED, 503, article=article, form=form)
    return _posted(request, form, posted.comment, _posted_note(posted))


def _invalid(request, form):
    # Errors of the form as a whole, or of the hidden reply target, go beside the form.
    errors = form.non_field_errors() or form.errors.get("parent")
    message = errors[0] if errors else "Your comment was not sent: check the fields below."
    return refuse(request, message, 400, article=form.article, form=form)


def _posted_note(posted):
    """What the author is told about their stored comment."""
    if posted.again:
        return ALREADY
    if posted.comment.is_approved:
        return "Thank you: your comment is published." + posted.note
    return (
        "Thank you: your comment awaits moderation because "
        f"{moderation.hold_reason(posted.comment)}. Until an editor approves it, only you "
        "see it." + posted.note
    )


def _posted(request, form, comment, note):
    """The answer to a stored comment: it, in place (comments.js) or on the article page."""
    if wants_fragment(request):
        comment.shown, comment.my_vote, comment.changeable = True, None, True
        comment.reply_to_name = form.reply_to.name if form.reply_to else ""
        context = {
            "comment": comment,
            "article": comment.article,
            "comments_open": True,
            "note": note,
        }
        return fragments.partial_response(
            request, f"{fragments.COMMENTS}#comment", context, comment, status=201
        )
    messages.success(request, note)
    return redirect(comment.get_absolute_url())


def reply(request, comment_id):
    """Without JavaScript, "Reply" opens this page: the comment and a form under it."""
    reader = get_reader(request)
    parent = get_object_or_404(
        Comment.objects.visible_to(reader).select_related("article__category"),
        pk=comment_id,
        article__in=Article.objects.published(),
    )
    article = parent.article
    form = CommentForm(article=article, reader=reader, initial={"parent": parent.pk})
    if reader.user:
        form.initial |= CommentForm(article=article, reader=reader).initial
    parent.shown = True
    context = {
        "article": article,
        "comment": parent,
        "comment_form": form,
        "comments_open": comments_open(article),
    }
    return render(request, "articles/comment_form.html", context)


def _changeable(request, comment_id):
    reader = get_reader(request)
    comment = get_object_or_404(
        Comment.objects.select_related("article__category").exclude(
            status__in=(Comment.Status.REMOVED, Comment.Status.SPAM)
        ),
        pk=comment_id,
        # A comment on a draft is as private as the draft (comment ids are easy to guess).
        article__in=Article.objects.visible_to(request.user),
    )
    return reader, comment, comment.can_change(reader)


TOO_LATE = (
    "You can no longer change this comment: readers can edit or delete their comments "
    "for 15 minutes after posting."
)


def _too_late(request, comment):
    context = {"comment": comment, "article": comment.article, "form_message": TOO_LATE}
    return render(request, "articles/comment_change.html", context, status=403)


def edit(request, comment_id):
    """The author edits their comment (15 minutes); editors at any time."""
    reader, comment, allowed_to = _changeable(request, comment_id)
    if not allowed_to:
        return _too_late(request, comment)
    form = CommentEditForm(request.POST or None, instance=comment)
    if request.method == "POST" and form.is_valid():
        if comments.edit_comment(comment, form.cleaned_data["body"], reader.user):
            note = "Your comment is changed; with its links, it now awaits moderation."
        else:
            note = "Your comment is changed."
        messages.success(request, note)
        return redirect(comment.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    context = {"comment": comment, "article": comment.article, "form": form, "action": "edit"}
    return render(request, "articles/comment_change.html", context, status=status)


def delete(request, comment_id):
    """The author deletes their comment (15 minutes); editors at any time."""
    _, comment, allowed_to = _changeable(request, comment_id)
    if not allowed_to:
        return _too_late(request, comment)
    if request.method == "POST":
        comments.delete_comment(comment)
        messages.success(request, "The comment is deleted.")
        return redirect(comment.article.get_absolute_url() + "#comments")
    context = {"comment": comment, "article": comment.article, "action": "delete"}
    return render(request, "articles/comment_change.html", context)


def csrf_refused(request, article_id):
    """The comment form came back without a valid CSRF token (e.g. an expired session)."""
    article = _published_article(article_id)
    form = None
    if article is not None:
        form_class = comment_form_class(request.POST)
        form = form_class(request.POST, article=article, reader=get_reader(request))
    message = (
        "We could not check where this form came from, so your comment was not sent. "
        "Your text is still here: please send it again."
    )
    return refuse(request, message, 403, article=article, form=form)
