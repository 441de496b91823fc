"""Feeds, sitemap.xml and robots.txt, read the way feed readers and crawlers read them."""

import datetime
import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Category

from .factories import ArticleFactory, AuthorFactory
from .helpers import COUNTS_A_FRESH_RENDER, page_queries

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HIDDEN = [
    {"status": Article.Status.DRAFT},
    {"status": Article.Status.IN_REVIEW},
    {"status": Article.Status.ARCHIVED},
    {"publish_at": "future"},
]


def _hidden_articles(**kwargs):
    articles = []
    for state in HIDDEN:
        if state.get("publish_at") == "future":
            state = {"publish_at": timezone.now() + datetime.timedelta(days=1)}
        articles.append(ArticleFactory(title=f"Hidden {state}", **state, **kwargs))
    return articles


def _feed(client, name, *args):
    response = client.get(reverse(f"articles:{name}", args=args))
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return feed


@pytest.mark.parametrize("name", ["feed", "feed-atom"])
def test_site_feed_lists_published_articles_newest_first(client, seed_article, name):
    newer = ArticleFactory()
    hidden = _hidden_articles()
    feed = _feed(client, name)
    titles = [entry.title for entry in feed.entries]
    assert titles == [newer.title, seed_article.title]
    assert not {a.title for a in hidden} & set(titles)
    assert feed.version == ("rss20" if name == "feed" else "atom10")
    entry = feed.entries[1]
    assert entry.link == "http://testserver" + seed_article.get_absolute_url()
    assert entry.author == "Open Magazine Newsroom"
    assert "Vladimir Putin" in {tag.term for tag in entry.tags}
    assert entry.published_parsed[:3] == (2021, 2, 22)


@pytest.mark.parametrize("name", ["section-feed", "section-feed-atom"])
def test_section_feed_includes_subsections_and_nothing_else(client, seed_article, name):
    world = Category.objects.get(path="world")
    in_world = ArticleFactory(category=world)
    elsewhere = ArticleFactory()
    _hidden_articles(category=world)
    titles = [entry.title for entry in _feed(client, name, "world").entries]
    assert titles == [in_world.title, seed_article.title]
    assert elsewhere.title not in titles


@pytest.mark.parametrize("name", ["tag-feed", "tag-feed-atom"])
def test_tag_feed_lists_the_tags_published_articles(client, name):
    tagged = ArticleFactory(tags=["Zeppelins"])
    ArticleFactory(tags=["Balloons"])
    ArticleFactory(status=Article.Status.DRAFT, tags=["Zeppelins"])
    assert [e.title for e in _feed(client, name, "zeppelins").entries] == [tagged.title]


@pytest.mark.parametrize("name", ["author-feed", "author-feed-atom"])
def test_author_feed_lists_the_authors_published_articles(client, name):
    author = AuthorFactory(slug="ada")
    theirs = ArticleFactory(author=author)
    ArticleFactory()
    _hidden_articles(author=author)
    assert [e.title for e in _feed(client, name, "ada").entries] == [theirs.title]


@pytest.mark.parametrize(
    "url", ["/feeds/section/nowhere/", "/feeds/tag/nothing/", "/feeds/author/nobody/atom/"]
)
def test_feeds_of_unknown_things_are_404(client, url):
    assert client.get(url).status_code == 404


def test_feed_items_carry_the_full_text_or_the_summary_by_setting(client, settings):
    ArticleFactory(
        standfirst="The short version.", body="<p>The long version, every word of it.</p>"
    )
    settings.MAGAZINE_FEED_FULL_TEXT = True
    assert "every word of it" in _feed(client, "feed").entries[0].summary
    settings.MAGAZINE_FEED_FULL_TEXT = False
    caches["local"].clear()  # a setting changes with a restart, which forgets kept pages
    summary = _feed(client, "feed").entries[0].summary
    assert summary == "The short version."


@pytest.mark.parametrize(
    "url",
    [
        reverse("articles:feed"),
        reverse("articles:feed-atom"),
        reverse("articles:section-feed", args=["world"]),
        reverse("articles:tag-feed", args=["russia"]),
    ],
)
@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
def test_feeds_cost_the_same_queries_with_5_and_50_articles(client, url):
    russia = Category.objects.get(path="world/russia")
    author = AuthorFactory()

    def fill(count):
        for n in range(count):
            ArticleFactory(category=russia, author=author, tags=[f"tag {n}", "Russia"])

    def queries():
        return page_queries(client, url)

    fill(5)
    with_five = queries()
    fill(45)
    assert queries() == with_five
    # When the next scheduled story changes the feed, the subject, the articles, their
    # tags and (one prefetch) their other authors.
    assert with_five <= 5


@pytest.mark.parametrize(
    ("url", "feed_url"),
    [
        ("/", "/feed/"),
        ("/world/", "/feeds/section/world/"),
        ("/tag/russia/", "/feeds/tag/russia/"),
        ("/author/newsroom/", "/feeds/author/newsroom/"),
    ],
)
def test_pages_announce_their_feeds(client, seed_article, url, feed_url):
    head = client.get(url).content.decode().split("</head>")[0]
    assert '<link rel="alternate" type="application/rss+xml"' in head
    assert f'href="{feed_url}"' in head


def test_sitemap_lists_published_articles_sections_tags_and_authors(client, seed_article):
    draft = ArticleFactory(status=Article.Status.DRAFT, tags=["Secret"])
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = {
        url.findtext("s:loc", namespaces=SITEMAP_NS): url.findtext(
            "s:lastmod", namespaces=SITEMAP_NS
        )
        for url in root.findall("s:url", SITEMAP_NS)
    }
    article_url = "http://testserver" + seed_article.get_absolute_url()
    # The last change readers were told of: never updated, so its publication.
    assert urls[article_url] == seed_article.modified_at.date().isoformat() == "2021-02-22"
    assert "http://testserver/world/russia/" in urls
    assert "http://testserver/tag/vladimir-putin/" in urls
    assert "http://testserver/author/newsroom/" in urls
    assert "http://testserver" + draft.get_absolute_url() not in urls
    assert "http://testserver/tag/secret/" not in urls


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_forms(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    for path in ("/admin/", "/search/", "/submit/", "/read/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines


def test_article_comments_feed_lists_approved_comments_only(client, seed_article):
    from articles.models import Comment

    from .factories import CommentFactory

    CommentFactory(article=seed_article, body="Approved and public.")
    CommentFactory(article=seed_article, body="Still waiting.", status=Comment.Status.PENDING)
    page = client.get(seed_article.get_absolute_url()).content.decode()
    url = reverse("articles:comments-feed", args=[seed_article.pk])
    assert f'href="{url}"' in page  # auto-discovery
    feed = feedparser.parse(client.get(url).content)
    assert [e.summary for e in feed.entries] == ["<p>Approved and public.</p>"]
    assert feed.entries[0].link.endswith("#comment-" + str(Comment.objects.approved().get().pk))


def test_no_comments_feed_for_an_unpublished_article(client):
    draft = ArticleFactory(status="draft", publish_at=None)
    assert client.get(reverse("articles:comments-feed", args=[draft.pk])).status_code == 404
