import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article

from .factories import ArticleFactory, UserFactory, make_editor
from .helpers import sign_in_as

pytestmark = pytest.mark.django_db

HIDDEN = [
    {"status": Article.Status.DRAFT},
    {"status": Article.Status.IN_REVIEW},
    {"status": Article.Status.ARCHIVED},
    {"status": Article.Status.PUBLISHED, "publish_at": "future"},
]


def _make(status, publish_at=None):
    when = timezone.now() + datetime.timedelta(days=1) if publish_at == "future" else None
    return ArticleFactory(
        status=status, publish_at=when or timezone.now() - datetime.timedelta(hours=1)
    )


@pytest.mark.parametrize("state", HIDDEN, ids=lambda s: s["status"] + s.get("publish_at", ""))
def test_unpublished_articles_answer_404_to_the_public(client, state):
    article = _make(**state)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article.title not in client.get(reverse("articles:home")).content.decode()
    assert article.title not in client.get(article.category.get_absolute_url()).content.decode()
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert not article.is_published


@pytest.mark.parametrize("state", HIDDEN, ids=lambda s: s["status"] + s.get("publish_at", ""))
def test_staff_preview_unpublished_articles_with_a_banner(client, state):
    article = _make(**state)
    client.force_login(make_editor())
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: not published" in response.content.decode()
    assert 'name="robots" content="noindex"' in response.content.decode()


def test_a_signed_in_non_staff_reader_gets_no_preview(client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    client.force_login(UserFactory())
    assert client.get(article.get_absolute_url()).status_code == 404


def test_published_article_shows_without_banner(client):
    article = ArticleFactory()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Preview: not published" not in response.content.decode()


def test_scheduled_article_appears_by_itself_when_its_time_comes(client, monkeypatch):
    publish_at = timezone.now() + datetime.timedelta(minutes=30)
    article = ArticleFactory(publish_at=publish_at)
    assert client.get(article.get_absolute_url()).status_code == 404
    later = publish_at + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert article.title in client.get(reverse("articles:home")).content.decode()


def test_article_under_the_wrong_category_path_is_404(client, seed_article):
    other = ArticleFactory()
    url = reverse(
        "articles:detail",
        kwargs={"category_path": other.category.path, "slug": seed_article.slug},
    )
    assert client.get(url).status_code == 404


def test_unknown_pages_get_the_friendly_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


@pytest.mark.parametrize(
    "state", [*HIDDEN, {"status": Article.Status.PUBLISHED}], ids=lambda s: str(s.values())
)
def test_the_compiled_lookup_by_address_finds_exactly_what_published_finds(state):
    article, elsewhere = _make(**state), ArticleFactory()
    found = Article.objects.published_at(article.category_id, article.slug)
    assert (found == article) is Article.objects.published().filter(pk=article.pk).exists()
    assert found is None or (found.title, found.publish_at) == (article.title, article.publish_at)
    assert Article.objects.published_at(elsewhere.category_id, article.slug) is None


@pytest.mark.parametrize("state", HIDDEN, ids=lambda s: s["status"] + s.get("publish_at", ""))
@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("reader", False),
        ("contributor", False),
        ("on_story", True),
        ("other_writer", False),
        ("editor", True),
    ],
)
def test_an_unpublished_story_shows_to_the_people_on_it_and_the_editors(
    client, state, person, sees
):
    from articles.models import StoryMember

    from .factories import make_writer

    article = _make(**state)
    member = make_writer()
    StoryMember.objects.create(article=article, user=member)
    user = sign_in_as(client, person, on_story=member)
    response = client.get(article.get_absolute_url())
    assert response.status_code == (200 if sees else 404)
    assert (article.title in response.content.decode()) is sees
    assert Article.objects.visible_to(user or UserFactory()).filter(pk=article.pk).exists() is sees
