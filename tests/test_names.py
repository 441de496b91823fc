"""Names say what they are: no direction tricks, nothing invisible, one script a word,
shown isolated, and the newsroom marked when it speaks signed in."""

import re
import unicodedata
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from articles import moderation, names, ratelimit, staff, tasks
from articles.models import Category, Comment, Submission, Subscription
from articles.readers import Reader

from .factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    SubmissionFactory,
    UserFactory,
    make_editor,
    started_token,
)
from .helpers import COUNTS_A_FRESH_RENDER, page_queries

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}
LEADERS = "b-505c0740"  # the seed story's second paragraph
PERSIAN = "می\u200cخواهم"  # "I want", with the zero-width non-joiner it needs
HINDI = "लक्\u200dष्मी"  # Lakshmi, a half form made with the zero-width joiner
JOINER_NAMES = (PERSIAN, HINDI, "Ali Shah\u200cnavaz")  # Latin too: ZWNJ between letters
GOOD_NAMES = (
    "José",
    "Zoë",
    "O'Brien",
    "Jean-Luc",
    "محمد",
    "फ़ातिमा",
    "山田 太郎",
    "やまだ",
    "山田たろう",  # Han and Hiragana: one Japanese word
    "김철수 金",
    "Мария Smith",  # two words, two scripts
    "Anna 👩\u200d💻",
    *JOINER_NAMES,
)
# (name, what the person is told, the error's code)
HOSTILE_NAMES = (
    ("\u202erotidE", "changes the direction of text", "bidi_control"),
    ("Ann\u2066a\u2069", "changes the direction of text", "bidi_control"),
    ("\u200fEditor", "changes the direction of text", "bidi_control"),
    ("\u200b\u200b\u200b", "only blank or invisible characters", "invisible"),
    ("\u3164", "only blank or invisible characters", "invisible"),
    ("\u00ad\u2060\ufeff", "only blank or invisible characters", "invisible"),
    ("Edi\u200btor", "invisible control characters", "control_character"),
    ("Ann\x07", "invisible control characters", "control_character"),
    ("\u200c" + PERSIAN, "belongs between two letters", "joiner"),
    ("می\u200c\u200cخواهم", "belongs between two letters", "joiner"),
    ("Jоhn", "mixes letters of different scripts (Cyrillic, Latin)", "mixed_script"),
    ("Еditor", "mixes letters of different scripts", "mixed_script"),
)
HOSTILE_IDS = [code for _, _, code in HOSTILE_NAMES]
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def html_escaped(text):
    return text.replace("'", "&#x27;").replace('"', "&quot;")


# --- The rules, alone --------------------------------------------------------------------


@pytest.mark.parametrize("name", GOOD_NAMES)
def test_names_of_every_script_are_accepted_as_typed(name):
    assert names.clean_name(f"  {name} ") == unicodedata.normalize("NFC", name)


def test_a_name_is_stored_composed_however_it_was_typed():
    assert names.clean_name("Jose\u0301") == "José"


@pytest.mark.parametrize(("name", "message", "code"), HOSTILE_NAMES, ids=HOSTILE_IDS)
def test_names_that_could_pass_for_another_are_refused_with_a_reason(name, message, code):
    with pytest.raises(ValidationError) as refused:
        names.clean_name(name)
    assert refused.value.code == code
    assert message in refused.value.messages[0]


@pytest.mark.slow
@given(st.text(max_size=40))
def test_any_text_is_refused_or_becomes_a_visible_name_without_direction_controls(text):
    try:
        name = names.clean_name(text)
    except ValidationError as refused:
        assert refused.code and refused.messages
    else:
        assert not set(name) & set(BIDI)
        assert name == unicodedata.normalize("NFC", name) == name.strip()
        assert any(names.is_visible(c) for c in name)


# --- Through the forms people send -------------------------------------------------------


def comment_data(**fields):
    return {
        "name": "Ann Reader",
        "email": "ann@example.com",
        "body": "A thoughtful remark.",
        "form_started": started_token(),
        **fields,
    }


def post_comment(client, article, extra=None, **fields):
    url = reverse("articles:comment-post", args=[article.pk])
    return client.post(url, comment_data(**fields), **(extra or {}))


def story_data(**fields):
    return {
        "name": "Ada Writer",
        "email": "ada@example.com",
        "title": "A night on the border",
        "story": "It was cold.\n\nThen the lights came.",
        "pack": "single-story",
        "category": Category.objects.get(path="world/russia").pk,
        "rights": "on",
        "form_token": uuid.uuid4().hex,
        "form_started": started_token(),
        **fields,
    }


@pytest.mark.parametrize(("name", "message", "code"), HOSTILE_NAMES, ids=HOSTILE_IDS)
def test_a_comment_with_a_hostile_name_is_refused_with_its_text_kept(
    client, seed_article, name, message, code
):
    response = post_comment(client, seed_article, name=name, body="Kept, every word.")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert "Kept, every word." in html
    assert f'value="{html_escaped(name)}"' in html  # the name as typed, to correct
    assert not Comment.objects.exists()


def test_a_hostile_name_is_refused_beside_the_form_comments_js_swaps_in(client, seed_article):
    response = post_comment(client, seed_article, extra=FETCH, name="\u202erotidE")
    assert response.status_code == 400
    html = response.content.decode()
    assert "changes the direction of text" in html and "A thoughtful remark." in html


@pytest.mark.parametrize("name", ["\u202erotidE", "Jоhn", "\u200b"])
def test_inline_feedback_with_a_hostile_name_is_refused_with_its_text_kept(
    client, seed_article, name
):
    response = post_comment(
        client, seed_article, name=name, body="Which ties?", block=LEADERS, quote="economic ties"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "errorlist" in html and "Which ties?" in html and "economic ties" in html
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("name", "message", "code"), HOSTILE_NAMES, ids=HOSTILE_IDS)
def test_a_story_with_a_hostile_contributor_name_is_refused_with_its_text_kept(
    client, seed_article, name, message, code
):
    response = client.post(reverse("articles:submit"), story_data(name=name))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html.replace("&#x27;", "'")
    assert "A night on the border" in html and "Then the lights came." in html
    assert not Submission.objects.exists()


def test_a_story_title_cannot_turn_around_either(client, seed_article):
    response = client.post(reverse("articles:submit"), story_data(title="\u202eredaer ruoY"))
    assert response.status_code == 400
    assert "changes the direction of text" in response.content.decode()


@pytest.mark.parametrize("name", JOINER_NAMES)
def test_persian_and_hindi_names_keep_their_joiners(client, seed_article, name):
    assert post_comment(client, seed_article, name=name).status_code == 302
    assert Comment.objects.get().name == name

    response = client.post(reverse("articles:submit"), story_data(name=name))
    assert response.status_code == 302
    assert Submission.objects.get().name == name


def test_names_are_stored_composed(client, seed_article):
    post_comment(client, seed_article, name="  Jose\u0301  ")
    assert Comment.objects.get().name == "José"


@pytest.fixture
def _no_rate_limits(monkeypatch):
    """Every generated name must reach the form's checks, not the rate limits."""
    monkeypatch.setattr(ratelimit, "hit", lambda *args: True)


hostile_text = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30),
    st.text(alphabet=st.sampled_from([*BIDI, *"\u200b\u200c\u200d\u3164 aéоي山"]), max_size=12),
    st.builds(lambda a, b: a + "\u202e" + b, st.text(max_size=10), st.text(max_size=10)),
)


@pytest.mark.usefixtures("_no_rate_limits")
@pytest.mark.slow
@given(name=hostile_text)
def test_generated_names_never_fail_and_never_store_a_direction_control(seed_article, name):
    client = Client()
    for response in (
        post_comment(client, seed_article, name=name, body=f"Remark {uuid.uuid4()}"),
        post_comment(
            client,
            seed_article,
            name=name,
            body=f"On a passage {uuid.uuid4()}",
            block=LEADERS,
            quote="economic ties",
        ),
        client.post(reverse("articles:submit"), story_data(name=name, title=str(uuid.uuid4()))),
    ):
        assert response.status_code < 500
        if response.status_code == 400:
            assert "errorlist" in response.content.decode()
    stored = [*Comment.objects.values_list("name", flat=True)]
    stored += Submission.objects.values_list("name", flat=True)
    assert not [n for n in stored if set(n) & set(BIDI)]


# --- Shown isolated ----------------------------------------------------------------------


def page(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def comment_markup(html, comment):
    found = re.search(rf'<li id="comment-{comment.pk}".*?</li>', html, re.S)
    assert found, f"comment {comment.pk} is not on the page"
    return found.group(0)


def test_names_are_shown_isolated_from_the_words_around_them(client, seed_article):
    # Stored before names were checked: isolated, it cannot reorder the page around it.
    old = CommentFactory(article=seed_article, name="\u202erotidE")
    reply = CommentFactory(article=seed_article, parent=old, depth=2, name="محمد")
    html = page(client, seed_article)

    assert '<strong class="comment__author"><bdi>\u202erotidE</bdi></strong>' in html
    assert '<strong class="comment__author"><bdi>محمد</bdi></strong>' in html
    assert "in reply to <bdi>\u202erotidE</bdi>" in comment_markup(html, reply)
    reply_page = client.get(reverse("articles:comment-reply", args=[old.pk])).content.decode()
    assert "Reply to <bdi>\u202erotidE</bdi>" in reply_page


def test_inline_feedback_names_are_shown_isolated(client, seed_article):
    answer = CommentFactory(
        article=seed_article, name="محمد", block_id=LEADERS, quote="economic ties"
    )
    panel = client.get(reverse("articles:passage", args=[seed_article.pk, LEADERS]))
    assert f'#comment-{answer.pk}"><bdi>محمد</bdi></a>' in panel.content.decode()


def test_a_contributors_name_is_shown_isolated_on_their_status_page(
    client, seed_article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("articles:submit"), story_data(name="محمد"))
    submission = Submission.objects.get()
    html = client.get(submission.get_absolute_url()).content.decode()
    assert "<dd><bdi>محمد</bdi></dd>" in html
    (receipt,) = mail.outbox
    assert "Hello <bdi>محمد</bdi>," in receipt.alternatives[0].content


def test_names_in_mail_are_isolated_in_html_and_plain_in_text(monkeypatch):
    monkeypatch.setattr(tasks, "enqueue_on_commit", tasks.enqueue)
    article = ArticleFactory()
    Subscription.objects.create(
        email="sam@example.com",
        kind=Subscription.Kind.ARTICLE,
        article=article,
        confirmed_at=article.publish_at,
    )
    comment = CommentFactory(article=article, name="محمد", status=Comment.Status.PENDING)
    moderation.approve([comment.pk])
    (message,) = mail.outbox
    assert "<bdi>محمد</bdi> commented" in message.alternatives[0].content
    assert message.body.startswith("محمد commented")


# --- The newsroom, marked ----------------------------------------------------------------


def mark(markup):
    found = re.search(r'<span class="comment__role"[^>]*>(\w+)</span>', markup)
    return found.group(1) if found else None


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def already_approved(email):
    """Earlier approved comments let this address post without waiting for moderation."""
    CommentFactory(email=email, article=ArticleFactory())


@pytest.mark.usefixtures("_no_rate_limits")
def test_staff_and_the_author_are_marked_and_a_guest_called_editor_is_not(seed_article):
    editor = make_editor(username="desk", email="desk@example.com")
    writer = UserFactory(email="writer@example.com")
    seed_article.author.user = writer
    seed_article.author.save()
    reader = UserFactory(email="reader@example.com")
    for user in (editor, writer, reader):
        already_approved(user.email)
        response = post_comment(signed_in(user), seed_article, email=user.email, name="Editor")
        assert response.status_code == 302
    already_approved("guest@example.com")
    post_comment(Client(), seed_article, email="guest@example.com", name="Editor")

    html = page(Client(), seed_article)
    by_email = {c.email: c for c in Comment.objects.filter(article=seed_article)}
    assert mark(comment_markup(html, by_email["desk@example.com"])) == "staff"
    assert mark(comment_markup(html, by_email["writer@example.com"])) == "author"
    assert mark(comment_markup(html, by_email["reader@example.com"])) is None
    assert mark(comment_markup(html, by_email["guest@example.com"])) is None
    assert "<bdi>Editor</bdi>" in comment_markup(html, by_email["guest@example.com"])


def test_an_author_is_marked_on_their_own_article_only(seed_article):
    writer = UserFactory()
    other_article = ArticleFactory(author=AuthorFactory(user=writer))
    here = CommentFactory(article=seed_article, user=writer)
    there = CommentFactory(article=other_article, user=writer)
    assert (here.newsroom_role, there.newsroom_role) == ("", "author")
    assert mark(comment_markup(page(Client(), other_article), there)) == "author"


def test_the_new_comment_comments_js_inserts_carries_the_mark(seed_article):
    editor = make_editor()
    already_approved(editor.email)
    response = post_comment(signed_in(editor), seed_article, extra=FETCH, email=editor.email)
    assert response.status_code == 201
    assert mark(response.content.decode()) == "staff"


def test_kept_markup_follows_a_change_of_role(seed_article, settings):
    """Each comment's markup is kept under the versions of what its page shows
    (articles.fragments), which a role given (`staff.account_changed`, as the users
    admin calls it) or a byline linked bumps: no kept copy shows a role its author no
    longer has."""
    user = UserFactory()
    comment = CommentFactory(article=seed_article, user=user)
    viewer = signed_in(UserFactory())  # their section is rendered for them, from kept comments
    assert mark(comment_markup(page(viewer, seed_article), comment)) is None

    get_user_model().objects.filter(pk=user.pk).update(is_staff=True)
    staff.account_changed(user)
    assert mark(comment_markup(page(viewer, seed_article), comment)) == "staff"

    seed_article.author.user = user
    seed_article.author.save()
    assert mark(comment_markup(page(viewer, seed_article), comment)) == "author"


@pytest.mark.caches_off(reason=COUNTS_A_FRESH_RENDER)
@pytest.mark.parametrize("viewer", ["anonymous", "signed-in"])
def test_marks_cost_no_query_per_comment(seed_article, viewer):
    writer = UserFactory()
    seed_article.author.user = writer
    seed_article.author.save()
    client = Client()
    if viewer == "signed-in":
        client.force_login(UserFactory())
    url = seed_article.get_absolute_url()

    def comments_by_signed_in_people(count):
        for n in range(count):
            user = (writer, make_editor(), UserFactory())[n % 3]
            CommentFactory(article=seed_article, user=user, reader_hash="")

    comments_by_signed_in_people(3)
    few = page_queries(client, url)
    comments_by_signed_in_people(30)
    assert page_queries(client, url) == few


def test_a_guest_comment_costs_no_query_for_its_mark(seed_article):
    comment = CommentFactory(article=seed_article, reader_hash=Reader(None, "t").token_hash)
    comment = Comment.objects.get(pk=comment.pk)
    with CaptureQueriesContext(connection) as queries:
        assert comment.newsroom_role == ""
    assert len(queries) == 0


def test_the_admin_lists_show_names_isolated(client, seed_article):
    """A name written right to left cannot turn an editor's list row around."""
    CommentFactory(article=seed_article, name="\u05d3\u05e0\u05d4")
    SubmissionFactory(name="\u05d3\u05e0\u05d4")
    client.force_login(make_editor())
    for changelist in ("admin:articles_comment_changelist", "admin:articles_submission_changelist"):
        html = client.get(reverse(changelist)).content.decode()
        assert "<bdi>\u05d3\u05e0\u05d4</bdi>" in html, changelist
