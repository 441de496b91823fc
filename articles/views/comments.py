"""
Comments: the section under an article, "View all comments", and the reader's
actions (post, reply, vote, edit, delete). Every action is a plain form with
POST/redirect/GET; static/js/comments.js sends the same forms by fetch and
swaps in the partials of templates/articles/includes/comments.html.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.db import DatabaseError, IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from .. import fragments, inline, moderation, pagination, subscriptions
from ..forms.comments import CommentEditForm, CommentForm, CommentVoteForm
from ..forms.inline import comment_form_class
from ..models import Article, Comment, CommentVote
from ..models.comments import THREAD_ORDER, comments_open, prune_for_display
from ..models.votes import Confirmation
from ..ratelimit import Rule, allowed
from ..readers import TooManyVotesFromAddress, client_ip_hash, get_reader, vote_address_hash
from .ratings import BUSY_ADDRESS, NO_COOKIE, NOT_WAITING

SORT_COOKIE = "comment_sort"
DEFAULT_SORT = Comment.Sort.NEWEST
POST_RULES = (Rule(limit=1, period=15), Rule(limit=20, period=3600))
VOTE_RULES = (Rule(limit=30, period=60),)
# Higher than a reader's: many readers may share one address (offices, mobile networks).
ADDRESS_VOTE_RULES = (Rule(limit=60, period=60),)
CLOSED = "Comments are closed for this article."
NOT_SAVED = (
    "We could not save your comment just now. Your text is still here: "
    "please send it again in a moment."
)

logger = logging.getLogger(__name__)


def wants_fragment(request):
    """comments.js asks for partials, to swap them in without a reload."""
    return request.headers.get("X-Requested-With") == "fetch"


# --- Reading -------------------------------------------------------------------------


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


def _prepare(comments, article, reader):
    """Attach what the template shows per comment, from data already loaded.

    A known reader costs the same queries with or without comments: their votes on
    the article and their permissions are looked up either way.
    """
    by_id = {comment.pk: comment for comment in comments}
    my_votes = {}
    if reader.user or reader.token:
        my_votes = dict(
            CommentVote.objects.by_reader(reader)
            .filter(comment__article=article)
            .values_list("comment_id", "value")
        )
    is_editor = bool(reader.user) and reader.user.has_perm("articles.change_comment")
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        comment.reply_to_name = parent.name if parent is not None and parent.shown else ""
        comment.my_vote = my_votes.get(comment.pk)
        comment.changeable = comment.shown and (is_editor or comment.can_change(reader))
    return comments


def load_threads(request, article, thread_ids, sort, reader=None):
    reader = reader or get_reader(request)
    # Filtering by article too lets the database use the article's index, not scan by status.
    # Each comment's article and commenter's author profile come along: the "staff" and
    # "author" marks (Comment.newsroom_role) cost no query per comment.
    comments = list(
        article.comments.in_threads(thread_ids, reader, sort).select_related("user__author_profile")
    )
    return _prepare(prune_for_display(comments, reader), article, reader)


def section_context(request, article, reader=None):
    """The comment section under an article: the first threads, the form, the sort links.

    As this request's reader sees it, or as `reader` does (a stranger, for kept markup).
    """
    reader = reader or get_reader(request)
    sort, _ = sort_choice(request)
    first_threads = Comment.objects.filter(inline.thread_filter(request), article=article)
    first_threads = first_threads.threads_for(reader, sort)
    limit = settings.MAGAZINE_COMMENT_THREADS_ON_ARTICLE
    comments = load_threads(request, article, first_threads.values("pk")[:limit], sort, reader)
    shown = sum(1 for c in comments if c.shown and c.is_approved)
    return {
        **_listing(request, article, comments, sort, reader),
        "more_comments": article.comment_count > shown,
    }


def _listing(request, article, comments, sort, reader):
    """What includes/comments.html needs on the article page and "View all comments"."""
    is_open = comments_open(article)
    return {
        "comments": comments,
        "comment_items": fragments.comment_items(comments, article=article, comments_open=is_open),
        "comment_sort": sort,
        "comment_sorts": Comment.Sort.choices,
        "comments_open": is_open,
        "comment_form": CommentForm(article=article, reader=reader),
        "feedback_only": inline.feedback_only(request),
    }


def all_comments(request, article_id):
    """ "View all comments": every thread of an article, a page at a time."""
    article = get_object_or_404(
        Article.objects.visible_to(request.user).select_related("category"), pk=article_id
    )
    reader = get_reader(request)
    sort, _ = sort_choice(request)
    threads = Comment.objects.filter(inline.thread_filter(request), article=article)
    threads = threads.threads_for(reader, sort).only("pk", "created_at", "score")
    # Keyset pages (see articles.pagination): a late page of a long discussion costs
    # what the first costs. Links name the sort and filter their cursors belong to.
    link_params = {"sort": sort}
    if inline.feedback_only(request):
        link_params = {"feedback": inline.FEEDBACK_FILTER, **link_params}
    page = pagination.paginate(
        threads,
        THREAD_ORDER[sort],
        settings.MAGAZINE_COMMENT_THREADS_PER_PAGE,
        request.GET,
        link_params,
    )
    comments = load_threads(request, article, [thread.pk for thread in page], sort)
    context = {
        **_listing(request, article, comments, sort, reader),
        "article": article,
        "page_obj": page,
        "is_paginated": page.has_previous or page.has_next,
        "previous_label": "Previous",
        "next_label": "Next",
        "first_label": "First",
        "all_comments_page": True,
    }
    return remember_sort(request, render(request, "articles/comment_list.html", context))


# --- Writing -------------------------------------------------------------------------


def _published_article(article_id):
    return Article.objects.published().select_related("category").filter(pk=article_id).first()


def _refuse(request, message, status, *, article=None, form=None, comment=None):
    """A readable 4xx: the form with the reader's text and the message beside it."""
    if wants_fragment(request) and form is None:
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    context = {
        "article": article,
        "comment_form": form,
        "comment": comment,
        "comments_open": article is not None and comments_open(article),
        "form_message": message,
    }
    if wants_fragment(request):
        return render(request, "articles/includes/comments.html#form", context, status=status)
    return render(request, "articles/comment_form.html", context, status=status)


def _not_post(request, article, what):
    response = _refuse(request, f"{what} are sent with the comment form.", 405, article=article)
    response["Allow"] = "POST"
    return response


def post_comment(request, article_id):
    """A new comment or reply; back to it on the article page."""
    article = _published_article(article_id)
    if article is None:
        return _refuse(request, "There is no published article to comment on here.", 404)
    if request.method != "POST":
        return _not_post(request, article, "Comments")
    reader = get_reader(request, create=True)
    form = comment_form_class(request.POST)(request.POST, article=article, reader=reader)
    if not comments_open(article):
        return _refuse(request, CLOSED, 403, article=article, form=form)
    if not form.is_valid():
        # Errors of the form as a whole, or of the hidden reply target, go beside the form.
        errors = form.non_field_errors() or form.errors.get("parent")
        message = errors[0] if errors else "Your comment was not sent: check the fields below."
        return _refuse(request, message, 400, article=article, form=form)
    if form.earlier is not None:
        return _posted(request, form, form.earlier, "You sent this comment already: here it is.")
    ip = client_ip_hash(request)
    checks = [(identity, rule) for rule in POST_RULES for identity in (reader.key, ip)]
    if not allowed("comment", checks):
        response = _refuse(
            request,
            "You are commenting very quickly. Please wait a moment and send it again.",
            429,
            article=article,
            form=form,
        )
        response["Retry-After"] = str(POST_RULES[0].period)
        return response

    comment = form.save(commit=False)
    comment.article = article
    comment.parent = form.cleaned_data["parent"]
    if comment.parent is not None:
        comment.depth = comment.parent.depth + 1
    comment.user = reader.user
    comment.reader_hash = "" if reader.user else reader.token_hash
    comment.idempotency_key = form.idempotency_key
    try:
        # The comment, its count and its subscription are stored together or not at all.
        with transaction.atomic():
            moderation.post(comment, user=reader.user)
            note = ""
            if form.cleaned_data.get("notify_replies"):
                note = subscriptions.subscribe_to_replies(comment, reader.user, ip)
    except IntegrityError:
        if earlier := form.earlier_comment():  # the other click of a double click won
            return _posted(request, form, earlier, "You sent this comment already: here it is.")
        logger.exception("Comment on article %s not saved", article.pk)
        return _refuse(request, NOT_SAVED, 503, article=article, form=form)
    except DatabaseError:
        logger.exception("Comment on article %s not saved", article.pk)
        return _refuse(request, NOT_SAVED, 503, article=article, form=form)

    if comment.is_approved:
        note = "Thank you: your comment is published." + note
    else:
        note = (
            "Thank you: your comment awaits moderation because "
            f"{moderation.hold_reason(comment)}. Until an editor approves it, only you see it."
            + note
        )
    return _posted(request, form, comment, note)


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
        return render(request, "articles/includes/comments.html#comment", context, status=201)
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


def vote(request, comment_id):
    """An up or down vote on a comment; a second vote replaces the first.

    As with ratings (see views/ratings.py), a new guest's vote waits for `confirm_vote`.
    """
    comment = _votable(comment_id)
    if comment is None:
        return _refuse(request, "There is no comment to vote on here.", 404)
    article = comment.article
    if request.method != "POST":
        return _not_post(request, article, "Votes")
    if not comment.is_approved:
        return _refuse(request, "You can vote only on published comments.", 400, article=article)
    form = CommentVoteForm(request.POST)
    if not form.is_valid():
        return _refuse(request, form.errors["value"][0], 400, article=article)
    reader = get_reader(request, create=True)
    checks = [
        *((reader.key, rule) for rule in VOTE_RULES),
        *((client_ip_hash(request), rule) for rule in ADDRESS_VOTE_RULES),
    ]
    if not allowed("comment-vote", checks):
        response = _refuse(
            request,
            "That is a lot of votes in a short time. Please wait a minute.",
            429,
            article=article,
        )
        response["Retry-After"] = str(VOTE_RULES[0].period)
        return response
    value = form.cleaned_data["value"]
    try:
        if reader.is_new:
            CommentVote.objects.hold(comment, reader, value, vote_address_hash(request))
            return redirect("articles:comment-vote-confirm", comment.pk)
        comment.score = CommentVote.objects.vote(comment, reader, value, vote_address_hash(request))
    except TooManyVotesFromAddress:
        return _refuse(request, BUSY_ADDRESS, 429, article=article)
    return _voted(request, comment, value)


def confirm_vote(request, comment_id):
    """Where a new guest's vote redirects: back with the reader cookie, it counts."""
    comment = _votable(comment_id)
    if comment is None:
        return _refuse(request, "There is no comment to vote on here.", 404)
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
        return render(request, "articles/includes/comments.html#votes", context)
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
        comment.edit(form.cleaned_data["body"])
        if (
            comment.is_approved
            and moderation.count_links(comment.body_html) > moderation.MAX_LINKS
            and not (reader.user and reader.user.has_perm("articles.change_comment"))
        ):
            moderation.set_status([comment.pk], Comment.Status.PENDING)
            messages.success(
                request, "Your comment is changed; with its links, it now awaits moderation."
            )
        else:
            messages.success(request, "Your comment is changed.")
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
        moderation.remove([comment.pk])
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
