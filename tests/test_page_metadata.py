"""What search engines and link previews read: canonical URL, description, Open Graph, JSON-LD."""

import json
import re
from html.parser import HTMLParser

import pytest

from .factories import ArticleFactory, image_upload

pytestmark = pytest.mark.django_db


class _Head(HTMLParser):
    """The <meta>, <link rel=canonical> and JSON-LD blocks of a page."""

    def __init__(self):
        super().__init__()
        self.meta, self.canonical, self.json_ld, self._in_ld = {}, [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, attrs.get("content"))
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(json.loads(data))

    def handle_endtag(self, tag):
        self._in_ld = False


def _head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    parser = _Head()
    parser.feed(response.content.decode())
    return parser


def _of_type(blocks, schema_type):
    found = [b for b in blocks if b.get("@type") == schema_type]
    found += [g for b in blocks for g in b.get("@graph", []) if g.get("@type") == schema_type]
    assert found, f"no {schema_type} in {blocks}"
    return found[0]


PUBLIC_PAGES = [
    "/",
    "/world/",
    "/world/russia/",
    "/tag/russia/",
    "/author/newsroom/",
    "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/",
    "/search/?q=putin",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_has_canonical_description_open_graph_and_twitter_tags(
    client, seed_article, url
):
    head = _head(client, url)
    assert len(head.canonical) == 1
    assert head.canonical[0].startswith("http://testserver/")
    assert head.meta["og:url"] == head.canonical[0]
    for key in ("description", "og:title", "og:description", "og:type", "og:site_name"):
        assert head.meta.get(key), key
    assert head.meta["twitter:card"] in {"summary", "summary_large_image"}


def test_canonical_url_drops_stray_parameters_and_keeps_the_page(client, settings):
    ArticleFactory.create_batch(settings.MAGAZINE_ARTICLES_PER_PAGE + 1)
    assert _head(client, "/?utm_source=x").canonical == ["http://testserver/"]
    older = re.search(r'<a rel="next" href="/\?after=([^"&]+)"', client.get("/").content.decode())
    cursor = older.group(1)
    assert _head(client, f"/?after={cursor}&utm_source=x").canonical == [
        f"http://testserver/?after={cursor}"
    ]


def test_article_previews_use_the_largest_rendition_of_the_featured_image(client):
    article = ArticleFactory(image=image_upload(size=(1600, 900)), image_alt="A harbour at dawn")
    head = _head(client, article.get_absolute_url())
    url, width, height = article.image_renditions()[-1]
    assert head.meta["og:image"] == "http://testserver" + url
    assert (head.meta["og:image:width"], head.meta["og:image:height"]) == (str(width), str(height))
    assert (width, height) == (1440, 810)
    assert head.meta["og:image:alt"] == "A harbour at dawn"
    assert head.meta["twitter:card"] == "summary_large_image"
    news = _of_type(head.json_ld, "NewsArticle")
    assert news["image"] == {
        "@type": "ImageObject",
        "url": "http://testserver" + url,
        "width": 1440,
        "height": 810,
    }


def test_article_json_ld_has_what_search_engines_require(client, seed_article):
    seed_article.agencies.filter(name="dpa").update(url="https://www.dpa.com/")
    head = _head(client, seed_article.get_absolute_url())
    news = _of_type(head.json_ld, "NewsArticle")
    assert news["@context"] == "https://schema.org"
    assert news["headline"] == seed_article.title
    assert news["description"] == seed_article.description
    assert news["datePublished"].startswith("2021-02-22T09:00:00")
    assert news["dateModified"]
    assert news["author"] == [
        {
            "@type": "Person",
            "name": "Open Magazine Newsroom",
            "url": "http://testserver/author/newsroom/",
        }
    ]
    assert news["publisher"]["@type"] == "Organization"
    assert news["publisher"]["name"] == "Open Magazine"
    assert news["articleSection"] == "Russia"
    assert "Sanctions" in news["keywords"]
    assert news["sourceOrganization"] == [
        {"@type": "Organization", "name": "dpa", "url": "https://www.dpa.com/"},
        {"@type": "Organization", "name": "TASS"},
    ]
    assert news["mainEntityOfPage"] == head.canonical[0]
    assert _of_type(head.json_ld, "BreadcrumbList")["itemListElement"][-1]["name"] == (
        seed_article.title
    )
    assert head.meta["og:type"] == "article"
    assert head.meta["article:section"] == "Russia"


def test_publisher_logo_appears_when_configured(client, settings, seed_article):
    settings.MAGAZINE_PUBLISHER_LOGO = "favicon.svg"
    news = _of_type(_head(client, seed_article.get_absolute_url()).json_ld, "NewsArticle")
    assert news["publisher"]["logo"]["url"] == "http://testserver/static/favicon.svg"


def test_home_page_describes_the_organization_and_its_site_search(client, seed_article):
    blocks = _head(client, "/").json_ld
    organization = _of_type(blocks, "Organization")
    website = _of_type(blocks, "WebSite")
    assert organization["name"] == website["name"] == "Open Magazine"
    assert organization["url"] == website["url"] == "http://testserver/"
    action = website["potentialAction"]
    assert action["@type"] == "SearchAction"
    assert action["query-input"] == "required name=search_term_string"
    template = action["target"]["urlTemplate"]
    assert "{search_term_string}" in template
    results = client.get(template.replace("{search_term_string}", "putin"))
    assert f'<a href="{seed_article.get_absolute_url()}">' in results.content.decode()


def test_structured_data_cannot_be_broken_out_of_by_article_text(client):
    article = ArticleFactory(title="</script><script>alert(1)</script>")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in page
    assert re.search(r"\\u003C/script\\u003E", page)
    assert _of_type(_head(client, article.get_absolute_url()).json_ld, "NewsArticle")
