"""Preview links hold (issue 19, a hostile review): a link dies for good once its story
has gone live, only the story's own people see and revoke its links, a link of someone
who left the newsroom stops, bad addresses are 4xx, the address is never kept or logged."""

import datetime
import logging
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import newsroom_time, previews
from articles.models import Article, PreviewLink
from magazine.monitoring.log_filters import ShortenTokens

from .factories import ArticleFactory, make_editor, make_writer
from .helpers import post_comment

pytestmark = pytest.mark.django_db

TITLE = "The embargoed story"


def _draft(**fields):
    return ArticleFactory(status=Article.Status.DRAFT, title=TITLE, **fields)


def _url(article, token):
    return f"{reverse('articles:preview', args=[article.pk])}?token={token}"


def _shared(article, by=None):
    link, token = previews.make_link(article, by or make_editor(), 48)
    return link, _url(article, token)


def _gone(url):
    response = Client().get(url)
    assert response.status_code == 410, response.status_code
    page = response.content.decode()
    assert "no longer works" in page and TITLE not in page


# --- 1. A link ends when its story has gone live -------------------------------------


@pytest.mark.parametrize("then", ["taken down", "archived", "back to draft"])
def test_a_link_stays_dead_once_its_story_went_live_and_came_down(then):
    draft = _draft()
    _, url = _shared(draft)
    draft.publish()
    assert Client().get(url)["Location"] == draft.get_absolute_url()
    if then == "taken down":
        draft.unpublish_at = draft.publish_at + datetime.timedelta(microseconds=1)
    else:
        draft.status = Article.Status.ARCHIVED if then == "archived" else Article.Status.DRAFT
    draft.save()
    _gone(url)


def test_a_link_to_a_scheduled_story_works_until_it_goes_live(monkeypatch):
    scheduled = ArticleFactory(title=TITLE, publish_at=timezone.now() + datetime.timedelta(hours=2))
    _, url = _shared(scheduled)
    assert Client().get(url).status_code == 200
    later = timezone.now() + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert Client().get(url).status_code == 302


def test_no_link_is_made_for_a_live_story(client):
    live = ArticleFactory(title="On the site")
    with pytest.raises(ValidationError):
        previews.make_link(live, make_editor(), 48)
    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_previewlink_add"), {"article": live.pk, "hours": 48}
    )
    assert response.status_code == 200
    assert "is on the site" in response.content.decode()
    assert not PreviewLink.objects.exists()


def test_a_writer_cannot_share_someone_elses_published_story(client):
    writer = make_writer()
    taken_down = ArticleFactory(
        created_by=make_writer(),
        publish_at=timezone.now() - datetime.timedelta(days=2),
        unpublish_at=timezone.now() - datetime.timedelta(days=1),
    )
    with pytest.raises(PermissionDenied):
        previews.make_link(ArticleFactory(), writer, 48)
    with pytest.raises(PermissionDenied):
        previews.make_link(taken_down, writer, 48)


# --- 2. Writers see and revoke only links to their own stories ----------------------


def test_a_writer_neither_sees_nor_revokes_links_to_others_published_stories(client):
    writer = make_writer()
    others = _draft(created_by=make_writer())
    link, _ = _shared(others)
    others.publish()
    own_link, _ = _shared(_draft(created_by=writer), by=writer)
    assert not previews.may_revoke(writer, link)
    assert previews.may_revoke(writer, own_link)
    client.force_login(writer)
    listing = client.get(reverse("admin:articles_previewlink_changelist")).content.decode()
    assert f"/{own_link.pk}/change/" in listing
    assert f"/{link.pk}/change/" not in listing
    change = client.get(reverse("admin:articles_previewlink_change", args=[link.pk]))
    assert change.status_code in (302, 404)
    made = client.get(reverse("admin:articles_previewlink_made", args=[link.pk]))
    assert made.status_code == 404


# --- 3. Comment pages of a story that is not live ----------------------------------


def test_the_comment_pages_of_a_draft_show_staff_no_forms_and_are_not_indexed(client):
    draft = _draft(comments_enabled=True)
    client.force_login(make_editor())
    block = draft.blocks()[0].id
    for url in (
        reverse("articles:comments", args=[draft.pk]),
        reverse("articles:passage", args=[draft.pk, block]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert 'method="post"' not in page and 'id="notify"' not in page, url
        assert "noindex" in response.get("X-Robots-Tag", ""), url


def test_a_comment_posted_to_a_draft_is_refused_with_its_text_kept(client):
    draft = _draft(comments_enabled=True)
    client.force_login(make_editor())
    response = post_comment(client, draft, body="My words, not to be lost.")
    assert 400 <= response.status_code < 500 and response.status_code != 404
    page = response.content.decode()
    assert "My words, not to be lost." in page
    assert "not published" in page
    assert not draft.comments.exists()


# --- 4, 5. Bad addresses -----------------------------------------------------------


def test_a_preview_address_with_a_huge_id_is_not_found():
    _, token = previews.make_link(_draft(), make_editor(), 48)
    assert Client().get(f"/preview/99999999999999999999999/?token={token}").status_code == 404


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999", "-1"])
def test_the_add_form_with_a_bad_article_is_not_a_server_error(client, value):
    client.force_login(make_editor())
    add = reverse("admin:articles_previewlink_add")
    assert client.get(add, {"article": value}).status_code in (200, 404)
    assert client.post(add, {"article": value, "hours": 48}).status_code in (200, 404)


# --- 6. A link of someone who left -------------------------------------------------


@pytest.mark.parametrize("change", ["inactive", "not staff", "taken off the story"])
def test_a_link_stops_when_its_maker_may_no_longer_share_the_story(change):
    writer = make_writer()
    draft = _draft(created_by=writer)
    _, url = _shared(draft, by=writer)
    assert Client().get(url).status_code == 200
    if change == "inactive":
        writer.is_active = False
    elif change == "not staff":
        writer.is_staff = False
    else:
        Article.objects.filter(pk=draft.pk).update(created_by=make_writer())
    writer.save()
    _gone(url)


# --- 7. HEAD is not an opening -----------------------------------------------------


def test_a_head_request_does_not_count_as_an_opening():
    link, url = _shared(_draft())
    assert Client().head(url).status_code == 200
    link.refresh_from_db()
    assert link.times_opened == 0 and link.last_opened_at is None


# --- 9. Revoke from the link's own page --------------------------------------------


def test_a_links_page_has_a_revoke_button_that_keeps_the_record(client):
    writer = make_writer()
    link, url = _shared(_draft(created_by=writer), by=writer)
    client.force_login(writer)
    change = reverse("admin:articles_previewlink_change", args=[link.pk])
    page = client.get(change).content.decode()
    revoke = reverse("admin:articles_previewlink_revoke", args=[link.pk])
    assert re.search(rf'<form method="post" action="{revoke}">', page)
    assert client.get(revoke).status_code == 405
    response = client.post(revoke, follow=True)
    assert "is revoked" in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_by == writer
    _gone(url)
    assert "Revoke</button>" not in client.get(change).content.decode()


def test_the_revoke_action_stops_a_link(client):
    editor = make_editor()
    link, token = previews.make_link(_draft(), editor, 48)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_previewlink_changelist"),
        {"action": "revoke_selected", "_selected_action": [link.pk]},
        follow=True,
    )
    assert "1 preview link revoked" in response.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == editor
    assert Client().get(_url(link.article, token)).status_code == 410


def test_the_revoke_button_checks_the_csrf_token():
    writer = make_writer()
    link, _ = _shared(_draft(created_by=writer), by=writer)
    client = Client(enforce_csrf_checks=True)
    client.force_login(writer)
    response = client.post(reverse("admin:articles_previewlink_revoke", args=[link.pk]))
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


# --- 10. The address is neither kept nor logged ------------------------------------


def test_the_link_is_shown_on_the_answer_to_the_form_and_never_stored(client):
    draft = _draft()
    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_previewlink_add"), {"article": draft.pk, "hours": 48}
    )
    assert response.status_code == 200
    page = response.content.decode()
    found = re.search(r'value="http[^"]+token=([^"&]+)"', page)
    assert found and "it is shown only now" in page
    token = found.group(1)
    assert Client().get(_url(draft, token)).status_code == 200
    assert token not in repr(dict(client.session.items()))
    assert response.get("Cache-Control", "").find("no-store") >= 0


def test_the_dev_servers_log_shortens_tokens(caplog):
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        "",
        0,
        '"%s" %s %s',
        ("GET /preview/1/?token=abcdefghijkl&x=1 HTTP/1.1", "200", "5"),
        None,
    )
    assert ShortenTokens().filter(record)
    assert record.getMessage() == '"GET /preview/1/?token=abcdef…&x=1 HTTP/1.1" 200 5'


def test_the_dev_server_logger_is_filtered_and_keeps_djangos_format():
    from django.conf import settings

    server = settings.LOGGING["loggers"]["django.server"]
    assert server["handlers"] == ["django.server"] and server["propagate"] is False
    assert any(isinstance(f, ShortenTokens) for f in logging.getLogger("django.server").filters)
    handler = logging.getLogger("django.server").handlers[0]
    assert type(handler.formatter).__name__ == "ServerFormatter"


# --- Times in the newsroom's zone --------------------------------------------------


def test_link_times_are_shown_in_the_newsrooms_zone(client):
    editor = make_editor()
    link, _ = _shared(_draft(), by=editor)
    client.force_login(editor)
    shown = newsroom_time.when(link.expires_at)
    listing = client.get(reverse("admin:articles_previewlink_changelist")).content.decode()
    assert shown in listing
    change = client.get(reverse("admin:articles_previewlink_change", args=[link.pk]))
    assert shown in change.content.decode()
    made = client.get(reverse("admin:articles_previewlink_made", args=[link.pk]))
    assert shown in made.content.decode()


def test_the_banner_of_a_scheduled_story_says_when_in_the_newsrooms_zone(client, settings):
    settings.TIME_ZONE = "Europe/Minsk"
    when = timezone.now() + datetime.timedelta(days=2)
    story = ArticleFactory(status=Article.Status.PUBLISHED, publish_at=when)
    client.force_login(make_editor())
    page = client.get(story.get_preview_url()).content.decode()
    assert "(Europe/Minsk)" in page.split("Preview: not published")[1].split("</p>")[0]
