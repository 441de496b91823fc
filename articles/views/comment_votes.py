"""
Votes on comments: an up or down vote, its confirmation for a new guest, and the form
page of its own that a refused vote (origin unchecked, too many) is sent again from.
"""

from django.contrib import messages
from django.shortcuts import redirect, render

from magazine.csrf import with_form_page

from .. import fragments, voting
from ..forms.comments import CommentVoteForm
from ..forms.security import not_checked
from ..models import Article, Comment, CommentVote
from ..models.comments import comments_open
from ..models.votes import Confirmation, TooManyVotesFromAddress
from ..readers import client_ip_hash, get_reader, vote_address_hash
from .comments import NO_COMMENT, not_post, refuse, wants_fragment
from .ratings import BUSY_ADDRESS, NO_COOKIE, NOT_WAITING


def vote_form_page(request, comment_id, message=None, status=403):
    """A vote refused (its origin unchecked, or too many): the comment and the vote chosen,
    to send again from a page of its own (with a token)."""
    comment, form = _votable(comment_id), CommentVoteForm(request.POST)
    message = message or not_checked("your vote")
    if comment is None or wants_fragment(request):
        return refuse(request, message, status) if comment else refuse(request, NO_COMMENT, 404)
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
        return refuse(request, NO_COMMENT, 404)
    article = comment.article
    if request.method != "POST":
        return not_post(request, article, "Votes")
    if not comment.is_approved:
        return refuse(request, "You can vote only on published comments.", 400, article=article)
    form = CommentVoteForm(request.POST)
    if not form.is_valid():
        return refuse(request, form.errors["value"][0], 400, article=article)
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
        return refuse(request, NO_COMMENT, 404)
    article = comment.article
    if not comment.is_approved:
        return refuse(request, "You can vote only on published comments.", 400, article=article)
    reader = get_reader(request)
    outcome = CommentVote.objects.confirm_pending(reader).get(comment.pk)
    if outcome is Confirmation.OVER_DAILY_LIMIT:
        return refuse(request, BUSY_ADDRESS, 429, article=article)
    value = CommentVote.objects.value_of(reader, comment)
    if value is None:
        if reader.token is None:
            return refuse(request, NO_COOKIE, 403, article=article)
        return refuse(request, NOT_WAITING, 404, article=article)
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
