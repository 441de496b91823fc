"""Article rating: a reader's vote, sent by the plain form or by static/js/rating.js.

A guest who sends no reader cookie gets one with their vote, which waits (see
`articles.models.votes`): the answer redirects to `confirm`, and the request that
comes back with the cookie counts it. Browsers follow that redirect, with or without
JavaScript; a script that drops cookies never does.
"""

import functools

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from magazine.csrf import with_form_page

from .. import fragments, voting
from ..forms.ratings import RatingForm
from ..forms.security import not_checked
from ..models import Article, ArticleRating
from ..models.articles import RATING_FIELDS
from ..models.votes import Confirmation, TooManyVotesFromAddress
from ..readers import client_ip_hash, get_reader, vote_address_hash

BUSY_ADDRESS = (
    "There have been many votes from your network on this article today, so yours was not "
    "counted. Please vote again tomorrow."
)
NO_COOKIE = (
    "We count a guest's vote once the browser brings back the cookie sent with it, and "
    "yours did not. Please allow cookies for this site and vote again."
)
NOT_WAITING = (
    "There is no vote of yours waiting to be counted here: a vote waits an hour at most. "
    "Please vote again."
)


def wants_fragment(request):
    """rating.js asks for the figures alone, to swap them in without a reload."""
    return request.headers.get("X-Requested-With") == "fetch"


def _refuse(request, message, status, article=None, form=None):
    """A readable 4xx: plain text for rating.js, otherwise a page with the form beside it."""
    if wants_fragment(request):
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    # The score the reader chose stays chosen, so a second try is one click.
    chosen = form.cleaned_data["score"] if form is not None and form.is_valid() else None
    context = {"article": article, "chosen": chosen, "message": message}
    return render(request, "articles/rating_refused.html", context, status=status)


def form_page(request, article_id):
    """A vote whose origin could not be checked: the stars chosen, and a token to send them."""
    article = Article.objects.published().select_related("category").filter(pk=article_id).first()
    form = RatingForm(request.POST)
    return _refuse(request, not_checked("your vote"), 403, article, form)


@with_form_page(form_page)
def rate(request, article_id):
    """Record the reader's vote on an article, then show the article's rating block."""
    article = Article.objects.published().select_related("category").filter(pk=article_id).first()
    if article is None:
        return _refuse(request, "There is no published article to rate here.", 404)
    # Not @require_POST: its 405 has an empty body, and readers deserve a sentence.
    if request.method != "POST":
        response = _refuse(request, "Votes are sent with the rating form.", 405, article)
        response["Allow"] = "POST"
        return response
    if not article.rating_enabled:
        return _refuse(request, "Rating is closed for this article.", 403, article)

    form = RatingForm(request.POST)
    # A new guest gets their token now, so their first vote counts against their limit.
    reader = get_reader(request, create=True)
    try:
        voting.check_rating_limits(reader, client_ip_hash(request))
    except voting.TooFast as too_fast:
        message = "That is a lot of votes in a short time. Please wait a minute and vote again."
        response = _refuse(request, message, 429, article, form)
        response["Retry-After"] = str(too_fast.retry_after)
        return response
    if not form.is_valid():
        return _refuse(request, form.errors["score"][0], 400, article)
    score = form.cleaned_data["score"]
    try:
        cast = voting.rate_article(article, reader, score, vote_address_hash(request))
    except TooManyVotesFromAddress:
        return _refuse(request, BUSY_ADDRESS, 429, article, form)
    if cast.waiting:
        return redirect("articles:rate-confirm", article.pk)
    return _rated(request, article, score, cast.previous)


def confirm(request, article_id):
    """Where a new guest's vote redirects: back with the reader cookie, it counts."""
    article = Article.objects.published().select_related("category").filter(pk=article_id).first()
    if article is None:
        return _refuse(request, "There is no published article to rate here.", 404)
    if not article.rating_enabled:
        return _refuse(request, "Rating is closed for this article.", 403, article)
    reader = get_reader(request)
    outcome = ArticleRating.objects.confirm_pending(reader).get(article.pk)
    if outcome is Confirmation.OVER_DAILY_LIMIT:
        return _refuse(request, BUSY_ADDRESS, 429, article)
    score = ArticleRating.objects.score_of(reader, article)
    if score is None:
        if reader.token is None:
            return _refuse(request, NO_COOKIE, 403, article)
        return _refuse(request, NOT_WAITING, 404, article)
    return _rated(request, article, score, None)


def _rated(request, article, score, previous):
    """The answer to a counted vote: the fresh figures (rating.js), or the article."""
    if wants_fragment(request):
        article.refresh_from_db(fields=RATING_FIELDS)
        name = "articles/includes/rating.html#figures"
        return fragments.partial_response(request, name, {"article": article})
    if previous is None:
        messages.success(request, f"Thank you: your vote ({score} of 5) is counted.")
    else:
        messages.success(request, f"Your vote is now {score} of 5 (it was {previous}).")
    return redirect(article.get_absolute_url() + "#rating")


def rating_parts(request, context, own):
    """The article page's rating block: the figures around the form kept for every
    reader, the form for strangers; a reader who rated gets the form drawn for them."""
    around = fragments.ArticlePart(
        "rating", functools.partial(_render_around, request, context), (fragments.RATING,)
    )
    form = fragments.ArticlePart(
        "rating-form",
        functools.partial(_render_form, request, context, own),
        (fragments.RATING,),
        is_personal=lambda: own.rating,
    )
    return around, form


def _render_around(request, context, shared):
    top, bottom = fragments.render_templates(fragments.RATING_AROUND, context, request).values()
    return {"rating_top": top, "rating_bottom": bottom}


def _render_form(request, context, own, shared):
    if not context["article"].rating_enabled:
        return {"rating_form": ""}
    my_score = None if shared else own.score
    rendered = fragments.render_templates([fragments.RATING_FORM], context, request, my_score)
    return {"rating_form": rendered[fragments.RATING_FORM]}
