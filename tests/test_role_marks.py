"""A commenter's mark ("staff", "author") follows their account: a role given or taken
in the users admin shows on every kept page with their comments at once."""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from articles import roles

from .factories import CommentFactory, UserFactory, give_totp_device

pytestmark = pytest.mark.django_db


def marks_on(article):
    """The marks by the comments' names on the page a stranger gets."""
    response = Client().get(article.get_absolute_url())
    assert response.status_code == 200
    return re.findall(r'<span class="comment__role"[^>]*>(\w+)</span>', response.content.decode())


def change_account(client, user, **fields):
    """Save `user`'s account through the users admin, as a superuser would."""
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        **fields,
    }
    response = client.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.fixture
def superuser_client(client):
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    give_totp_device(admin)
    client.force_login(admin)
    return client


def test_a_commenter_made_an_editor_shows_as_staff_on_kept_pages(superuser_client, seed_article):
    reader = UserFactory(username="rita")
    CommentFactory(article=seed_article, user=reader)
    assert marks_on(seed_article) == []
    assert marks_on(seed_article) == []  # kept now: the page, its parts, the comment

    editors = Group.objects.get(name=roles.EDITORS)
    change_account(superuser_client, reader, is_staff="on", groups=[editors.pk])

    assert marks_on(seed_article) == ["staff"]


def test_an_editor_whose_role_is_taken_shows_as_a_guest(superuser_client, seed_article):
    editor = UserFactory(username="ed", is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.EDITORS))
    CommentFactory(article=seed_article, user=editor)
    assert marks_on(seed_article) == ["staff"]
    assert marks_on(seed_article) == ["staff"]

    change_account(superuser_client, editor)

    assert marks_on(seed_article) == []


def test_a_deleted_editors_comments_show_no_mark(superuser_client, seed_article):
    editor = UserFactory(username="ed", is_staff=True)
    CommentFactory(article=seed_article, user=editor)
    assert marks_on(seed_article) == ["staff"]
    assert marks_on(seed_article) == ["staff"]

    url = reverse("admin:auth_user_delete", args=[editor.pk])
    assert superuser_client.post(url, {"post": "yes"}).status_code == 302

    assert marks_on(seed_article) == []
