"""Article rating: one vote per reader, exact figures, a block that works without JavaScript."""

import json
import re
import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.db import IntegrityError, connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import ratelimit, readers, voting
from articles.models import Article, ArticleRating
from articles.readers import Reader

from .factories import ArticleFactory, UserFactory, make_editor, make_writer
from .helpers import COUNTS_A_FRESH_RENDER, page_queries, reader_cookie

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent writers: SQLite serializes every write, so threads prove "
    "nothing there (set DATABASE_URL to a PostgreSQL database; CI does)",
)


def rate_url(article):
    return reverse("articles:rate", args=[article.pk])


def vote(client, article, score, **extra):
    return client.post(rate_url(article), {"score": score}, **extra)


def guest(n):
    return Reader(user=None, token=f"guest-token-{n}")


def add_votes(article, scores):
    for n, score in enumerate(scores):
        ArticleRating.objects.rate(article, guest(f"{article.pk}-{n}"), score)
    article.refresh_from_db()


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def rating_block(html):
    return re.search(r'<section id="rating".*?</section>', html, re.S).group(0)


def token_of(client):
    """The guest token in a client's reader cookie, read as the site reads it."""
    cookie = client.cookies[readers.COOKIE_NAME].value
    request = RequestFactory().get("/", HTTP_COOKIE=f"{readers.COOKIE_NAME}={cookie}")
    request.user = AnonymousUser()
    return readers.get_reader(request).token


# --- What readers see and do ---------------------------------------------------------


def test_an_article_without_votes_shows_zero_and_a_keyboard_usable_form(client, seed_article):
    response = client.get(seed_article.get_absolute_url())
    block = rating_block(response.content.decode())
    assert "Article Rating" in block
    assert '<span class="rating__average">0</span>' in block  # the reference page: "0 0 vote"
    assert "0 votes" in block
    assert "rating__histogram" not in block  # no histogram before the first vote
    assert "<fieldset" in block and "<legend>Rate this article</legend>" in block
    radios = re.findall(r'<input type="radio"[^>]*id="([^"]+)"[^>]*value="(\d)"', block)
    assert [value for _, value in radios] == ["1", "2", "3", "4", "5"]
    for radio_id, value in radios:
        label = re.search(rf'<label for="{radio_id}"[^>]*>(.*?)</label>', block, re.S).group(1)
        assert f"{value} star" in label
    assert "checked" not in block
    assert readers.COOKIE_NAME not in response.cookies  # reading creates no reader


def test_the_plain_form_votes_and_comes_back_to_the_rating_block(client, seed_article):
    response = vote(client, seed_article, 4)
    assert response.status_code == 302
    assert readers.COOKIE_NAME in response.cookies  # the guest's reader token, from now on
    # A new guest's vote counts when the browser comes back with that cookie.
    response = client.get(response.url)
    assert response.status_code == 302
    assert response.url == seed_article.get_absolute_url() + "#rating"

    html = client.get(response.url).content.decode()
    assert "Thank you: your vote (4 of 5) is counted." in html
    block = rating_block(html)
    assert '<span class="rating__average">4</span>' in block and "1 vote<" in block
    assert re.search(r'value="4" required checked', block)  # the reader's own vote, marked
    assert "Your vote: 4 of 5." in block


def test_voting_again_changes_the_vote_instead_of_adding_one(client, seed_article):
    vote(client, seed_article, 5, follow=True)
    response = vote(client, seed_article, 2)
    assert response.status_code == 302
    html = client.get(response.url).content.decode()
    assert "Your vote is now 2 of 5 (it was 5)." in html
    seed_article.refresh_from_db()
    assert seed_article.rating_count == 1 and seed_article.rating_average == 2
    assert ArticleRating.objects.filter(article=seed_article).count() == 1
    assert re.search(r'value="2" required checked', rating_block(html))


def test_vote_count_wording_is_singular_only_for_one(seed_article):
    for expected in ("0 votes", "1 vote", "2 votes", "3 votes"):
        html = rating_block(page(Client(), seed_article))
        assert f'<span class="rating__count">{expected}</span>' in html
        vote(Client(), seed_article, 3, follow=True)


def test_average_has_one_decimal_with_half_stars_and_a_histogram(client, seed_article):
    add_votes(seed_article, [5, 4, 4])  # 4.33…
    block = rating_block(page(client, seed_article))
    assert '<span class="rating__average">4.3</span>' in block
    # Screen readers hear the figures as one phrase; the stars are icons hidden from them.
    assert '<span class="visually-hidden">Rated 4.3 of 5, 3 votes</span>' in block
    assert re.findall(r"star star--(\w+)", block) == ["full"] * 4 + ["half"]
    bars = re.findall(r'<meter min="0" max="(\d+)" value="(\d+)">', block)
    assert bars == [("3", "1"), ("3", "2"), ("3", "0"), ("3", "0"), ("3", "0")]  # 5★ down to 1★


def test_a_signed_in_reader_votes_by_account_on_any_device(seed_article):
    user = UserFactory()
    phone, laptop = Client(), Client()
    phone.force_login(user)
    laptop.force_login(user)
    response = vote(phone, seed_article, 5)
    assert readers.COOKIE_NAME not in response.cookies
    vote(laptop, seed_article, 3)
    stored = ArticleRating.objects.get(article=seed_article)
    assert (stored.user, stored.reader_hash, stored.score) == (user, "", 3)
    assert re.search(r'value="3" required checked', rating_block(page(phone, seed_article)))


def test_no_ip_address_or_raw_token_is_stored(client, seed_article):
    vote(client, seed_article, 4, REMOTE_ADDR="203.0.113.77", follow=True)
    token = token_of(client)
    assert token
    row = json.dumps(list(ArticleRating.objects.values()), default=str)
    assert "203.0.113.77" not in row
    assert token not in row
    assert ArticleRating.objects.get().reader_kind == "guest"


def test_a_guest_who_drops_the_cookie_is_a_new_reader(seed_article):
    """Known and accepted for a browser that keeps the cookie for the confirming redirect
    (tests/test_vote_confirmation.py: bounded per address and day); editors see such
    repeats in the admin's burst filters."""
    vote(Client(), seed_article, 1, follow=True)
    vote(Client(), seed_article, 1, follow=True)
    seed_article.refresh_from_db()
    assert seed_article.rating_count == 2


def test_with_javascript_the_figures_come_back_as_a_fragment(client, seed_article):
    add_votes(seed_article, [2])
    # A new guest: rating.js follows the redirect that confirms the vote.
    response = vote(client, seed_article, 5, HTTP_X_REQUESTED_WITH="fetch", follow=True)
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment and "data-rating-figures" in fragment
    assert '<span class="rating__average">3.5</span>' in fragment and "2 votes" in fragment

    refused = vote(client, seed_article, 9, HTTP_X_REQUESTED_WITH="fetch")
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("text/plain")
    assert refused.content.decode() == "A vote is a whole number of stars from 1 to 5."


def test_the_script_is_served_from_our_own_static_files(client, seed_article):
    html = page(client, seed_article)
    assert '<script src="/static/js/rating.js" type="module"></script>' in html
    assert finders.find("js/rating.js")


# --- Bad input and abuse -----------------------------------------------------------------


@pytest.mark.parametrize("score", ["0", "6", "-1", "3.5", "4.0", "five", "", "1e0", "５"])
def test_a_score_outside_1_to_5_is_refused_and_nothing_is_stored(client, seed_article, score):
    response = vote(client, seed_article, score)
    assert response.status_code == 400
    html = response.content.decode()
    assert "A vote is a whole number of stars from 1 to 5." in html or "Choose from 1 to 5" in html
    assert 'name="score"' in html  # the form is right there to try again
    assert not ArticleRating.objects.exists()
    seed_article.refresh_from_db()
    assert seed_article.rating_count == 0


def test_a_missing_score_is_refused(client, seed_article):
    response = client.post(rate_url(seed_article), {})
    assert response.status_code == 400
    assert "Choose from 1 to 5 stars" in response.content.decode()
    assert not ArticleRating.objects.exists()


def test_the_database_refuses_scores_outside_1_to_5_and_second_votes(seed_article):
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleRating.objects.create(article=seed_article, score=6, reader_hash="x" * 64)
    ArticleRating.objects.create(article=seed_article, score=3, reader_hash="a" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleRating.objects.create(article=seed_article, score=4, reader_hash="a" * 64)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ArticleFactory(status=Article.Status.DRAFT),
        lambda: ArticleFactory(publish_at=timezone.now() + timezone.timedelta(days=1)),
    ],
    ids=["draft", "scheduled"],
)
def test_unpublished_articles_cannot_be_rated(client, make):
    article = make()
    response = vote(client, article, 5)
    assert response.status_code == 404
    assert "There is no published article to rate here." in response.content.decode()
    assert not ArticleRating.objects.exists()


def test_an_unknown_article_cannot_be_rated(client):
    response = client.post(reverse("articles:rate", args=[999_999]), {"score": 5})
    assert response.status_code == 404
    assert "There is no published article to rate here." in response.content.decode()


def test_a_get_does_not_vote(client, seed_article):
    response = client.get(rate_url(seed_article), {"score": 5})
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert "Votes are sent with the rating form." in response.content.decode()
    assert not ArticleRating.objects.exists()


def test_a_vote_needs_a_valid_csrf_token(seed_article):
    client = Client(enforce_csrf_checks=True)
    html = page(client, seed_article)
    # A shared page carries no token (browsers' fetch metadata stands for it:
    # tests/test_fetch_metadata_csrf.py); a client sending neither header needs one.
    assert "csrfmiddlewaretoken" not in rating_block(html)
    client.cookies["csrftoken"] = token = "s3cret" * 5 + "ab"

    assert vote(client, seed_article, 5).status_code == 403
    forged = client.post(rate_url(seed_article), {"score": 5, "csrfmiddlewaretoken": "x" * 64})
    assert forged.status_code == 403
    assert not ArticleRating.objects.exists()

    good = client.post(
        rate_url(seed_article), {"score": 5, "csrfmiddlewaretoken": token}, follow=True
    )
    assert good.status_code == 200
    assert ArticleRating.objects.count() == 1


def test_with_rating_off_the_block_is_hidden_and_votes_are_refused(client, seed_article):
    seed_article.rating_enabled = False
    seed_article.save()
    html = page(client, seed_article)
    assert "Article Rating" not in html and 'id="rating"' not in html
    response = vote(client, seed_article, 5)
    assert response.status_code == 403
    assert "Rating is closed for this article." in response.content.decode()
    assert not ArticleRating.objects.exists()


@pytest.mark.usefixtures("one_rate_limit_window")
def test_one_reader_is_limited_to_ten_votes_a_minute_from_any_address(client, seed_article):
    for n in range(10):
        assert (
            vote(client, seed_article, n % 5 + 1, REMOTE_ADDR=f"198.51.100.{n}").status_code == 302
        )
    response = vote(client, seed_article, 4, REMOTE_ADDR="198.51.100.200")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "Please wait a minute and vote again." in html
    assert re.search(r'value="4" required checked', html)  # their choice is kept
    assert ArticleRating.objects.get().score == 5  # the tenth vote counted, not the refused 4


@pytest.mark.usefixtures("one_rate_limit_window")
def test_one_address_is_limited_even_for_readers_without_cookies(seed_article):
    limit = voting.RATING_ADDRESS_LIMIT.limit
    for _ in range(limit):
        response = vote(Client(), seed_article, 3, REMOTE_ADDR="192.0.2.1", follow=True)
        assert response.status_code == 200
    response = vote(Client(), seed_article, 3, REMOTE_ADDR="192.0.2.1")
    assert response.status_code == 429
    response = vote(Client(), seed_article, 3, REMOTE_ADDR="192.0.2.2", follow=True)
    assert response.status_code == 200
    seed_article.refresh_from_db()
    assert seed_article.rating_count == limit + 1


# --- Exact counts, cheap pages -------------------------------------------------------------


# A pool of threads, each with its own database connection, taking votes from one list.
# Fewer threads than votes keeps us well under PostgreSQL's connection limit when two
# test workers run these at once.
THREADS = 20


def _in_threads(votes, work):
    """Run `work(n)` for n in range(votes) from THREADS threads released at the same moment."""
    barrier = threading.Barrier(THREADS)
    pending = list(range(votes))
    lock = threading.Lock()
    errors = []

    def run():
        try:
            barrier.wait()
            while True:
                with lock:
                    if not pending:
                        return
                    n = pending.pop()
                work(n)
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


@on_postgresql
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_hundred_readers_voting_at_once_give_a_hundred_votes_and_the_right_average():
    article = ArticleFactory()
    scores = [n % 5 + 1 for n in range(100)]
    statuses = []

    def cast(n):
        response = vote(Client(), article, scores[n], REMOTE_ADDR=f"10.0.{n}.1", follow=True)
        statuses.append(response.status_code)

    _in_threads(100, cast)
    assert statuses == [200] * 100
    article.refresh_from_db()
    assert ArticleRating.objects.filter(article=article).count() == 100
    assert article.rating_count == 100
    assert article.rating_average == sum(scores) / 100
    assert [votes for _, votes in article.rating_histogram] == [20] * 5


@on_postgresql
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fifty_votes_at_once_from_one_reader_give_one_vote(monkeypatch):
    monkeypatch.setattr(voting, "RATING_READER_LIMIT", ratelimit.Rule(1000, 60))
    monkeypatch.setattr(voting, "RATING_ADDRESS_LIMIT", ratelimit.Rule(1000, 60))
    article = ArticleFactory()
    cookie = reader_cookie("one-reader-many-tabs")

    def cast(n):
        client = Client()
        client.cookies[readers.COOKIE_NAME] = cookie
        assert vote(client, article, n % 5 + 1).status_code == 302

    _in_threads(50, cast)
    article.refresh_from_db()
    stored = ArticleRating.objects.get(article=article)
    assert article.rating_count == 1
    assert article.rating_average == stored.score


def test_a_stale_article_saved_in_the_admin_keeps_the_votes_cast_meanwhile(seed_article):
    stale = Article.objects.get(pk=seed_article.pk)
    add_votes(seed_article, [5, 5, 1])
    stale.title = "A corrected headline"
    stale.save()
    seed_article.refresh_from_db()
    assert seed_article.title == "A corrected headline"
    assert seed_article.rating_count == 3


def test_a_deleted_account_leaves_its_vote_counted(seed_article):
    user = UserFactory()
    ArticleRating.objects.rate(seed_article, Reader(user=user, token=None), 4)
    user.delete()
    seed_article.refresh_from_db()
    assert seed_article.rating_count == 1
    assert ArticleRating.objects.get().reader_kind == "deleted account"


@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
def test_the_article_page_costs_the_same_with_no_votes_and_many(seed_article):
    url = seed_article.get_absolute_url()
    anonymous, returning = Client(), Client()
    returning.cookies[readers.COOKIE_NAME] = reader_cookie("a-returning-guest")
    with_none = page_queries(anonymous, url)
    returning_with_none = page_queries(returning, url)

    add_votes(seed_article, [n % 5 + 1 for n in range(60)])
    ArticleRating.objects.rate(seed_article, Reader(None, "a-returning-guest"), 4)
    assert page_queries(anonymous, url) == with_none
    assert page_queries(returning, url) == returning_with_none
    # A known reader costs two more: their own rating, their own votes on comments.
    assert returning_with_none == with_none + 2
    assert with_none <= 10  # one of them: the other authors (`Article.bylines()`)


def test_listing_cards_can_show_the_average_without_queries(seed_article):
    add_votes(seed_article, [4, 5])
    article = Article.objects.published().for_listing().get(pk=seed_article.pk)
    with CaptureQueriesContext(connection) as queries:
        figures = (article.rating_average, article.rating_count, article.rating_histogram)
    assert figures[:2] == (4.5, 2) and not queries


def _news_article(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    return next(b for b in map(json.loads, blocks) if b["@type"] == "NewsArticle")


def test_json_ld_carries_aggregate_rating_only_once_there_are_votes(client, seed_article):
    assert "aggregateRating" not in _news_article(page(client, seed_article))
    add_votes(seed_article, [5, 4, 4])
    assert _news_article(page(client, seed_article))["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 4.3,
        "ratingCount": 3,
        "bestRating": 5,
        "worstRating": 1,
    }
    seed_article.rating_enabled = False
    seed_article.save()
    assert "aggregateRating" not in _news_article(page(client, seed_article))


# --- Admin -----------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client):
    client.force_login(make_editor())
    return client


def test_editors_see_an_articles_average_count_and_histogram(editor_client, seed_article):
    add_votes(seed_article, [5, 4, 4])
    change = editor_client.get(reverse("admin:articles_article_change", args=[seed_article.pk]))
    html = change.content.decode()
    assert "4.3 from 3 votes" in html
    assert "5★ 1 · 4★ 2 · 3★ 0 · 2★ 0 · 1★ 0" in html
    listing = editor_client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "4.3 (3)" in listing


def test_the_votes_list_shows_reader_kind_score_and_time_but_nothing_personal(
    editor_client, seed_article
):
    user = UserFactory(username="identifiable-person")
    ArticleRating.objects.rate(seed_article, Reader(user=user, token=None), 2)
    ArticleRating.objects.rate(seed_article, guest("x"), 5)
    url = reverse("admin:articles_articlerating_changelist")
    html = editor_client.get(url, {"article__id__exact": seed_article.pk}).content.decode()
    assert "user" in html and "guest" in html
    assert "identifiable-person" not in html
    assert guest("x").token_hash not in html
    vote_page = editor_client.get(
        reverse("admin:articles_articlerating_change", args=[ArticleRating.objects.first().pk])
    ).content.decode()
    assert guest("x").token_hash not in vote_page and "identifiable-person" not in vote_page


def test_the_burst_filter_finds_many_votes_on_one_article_in_a_short_time(editor_client):
    hot, quiet = ArticleFactory(), ArticleFactory()
    add_votes(hot, [1] * 12)
    add_votes(quiet, [5, 5])
    for n, rating in enumerate(ArticleRating.objects.filter(article=quiet)):
        ArticleRating.objects.filter(pk=rating.pk).update(
            created_at=timezone.now() - timezone.timedelta(hours=3 * n)
        )
    response = editor_client.get(
        reverse("admin:articles_articlerating_changelist"), {"burst": "minute"}
    )
    found = list(response.context["cl"].result_list)
    assert len(found) == 12 and {r.article_id for r in found} == {hot.pk}


def test_removing_selected_votes_in_the_admin_updates_the_figures(editor_client, seed_article):
    add_votes(seed_article, [5, 4, 1])
    ones = ArticleRating.objects.filter(score__in=[1, 5])
    response = editor_client.post(
        reverse("admin:articles_articlerating_changelist"),
        {"action": "delete_selected", "_selected_action": [r.pk for r in ones], "post": "yes"},
    )
    assert response.status_code == 302
    seed_article.refresh_from_db()
    assert seed_article.rating_count == 1 and seed_article.rating_average == 4


def test_removing_one_vote_from_its_page_updates_the_figures(editor_client, seed_article):
    add_votes(seed_article, [5, 3])
    five = ArticleRating.objects.get(score=5)
    url = reverse("admin:articles_articlerating_delete", args=[five.pk])
    assert editor_client.post(url, {"post": "yes"}).status_code == 302
    seed_article.refresh_from_db()
    assert seed_article.rating_count == 1 and seed_article.rating_average == 3


def test_resetting_an_articles_rating_deletes_its_votes_and_zeroes_the_figures(
    editor_client, seed_article
):
    other = ArticleFactory()
    add_votes(seed_article, [5, 4, 1])
    add_votes(other, [2])
    response = editor_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "reset_rating", "_selected_action": [seed_article.pk]},
    )
    assert response.status_code == 302
    seed_article.refresh_from_db()
    other.refresh_from_db()
    assert seed_article.rating_count == 0 and not seed_article.ratings.exists()
    assert other.rating_count == 1
    assert '<span class="rating__count">0 votes</span>' in page(Client(), seed_article)


def test_writers_cannot_reset_ratings_or_see_votes(client):
    writer = make_writer()
    client.force_login(writer)
    article = ArticleFactory(status=Article.Status.DRAFT, created_by=writer)
    add_votes(article, [5, 2])  # e.g. votes from before it went back to draft
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "reset_rating", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.rating_count == 2
    assert client.get(reverse("admin:articles_articlerating_changelist")).status_code == 403


# --- One base for what readers do (issue 16) ---------------------------------------


def test_every_reader_action_keeps_an_account_or_a_guest_token_never_both(seed_article):
    """Ratings, comment votes and comments record their reader one way: by_reader()
    finds exactly one reader's rows, for an account or a guest, and the database refuses
    a row that claims both (comments could, before they shared the votes' base)."""
    from articles.models import Comment, CommentVote

    from .factories import CommentFactory

    user, guest = UserFactory(), Reader(None, "a-guest-token")
    someone = Reader(None, "someone-else")
    comment = CommentFactory(article=seed_article)
    rows = {
        ArticleRating: lambda **who: ArticleRating.objects.create(
            article=ArticleFactory(), score=3, **who
        ),
        CommentVote: lambda **who: CommentVote.objects.create(comment=comment, value=1, **who),
        Comment: lambda **who: CommentFactory(article=seed_article, **who),
    }
    for model, make in rows.items():
        by_account = make(user=user)
        by_guest = make(reader_hash=guest.token_hash)
        make(reader_hash=someone.token_hash)
        assert list(model.objects.filter(pk__gt=0).by_reader(Reader(user, None))) == [by_account]
        assert list(model.objects.by_reader(guest)) == [by_guest]
        assert model.objects.by_reader(Reader(None, None)).count() == 0
        assert by_account.is_by(Reader(user, None)) and by_guest.is_by(guest)
        assert (by_account.reader_kind, by_guest.reader_kind) == ("user", "guest")
        with pytest.raises(IntegrityError), transaction.atomic():
            make(user=UserFactory(), reader_hash=Reader(None, "a-third-token").token_hash)
