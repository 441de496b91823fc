"""Preview links to share (issue 19): a draft shown to someone outside the newsroom by a
signed link that expires and can be revoked; previews show no reader forms."""

import datetime
import logging
import re
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import previews, roles
from articles.models import Article, PreviewLink

from .factories import ArticleFactory, make_editor, make_writer

pytestmark = pytest.mark.django_db

BANNER = "Preview: not published"
# What only the reader forms put on an article page (the site's search form is a GET).
FORM_MARKS = (
    'method="post"',
    "Article Rating",
    'id="notify"',
    "comment-form",
    "Comment on this",
)


def _draft(**fields):
    return ArticleFactory(status=Article.Status.DRAFT, title="The embargoed story", **fields)


def _link_url(article, token):
    return f"{reverse('articles:preview', args=[article.pk])}?token={token}"


def _shared(article, hours=48):
    """A link an editor made for `article`, and its address."""
    link, token = previews.make_link(article, make_editor(), hours)
    return link, _link_url(article, token)


def _expire(link):
    """Move the link's time into the past, as if its hour had passed."""
    now = timezone.now()
    PreviewLink.objects.filter(pk=link.pk).update(
        created_at=now - datetime.timedelta(hours=2), expires_at=now - datetime.timedelta(seconds=1)
    )


def _assert_no_reader_forms(page):
    for mark in FORM_MARKS:
        assert mark not in page, mark


# --- Strangers with a link -----------------------------------------------------------


def test_a_stranger_with_a_valid_link_sees_the_draft():
    draft = _draft()
    _, url = _shared(draft)
    response = Client().get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The embargoed story" in page
    assert BANNER in page
    assert '<meta name="robots" content="noindex">' in page
    _assert_no_reader_forms(page)


def test_a_link_preview_sends_no_referrer_and_may_not_be_stored():
    _, url = _shared(_draft())
    response = Client().get(url)
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private, no-store"
    assert "noindex" in response["X-Robots-Tag"]


def test_a_rough_draft_without_a_section_can_be_shared():
    rough = _draft(category=None, author=None, publish_at=None)
    _, url = _shared(rough)
    assert Client().get(url).status_code == 200


def test_an_expired_link_shows_nothing_of_the_article():
    draft = _draft()
    link, url = _shared(draft, hours=1)
    _expire(link)
    response = Client().get(url)
    assert response.status_code == 410
    page = response.content.decode()
    assert "no longer works" in page
    assert "The embargoed story" not in page


def test_a_link_stops_working_when_its_time_is_up(monkeypatch):
    draft = _draft()
    _, url = _shared(draft, hours=1)
    assert Client().get(url).status_code == 200
    later = timezone.now() + datetime.timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert Client().get(url).status_code == 410


def test_a_revoked_link_shows_nothing_of_the_article():
    draft = _draft()
    link, url = _shared(draft)
    assert Client().get(url).status_code == 200
    previews.revoke(link, make_editor())
    response = Client().get(url)
    assert response.status_code == 410
    assert "The embargoed story" not in response.content.decode()
    link.refresh_from_db()
    assert link.state == "revoked"


def test_a_token_for_another_article_is_not_found():
    draft, other = _draft(), _draft()
    _, token = previews.make_link(draft, make_editor(), 48)
    response = Client().get(_link_url(other, token))
    assert response.status_code == 404
    assert "The embargoed story" not in response.content.decode()


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "x" * 5000, "%00", "' OR 1=1 --"],
    ids=["empty", "word", "long", "nul", "sql"],
)
def test_garbage_tokens_are_not_found(token):
    draft = _draft()
    _shared(draft)
    response = Client().get(reverse("articles:preview", args=[draft.pk]), {"token": token})
    assert response.status_code == 404
    assert "The embargoed story" not in response.content.decode()


def test_a_link_to_an_article_since_published_leads_to_its_page_without_the_token():
    draft = _draft()
    _, url = _shared(draft)
    draft.publish()
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert "token" not in response["Location"]


def test_opening_a_link_records_when_and_how_often():
    link, url = _shared(_draft())
    assert link.last_opened_at is None and link.times_opened == 0
    Client().get(url)
    Client().get(url)
    link.refresh_from_db()
    assert link.times_opened == 2
    assert timezone.now() - link.last_opened_at < datetime.timedelta(minutes=1)


def test_a_failed_opening_records_nothing():
    draft, other = _draft(), _draft()
    link, token = previews.make_link(draft, make_editor(), 48)
    Client().get(_link_url(other, token))
    link.refresh_from_db()
    assert link.times_opened == 0 and link.last_opened_at is None


def test_opening_a_link_costs_one_update(django_assert_max_num_queries):
    _, url = _shared(_draft())
    # 12, and the maker's permissions (2) and whether the story is theirs (1).
    with django_assert_max_num_queries(15) as captured:
        assert Client().get(url).status_code == 200
    updates = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 1 and "preview" in updates[0]


def test_tokens_are_never_logged(caplog):
    draft = _draft()
    link, token = previews.make_link(draft, make_editor(), 48)
    with caplog.at_level(logging.DEBUG):
        Client().get(_link_url(draft, token))
        Client().get(_link_url(_draft(), token))
        previews.revoke(link, make_editor())
        Client().get(_link_url(draft, token))
    assert caplog.records  # the 404 and 410 were logged, without the token
    assert all(token[:16] not in record.getMessage() for record in caplog.records)


def test_only_a_hash_of_the_token_is_stored():
    link, token = previews.make_link(_draft(), make_editor(), 48)
    stored = PreviewLink.objects.filter(pk=link.pk).values()[0]
    assert token not in repr(stored)


# --- The page cache ------------------------------------------------------------------


def test_the_page_cache_never_keeps_a_link_preview():
    link, url = _shared(_draft())
    first, second = Client().get(url), Client().get(url)
    assert first.status_code == second.status_code == 200
    assert "X-Page-Cache" not in second
    previews.revoke(link, make_editor())
    assert Client().get(url).status_code == 410


# --- Staff previews ------------------------------------------------------------------


@pytest.mark.parametrize("address", ["article", "by id"])
def test_staff_previews_show_no_reader_forms(client, address):
    draft = _draft(comments_enabled=True, rating_enabled=True)
    client.force_login(make_editor())
    url = draft.get_absolute_url() if address == "article" else draft.get_preview_url()
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert BANNER in page
    assert '<meta name="robots" content="noindex">' in page
    _assert_no_reader_forms(page)


def test_a_story_taken_down_by_its_unpublish_time_previews_as_taken_down(client):
    now = timezone.now()
    gone = ArticleFactory(
        status=Article.Status.PUBLISHED,
        publish_at=now - datetime.timedelta(days=2),
        unpublish_at=now - datetime.timedelta(hours=1),
    )
    client.force_login(make_editor())
    page = client.get(gone.get_preview_url()).content.decode()
    assert "Readers cannot see this article: it is taken down." in page


def test_the_change_form_of_a_draft_offers_to_share_a_preview_link(client, seed_article):
    draft = _draft()
    client.force_login(make_editor())
    page = client.get(reverse("admin:articles_article_change", args=[draft.pk])).content.decode()
    share = f"{reverse('admin:articles_previewlink_add')}?article={draft.pk}"
    assert f'<a href="{share}">Share a preview link</a>' in page
    published = reverse("admin:articles_article_change", args=[seed_article.pk])
    assert "Share a preview link" not in client.get(published).content.decode()


def test_an_opened_passage_shows_no_form_on_a_staff_preview(client):
    draft = _draft()
    client.force_login(make_editor())
    block_id = draft.blocks()[0].id
    page = client.get(draft.get_absolute_url(), {"passage": block_id}).content.decode()
    _assert_no_reader_forms(page)


def test_published_articles_keep_their_reader_forms(client, seed_article):
    page = client.get(seed_article.get_absolute_url()).content.decode()
    assert BANNER not in page
    assert "Article Rating" in page and 'id="notify"' in page and "comment-form" in page


# --- Who may make links --------------------------------------------------------------


def test_durations_are_bounded():
    draft, editor = _draft(), make_editor()
    for hours in (0, -1, previews.MAX_HOURS + 1):
        with pytest.raises(ValidationError):
            previews.make_link(draft, editor, hours)
    link, _ = previews.make_link(draft, editor, previews.MAX_HOURS)
    assert link.expires_at - link.created_at == datetime.timedelta(hours=previews.MAX_HOURS)


def test_a_link_lasts_48_hours_unless_chosen_otherwise(client):
    draft = _draft()
    client.force_login(make_editor())
    form = client.get(reverse("admin:articles_previewlink_add"), {"article": draft.pk})
    assert re.search(r'<option value="48" selected>', form.content.decode())


def test_a_writer_cannot_make_a_link_for_an_article_they_cannot_see(client):
    others = _draft(created_by=make_writer())
    writer = make_writer()
    with pytest.raises(PermissionDenied):
        previews.make_link(others, writer, 48)
    client.force_login(writer)
    add = reverse("admin:articles_previewlink_add")
    assert client.get(add, {"article": others.pk}).status_code == 404
    response = client.post(add, {"article": others.pk, "hours": 48})
    assert response.status_code in (403, 404)
    assert not PreviewLink.objects.exists()


def test_a_writer_makes_a_link_for_their_own_draft_and_sees_only_links_to_what_they_may_see(
    client,
):
    writer = make_writer()
    own = _draft(created_by=writer)
    hidden_link, _ = previews.make_link(_draft(created_by=make_writer()), make_editor(), 48)
    client.force_login(writer)
    response = client.post(
        reverse("admin:articles_previewlink_add"), {"article": own.pk, "hours": 24}
    )
    assert response.status_code == 200 and "it is shown only now" in response.content.decode()
    link = PreviewLink.objects.get(article=own)
    assert link.created_by == writer
    listing = client.get(reverse("admin:articles_previewlink_changelist")).content.decode()
    assert f"/{link.pk}/change/" in listing
    assert f"/{hidden_link.pk}/change/" not in listing
    change = reverse("admin:articles_previewlink_change", args=[hidden_link.pk])
    assert client.get(change).status_code in (302, 404)


def test_contributors_and_readers_cannot_make_links(client):
    from .factories import UserFactory

    client.force_login(UserFactory(is_staff=False))
    response = client.get(reverse("admin:articles_previewlink_add"))
    assert response.status_code == 302  # to the sign-in page
    with pytest.raises(PermissionDenied):
        previews.make_link(_draft(), UserFactory(), 48)


def test_both_newsroom_groups_may_share_previews_and_only_editors_delete_links():
    editors = Group.objects.get(name=roles.EDITORS).permissions
    writers = Group.objects.get(name=roles.WRITERS).permissions
    assert editors.filter(codename="add_previewlink").exists()
    assert editors.filter(codename="delete_previewlink").exists()
    assert writers.filter(codename="add_previewlink").exists()
    assert not writers.filter(codename="delete_previewlink").exists()


# --- The admin -----------------------------------------------------------------------


def _made_page_link(response):
    """The made page is the answer to the form: the address is never stored to come back."""
    assert response.status_code == 200, response.content.decode()[:2000]
    page = response.content.decode()
    found = re.search(r'value="(http[^"]+token=[^"]+)"', page)
    return page, found.group(1).replace("&amp;", "&") if found else None


def test_an_editor_makes_a_link_in_the_admin_and_sees_it_once(client, settings):
    settings.MAGAZINE_SITE_URL = "https://magazine.example"
    draft = _draft()
    client.force_login(make_editor())
    add = reverse("admin:articles_previewlink_add")
    form = client.get(add, {"article": draft.pk}).content.decode()
    assert f'value="{draft.pk}" selected' in form
    response = client.post(add, {"article": draft.pk, "hours": 168})
    page, url = _made_page_link(response)
    assert url is not None and url.startswith("https://magazine.example/preview/")
    assert "it is shown only now" in page
    link = PreviewLink.objects.get()
    assert link.expires_at - link.created_at == datetime.timedelta(days=7)
    parts = urlsplit(url)
    assert Client().get(f"{parts.path}?{parts.query}").status_code == 200
    made = reverse("admin:articles_previewlink_made", args=[link.pk])
    again = client.get(made).content.decode()
    assert parts.query not in again and "make a new link" in again
    change = client.get(reverse("admin:articles_previewlink_change", args=[link.pk]))
    assert parts.query not in change.content.decode()


def test_a_duration_out_of_bounds_is_refused_with_the_choice_kept(client):
    draft = _draft()
    client.force_login(make_editor())
    response = client.post(
        reverse("admin:articles_previewlink_add"), {"article": draft.pk, "hours": 100000}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert f'value="{draft.pk}" selected' in response.content.decode()
    assert not PreviewLink.objects.exists()


def test_the_admin_lists_links_with_who_made_them_and_their_state(client):
    editor = make_editor(username="erin")
    active, _ = previews.make_link(_draft(), editor, 48)
    revoked, _ = previews.make_link(_draft(), editor, 48)
    previews.revoke(revoked, editor)
    expired, _ = previews.make_link(_draft(), editor, 1)
    _expire(expired)
    client.force_login(editor)
    listing = client.get(reverse("admin:articles_previewlink_changelist")).content.decode()
    assert "erin" in listing and "The embargoed story" in listing
    for state in ("Active", "Expired", "Revoked"):
        assert f'<td class="field-state_label">{state}</td>' in listing
    only_active = client.get(
        reverse("admin:articles_previewlink_changelist"), {"state": "active"}
    ).content.decode()
    assert f"/{active.pk}/change/" in only_active
    assert f"/{revoked.pk}/change/" not in only_active
