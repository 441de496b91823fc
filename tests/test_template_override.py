"""A deploy that shows something new in the comment and the article templates shows it,
and every later change of it, on every kept page at once: nothing but the templates
changes, since kept markup is named by what it shows (articles/pagecache.py)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from articles import publishing, readers, voting
from articles.models import Article

from .factories import CommentFactory
from .fresh_renders import NEXT_PAGE
from .helpers import reader_cookie
from .template_overrides import change_template

pytestmark = pytest.mark.django_db

VOTER = "a-returning-voter"


@pytest.fixture
def stamped_templates(settings, tmp_path):
    """The comment macro and the article's body template show the article's id and the
    time it was last saved (`updated_at`), which every save of it changes."""
    settings.MAGAZINE_COMMENT_THREADS_ON_ARTICLE = 2
    settings.MAGAZINE_COMMENT_THREADS_PER_PAGE = 2
    stamp = "{{ article.pk }}@{{ article.updated_at.isoformat() }}"
    change_template(
        settings,
        tmp_path,
        "articles/includes/comments.html",
        '<div class="comment__body">',
        f'<p class="comment__stamp">{stamp}</p><div class="comment__body">',
    )
    change_template(
        settings,
        tmp_path,
        "articles/includes/article_content.html",
        '<h1 id="article-title" class="article__title">{{ article.title }}</h1>',
        f'<h1 id="article-title" class="article__title">{{{{ article.title }}}}</h1>'
        f'<p class="article__stamp">{stamp}</p>',
    )


def stamp_of(article):
    article = Article.objects.get(pk=article.pk)
    return f"{article.pk}@{article.updated_at.isoformat()}"


def pages(article, settings):
    """{what: html} of every kept page showing the article's comments."""
    stranger = Client()
    voter = Client()
    voter.cookies[readers.COOKIE_NAME] = reader_cookie(VOTER)
    url = article.get_absolute_url()
    comments = reverse("articles:comments", args=[article.pk])

    def get(client, path):
        response = client.get(path)
        assert response.status_code == 200, path
        return response

    stranger.get(url)
    cached = get(stranger, url)
    assert cached["X-Page-Cache"] == "hit"
    shown = {"article, cached": cached.content.decode()}
    all_comments = get(stranger, comments).content.decode()
    (after,) = set(NEXT_PAGE.findall(all_comments))
    paths = {
        "all comments": comments,
        "all comments, ?after=": after.replace("&amp;", "&"),
        "all comments, ?sort=": comments + "?sort=votes",
        "article, ?sort=": url + "?sort=votes",
    }
    shown |= {what: get(stranger, path).content.decode() for what, path in paths.items()}
    shown["returning voter"] = get(voter, url).content.decode()
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
    shown["article, kept parts"] = get(stranger, url).content.decode()
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 600
    return shown


def check_stamps(shown, stamp):
    for what, html in shown.items():
        comments = re.findall(r'<li id="comment-\d+".*?</li>', html, re.S)
        assert comments, what
        stamps = [re.search(r'class="comment__stamp">([^<]*)<', c).group(1) for c in comments]
        assert stamps == [stamp] * len(comments), what
        if what.startswith(("article", "returning")):
            assert re.findall(r'class="article__stamp">([^<]*)<', html) == [stamp], what


def test_a_new_field_in_both_templates_shows_on_every_kept_page_at_once(
    stamped_templates, seed_article, settings
):
    for n in range(4):
        CommentFactory(article=seed_article, body=f"Remark {n}.")
    newest = CommentFactory(article=seed_article)  # on the article page's first threads
    voting.vote_on_comment(newest, readers.Reader(user=None, token=VOTER), 1, "ip", "address")
    check_stamps(pages(seed_article, settings), stamp_of(seed_article))
    check_stamps(pages(seed_article, settings), stamp_of(seed_article))  # all kept now

    article = Article.objects.get(pk=seed_article.pk)
    article.standfirst = "A standfirst no kept page shows."
    publishing.save_article(article)

    shown = pages(seed_article, settings)
    assert 'aria-pressed="true"' in shown["returning voter"]
    check_stamps(shown, stamp_of(seed_article))
