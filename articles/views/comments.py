"""
Comments: "View all comments" and the reader's actions (post, reply, vote, edit,
delete); the section under an article is views/comment_section.py's. Every action is a plain form with
POST/redirect/GET; static/js/comments.js sends the same forms by fetch and
swaps in the macros of jinja2/articles/includes/comments.html.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from magazine.csrf import with_form_page

from .. import comments, fragments, inline, moderation, pagecache, pagination, voting
from ..forms.comments import CommentEditForm, CommentForm, CommentVoteForm
from ..forms.inline import comment_form_class
from ..forms.security import not_checked
from ..models import Article, Comment, CommentVote
from ..models.comment_section import comments_in, threads
from ..models.comments import THREAD_ORDER, comments_open
from ..models.votes import Confirmation, TooManyVotesFromAddress
from ..readers import client_ip_hash, get_reader, vote_address_hash
from .comment_section import chosen_sort, forget_old_sort_cookie, listing
from .ratings import BUSY_ADDRESS, NO_COOKIE, NOT_WAITING

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
        return _refuse(request, "There is no published article to comment on here.", 404)
    form = comment_form_class(request.POST)(
        request.POST, article=article, reader=get_reader(request)
    )
    return not_live(_refuse(request, NOT_LIVE, 403, article=article, form=form))


def _refuse(request, message, status, *, article=None, form=None, comment=None):
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


def _not_post(request, article, what):
    response = _refuse(request, f"{what} are sent with the comment form.", 405, article=article)
    response["Allow"] = "POST"
    return response


def post_comment(request, article_id):
    """A new comment or reply; back to it on the article page."""
    article = _published_article(article_id)
    if article is None:
        if request.method == "POST" and article_id <= pagination.MAX_INT:
            return _refuse_not_live(request, article_id)
        return _refuse(request, "There is no published article to comment on here.", 404)
    if request.method != "POST":
        return _not_post(request, article, "Comments")
    reader = get_reader(request, create=True)
    form = comment_form_class(request.POST)(request.POST, article=article, reader=reader)
    if not comments_open(article):
        return _refuse(request, CLOSED, 403, article=article, form=form)
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
        response = _refuse(request, TOO_FAST, 429, article=article, form=form)
        response["Retry-After"] = str(too_fast.retry_after)
        return response
    except DatabaseError:
        logger.exception("Comment on article %s not saved", article.pk)
        return _refuse(request, NOT_SAVED, 503, article=article, form=form)
    return _posted(request, form, posted.comment, _posted_note(posted))


def _invalid(request, form):
    # Errors of the form as a whole, or of the hidden reply target, go beside the form.
    errors = form.non_field_errors() or form.errors.get("parent")
    message = errors[0] if errors else "Your comment was not sent: check the fields below."
    return _refuse(request, message, 400, article=form.article, form=form)


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


def vote_form_page(request, comment_id, message=None, status=403):
    """A vote refused (its origin unchecked, or too many): the comment and the vote chosen,
    to send again from a page of its own (with a token)."""
    comment, form = _votable(comment_id), CommentVoteForm(request.POST)
    message = message or not_checked("your vote")
    if comment is None or wants_fragment(request):
        return _refuse(request, message, status) if comment else _refuse(request, NO_COMMENT, 404)
    comment.shown, chosen = True, form.cleaned_data["value"] if form.is_valid() else None
    context = {"article": comment.article, "comment": comment, "chosen": chosen}
    context["form_message"] = message
    return render(request, "articles/comment_vote.html", context, status=status)


@with_form_page(vote_form_page)
def vote(request, comment_id):
    """An up or down vote on a comment; a second vote replaces the first.

    As with ratings (see views/ratings.py), a new guest's vote waits for `confirm_vote`.
    """
    comment = _votable(comment_id)
    if comment is None:
        return _refuse(request, NO_COMMENT, 404)
    article = comment.article
    if request.method != "POST":
        return _not_post(request, article, "Votes")
    if not comment.is_approved:
        return _refuse(request, "You can vote only on published comments.", 400, article=article)
    form = CommentVoteForm(request.POST)
    if not form.is_valid():
        return _refuse(request, form.errors["value"][0], 400, article=article)
    reader, value = get_reader(request, create=True), form.cleaned_data["value"]
    try:
        cast = voting.vote_on_comment(
            comment, reader, value, client_ip_hash(request), vote_address_hash(request)
        )
    except voting.TooFast as too_fast:
        message = "That is a lot of votes in a short time. Please wait a minute."
        response = vote_form_page(request, comment.pk, message, 429)
        response["Retry-After"] = str(too_fast.retry_after)
        return response
    except TooManyVotesFromAddress:
        return vote_form_page(request, comment.pk, BUSY_ADDRESS, 429)
    if cast.waiting:
        return redirect("articles:comment-vote-confirm", comment.pk)
    comment.score = cast.score
    return _voted(request, comment, value)


def confirm_vote(request, comment_id):
    """Where a new guest's vote redirects: back with the reader cookie, it counts."""
    comment = _votable(comment_id)
    if comment is None:
        return _refuse(request, NO_COMMENT, 404)
    article = comment.article
    if not comment.is_approved:
        return _refuse(request, "You can vote only on published comments.", 400, article=article)
    reader = get_reader(request)
    outcome = CommentVote.objects.confirm_pending(reader).get(comment.pk)
    if outcome is Confirmation.OVER_DAILY_LIMIT:
        return _refuse(request, BUSY_ADDRESS, 429, article=article)
    value = CommentVote.objects.value_of(reader, comment)
    if value is None:
        if reader.token is None:
            return _refuse(request, NO_COOKIE, 403, article=article)
        return _refuse(request, NOT_WAITING, 404, article=article)
    comment.refresh_from_db(fields=("score",))
    return _voted(request, comment, value)


def _votable(comment_id):
    return (
        Comment.objects.select_related("article__category")
        .filter(pk=comment_id, article__in=Article.objects.published())
        .first()
    )


def _voted(request, comment, value):
    """The answer to a counted vote: the comment's score and buttons, or the comment."""
    if wants_fragment(request):
        comment.my_vote, comment.shown = value, True
        context = {"comment": comment, "comments_open": comments_open(comment.article)}
        return fragments.partial_response(request, f"{fragments.COMMENTS}#votes", context, comment)
    messages.success(request, f"Your vote ({'up' if value > 0 else 'down'}) is counted.")
    return redirect(comment.get_absolute_url())


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
    return _refuse(request, message, 403, article=article, form=form)
