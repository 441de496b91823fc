"""One vote per reader, also from scripts.

A guest's first vote (an article rating or a comment vote) waits until their browser
has shown that it keeps the reader cookie: the redirect after the vote confirms it.
A script that drops cookies never confirms; one that keeps them for the confirming
request gets one vote per token, and one address gets a bounded number of guest
votes a day on one article, counted through a hash whose key changes every day.
"""

import datetime
import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import readers, voting
from articles.models import Article, ArticleRating, Comment, CommentVote
from articles.models.comments import PendingCommentVote
from articles.models.ratings import PendingRating
from articles.ratelimit import Rule

from .factories import ArticleFactory, CommentFactory, make_editor
from .helpers import reader_cookie

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_rate_limit_window")]

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}
SCHOOL = "198.51.100.7"  # one address for a whole school behind its router
DAILY = 50


@pytest.fixture
def no_rate_limits(monkeypatch):
    """Per-minute limits out of the way: these tests are about what counts, not how fast."""
    plenty = Rule(limit=10_000, period=60)
    monkeypatch.setattr(voting, "RATING_READER_LIMIT", plenty)
    monkeypatch.setattr(voting, "RATING_ADDRESS_LIMIT", plenty)
    monkeypatch.setattr(voting, "COMMENT_VOTE_RULES", (plenty,))
    monkeypatch.setattr(voting, "COMMENT_VOTE_ADDRESS_RULES", (plenty,))


@pytest.fixture
def clock(monkeypatch):
    """Django's clock, set by the test (`clock.now = ...`); dates follow it."""

    @dataclass
    class Clock:
        now: datetime.datetime = field(default_factory=timezone.now)

    stopped = Clock()
    monkeypatch.setattr(timezone, "now", lambda: stopped.now)
    return stopped


@dataclass
class Ballot:
    """A rating of an article, or an up vote on one of its comments, as a reader casts it."""

    kind: str
    article: Article

    def __post_init__(self):
        self.comment = CommentFactory(article=self.article) if self.kind == "comment" else None

    @property
    def url(self):
        if self.comment:
            return reverse("articles:comment-vote", args=[self.comment.pk])
        return reverse("articles:rate", args=[self.article.pk])

    @property
    def confirm_url(self):
        if self.comment:
            return reverse("articles:comment-vote-confirm", args=[self.comment.pk])
        return reverse("articles:rate-confirm", args=[self.article.pk])

    def cast(self, client, value=None, **extra):
        data = {"value": value or 1} if self.comment else {"score": value or 4}
        return client.post(self.url, data, **extra)

    def counted(self):
        """What readers see: the article's number of votes, or the comment's score."""
        if self.comment:
            return Comment.objects.get(pk=self.comment.pk).score
        return Article.objects.get(pk=self.article.pk).rating_count

    def pending(self):
        if self.comment:
            return PendingCommentVote.objects.filter(comment=self.comment)
        return PendingRating.objects.filter(article=self.article)

    def votes(self):
        if self.comment:
            return CommentVote.objects.filter(comment=self.comment)
        return ArticleRating.objects.filter(article=self.article)


@pytest.fixture(params=["rating", "comment"])
def ballot(request, seed_article):
    return Ballot(request.param, seed_article)


def returning_reader(token):
    client = Client()
    client.cookies[readers.COOKIE_NAME] = reader_cookie(token)
    return client


def vote_like_a_browser(ballot, address=SCHOOL, **extra):
    """A new guest's one click: the vote, and the redirects a browser follows."""
    return ballot.cast(Client(), REMOTE_ADDR=address, follow=True, **extra)


# --- Scripts -----------------------------------------------------------------------------


@pytest.mark.usefixtures("no_rate_limits")
def test_fifty_votes_from_a_script_that_drops_the_reader_cookie_count_nothing(ballot):
    for _ in range(50):
        # A new client each time: the CSRF cookie is all such a script ever keeps.
        response = ballot.cast(Client(), REMOTE_ADDR=SCHOOL, **FETCH)
        assert response.status_code == 302
    assert ballot.counted() == 0
    assert not ballot.votes().exists()
    assert ballot.pending().count() == 50  # waiting, and expiring within the hour


@pytest.mark.usefixtures("no_rate_limits")
def test_confirming_counts_one_vote_per_reader_token_however_often_it_is_sent(ballot):
    client = Client()
    response = ballot.cast(client)
    assert response.status_code == 302 and response.url == ballot.confirm_url
    assert ballot.counted() == 0
    for _ in range(3):
        assert client.get(ballot.confirm_url).status_code == 302
    assert ballot.counted() == 1 and ballot.votes().count() == 1
    assert not ballot.pending().exists()
    # From now on the reader has the cookie: a new vote counts in one step, replacing theirs.
    again = ballot.cast(client, value=-1 if ballot.comment else 2)
    assert again.status_code == 302 and again.url != ballot.confirm_url
    if ballot.comment:
        assert ballot.counted() == -1
    else:
        assert ballot.counted() == 1 and ballot.votes().get().score == 2


@pytest.mark.usefixtures("no_rate_limits")
def test_one_address_gets_fifty_counted_guest_votes_a_day_on_one_article(ballot):
    for _ in range(DAILY):
        assert vote_like_a_browser(ballot).status_code == 200
    assert ballot.counted() == DAILY

    refused = vote_like_a_browser(ballot)
    assert refused.status_code == 429
    assert "many votes from your network on this article today" in refused.content.decode()
    assert ballot.counted() == DAILY and ballot.pending().count() == 0

    # Elsewhere, and for other addresses, votes still count.
    assert vote_like_a_browser(ballot, address="198.51.100.8").status_code == 200
    other = Ballot(ballot.kind, ArticleFactory())
    assert vote_like_a_browser(other).status_code == 200
    assert ballot.counted() == DAILY + 1 and other.counted() == 1


@pytest.mark.usefixtures("no_rate_limits")
def test_with_javascript_the_bound_is_a_readable_429(ballot):
    for _ in range(DAILY):
        vote_like_a_browser(ballot, **FETCH)
    refused = vote_like_a_browser(ballot, **FETCH)
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("text/plain")
    assert "many votes from your network on this article today" in refused.content.decode()


@pytest.mark.usefixtures("no_rate_limits")
def test_the_address_hash_key_changes_at_midnight(ballot, clock, settings):
    clock.now = datetime.datetime(2026, 3, 1, 23, 50, tzinfo=datetime.UTC)
    for _ in range(DAILY):
        vote_like_a_browser(ballot)
    assert vote_like_a_browser(ballot).status_code == 429

    clock.now = datetime.datetime(2026, 3, 2, 0, 10, tzinfo=datetime.UTC)
    assert vote_like_a_browser(ballot).status_code == 200
    assert ballot.counted() == DAILY + 1

    first_day, second_day = (
        set(ballot.votes().filter(created_at__date=day).values_list("address_hash", flat=True))
        for day in (datetime.date(2026, 3, 1), datetime.date(2026, 3, 2))
    )
    assert len(first_day) == len(second_day) == 1 and first_day != second_day
    # Nothing kept leads back to the address: not the address, not its lasting hash.
    assert not {SCHOOL, readers.keyed_hash(SCHOOL, "client-ip")} & (first_day | second_day)


@pytest.mark.usefixtures("no_rate_limits")
def test_a_pending_vote_expires_within_the_hour(ballot, clock):
    client = Client()
    ballot.cast(client)
    clock.now += datetime.timedelta(minutes=61)

    late = client.get(ballot.confirm_url)
    assert late.status_code == 404
    assert "waits an hour at most" in late.content.decode()
    assert ballot.counted() == 0
    ballot.cast(Client())  # any new guest's vote clears what has expired
    assert ballot.pending().count() == 1


@pytest.mark.usefixtures("no_rate_limits")
def test_a_browser_that_keeps_no_cookies_is_told_why_its_vote_did_not_count(ballot):
    response = ballot.cast(Client())
    refused = Client().get(response.url)
    assert refused.status_code == 403
    assert "allow cookies for this site" in refused.content.decode()
    assert ballot.counted() == 0


# --- Browsers --------------------------------------------------------------------------


@pytest.mark.usefixtures("no_rate_limits")
def test_a_browser_without_javascript_counts_its_vote_with_one_click(ballot):
    client = Client()
    response = ballot.cast(client, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0] == ballot.confirm_url
    assert ballot.counted() == 1
    html = response.content.decode()
    if ballot.comment:
        assert "Your vote (up) is counted." in html
        assert 'aria-pressed="true"' in html
    else:
        assert "Thank you: your vote (4 of 5) is counted." in html
        assert "Your vote: 4 of 5." in html
    # No reader token travels in an address (or so into a log or a cached page).
    token = client.cookies[readers.COOKIE_NAME].value.split(":")[0]
    assert all(token not in url for url, _ in response.redirect_chain)


@pytest.mark.usefixtures("no_rate_limits")
def test_with_javascript_the_redirect_confirms_and_brings_the_new_figures(ballot):
    client = Client()
    response = ballot.cast(client, follow=True, **FETCH)
    assert response.status_code == 200
    assert [url for url, _ in response.redirect_chain] == [ballot.confirm_url]
    fragment = response.content.decode()
    assert "<html" not in fragment
    if ballot.comment:
        assert 'aria-pressed="true"' in fragment and re.search(r"Score: </span>1<", fragment)
    else:
        assert "data-rating-figures" in fragment and "1 vote<" in fragment
    assert ballot.counted() == 1
    # With the cookie, the next vote is answered at once.
    again = ballot.cast(client, value=-1 if ballot.comment else 5, **FETCH)
    assert again.status_code == 200


# --- Comment votes: a per-address rule like ratings' ------------------------------------


def test_comment_votes_over_the_per_address_rule_get_a_429_with_a_readable_message(seed_article):
    limit = voting.COMMENT_VOTE_ADDRESS_RULES[0].limit
    # Readers with their cookies, each voting once: only the shared address is over a limit.
    # Spread over articles, so that no article reaches its daily bound first.
    comments = [CommentFactory(article=ArticleFactory()) for _ in range(limit // 20 + 1)]
    for n in range(limit):
        client = returning_reader(f"office-reader-{n}")
        response = client.post(
            reverse("articles:comment-vote", args=[comments[n % len(comments)].pk]),
            {"value": 1},
            REMOTE_ADDR=SCHOOL,
        )
        assert response.status_code == 302, n
    late = returning_reader("office-reader-late")
    url = reverse("articles:comment-vote", args=[comments[0].pk])
    refused = late.post(url, {"value": 1}, REMOTE_ADDR=SCHOOL)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Please wait a minute" in refused.content.decode()
    fetched = late.post(url, {"value": 1}, REMOTE_ADDR=SCHOOL, **FETCH)
    assert fetched.status_code == 429 and "Please wait a minute" in fetched.content.decode()
    assert (
        sum(Comment.objects.filter(pk__in=[c.pk for c in comments]).values_list("score", flat=True))
        == limit
    )
    assert late.post(url, {"value": 1}, REMOTE_ADDR="203.0.113.9").status_code == 302


# --- Editors see and remove bursts ------------------------------------------------------


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(make_editor())
    return client


ADMIN_LISTS = {
    "rating": "admin:articles_articlerating_changelist",
    "comment": "admin:articles_commentvote_changelist",
}


@pytest.mark.usefixtures("no_rate_limits")
def test_editors_see_and_remove_votes_sharing_one_address_on_one_day(ballot, editor_client):
    for _ in range(12):
        vote_like_a_browser(ballot)
    for n in range(3):
        vote_like_a_browser(ballot, address=f"203.0.113.{n}")
    assert ballot.counted() == 15
    url = reverse(ADMIN_LISTS[ballot.kind])

    listing = editor_client.get(url, {"same_address": "10"})
    assert listing.status_code == 200
    found = list(listing.context["cl"].result_list)
    assert len(found) == 12
    assert "from one address that day" in listing.content.decode()
    assert all(vote.same_address == 12 for vote in found)

    response = editor_client.post(
        url,
        {"action": "remove_selected", "_selected_action": [vote.pk for vote in found]},
        follow=True,
    )
    assert "12 votes removed" in response.content.decode()
    assert ballot.counted() == 3 and ballot.votes().count() == 3
