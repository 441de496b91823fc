"""Cards in article lists show the 16:9 crop around the image's focal point, so a
subject away from the centre (a face at the top of a portrait) stays in the card."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from articles import media

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db

RED = (230, 0, 0)


def portrait_with_a_red_face_at_the_top():
    picture = Image.new("RGB", (900, 1600), (40, 90, 160))
    picture.paste(RED, (400, 80, 500, 180))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def red_pixels(data):
    with Image.open(io.BytesIO(data)) as rendition:
        rgb = rendition.convert("RGB").tobytes()
    pixels = zip(rgb[0::3], rgb[1::3], rgb[2::3], strict=True)
    return sum(1 for r, g, b in pixels if r > 180 and g < 80 and b < 80)


def test_a_card_shows_the_16_9_crop_that_keeps_the_focal_point(client):
    image = media.add_image(portrait_with_a_red_face_at_the_top(), alt="The mayor")
    media.set_focal_point(image, 0.5, 130 / 1600)
    ArticleFactory(image=image, publish_at=timezone.now() - datetime.timedelta(hours=1))
    ArticleFactory(title="The lead, above the cards")
    home = client.get(reverse("articles:home")).content.decode()
    card = re.search(r'<a class="card__image".*?</a>', home, flags=re.S).group(0)
    img = re.search(r"<img [^>]+>", card).group(0)
    assert re.search(r'srcset="([^"]+)"', img).group(1) == image.srcset(crop="16:9")
    width, height = (int(v) for v in re.search(r'width="(\d+)" height="(\d+)"', img).groups())
    assert abs(width * 9 - height * 16) <= 16  # the crop's own size: no layout shift
    avif = re.search(r'<source type="image/avif" srcset="([^"]+)"', card)
    if avif:
        assert avif.group(1) == image.srcset(crop="16:9", fmt="avif")
    # Drawn on its first request if the background has not made it, with the face in it.
    src = re.search(r' src="([^"]+)"', img).group(1)
    response = client.get(src)
    assert response.status_code == 200
    assert red_pixels(b"".join(response.streaming_content)) > 100


def test_the_story_itself_keeps_the_whole_picture(client):
    image = media.add_image(portrait_with_a_red_face_at_the_top(), alt="The mayor")
    article = ArticleFactory(image=image)
    story = client.get(article.get_absolute_url()).content.decode()
    assert f'srcset="{image.srcset()}"' in story
