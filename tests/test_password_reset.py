""" "Forgotten your password?" on the admin's sign-in page: staff get a one-use link by
mail (through the outbox), outsiders learn nothing, and the form is rate-limited."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils import timezone

from articles.models import OutgoingMail

from .factories import UserFactory, make_editor

pytestmark = pytest.mark.django_db

RESET = reverse("admin_password_reset")
SENT_SAYS = "We’ve emailed you instructions for setting your password"


def _link_in(mail):
    link = re.search(r"https?://\S+/admin/password/set/\S+/", mail.body).group(0)
    return "/" + link.split("/", 3)[3]


def test_the_sign_in_page_offers_a_new_password(client):
    page = client.get(reverse("admin:login")).content.decode()
    assert f'href="{RESET}"' in page


def test_a_staff_member_gets_a_link_that_sets_a_new_password_once(client):
    editor = make_editor(email="ed@example.com")
    sent = client.post(RESET, {"email": "ED@example.com"}, follow=True)
    assert SENT_SAYS in sent.content.decode()
    mail = OutgoingMail.objects.get(to="ed@example.com")
    assert "a new password" in mail.subject
    form_page = client.get(_link_in(mail), follow=True)
    set_url = form_page.redirect_chain[-1][0]
    new = {"new_password1": "a long new pass phrase", "new_password2": "a long new pass phrase"}
    assert client.post(set_url, new).status_code == 302
    editor.refresh_from_db()
    assert editor.check_password("a long new pass phrase")
    again = client.get(_link_in(mail), follow=True).content.decode()
    assert "new_password1" not in again and "Ask for a new link" in again


@pytest.mark.parametrize("who", ["nobody", "reader", "former staff"])
def test_the_answer_is_the_same_and_no_mail_goes_for_an_address_that_is_not_staff(client, who):
    if who == "reader":
        UserFactory(email="x@example.com", is_staff=False)
    elif who == "former staff":
        make_editor(email="x@example.com", is_active=False)
    sent = client.post(RESET, {"email": "x@example.com"}, follow=True)
    assert sent.status_code == 200 and SENT_SAYS in sent.content.decode()
    assert not OutgoingMail.objects.exists()


def _clock_at(monkeypatch, moment):
    """Stop both clocks a reset reads: the link's (its token names the second it was
    made) and the outbox's."""
    monkeypatch.setattr(timezone, "now", lambda: moment)
    monkeypatch.setattr(default_token_generator, "_now", lambda: moment.replace(tzinfo=None))


@pytest.mark.parametrize("apart", [timedelta(0), timedelta(seconds=1), timedelta(seconds=50)])
def test_a_double_click_sends_one_mail(client, monkeypatch, apart):
    """The second click may land in the next second, which makes a different link."""
    make_editor(email="ed@example.com")
    start = timezone.now().replace(microsecond=999_000)
    _clock_at(monkeypatch, start)
    client.post(RESET, {"email": "ed@example.com"})
    _clock_at(monkeypatch, start + apart)
    client.post(RESET, {"email": "ed@example.com"})
    assert OutgoingMail.objects.filter(to="ed@example.com").count() == 1


def test_asking_again_later_sends_a_new_link(client, monkeypatch):
    """The first mail may never have come: a minute on, a second ask is not a double click."""
    make_editor(email="ed@example.com")
    start = timezone.now()
    _clock_at(monkeypatch, start)
    client.post(RESET, {"email": "ed@example.com"})
    _clock_at(monkeypatch, start + timedelta(minutes=2))
    client.post(RESET, {"email": "ed@example.com"})
    first, second = OutgoingMail.objects.filter(to="ed@example.com").order_by("created_at")
    assert _link_in(first) != _link_in(second)


def test_a_bad_address_is_refused_with_what_was_typed(client):
    page = client.post(RESET, {"email": "not an address <b>"})
    content = page.content.decode()
    assert page.status_code == 200  # Django's form page, shown again with its error
    assert "Enter a valid email address." in content
    assert 'value="not an address &lt;b&gt;"' in content


def test_asking_again_and_again_is_refused_with_a_clear_message(client, one_rate_limit_window):
    make_editor(email="ed@example.com")
    for _ in range(3):
        assert client.post(RESET, {"email": "ed@example.com"}).status_code == 302
    refused = client.post(RESET, {"email": "ed@example.com"})
    assert refused.status_code == 429
    assert "We have sent several links already" in refused.content.decode()
    assert 'value="ed@example.com"' in refused.content.decode()


def test_a_new_password_alone_does_not_open_the_admin(client):
    """The link replaces the password, not the second factor."""
    editor = make_editor(email="ed@example.com")
    client.post(RESET, {"email": "ed@example.com"})
    form_page = client.get(_link_in(OutgoingMail.objects.get()), follow=True)
    new = {"new_password1": "a long new pass phrase", "new_password2": "a long new pass phrase"}
    client.post(form_page.redirect_chain[-1][0], new)
    client.post(
        reverse("admin:login"),
        {"username": editor.get_username(), "password": "a long new pass phrase"},
    )
    index = client.get(reverse("admin:index"))
    assert index.status_code == 302 and index["Location"] != reverse("admin:index")
