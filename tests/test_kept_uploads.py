"""An image chosen before a validation error is kept, shown again and used by the next save."""

import datetime
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import images
from articles.models import Article, Author

from .factories import ArticleFactory, AuthorFactory, article_admin_data, image_upload, make_editor

pytestmark = pytest.mark.django_db


def _change(client, article, **changes):
    url = reverse("admin:articles_article_change", args=[article.pk])
    return client.post(url, article_admin_data(article, **changes))


def _kept_token(response, field="image"):
    match = re.search(rf'name="{field}-kept" value="([^"]+)"', response.content.decode())
    return match and match.group(1)


def test_a_validation_error_keeps_the_uploaded_featured_image(client):
    client.force_login(make_editor())
    article = ArticleFactory(image_alt="")
    refused = _change(client, article, image=image_upload(), image_alt="A train", title="")
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "This field is required" in page
    assert "Kept from your last try" in page
    token = _kept_token(refused)
    assert token
    # The editor fixes the title and saves, without choosing the image again.
    saved = _change(client, article, **{"image-kept": token, "image_alt": "A train"})
    assert saved.status_code == 302
    article.refresh_from_db()
    assert article.image and article.image.name.startswith("articles/")
    assert article.image_width == 1600
    assert article.image_renditions()
    assert not default_storage.exists(images.kept_name(token))


def test_the_kept_image_is_shown_as_a_thumbnail_the_browser_can_load(client):
    client.force_login(make_editor())
    article = ArticleFactory()
    refused = _change(client, article, image=image_upload(), title="")
    src = re.search(
        r'<img[^>]+class="kept-upload__thumb"[^>]+src="([^"]+)"', refused.content.decode()
    )
    assert src
    thumb = client.get(src.group(1))
    thumb.close()
    assert thumb.status_code == 200
    assert thumb["Content-Type"].startswith("image/")


def test_a_forged_or_stale_token_keeps_nothing(client, settings):
    client.force_login(make_editor())
    other = ArticleFactory(image=image_upload())
    article = ArticleFactory()
    forged = _change(client, article, **{"image-kept": other.image.name})
    assert forged.status_code == 302
    article.refresh_from_db()
    assert not article.image
    refused = _change(client, article, image=image_upload(), title="")
    token = _kept_token(refused)
    later = timezone.now() + datetime.timedelta(days=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: later.timestamp())
        stale = _change(client, article, **{"image-kept": token})
    assert stale.status_code == 302
    article.refresh_from_db()
    assert not article.image


def test_a_hostile_file_is_not_kept(client):
    client.force_login(make_editor())
    article = ArticleFactory()
    fake = SimpleUploadedFile("photo.jpg", b"<html><script>x</script></html>", "image/jpeg")
    refused = _change(client, article, image=fake, title="")
    assert "not a JPEG, PNG or WebP image" in refused.content.decode()
    assert not _kept_token(refused)
    assert not default_storage.exists("kept") or not default_storage.listdir("kept")[1]


def test_a_new_article_keeps_its_image_too(client):
    client.force_login(make_editor())
    template = ArticleFactory(status=Article.Status.DRAFT, publish_at=None)
    data = article_admin_data(template, slug="kept", title="")
    refused = client.post(reverse("admin:articles_article_add"), {**data, "image": image_upload()})
    token = _kept_token(refused)
    assert token
    saved = client.post(
        reverse("admin:articles_article_add"), {**data, "title": "Kept", "image-kept": token}
    )
    assert saved.status_code == 302
    assert Article.objects.get(slug="kept").image


def test_an_authors_avatar_is_kept_after_a_validation_error(client):
    client.force_login(make_editor())
    author = AuthorFactory()
    url = reverse("admin:articles_author_change", args=[author.pk])
    data = {"name": "", "slug": author.slug, "bio": "", "user": ""}
    refused = client.post(url, {**data, "avatar": image_upload(size=(400, 400))})
    token = _kept_token(refused, "avatar")
    assert token
    saved = client.post(url, {**data, "name": "Ann Lee", "avatar-kept": token})
    assert saved.status_code == 302
    assert Author.objects.get(pk=author.pk).avatar


def test_abandoned_kept_uploads_are_removed_after_a_day(client):
    client.force_login(make_editor())
    refused = _change(client, ArticleFactory(), image=image_upload(), title="")
    name = images.kept_name(_kept_token(refused))
    assert default_storage.exists(name)
    call_command("remove_kept_uploads", stdout=io.StringIO())
    assert default_storage.exists(name)  # still young
    images.remove_abandoned_uploads(now=timezone.now() + datetime.timedelta(days=1, minutes=1))
    assert not default_storage.exists(name)
