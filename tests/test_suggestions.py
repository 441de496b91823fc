"""“Suggest a change”: a writer on a published story suggests a change to its text; an
editor compares it word by word, accepts it (a new revision, the story stays live,
readers told nothing unless the editor says) or declines it; nothing is overwritten."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import publishing
from articles.models import ChangeNote, ChangeSuggestion, OutgoingMail

from .factories import ArticleFactory, make_editor, make_writer

pytestmark = pytest.mark.django_db

TITLE = "Harbour reopens after the storm"
NEW_TITLE = "Harbour reopens after the long storm"


@pytest.fixture
def story():
    writer, editor = make_writer(email="wanda@example.com"), make_editor(email="ed@example.com")
    article = ArticleFactory(
        title=TITLE, standfirst="Ships are back.", body="<p>The port is open.</p>",
        created_by=writer,
    )  # fmt: skip
    publishing.save_article(article, by=editor)  # its first saved version
    return article, writer, editor


def _signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def _suggest_url(article):
    return reverse("admin:articles_article_suggest", args=[article.pk])


def _suggest(client, article, **changes):
    page = client.get(_suggest_url(article))
    base = page.context["form"]["base"].value()
    data = {"base": base, "title": article.title, "standfirst": article.standfirst}
    data |= {"body": article.body} | changes
    return client.post(_suggest_url(article), data)


def _suggestion_url(suggestion, action=None):
    name = "suggestion" if action is None else f"suggestion_{action}"
    return reverse(f"admin:articles_article_{name}", args=[suggestion.article_id, suggestion.pk])


def test_a_writer_gets_suggest_a_change_on_their_published_story(story):
    article, writer, editor = story
    change_page = _signed_in(writer).get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    assert "Suggest a change" in change_page.content.decode()
    form = _signed_in(writer).get(_suggest_url(article))
    assert form.status_code == 200
    assert form.context["form"]["title"].value() == TITLE
    assert "The port is open." in form.content.decode()
    editors_page = _signed_in(editor).get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    assert "Suggest a change" not in editors_page.content.decode()


@pytest.mark.parametrize("person", ["other_writer", "reader"])
def test_nobody_else_may_suggest_a_change(story, person):
    from .factories import UserFactory

    article, _, _ = story
    user = make_writer() if person == "other_writer" else UserFactory()
    response = _signed_in(user).post(_suggest_url(article), {"title": "Defaced"})
    assert response.status_code in (302, 403, 404)
    assert "/login/" in response.get("Location", "/login/") or response.status_code != 302
    assert not ChangeSuggestion.objects.exists()


def test_a_suggestion_is_kept_and_the_editors_are_mailed(story):
    article, writer, _ = story
    response = _suggest(_signed_in(writer), article, title=NEW_TITLE)
    assert response.status_code == 302
    suggestion = ChangeSuggestion.objects.get()
    assert suggestion.fields == {"title": NEW_TITLE}
    assert (suggestion.by, suggestion.state) == (writer, ChangeSuggestion.State.PENDING)
    assert suggestion.base.article == article
    mail = OutgoingMail.objects.get(to="ed@example.com")
    assert TITLE in mail.subject
    article.refresh_from_db()
    assert article.title == TITLE  # readers see nothing before an editor accepts


def test_a_suggestion_that_changes_nothing_is_refused_with_what_was_typed(story):
    article, writer, _ = story
    response = _suggest(_signed_in(writer), article, standfirst="Ships are back.  ")
    assert response.status_code == 400
    assert "You changed nothing" in response.content.decode()
    assert not ChangeSuggestion.objects.exists()


def test_a_suggestion_to_no_version_of_the_story_is_refused(story):
    article, writer, _ = story
    data = {"base": "999999", "title": NEW_TITLE, "standfirst": "", "body": article.body}
    response = _signed_in(writer).post(_suggest_url(article), data)
    assert response.status_code == 400
    assert NEW_TITLE in response.content.decode()
    assert not ChangeSuggestion.objects.exists()


@pytest.mark.parametrize("base", ["", "not-a-number", "1e9"])
def test_a_suggestion_whose_starting_version_is_unreadable_says_so_and_can_be_sent_again(
    story, base
):
    article, writer, _ = story
    writers = _signed_in(writer)
    data = {"base": base, "title": NEW_TITLE, "standfirst": "", "body": article.body}
    refused = writers.post(_suggest_url(article), data)
    assert refused.status_code == 400
    content = refused.content.decode()
    assert "could not tell which version of the story" in content
    assert NEW_TITLE in content
    # The form now starts from the story as it is, so sending it again works.
    data["base"] = refused.context["form"]["base"].value()
    assert writers.post(_suggest_url(article), data).status_code == 302
    assert ChangeSuggestion.objects.get().fields["title"] == NEW_TITLE


def test_the_editor_sees_the_suggestion_and_compares_it_word_by_word(story):
    article, writer, editor = story
    _suggest(_signed_in(writer), article, body="<p>The port is open again.</p>")
    suggestion = ChangeSuggestion.objects.get()
    editors = _signed_in(editor)
    page = editors.get(reverse("admin:articles_article_change", args=[article.pk]))
    content = page.content.decode()
    assert "1 suggested change" in content
    assert _suggestion_url(suggestion) in content
    compare = editors.get(_suggestion_url(suggestion)).content.decode()
    assert "<del>open.</del><ins>open again.</ins>" in compare


def test_accepting_applies_the_change_silently_and_keeps_the_story_live(story):
    article, writer, editor = story
    _suggest(_signed_in(writer), article, title=NEW_TITLE)
    suggestion = ChangeSuggestion.objects.get()
    revisions_before = article.revisions.count()
    response = _signed_in(editor).post(
        _suggestion_url(suggestion, "accept"), {"accept-kind": "silent"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == NEW_TITLE and article.is_published
    assert article.revised_at is None and not ChangeNote.objects.exists()
    assert article.revisions.count() == revisions_before + 1
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.decided_by) == ("accepted", editor)
    assert OutgoingMail.objects.filter(to="wanda@example.com", subject__contains="accepted")
    assert NEW_TITLE in Client().get(article.get_absolute_url()).content.decode()


def test_accepting_as_a_correction_tells_readers(story):
    article, writer, editor = story
    _suggest(_signed_in(writer), article, title=NEW_TITLE)
    suggestion = ChangeSuggestion.objects.get()
    data = {"accept-kind": "correction", "accept-note": "The storm lasted a week."}
    _signed_in(editor).post(_suggestion_url(suggestion, "accept"), data)
    note = ChangeNote.objects.get()
    assert (note.article, note.kind, note.note) == (article, "correction", data["accept-note"])


def test_accepting_is_refused_when_the_field_changed_since(story):
    article, writer, editor = story
    _suggest(_signed_in(writer), article, title=NEW_TITLE)
    suggestion = ChangeSuggestion.objects.get()
    article.title = "Harbour reopens (editor's title)"
    publishing.save_article(article, by=editor)
    response = _signed_in(editor).post(
        _suggestion_url(suggestion, "accept"), {"accept-kind": "silent"}
    )
    assert response.status_code == 400
    assert "Title changed since this suggestion was made" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Harbour reopens (editor's title)"
    suggestion.refresh_from_db()
    assert suggestion.state == ChangeSuggestion.State.PENDING


def test_accepting_keeps_a_change_to_another_field_made_since(story):
    article, writer, editor = story
    _suggest(_signed_in(writer), article, title=NEW_TITLE)
    suggestion = ChangeSuggestion.objects.get()
    article.standfirst = "Ships are back, and so are the gulls."
    publishing.save_article(article, by=editor)
    _signed_in(editor).post(_suggestion_url(suggestion, "accept"), {"accept-kind": "silent"})
    article.refresh_from_db()
    assert (article.title, article.standfirst) == (
        NEW_TITLE,
        "Ships are back, and so are the gulls.",
    )


def test_declining_keeps_the_suggestion_and_tells_the_writer(story):
    article, writer, editor = story
    _suggest(_signed_in(writer), article, title=NEW_TITLE)
    suggestion = ChangeSuggestion.objects.get()
    data = {"decline-note": "The headline is fine as it is."}
    response = _signed_in(editor).post(_suggestion_url(suggestion, "decline"), data)
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.note) == ("declined", data["decline-note"])
    mail = OutgoingMail.objects.get(to="wanda@example.com")
    assert "declined" in mail.subject and data["decline-note"] in mail.body
    article.refresh_from_db()
    assert article.title == TITLE
    editors_page = _signed_in(editor).get(
        reverse("admin:articles_article_change", args=[article.pk])
    )
    assert "suggested change" not in editors_page.content.decode()


def test_a_writer_cannot_accept_their_own_suggestion(story):
    article, writer, _ = story
    _suggest(_signed_in(writer), article, title=NEW_TITLE)
    suggestion = ChangeSuggestion.objects.get()
    response = _signed_in(writer).post(
        _suggestion_url(suggestion, "accept"), {"accept-kind": "silent"}
    )
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.title == TITLE


def test_a_suggestion_cannot_be_accepted_twice(story):
    article, writer, editor = story
    _suggest(_signed_in(writer), article, title=NEW_TITLE)
    suggestion = ChangeSuggestion.objects.get()
    editors = _signed_in(editor)
    editors.post(_suggestion_url(suggestion, "decline"), {})
    response = editors.post(_suggestion_url(suggestion, "accept"), {"accept-kind": "silent"})
    assert response.status_code == 400
    assert "already declined" in response.content.decode()
    article.refresh_from_db()
    assert article.title == TITLE
