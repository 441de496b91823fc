"""Who may open which admin page and which public endpoint changes anything.

The matrix is the README's roles: editors run the newsroom (articles, comments,
submissions, subscriptions, settings), writers only write articles; readers and
anonymous visitors never reach the admin; only superusers manage accounts.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from .factories import UserFactory, make_editor, make_writer

pytestmark = pytest.mark.django_db

NEWSROOM = [
    "articles_article", "articles_category", "articles_author", "articles_agency",
    "articles_comment", "articles_blockedemail", "articles_articlerating",
    "articles_submission", "articles_pack", "articles_subscription", "articles_outgoingmail",
    "articles_articleredirect", "articles_sitesettings", "taggit_tag",
]  # fmt: skip
WRITER_CAN_SEE = {
    "articles_article",
    "articles_category",
    "articles_author",
    "articles_agency",
    "taggit_tag",
}
ACCOUNTS = ["auth_user", "auth_group"]


def _people():
    return {
        "anonymous": None,
        "reader": UserFactory(),
        "writer": make_writer(),
        "editor": make_editor(),
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }


def _may_open(role, page):
    if role == "superuser":
        return True
    if role == "editor":
        return page in NEWSROOM
    if role == "writer":
        return page in WRITER_CAN_SEE
    return False


def test_admin_pages_match_the_documented_roles(client):
    mismatches = []
    for role, user in _people().items():
        client.logout()
        if user:
            client.force_login(user)
        for page in NEWSROOM + ACCOUNTS:
            response = client.get(reverse(f"admin:{page}_changelist"))
            allowed = response.status_code == 200
            if role in ("anonymous", "reader"):
                allowed = response.status_code != 302 or "/login/" not in response["Location"]
            if allowed != _may_open(role, page):
                mismatches.append((role, page, response.status_code))
    assert not mismatches


def test_only_editors_and_superusers_may_add_to_the_editors_group(client):
    editors = Group.objects.get(name="Editors")
    client.force_login(make_editor())
    response = client.get(reverse("admin:auth_group_change", args=[editors.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize(
    "name,args",
    [
        ("rate", ["seed"]),
        ("comment-post", ["seed"]),
        ("subscribe", ["seed"]),
        ("comment-vote", [1]),
    ],
)
def test_no_get_changes_anything(client, seed_article, name, args):
    from articles.models import ArticleRating, Comment, Subscription

    url = reverse(f"articles:{name}", args=[seed_article.pk if a == "seed" else a for a in args])
    before = (ArticleRating.objects.count(), Comment.objects.count(), Subscription.objects.count())
    response = client.get(url, {"score": 5, "body": "x", "value": 1, "notify-email": "a@b.co"})
    assert response.status_code in (200, 302, 404, 405)  # a page with a form, at most
    after = (ArticleRating.objects.count(), Comment.objects.count(), Subscription.objects.count())
    assert after == before


def test_every_admin_page_opens_for_a_superuser(client, seed_article):
    """Every list, add and change page of every registered model renders (no 500)."""
    from django.contrib import admin

    from .factories import CommentFactory, SubmissionFactory

    CommentFactory(article=seed_article)
    SubmissionFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    failures = []
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        # Where adding is not allowed (e.g. a second site-settings row) the answer is 403.
        urls = [reverse(f"admin:{info[0]}_{info[1]}_{page}") for page in ("changelist", "add")]
        if obj := model._default_manager.first():
            urls.append(reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk]))
        for url in urls:
            status = client.get(url).status_code
            if status not in (200, 403):
                failures.append((url, status))
    assert not failures
