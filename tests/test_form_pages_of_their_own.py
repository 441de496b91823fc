"""A client that sends neither Sec-Fetch-Site nor Origin (an old browser, a privacy proxy
that strips them) posts a rating, a comment vote or a subscription from a shared page,
which carries no CSRF token: it gets the form again on a page of its own, with what it
chose kept and a token, and sending that form counts. A form from another site is still
refused, with nothing to confirm. A vote refused for too many keeps its choice too."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles import readers, voting
from articles.models import ArticleRating, CommentVote, Subscription

from .factories import CommentFactory, started_token
from .helpers import reader_cookie

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NOT_CHECKED = "could not check where this form came from"
CROSS_SITE = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}


def checked(html, name, value):
    """Whether the page has the radio button `name`=`value` checked, or the option
    `value` of the select `name` selected."""
    inputs = re.findall(r"<input[^>]*>", html)
    if any(
        f'name="{name}"' in tag and f'value="{value}"' in tag and " checked" in tag
        for tag in inputs
    ):
        return True
    select = re.search(rf'<select name="{re.escape(name)}".*?</select>', html, re.S)
    return bool(select) and f'<option value="{value}" selected>' in select[0]


def refused_then_sent(url, data):
    """Post `data` with no fetch metadata and no token, then post the form page's token."""
    client = Client(enforce_csrf_checks=True)
    refused = client.post(url, data)
    html = refused.content.decode()
    token = TOKEN.search(html)
    assert token, "the page of its own carries a token"
    assert client.cookies["csrftoken"].value  # the cookie the token goes with
    sent = client.post(url, data | {"csrfmiddlewaretoken": token.group(1)}, follow=True)
    return refused, html, sent


def test_a_rating_without_fetch_metadata_gets_a_form_page_of_its_own(seed_article):
    url = reverse("articles:rate", args=[seed_article.pk])
    refused, html, sent = refused_then_sent(url, {"score": 4})
    assert refused.status_code == 403
    assert NOT_CHECKED in html
    assert checked(html, "score", 4)  # the stars chosen stay chosen
    assert f'action="{url}"' in html
    assert sent.status_code == 200
    assert ArticleRating.objects.get().score == 4


def test_a_comment_vote_without_fetch_metadata_gets_a_form_page_of_its_own(seed_article):
    comment = CommentFactory(article=seed_article, body="A remark worth voting on.")
    url = reverse("articles:comment-vote", args=[comment.pk])
    refused, html, sent = refused_then_sent(url, {"value": -1})
    assert refused.status_code == 403
    assert NOT_CHECKED in html
    assert "A remark worth voting on." in html  # which comment the vote is on
    assert checked(html, "value", -1)
    assert f'action="{url}"' in html
    assert sent.status_code == 200
    assert CommentVote.objects.get(comment=comment).value == -1


def test_a_subscription_without_fetch_metadata_gets_a_form_page_of_its_own(seed_article):
    url = reverse("articles:subscribe", args=[seed_article.pk])
    data = {
        "notify-email": "sam@example.com",
        "notify-kind": Subscription.Kind.MY_COMMENTS,
        "notify-form_started": started_token(),
    }
    refused, html, sent = refused_then_sent(url, data)
    assert refused.status_code == 403
    assert NOT_CHECKED in html
    assert 'value="sam@example.com"' in html  # what they typed is kept
    assert checked(html, "notify-kind", Subscription.Kind.MY_COMMENTS)
    assert sent.status_code == 200
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.kind) == ("sam@example.com", "my-comments")


def _cross_site(url, data):
    client = Client(enforce_csrf_checks=True)
    return client.post(url, data, headers=CROSS_SITE)


def test_a_rating_vote_or_subscription_from_another_site_is_still_refused(seed_article):
    comment = CommentFactory(article=seed_article)
    posts = (
        (reverse("articles:rate", args=[seed_article.pk]), {"score": 5}),
        (reverse("articles:comment-vote", args=[comment.pk]), {"value": 1}),
        (
            reverse("articles:subscribe", args=[seed_article.pk]),
            {"notify-email": "sam@example.com", "notify-form_started": started_token()},
        ),
    )
    for url, data in posts:
        response = _cross_site(url, data)
        assert response.status_code == 403, url
        # No form to confirm what another site chose for the reader.
        assert not TOKEN.search(response.content.decode()), url
    assert not ArticleRating.objects.exists()
    assert not CommentVote.objects.exists()
    assert not Subscription.objects.exists()


@pytest.mark.usefixtures("one_rate_limit_window")
def test_a_comment_vote_refused_for_too_many_keeps_the_choice_and_says_why(seed_article):
    comment = CommentFactory(article=seed_article, body="A remark voted on a lot.")
    url = reverse("articles:comment-vote", args=[comment.pk])
    client = Client()
    client.cookies[readers.COOKIE_NAME] = reader_cookie("busy-voter")
    for _ in range(voting.COMMENT_VOTE_RULES[0].limit):
        assert client.post(url, {"value": 1}).status_code == 302
    refused = client.post(url, {"value": -1})
    html = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "a lot of votes in a short time" in html
    assert "A remark voted on a lot." in html
    assert checked(html, "value", -1)  # the vote down, ready to send in a minute
    assert f'action="{url}"' in html
    assert CommentVote.objects.get(comment=comment).value == 1
