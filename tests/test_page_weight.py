"""The article page stays light on a phone: its bytes on the wire, and how its images load."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from .factories import CommentFactory, image_upload

pytestmark = pytest.mark.django_db

BUDGET = 60 * 1024  # HTML + CSS + JS, compressed, images excluded (issue 9)


def static_file(url):
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"{url} is not a static file"
    with open(path, "rb") as file:
        return file.read()


@pytest.fixture
def busy_article(seed_article):
    """The seed story as the benchmark has it: a photo and 200 comments in threads."""
    seed_article.image = image_upload(size=(1600, 900))
    seed_article.save()
    threads = CommentFactory.create_batch(100, article=seed_article)
    for parent in threads:
        CommentFactory(article=seed_article, parent=parent, depth=2)
    return seed_article


def test_the_article_page_with_200_comments_weighs_under_60_kb_compressed(busy_article):
    response = Client().get(busy_article.get_absolute_url(), headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.content).decode()
    assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assets += re.findall(r'<script src="([^"]+)"', html)
    assert assets, "the page links no CSS or JavaScript"

    weight = len(response.content) + sum(
        len(gzip.compress(static_file(url))) for url in set(assets)
    )

    assert weight <= BUDGET, f"{weight / 1024:.1f} KB compressed"


def test_every_image_is_sized_and_only_the_first_screen_loads_eagerly(busy_article):
    html = Client().get(busy_article.get_absolute_url()).content.decode()
    # Not the reading-figures beacon's fallback (includes/beacon.html): a 1-pixel image
    # only browsers without JavaScript load, at once, to count the view.
    html = re.sub(r"<noscript><img [^>]+></noscript>", "", html)
    images = re.findall(r"<img [^>]+>", html)
    assert images, "the featured image is missing"
    for tag in images:
        assert re.search(r'width="\d+" height="\d+"', tag), tag
    body_starts = html.index('class="article__body"')
    for match in re.finditer(r"<img [^>]+>", html):
        expected = "eager" if match.start() < body_starts else "lazy"
        assert f'loading="{expected}"' in match.group(0), match.group(0)
