"""
The first page of cards on the home and section pages, the pages readers open most,
runs queries compiled once per process (`articles.models.card_list`): building and
compiling the card list, its other authors and the next scheduled time cost Django
more than SQLite took to run them. These tests hold that shape, and that each
request still gets the cards the ORM's queryset gives, in its order.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Category

from .factories import ArticleFactory, AuthorFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.caches_off(reason="counts the queries a page built from scratch compiles"),
]


def _card_titles(response):
    page = response.content.decode()
    shown = {
        page.find(f">{title}</a></h2>"): title
        for title in Article.objects.values_list("title", flat=True)
    }
    return [title for at, title in sorted(shown.items()) if at >= 0]


@pytest.mark.parametrize("address", [reverse("articles:home"), "/world/"])
def test_a_second_first_page_of_cards_compiles_no_query(client, compiles, address):
    ArticleFactory.create_batch(3, category=Category.objects.get(path="world/russia"))
    assert client.get(address).status_code == 200
    compiles.clear()

    response = client.get(address)

    assert response.status_code == 200
    assert compiles == []


def test_the_compiled_first_page_shows_what_the_querysets_give(client, settings):
    settings.MAGAZINE_ARTICLES_PER_PAGE = 3
    russia, world = Category.objects.get(path="world/russia"), Category.objects.get(path="world")
    ada, bob = AuthorFactory(name="Ada Byline"), AuthorFactory(name="Bob Byline")
    now = timezone.now()
    for n in range(5):
        article = ArticleFactory(
            category=russia if n % 2 else world,
            publish_at=now - datetime.timedelta(hours=n),
            title=f"Card {n}",
        )
        if n == 1:
            article.set_co_authors([bob.pk, ada.pk])
    ArticleFactory(title="Not yet", publish_at=now + datetime.timedelta(hours=1))
    client.get("/")  # compiled now, for the next requests

    home = client.get("/")
    page = home.content.decode()

    assert 'id="lead-title"><a href="/world/card-0/">Card 0</a>' in page
    assert _card_titles(home) == ["Card 0", "Card 1", "Card 2", "Card 3"]  # lead, 3 cards
    card = Article.objects.get(title="Card 1")
    assert f"{card.author.name}, Bob Byline and Ada Byline · " in page
    assert f'href="{card.get_absolute_url()}"' in page
    assert '<p class="card__section"><a href="/world/russia/">Russia</a></p>' in page
    assert "?after=" in page  # there are more
    section = _card_titles(client.get("/world/russia/"))
    assert [title for title in section if title.startswith("Card")] == ["Card 1", "Card 3"]
