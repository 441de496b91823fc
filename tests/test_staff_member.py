"""Creating a staff member is one screen: account, role, byline, bio and avatar, and an
invitation through the outbox whose link sets the first password."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.contrib.auth.tokens import default_token_generator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles import roles
from articles.models import Author, OutgoingMail

from .factories import AuthorFactory, UserFactory, image_upload, make_editor, make_writer

pytestmark = pytest.mark.django_db
ADD = reverse("admin:auth_user_add")


def _staff_form(**overrides):
    return {
        "full_name": "Ann Lee",
        "email": "ann@example.com",
        "group": roles.WRITERS,
        "name": "",
        "bio": "Covers transport.",
    } | overrides


def _hiring_editor():
    """An editor who may add users (superusers may too)."""
    editor = make_editor()
    editor.user_permissions.add(Permission.objects.get(codename="add_user"))
    return editor


def test_one_screen_makes_the_account_the_role_and_the_byline(client):
    client.force_login(_hiring_editor())
    page = client.get(ADD).content.decode()
    for label in ("Name", "Email", "Role", "Byline", "Bio", "Avatar"):
        assert f">{label}" in page
    response = client.post(ADD, _staff_form(avatar=image_upload("ann.png", fmt="PNG")))
    assert response.status_code == 302, response.content.decode()[:3000]
    user = get_user_model().objects.get(email="ann@example.com")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert user.get_full_name() == "Ann Lee"
    assert list(user.groups.values_list("name", flat=True)) == [roles.WRITERS]
    author = user.author_profile
    assert (author.name, author.slug, author.bio) == ("Ann Lee", "ann-lee", "Covers transport.")
    assert author.avatar and author.avatar_width


def test_the_byline_may_differ_from_the_name_and_its_address_is_unique(client):
    AuthorFactory(name="A. Lee", slug="a-lee")
    client.force_login(_hiring_editor())
    client.post(ADD, _staff_form(name="A. Lee", group=roles.EDITORS))
    user = get_user_model().objects.get(email="ann@example.com")
    assert (user.author_profile.name, user.author_profile.slug) == ("A. Lee", "a-lee-2")
    assert roles.can_publish(user)


def test_the_invitation_sets_the_password_once(client):
    client.force_login(_hiring_editor())
    client.post(ADD, _staff_form())
    mail = OutgoingMail.objects.get(to="ann@example.com")
    assert "set your password" in mail.subject.lower()
    link = re.search(r"https?://\S+/admin/password/set/\S+/", mail.body).group(0)
    path = "/" + link.split("/", 3)[3]
    client.logout()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    done = client.post(
        set_url,
        {"new_password1": "a long new pass phrase", "new_password2": "a long new pass phrase"},
    )
    assert done.status_code == 302
    user = get_user_model().objects.get(email="ann@example.com")
    assert user.check_password("a long new pass phrase")
    # Used once: the link no longer sets anything.
    again = client.get(path, follow=True).content.decode()
    assert "new_password1" not in again
    assert "ask an editor to send you a new invitation" in again
    assert 'href="/admin/password/reset/">Ask for a new link</a>' in again


def test_the_invitation_says_how_long_its_link_works(client, settings):
    settings.PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
    client.force_login(_hiring_editor())
    client.post(ADD, _staff_form())
    mail = OutgoingMail.objects.get(to="ann@example.com")
    assert "The link works once, for 3 days." in mail.body


def test_a_taken_email_gives_the_form_back_as_typed(client):
    UserFactory(email="Ann@Example.com")
    client.force_login(_hiring_editor())
    response = client.post(ADD, _staff_form(bio="Typed bio"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Someone in the newsroom has this address already" in page
    assert 'value="Ann Lee"' in page and "Typed bio" in page
    assert not Author.objects.filter(name="Ann Lee").exists()


def test_a_bad_avatar_gives_the_form_back_as_typed(client):
    client.force_login(_hiring_editor())
    fake = SimpleUploadedFile("ann.jpg", b"<?php not an image", content_type="image/jpeg")
    response = client.post(ADD, _staff_form(avatar=fake))
    assert response.status_code == 400
    assert 'value="ann@example.com"' in response.content.decode()
    assert not get_user_model().objects.filter(email="ann@example.com").exists()
    assert not OutgoingMail.objects.exists()


@pytest.mark.parametrize("who", ["writer", "editor"])
def test_only_those_who_may_add_users_use_it(client, who):
    client.force_login(make_writer() if who == "writer" else make_editor())
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, _staff_form()).status_code == 403
    assert not get_user_model().objects.filter(email="ann@example.com").exists()


def test_a_superuser_uses_it_from_the_users_list(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert f'href="{ADD}"' in page
    assert "<h1>Add a staff member</h1>" in client.get(ADD).content.decode()


def test_an_editor_sends_a_new_invitation_to_someone_who_has_not_set_a_password(
    client, monkeypatch
):
    hiring = _hiring_editor()
    hiring.user_permissions.add(Permission.objects.get(codename="change_user"))
    client.force_login(hiring)
    client.post(ADD, _staff_form())
    later = datetime.datetime.now() + datetime.timedelta(minutes=5)  # a new link, not a click
    monkeypatch.setattr(default_token_generator, "_now", lambda: later)
    monkeypatch.setattr(timezone, "now", lambda: timezone.make_aware(later))
    ann = get_user_model().objects.get(email="ann@example.com")
    client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "send_new_invitation", "_selected_action": [ann.pk, hiring.pk]},
    )
    invitations = OutgoingMail.objects.filter(to="ann@example.com")
    assert invitations.count() == 2
    assert not OutgoingMail.objects.filter(to=hiring.email).exists()  # has a password
