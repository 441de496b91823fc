import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from articles import seed
from articles.models import Agency, Article, Author, Category

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "belarus-russia-summit.txt"


def test_fresh_database_holds_the_seed_story(seed_article):
    assert (
        seed_article.title
        == "Belarusian, Russian Leaders Meet As West Prepares To Ramp Up Pressure"
    )
    assert seed_article.is_published
    assert seed_article.category.path == "world/russia"
    assert [c.name for c in seed_article.category.ancestors()] == ["World", "Russia"]
    assert seed_article.credit_line() == "With reporting by dpa and TASS"
    assert {
        "Belarus",
        "Russia",
        "Vladimir Putin",
        "Alyaksandr Lukashenka",
        "European Union",
    } <= set(seed_article.tags.names())
    assert seed_article.author.name


def test_seed_body_is_the_sixteen_reference_paragraphs_word_for_word(seed_article):
    texts = [block.text for block in seed_article.blocks()]
    assert texts == seed.PARAGRAPHS
    assert len(texts) == 16
    assert all(block.id for block in seed_article.blocks())
    for chrome in ("Make your Motion!", "Article Rating", "Notify of", "With reporting by"):
        assert chrome not in seed_article.body_html


@pytest.mark.skipif(
    not REFERENCE.exists(), reason="the reference capture (shared/) is not beside the repo"
)
def test_seed_paragraphs_appear_in_the_reference_capture():
    reference = REFERENCE.read_text()
    for paragraph in seed.PARAGRAPHS:
        assert paragraph in reference


def test_loading_the_seed_again_changes_nothing(seed_article):
    before = {
        model: list(model.objects.order_by("pk").values())
        for model in (Article, Category, Author, Agency)
    }
    call_command("load_seed", stdout=io.StringIO())
    call_command("load_seed", stdout=io.StringIO())
    after = {
        model: list(model.objects.order_by("pk").values())
        for model in (Article, Category, Author, Agency)
    }
    assert after == before
    assert sorted(Article.objects.get().tags.names()) == sorted(seed.TAGS)


def test_seed_article_page_shows_what_the_reference_page_shows(client, seed_article):
    response = client.get(seed_article.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count(seed.TITLE) >= 2  # headline and the page/OG title
    assert "Make your Motion!" in page
    assert "With reporting by dpa and TASS" in page
    assert "Let&#39;s Post Your Story on Open Magazine!" in page
    assert 'href="/packs/"' in page
    assert "Article Rating" in page
    for paragraph in seed.PARAGRAPHS[:3]:
        assert paragraph.replace('"', "&quot;") in page or paragraph in page


def test_home_page_lists_the_seed_story_with_name_and_tagline(client, seed_article):
    page = client.get(reverse("articles:home")).content.decode()
    assert seed_article.title in page
    assert "Open Magazine" in page
    assert "Make your Motion!" in page
    assert 'href="/world/"' in page


def test_seed_article_carries_news_article_json_ld(client, seed_article):
    page = client.get(seed_article.get_absolute_url()).content.decode()
    blocks = [
        json.loads(b)
        for b in re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)
    ]
    article = next(b for b in blocks if b["@type"] == "NewsArticle")
    assert article["headline"] == seed.TITLE
    assert article["articleSection"] == "Russia"
    assert [o["name"] for o in article["sourceOrganization"]] == ["dpa", "TASS"]
    assert "Vladimir Putin" in article["keywords"]
    assert article["datePublished"].startswith("2021-02-22")
