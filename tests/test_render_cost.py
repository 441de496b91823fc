"""
A page rendered from scratch (no kept markup, no page cache) pays for what it shows,
not for how it is assembled: its forms are written as plain inputs, not through
Django's widget templates, and a list of articles is one template, not one per card.
`make profile` shows the time; these tests hold the shape that makes it cheap.
"""

from types import SimpleNamespace

import jinja2
import jinja2.runtime
import pytest
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.urls import reverse
from django.utils import html as django_html

from articles.forms.comments import CommentEditForm, CommentForm
from articles.forms.inline import PassageCommentForm
from articles.forms.subscriptions import SubscribeForm
from articles.readers import Reader

from .factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.caches_off(reason="counts the templates of a page rendered from scratch"),
]

STRANGER = Reader(user=None, token=None)


def _templates(client, url, monkeypatch):
    """The templates a page's render loads: Django's (the widgets'), and the public
    pages' Jinja2 templates, which load one for each include or import."""
    env, loaded = engines["jinja2"].env, []
    load = env.get_template

    def get_template(name, *args, **kwargs):
        loaded.append(name)
        return load(name, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(env, "get_template", get_template)
        response = client.get(url)
    assert response.status_code == 200
    return loaded + [template.name for template in response.templates]


def test_the_article_page_writes_its_forms_without_widget_templates(client, seed_article):
    response = client.get(seed_article.get_absolute_url())
    widgets = [t.name for t in response.templates if (t.name or "").startswith("django/forms/")]
    assert widgets == []
    page = response.content.decode()
    # The forms are all there, as before: labels, help texts tied by aria, values.
    assert '<label for="id_notify-email">Your email:</label>' in page
    assert '<option value="article" selected>new follow-up comments</option>' in page
    assert 'aria-describedby="id_email_helptext" id="id_email">' in page
    assert '<textarea name="body" cols="40" rows="6" maxlength="5000" required' in page


def test_a_list_of_articles_costs_the_same_templates_for_2_and_12_cards(client, monkeypatch):
    ArticleFactory.create_batch(2)
    with_two = _templates(client, reverse("articles:home"), monkeypatch)
    assert "articles/includes/article_list.html" in with_two
    ArticleFactory.create_batch(10)
    with_twelve = _templates(client, reverse("articles:home"), monkeypatch)
    assert len(with_twelve) == len(with_two)


def _forms(article):
    """The public forms in the states readers see them in, built by `renderer`."""
    long_text = "x" * 6000
    bad = {"name": "", "email": "not an address", "body": long_text, "website": "<b>"}
    questions = [SimpleNamespace(pk=1, question="Why?"), SimpleNamespace(pk=2, question="Who?")]
    user = UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    return [
        lambda **kw: CommentForm(article=article, reader=STRANGER, **kw),
        lambda **kw: CommentForm(bad, article=article, reader=STRANGER, **kw),
        lambda **kw: CommentForm(article=article, reader=Reader(user=user, token=None), **kw),
        lambda **kw: CommentEditForm({"body": ""}, **kw),
        lambda **kw: SubscribeForm(**kw),
        lambda **kw: SubscribeForm({"notify-kind": "nope", "notify-email": "a<b"}, **kw),
        lambda **kw: PassageCommentForm(
            article=article,
            reader=STRANGER,
            initial={"block": "b1", "question": 1},
            questions=questions,
            auto_id="b1-%s",
            **kw,
        ),
        lambda **kw: PassageCommentForm(
            {"block": "b1", "quote": "q" * 900, "body": "<script>"},
            article=article,
            reader=STRANGER,
            auto_id="b2-%s",
            **kw,
        ),
    ]


def _markup(form):
    parts = [str(field) for field in form.hidden_fields()]
    for field in form.visible_fields():
        parts += [field.as_field_group(), field.label_tag(), str(field.errors)]
        parts += [choice.tag() for choice in getattr(field, "subwidgets", [])]
    return [*parts, str(form.non_field_errors())]


@pytest.mark.parametrize("which", range(8))
def test_plain_inputs_are_what_djangos_widget_templates_write(seed_article, which):
    make = _forms(seed_article)[which]
    plain, django = make(), make(renderer=get_default_renderer())
    for form in (plain, django):
        if form.is_bound:
            form.is_valid()  # shown again with its errors
    # Spam-guard stamps are new for every render: compare the rest.
    stamp = {"form_started", "notify-form_started"}
    keep = [i for i, f in enumerate(plain.hidden_fields()) if f.html_name not in stamp]
    plain_parts, django_parts = _markup(plain), _markup(django)
    hidden = len(plain.hidden_fields())
    assert [plain_parts[i] for i in keep] == [django_parts[i] for i in keep]
    assert plain_parts[hidden:] == django_parts[hidden:]


def test_plain_inputs_escape_their_text_without_checking_it_for_lazy_translations(
    seed_article, monkeypatch
):
    """Django's `conditional_escape()` checks every argument for a lazy translation
    (`keep_lazy`): a third of the comment form's render. Only Django's own label tags
    still call it, for a label and its suffix."""
    calls = []
    escape = django_html.escape
    monkeypatch.setattr(django_html, "escape", lambda text: calls.append(text) or escape(text))
    form = CommentForm(article=seed_article, reader=STRANGER)

    markup = [str(field) for field in form.hidden_fields()]
    markup += [str(field.as_field_group()) for field in form.visible_fields()]

    assert 'name="email"' in "".join(markup)
    assert len(calls) <= 2 * len(form.visible_fields())


@pytest.mark.parametrize("page", ["home", "article", "section", "search", "all comments"])
def test_public_pages_render_no_django_templates(client, seed_article, page):
    """The public pages are Jinja2 templates (jinja2/), at a fraction of the cost of
    Django's engine; only the admin, the mails and the widgets stay on it."""
    url = {
        "home": reverse("articles:home"),
        "article": seed_article.get_absolute_url(),
        "section": seed_article.category.get_absolute_url(),
        "search": reverse("articles:search") + "?q=russia",
        "all comments": reverse("articles:comments", args=[seed_article.pk]),
    }[page]
    response = client.get(url)
    assert response.status_code == 200
    assert [template.name for template in response.templates] == []
    assert "</html>" in response.content.decode()


def _macros_and_undefined_names(client, url, monkeypatch):
    """(macro calls, undefined names made) while the page at `url` renders."""
    counts = {"macros": 0, "undefined": 0}
    invoke, undefined = jinja2.runtime.Macro._invoke, jinja2.Undefined.__init__

    def counting_invoke(self, *args, **kwargs):
        counts["macros"] += 1
        return invoke(self, *args, **kwargs)

    def counting_undefined(self, *args, **kwargs):
        counts["undefined"] += 1
        undefined(self, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(jinja2.runtime.Macro, "_invoke", counting_invoke)
        patched.setattr(jinja2.Undefined, "__init__", counting_undefined)
        assert client.get(url).status_code == 200
    return counts


def test_each_comment_costs_four_macro_calls_and_looks_up_no_missing_name(
    client, seed_article, monkeypatch
):
    url = seed_article.get_absolute_url()
    CommentFactory.create_batch(2, article=seed_article)
    two = _macros_and_undefined_names(client, url, monkeypatch)
    CommentFactory.create_batch(6, article=seed_article)
    eight = _macros_and_undefined_names(client, url, monkeypatch)

    # Its head, its byline, its votes and its tail.
    assert (eight["macros"] - two["macros"]) / 6 == 4
    assert eight["undefined"] == two["undefined"]
