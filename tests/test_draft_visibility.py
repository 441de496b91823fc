"""Who sees an unpublished article: the people on it (the writer who wrote it, a writer
added to it) and the editors, nobody else.

The matrix asks every public route and the admin's article pages about one draft, for
each kind of person: the draft's title and body show only where they may see it.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from articles import revisions
from articles.models import Article, StoryMember

from .factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    make_editor,
    make_writer,
    started_token,
)
from .helpers import as_contributor

pytestmark = pytest.mark.django_db

TITLE = "Zanzibar ledger leak"
BODY = "Nobody outside the desk has read this sentence."
NEIGHBOUR = "Zanzibar harbour reopens"  # published, in the same section, tag and byline
# "on_story": a writer added to the story (`StoryMember`), neither its byline nor its creator.
PEOPLE = ("reader", "contributor", "author", "on_story", "other_writer", "editor")
MAY_SEE = {"author", "on_story", "editor"}


@dataclass
class Newsroom:
    draft: Article
    neighbour: Article
    clients: dict


@pytest.fixture
def newsroom():
    writer, editor = make_writer(), make_editor()
    byline = AuthorFactory(user=writer)
    draft = ArticleFactory(
        title=TITLE,
        body=f"<p>{BODY}</p><p>A second paragraph.</p>",
        status=Article.Status.DRAFT,
        publish_at=None,
        author=byline,
        created_by=writer,
        tags=["ledgers"],
    )
    neighbour = ArticleFactory(
        title=NEIGHBOUR, category=draft.category, author=byline, tags=["ledgers"]
    )
    # Comments from when it was last on the site: a draft may have been published before.
    CommentFactory(article=draft, body=f"About {TITLE}.")
    member = make_writer()
    StoryMember.objects.create(article=draft, user=member, added_by=editor)
    clients = {person: Client() for person in PEOPLE}
    staff = {"author": writer, "on_story": member, "other_writer": make_writer(), "editor": editor}
    for person, user in staff.items():
        clients[person].force_login(user)
    as_contributor(clients["contributor"])
    return Newsroom(draft, neighbour, clients)


def _view_on_site(article):
    content_type = ContentType.objects.get_for_model(Article)
    return reverse("admin:view_on_site", args=[content_type.pk, article.pk])


def _comment(draft):
    return draft.comments.get().pk


def _post_data():
    return {
        "score": "5",
        "name": "Ada",
        "email": "ada@example.com",
        "body": "A fine piece.",
        "started": started_token(),
        "notify-kind": "article",
        "notify-email": "ada@example.com",
        "notify-started": started_token(),
        "value": "1",
    }


# (name, what it is, method, url). What it is says what the person gets:
# "page"     the draft's own page: 200 with the draft for those who may see it, else 404;
# "listing"  a list of articles: 200 with the neighbour, never with the draft;
# "write"    a reader's action on the draft: 404 for everyone (drafts take no votes);
# "write-refused" as "write", but those who may see the draft get it back refused (403),
#            with what they typed kept;
# "change"   a comment's edit page: 404 for those who may not see the draft;
# "admin"    an admin page about the draft: 200 with it, else no page (redirect or 403);
# "admin-redirect" "View on site": to the draft's address only for those who may see it;
# "admin-listing" an admin list: the draft is in it only for those who may see it;
# "admin-endpoint" an admin endpoint about the draft (autosave, heartbeat, a review step):
#            it answers those who may see it, the others get no answer about it.
ROUTES = [
    ("article page", "page", "get", lambda d: d.get_absolute_url()),
    ("preview by id", "page", "get", lambda d: reverse("articles:preview", args=[d.pk])),
    ("view all comments", "page", "get", lambda d: reverse("articles:comments", args=[d.pk])),
    (
        "passage",
        "page",
        "get",
        lambda d: reverse("articles:passage", args=[d.pk, d.blocks()[0].id]),
    ),
    (
        "passage panel with a quote",
        "page",
        "get-fragment",
        lambda d: reverse("articles:passage", args=[d.pk, d.blocks()[0].id]) + "?quote=Nobody",
    ),
    ("home", "listing", "get", lambda d: reverse("articles:home")),
    ("section", "listing", "get", lambda d: d.category.get_absolute_url()),
    ("tag", "listing", "get", lambda d: reverse("articles:tag", args=["ledgers"])),
    ("author", "listing", "get", lambda d: reverse("articles:author", args=[d.author.slug])),
    ("search", "listing", "get", lambda d: reverse("articles:search") + "?q=Zanzibar"),
    ("feed", "listing", "get", lambda d: reverse("articles:feed")),
    ("atom feed", "listing", "get", lambda d: reverse("articles:feed-atom")),
    (
        "section feed",
        "listing",
        "get",
        lambda d: reverse("articles:section-feed", args=[d.category.path]),
    ),
    ("tag feed", "listing", "get", lambda d: reverse("articles:tag-feed", args=["ledgers"])),
    (
        "author feed",
        "listing",
        "get",
        lambda d: reverse("articles:author-feed", args=[d.author.slug]),
    ),
    ("sitemap", "listing", "get", lambda d: reverse("articles:sitemap")),
    ("comments feed", "write", "get", lambda d: reverse("articles:comments-feed", args=[d.pk])),
    ("rate", "write", "post", lambda d: reverse("articles:rate", args=[d.pk])),
    (
        "post a comment",
        "write-refused",
        "post",
        lambda d: reverse("articles:comment-post", args=[d.pk]),
    ),
    ("notify form", "write", "get", lambda d: reverse("articles:subscribe", args=[d.pk])),
    ("notify", "write", "post", lambda d: reverse("articles:subscribe", args=[d.pk])),
    (
        "reply to a comment",
        "write",
        "get",
        lambda d: reverse("articles:comment-reply", args=[_comment(d)]),
    ),
    (
        "vote on a comment",
        "write",
        "post",
        lambda d: reverse("articles:comment-vote", args=[_comment(d)]),
    ),
    (
        "edit a comment",
        "change",
        "get",
        lambda d: reverse("articles:comment-edit", args=[_comment(d)]),
    ),
    (
        "delete a comment",
        "change",
        "get",
        lambda d: reverse("articles:comment-delete", args=[_comment(d)]),
    ),
    (
        "admin change page",
        "admin",
        "get",
        lambda d: reverse("admin:articles_article_change", args=[d.pk]),
    ),
    (
        "admin history",
        "admin",
        "get",
        lambda d: reverse("admin:articles_article_history", args=[d.pk]),
    ),
    (
        "admin compare",
        "admin",
        "get",
        lambda d: (
            reverse("admin:articles_article_compare", args=[d.pk])
            + f"?a={revisions.ensure_version(d)}"
        ),
    ),
    (
        "admin autosave",
        "admin-endpoint",
        "post",
        lambda d: reverse("admin:articles_article_autosave", args=[d.pk]),
    ),
    (
        "admin heartbeat",
        "admin-endpoint",
        "post",
        lambda d: reverse("admin:articles_article_presence", args=[d.pk]),
    ),
    (
        "admin submit for review",
        "admin-endpoint",
        "post",
        lambda d: reverse("admin:articles_article_submit_for_review", args=[d.pk]),
    ),
    (
        "admin restore",
        "admin-endpoint",
        "post",
        lambda d: reverse(
            "admin:articles_article_restore", args=[d.pk, revisions.ensure_version(d)]
        ),
    ),
    (
        "admin preview link form",
        "admin",
        "get",
        lambda d: reverse("admin:articles_previewlink_add") + f"?article={d.pk}",
    ),
    ("admin view on site", "admin-redirect", "get", lambda d: _view_on_site(d)),
    (
        "admin list",
        "admin-listing",
        "get",
        lambda d: reverse("admin:articles_article_changelist"),
    ),
    (
        "admin list search",
        "admin-listing",
        "get",
        lambda d: reverse("admin:articles_article_changelist") + "?q=Zanzibar",
    ),
    (
        "admin autocomplete",
        "admin-listing",
        "get",
        lambda d: (
            reverse("admin:autocomplete")
            + "?"
            + urlencode(
                {
                    "app_label": "articles",
                    "model_name": "articleredirect",
                    "field_name": "article",
                    "term": "Zanzibar",
                }
            )
        ),
    ),
]


def _request(client, method, url):
    if method == "get":
        return client.get(url)
    if method == "get-fragment":
        return client.get(url, headers={"X-Requested-With": "fetch"})
    return client.post(url, _post_data())


def _matrix():
    for name, kind, method, url in ROUTES:
        for person in PEOPLE:
            yield pytest.param(person, kind, method, url, id=f"{name}-{person}")


@pytest.mark.parametrize(("person", "kind", "method", "url"), list(_matrix()))
def test_a_draft_shows_only_to_its_author_and_the_editors(newsroom, person, kind, method, url):
    draft, address = newsroom.draft, url(newsroom.draft)
    response = _request(newsroom.clients[person], method, address)
    # The address gives the title away too (it is made from it), but the one asked for
    # is the asker's own: a 404 page may name it.
    content = response.content.decode() + response.get("Location", "")
    content = content.replace(address.split("?")[0], "")
    may_see = person in MAY_SEE
    shows_draft = any(text in content for text in (TITLE, BODY, draft.slug))
    if kind == "page":
        assert (response.status_code, shows_draft) == ((200, True) if may_see else (404, False))
    elif kind == "listing":
        assert response.status_code == 200
        assert not shows_draft
        assert NEIGHBOUR in content or newsroom.neighbour.get_absolute_url() in content
    elif kind == "write-refused":
        assert (response.status_code, shows_draft) == ((403, True) if may_see else (404, False))
    elif kind == "write":
        assert (response.status_code, shows_draft) == (404, False)
    elif kind == "change":
        assert not shows_draft if not may_see else response.status_code < 500
        assert may_see or response.status_code == 404
    elif kind == "admin":
        if may_see:
            assert (response.status_code, shows_draft) == (200, True)
        else:
            assert response.status_code in (302, 403, 404) and not shows_draft
    elif kind == "admin-endpoint":
        refused = response.status_code in (403, 404) or "/login/" in response.get("Location", "")
        assert refused is not may_see and (may_see or not shows_draft)
    elif kind == "admin-redirect":
        assert response.status_code in ((302,) if may_see else (302, 404))
        assert shows_draft is may_see
    else:  # admin-listing
        staff = person not in ("reader", "contributor")
        assert response.status_code == (200 if staff else 302)
        assert shows_draft is may_see
