"""Who may open which admin page and which public endpoint changes anything.

The matrix is the README's roles: editors run the newsroom (articles, comments,
submissions, subscriptions, settings), writers only write articles; readers and
anonymous visitors never reach the admin; only superusers manage accounts.
"""

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse

from .factories import UserFactory, make_editor, make_writer
from .helpers import sign_in_as

pytestmark = pytest.mark.django_db

NEWSROOM = [
    "articles_article", "articles_category", "articles_author", "articles_agency",
    "articles_comment", "articles_blockedemail", "articles_articlerating",
    "articles_submission", "articles_pack", "articles_subscription", "articles_outgoingmail",
    "articles_articleredirect", "articles_sitesettings", "articles_mediaimage", "taggit_tag",
    "articles_previewlink",
]  # fmt: skip
WRITER_CAN_SEE = {
    "articles_article",
    "articles_previewlink",
    "articles_mediaimage",
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


# --- Every mutating endpoint, for every role ---------------------------------------------

# What writers may change (README: they write and edit their own drafts, add tags).
WRITER_MAY = {
    ("articles_article", "add"),
    ("articles_mediaimage", "add"),
    ("articles_previewlink", "add"),
    ("taggit_tag", "add"),
}


def _all_people(client_factory):
    """The roles above plus a contributor: someone who sent a story, without an account."""
    from .factories import SubmissionFactory

    people = {role: client_factory() for role in ("anonymous", "contributor")}
    for role, user in _people().items():
        if user is not None:
            people[role] = client_factory()
            people[role].force_login(user)
    submission = SubmissionFactory(email="ada@example.com")
    session = people["contributor"].session
    session["submission_token"] = submission.token
    session.save()
    return people, submission


def _denied(response):
    return response.status_code == 403 or (
        response.status_code == 302 and "/login/" in response["Location"]
    )


def _may_mutate(role, page, operation):
    if role == "superuser":
        return True
    if role == "editor":
        return page in NEWSROOM
    if role == "writer":
        return (page, operation) in WRITER_MAY
    return False


def test_admin_add_change_delete_and_actions_match_the_documented_roles(seed_article):
    """POSTs to every add, change and delete page and every action of every model.

    Nothing is deleted: a delete or bulk action POSTed without its confirmation only
    shows the confirmation page to someone allowed; the others are refused before.
    """
    from django.contrib import admin
    from django.test import Client

    from .factories import CommentFactory

    CommentFactory(article=seed_article)
    people, _ = _all_people(Client)
    superuser = people["superuser"]
    mismatches = []
    for model, model_admin in admin.site._registry.items():
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        obj = model._default_manager.first()
        targets = [("add", reverse(f"admin:{info}_add"), {})]
        if obj is not None:
            targets.append(("change", reverse(f"admin:{info}_change", args=[obj.pk]), {}))
            targets.append(("delete", reverse(f"admin:{info}_delete", args=[obj.pk]), {}))
            request = superuser.get(reverse(f"admin:{info}_changelist")).wsgi_request
            for action in model_admin.get_actions(request):
                data = {"action": action, "_selected_action": [obj.pk], "index": 0}
                targets.append((f"action:{action}", reverse(f"admin:{info}_changelist"), data))
        for operation, url, data in targets:
            if _denied(superuser.post(url, data)):
                continue  # nobody may, e.g. adding a second site-settings row
            for role, client in people.items():
                if role == "superuser":
                    continue
                if role == "writer" and info == "articles_article" and operation == "change":
                    continue  # only their own drafts: tests/test_admin_roles.py
                op = operation.split(":")[0]
                expected = _may_mutate(role, info, op)
                response = client.post(url, data)
                allowed = not _denied(response)
                if op == "action" and allowed:
                    # An action someone may not run is not offered: the list comes back
                    # as it was ("No action selected."), nothing run, nothing to confirm.
                    notes = [str(m) for m in get_messages(response.wsgi_request)]
                    listed = "admin/change_list.html" in [t.name for t in response.templates]
                    allowed = not listed and not any("No action selected" in n for n in notes)
                if allowed != expected:
                    mismatches.append((role, info, operation, response.status_code))
    assert not mismatches


def test_a_contributor_reaches_their_status_page_and_nothing_in_the_admin(client, seed_article):
    from django.test import Client

    from .factories import SubmissionFactory

    people, submission = _all_people(Client)
    contributor = people["contributor"]
    other = SubmissionFactory(email="bob@example.com", title="Another story")
    assert contributor.get(submission.get_absolute_url()).status_code == 200
    thanks = contributor.get(reverse("articles:submit-done")).content.decode()
    assert submission.get_absolute_url() in thanks
    assert other.get_absolute_url() not in thanks
    for page in NEWSROOM + ACCOUNTS:
        assert _denied(contributor.get(reverse(f"admin:{page}_changelist"))), page


PUBLIC_POSTS = [
    ("rate", "article", {"score": 4}),
    ("comment-post", "article", {"name": "A", "email": "a@example.com", "body": "Hi"}),
    ("comment-vote", "comment", {"value": 1}),
    ("comment-edit", "comment", {"body": "Changed"}),
    ("comment-delete", "comment", {}),
    ("subscribe", "article", {"notify-email": "a@example.com", "notify-kind": "article"}),
    ("submit", None, {"title": "x"}),
]


@pytest.mark.parametrize("name,target,data", PUBLIC_POSTS, ids=[p[0] for p in PUBLIC_POSTS])
def test_public_posts_need_a_csrf_token_whoever_sends_them(seed_article, name, target, data):
    from django.test import Client

    from articles.models import Comment

    from .factories import CommentFactory

    comment = CommentFactory(article=seed_article)
    args = {"article": [seed_article.pk], "comment": [comment.pk], None: []}[target]
    url = reverse(f"articles:{name}", args=args)
    people, _ = _all_people(lambda: Client(enforce_csrf_checks=True))
    for role, client in people.items():
        before = Comment.objects.filter(pk=comment.pk).values_list("body", "status", "score")
        before = list(before)
        refused = client.post(url, data)
        assert refused.status_code == 403, role
        assert (
            list(Comment.objects.filter(pk=comment.pk).values_list("body", "status", "score"))
            == before
        )
        # With the token the same request reaches the view: whatever it answers, not 403
        # for CSRF (the comment edit and delete pages refuse other readers with their own 403).
        # (Shared pages set no CSRF cookie: the client holds one as a refused form's page
        # would give it.)
        client.get(seed_article.get_absolute_url())
        token = client.cookies.get("csrftoken")
        if token is None:
            client.cookies["csrftoken"] = token = "s3cret" * 5 + "ab"
        token = getattr(token, "value", token)
        accepted = client.post(url, {**data, "csrfmiddlewaretoken": token})
        if name in ("comment-edit", "comment-delete") and role not in ("editor", "superuser"):
            assert "no longer change this comment" in accepted.content.decode(), role
        else:
            assert accepted.status_code != 403, (role, accepted.status_code)


@pytest.mark.parametrize(
    ("person", "may_add"),
    [
        ("reader", False),
        ("contributor", False),
        ("on_story", False),
        ("other_writer", False),
        ("editor", True),
    ],
)
def test_only_editors_put_people_on_a_story(client, person, may_add):
    """Widening an embargo is the desk's call (articles/admin/story_people.py)."""
    from articles.models import Article, StoryMember

    from .factories import ArticleFactory, article_admin_data

    writer, colleague = make_writer(), make_writer()
    draft = ArticleFactory(status=Article.Status.DRAFT, publish_at=None, created_by=writer)
    sign_in_as(client, person, on_story=writer)
    data = article_admin_data(draft) | {
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-0-user": str(colleague.pk),
    }
    client.post(reverse("admin:articles_article_change", args=[draft.pk]), data)
    assert StoryMember.objects.filter(article=draft, user=colleague).exists() is may_add
