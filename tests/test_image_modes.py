"""Uploads in less common shapes: 16-bit greyscale keeps its tones, animated images are
refused with a message instead of silently losing their animation."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles import media
from articles.models.media import MediaImage

from .factories import make_editor

pytestmark = pytest.mark.django_db


def _png_16_bit_grey(value, size=(64, 48)):
    out = io.BytesIO()
    Image.new("I;16", size, value).save(out, format="PNG")
    return out.getvalue()


def _animated(fmt):
    frames = [Image.new("RGB", (64, 48), colour) for colour in ((230, 0, 0), (0, 0, 230))]
    out = io.BytesIO()
    frames[0].save(out, format=fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def _grey_level(name):
    with default_storage.open(name, "rb") as f, Image.open(f) as stored:
        return stored.convert("L").getpixel((10, 10))


@pytest.mark.parametrize(("value", "expected"), [(16384, 64), (0, 0), (65535, 255)])
def test_a_16_bit_greyscale_png_keeps_its_tones(value, expected):
    image = media.add_image(_png_16_bit_grey(value))
    assert abs(_grey_level(image.file.name) - expected) <= 1
    assert abs(_grey_level(image.rendition_name(image.spec(480))) - expected) <= 1


@pytest.mark.parametrize("fmt", ["WEBP", "PNG"])
def test_an_animated_image_is_refused_with_a_clear_message(fmt):
    with pytest.raises(ValidationError) as refused:
        media.add_image(_animated(fmt))
    assert refused.value.code == "animated_image"
    assert "animated" in refused.value.messages[0]
    assert not MediaImage.objects.exists()


def test_the_library_form_says_why_an_animated_webp_is_refused(client):
    client.force_login(make_editor())
    upload = SimpleUploadedFile("loop.webp", _animated("WEBP"), content_type="image/webp")
    response = client.post(
        reverse("admin:articles_mediaimage_add"),
        {"file": upload, "alt": "A loop", "caption": "", "credit": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This image is animated" in page and 'value="A loop"' in page
    assert not MediaImage.objects.exists()
