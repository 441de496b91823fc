"""Reading figures in the admin: per article and for the newsroom, for what each person sees."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import charts, readership
from articles.models import Article, ArticleRating, Comment, DailyViews
from articles.readers import Reader

from .factories import ArticleFactory, CommentFactory, make_editor, make_writer

pytestmark = pytest.mark.django_db


def days_ago(n):
    return readership.today() - datetime.timedelta(days=n)


def bar_titles(html):
    """The tooltips of a page's chart bars, in order: "Tue 1 Dec: 3"."""
    return re.findall(r"<rect [^>]*><title>([^<]*)</title></rect>", html)


def test_an_articles_change_page_charts_its_views_ratings_and_comments(client, seed_article):
    DailyViews.objects.create(article=seed_article, day=days_ago(0), views=12)
    DailyViews.objects.create(article=seed_article, day=days_ago(1), views=30)
    DailyViews.objects.create(article=seed_article, day=days_ago(40), views=999)  # too old
    ArticleRating.objects.rate(seed_article, Reader(user=None, token="reader-one"), 4)
    CommentFactory(article=seed_article)
    CommentFactory(article=seed_article, status=Comment.Status.SPAM)
    client.force_login(make_editor())
    page = client.get(reverse("admin:articles_article_change", args=[seed_article.pk]))
    html = page.content.decode()
    assert "Reading figures" in html
    assert html.count('role="img"') >= 3
    assert "Views per day over the last 30 days: 42 views in all" in html
    assert "New ratings per day over the last 30 days: 1 rating in all" in html
    assert "Comments per day over the last 30 days: 1 comment in all" in html  # spam left out
    titles = bar_titles(html)
    assert len(titles) == 3 * 30
    assert titles[29].endswith(": 12") and titles[28].endswith(": 30")
    # The same figures as a table, for screen readers and keyboards.
    assert "<caption>Views, new ratings and comments per day, the last 30 days</caption>" in html


def test_the_chart_escapes_what_it_shows():
    svg = charts.bar_chart([('<script>alert("x")</script>', 3)], 'Views of "<b>"')
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'role="img"' in svg and "aria-label=" in svg


def test_the_reading_figures_page_is_linked_from_the_admin_index(client):
    client.force_login(make_editor())
    index = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("admin:reading-figures")}"' in index


def test_the_most_read_of_the_week_come_first(client):
    popular, quieter, old_news = ArticleFactory(), ArticleFactory(), ArticleFactory()
    DailyViews.objects.create(article=popular, day=days_ago(0), views=50)
    DailyViews.objects.create(article=popular, day=days_ago(6), views=10)
    DailyViews.objects.create(article=quieter, day=days_ago(2), views=20)
    DailyViews.objects.create(article=old_news, day=days_ago(8), views=500)  # last week's
    client.force_login(make_editor())
    page = client.get(reverse("admin:reading-figures"))
    assert page.status_code == 200
    html = page.content.decode()
    top = html[html.index("Most read") : html.index("All articles you can see")]
    assert top.index(popular.title) < top.index(quieter.title)
    assert ">60<" in top and ">20<" in top
    assert old_news.title not in top
    assert html.count('role="img"') >= 3  # the newsroom's figures per day


def test_a_writer_sees_figures_only_of_articles_they_may_see(client):
    writer = make_writer()
    editor = make_editor()
    published = ArticleFactory()
    embargoed = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=editor)
    taken_down = ArticleFactory(unpublish_at=timezone.now() - datetime.timedelta(minutes=1))
    for article, views in ((published, 3), (embargoed, 100), (taken_down, 1000)):
        DailyViews.objects.create(article=article, day=days_ago(0), views=views)
    client.force_login(writer)
    html = client.get(reverse("admin:reading-figures")).content.decode()
    assert published.title in html
    assert embargoed.title not in html and taken_down.title not in html
    assert "Views per day over the last 30 days: 3 views in all" in html
    client.force_login(editor)
    html = client.get(reverse("admin:reading-figures")).content.decode()
    assert embargoed.title in html
    assert "1103 views in all" in html


def test_readers_do_not_reach_the_reading_figures(client):
    page = client.get(reverse("admin:reading-figures"))
    assert page.status_code == 302
    assert reverse("admin:login") in page["Location"]
