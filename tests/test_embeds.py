"""Embeds: a link from an allow-listed provider becomes a link card on save, from oEmbed
data fetched by the server (a local provider here); never an iframe or a remote image."""

import re
import time

import pytest

from articles import embeds
from articles.models.media import MediaImage

from .factories import ArticleFactory
from .oembed_server import LINK, running_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with running_provider() as provider:
        settings.MAGAZINE_EMBED_PROVIDERS = provider.settings()
        settings.MAGAZINE_EMBED_TIMEOUT_SECONDS = 0.5
        yield provider


def embed(url=LINK, text=None):
    return f'<p class="embed-link"><a href="{url}">{text or url}</a></p>'


def story(body):
    return ArticleFactory(body=f"<p>Leaders met in Minsk.</p>{body}<p>More soon.</p>")


def card(html):
    found = re.search(r'<figure id="b-[0-9a-f-]+"><a class="embed-card".*?</figure>', html, re.S)
    return found.group(0) if found else None


def test_an_embed_becomes_a_link_card_with_title_provider_and_a_thumbnail_of_ours(client, provider):
    article = story(embed())
    shown = card(client.get(article.get_absolute_url()).content.decode())
    assert shown, article.body_html
    assert f'href="{LINK}"' in shown
    assert '<span class="embed-card__title">Minsk summit, the press conference</span>' in shown
    assert '<span class="embed-card__meta">Clips · Belta TV</span>' in shown
    # The thumbnail was copied into the library; the page shows our copy, nothing remote.
    thumbnail = MediaImage.objects.get()
    assert (thumbnail.width, thumbnail.height, thumbnail.credit) == (640, 360, "Clips")
    src = re.search(r'<img class="embed-card__thumbnail" src="([^"]+)"', shown).group(1)
    assert src.startswith("/media/")
    assert "127.0.0.1" not in shown and "iframe" not in shown
    assert 'loading="lazy"' in shown and 'alt=""' in shown


def test_saving_again_keeps_the_card_without_asking_the_provider(provider):
    article = story(embed())
    asked = len(provider.requests)
    article.body = "<p>A new first line.</p>" + article.body
    article.save()
    assert len(provider.requests) == asked
    assert card(article.body_html)
    assert MediaImage.objects.count() == 1


@pytest.mark.parametrize("mode", ["down", "slow", "huge", "not-json", "redirect-away"])
def test_a_provider_that_misbehaves_leaves_a_plain_link(provider, mode):
    provider.mode = mode
    started = time.monotonic()
    article = story(embed(text="Watch the press conference"))
    assert time.monotonic() - started < 1.9  # the timeout, not the provider, decides
    assert not card(article.body_html)
    assert re.search(
        rf'<p id="b-[0-9a-f-]+"><a href="{LINK}" rel="noopener noreferrer">Watch the press conference</a></p>',
        article.body_html,
    )
    assert not MediaImage.objects.exists()


def test_a_redirect_to_another_host_is_not_followed(provider):
    provider.mode = "redirect-away"
    story(embed())
    assert len(provider.requests) == 1  # localhost is another host: never asked


def test_a_provider_that_is_not_allowed_is_never_asked(provider):
    article = story(embed("https://elsewhere.test/video/7"))
    assert provider.requests == []
    assert (
        '<a href="https://elsewhere.test/video/7" rel="noopener noreferrer">' in article.body_html
    )


def test_an_unreachable_provider_leaves_a_plain_link(settings):
    with running_provider() as gone:
        settings.MAGAZINE_EMBED_PROVIDERS = gone.settings()
    article = story(embed())
    assert not card(article.body_html)
    assert f'<a href="{LINK}" rel="noopener noreferrer">' in article.body_html


def test_a_thumbnail_from_a_host_not_allowed_is_left_out(provider, settings):
    settings.MAGAZINE_EMBED_PROVIDERS = provider.settings(thumbnail_hosts=["images.clips.test"])
    article = story(embed())
    assert card(article.body_html)
    assert "<img" not in card(article.body_html)
    assert "/thumb.png" not in " ".join(provider.requests)


def test_a_thumbnail_that_is_not_an_image_is_left_out(provider):
    provider.thumbnail = b"<script>alert(1)</script>"
    article = story(embed())
    assert card(article.body_html) and "<img" not in card(article.body_html)
    assert not MediaImage.objects.exists()


def test_hostile_oembed_text_is_escaped(provider):
    provider.answer |= {"title": '<img src=x onerror="alert(1)">', "author_name": "</span><b>"}
    shown = card(story(embed()).body_html)
    assert "<img src=x" not in shown and "<b>" not in shown
    assert "&lt;img src=x" in shown and "&lt;/span&gt;&lt;b&gt;" in shown


def test_the_provider_is_found_by_the_links_host_only():
    assert embeds.provider_for("https://www.youtube.com/watch?v=1")[0] == "YouTube"
    assert embeds.provider_for("https://youtu.be/1")[0] == "YouTube"
    assert embeds.provider_for("https://youtube.com.evil.test/watch") is None
    assert embeds.provider_for("https://evil.test/?u=https://youtube.com/") is None
    assert embeds.provider_for("javascript:alert(1)//youtube.com") is None
