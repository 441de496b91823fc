import io
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles import images

from .factories import ArticleFactory, article_admin_data, image_upload, make_editor

pytestmark = pytest.mark.django_db


def _post_article_with_image(client, upload):
    article = ArticleFactory()
    data = article_admin_data(article, image=upload, image_alt="A red square")
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    article.refresh_from_db()
    return response, article


def test_a_non_image_renamed_jpg_is_refused_with_a_clear_message(client):
    client.force_login(make_editor())
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>x</script></html>", "image/jpeg")
    response, article = _post_article_with_image(client, fake)
    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP image" in response.content.decode()
    assert not article.image


def test_an_oversized_file_is_refused_with_its_size_and_the_limit(client, settings):
    settings.MAGAZINE_IMAGE_MAX_BYTES = 50_000
    client.force_login(make_editor())
    noise = Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    big = SimpleUploadedFile("big.png", buffer.getvalue(), "image/png")
    response, article = _post_article_with_image(client, big)
    assert response.status_code == 200
    assert "images may be at most 48.8\xa0KB" in response.content.decode()
    assert not article.image


def test_too_many_pixels_is_refused_without_decoding(settings):
    settings.MAGAZINE_IMAGE_MAX_PIXELS = 1_000_000
    with pytest.raises(ValidationError) as error:
        images.open_checked(image_upload(size=(2000, 1000), fmt="PNG"))
    assert error.value.code == "too_many_pixels"
    assert "at most 1 megapixels" in error.value.messages[0]


@pytest.mark.parametrize("fmt", ["GIF", "TIFF", "BMP"])
def test_formats_other_than_jpeg_png_webp_are_refused(fmt):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20)).save(buffer, format=fmt)
    with pytest.raises(ValidationError) as error:
        images.open_checked(SimpleUploadedFile(f"x.{fmt.lower()}", buffer.getvalue()))
    assert error.value.code == "invalid_image"


def test_a_truncated_image_is_refused():
    whole = image_upload(size=(400, 400), fmt="PNG", compress_level=0).read()
    with pytest.raises(ValidationError) as error:
        images.open_checked(SimpleUploadedFile("cut.png", whole[: len(whole) // 2]))
    assert error.value.code == "invalid_image"


def test_an_accepted_image_is_reencoded_without_metadata_and_gets_renditions(client):
    client.force_login(make_editor())
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 900), (10, 120, 200)).save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("My Holiday.jpg", buffer.getvalue() + b"TRAILER", "image/jpeg")
    response, article = _post_article_with_image(client, upload)
    assert response.status_code == 302
    assert article.image.name.startswith("articles/")
    assert "Holiday" not in article.image.name
    with article.image.open("rb") as f:
        stored = f.read()
    assert b"SpyCam" not in stored and b"TRAILER" not in stored
    assert (article.image_width, article.image_height) == (1600, 900)
    widths = [w for _, w, _ in article.image_renditions()]
    assert widths == [480, 960, 1440]
    for width in widths:
        assert default_storage.exists(images.rendition_name(article.image.name, width))
    page = client.get(article.get_absolute_url()).content.decode()
    assert 'srcset="' in page and ".webp 480w" in page
    assert 'width="960" height="540"' in page


def test_small_images_are_never_upscaled():
    assert images.rendition_widths(300) == [300]
    assert images.rendition_widths(1000) == [480, 960]


def test_an_article_without_an_image_shows_no_figure(client, seed_article):
    assert seed_article.image_renditions() == []
    page = client.get(seed_article.get_absolute_url()).content.decode()
    # The reading-figures beacon's <noscript> image comes after the page's main content.
    main = page[page.index("<main") : page.index("</main>")]
    assert 'class="article__image"' not in page and "<img" not in main
