"""Staff sign in with a password and a code from an authenticator app (or a recovery code)."""

import base64
import re
import time
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.admin_site import ATTEMPT_RULE, ATTEMPTS_BEFORE_LOCK
from articles.models import Article

from . import servers
from .factories import ArticleFactory, UserFactory, make_editor, make_writer

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
WORKERS = 4


def _sign_in(client, username, next_url=""):
    """Sign in with the password; the response of the page it leads to."""
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("admin:login"), data, follow=True)


def _lands_on(response):
    return response.request["PATH_INFO"]


def _code(key, steps_ahead=0):
    """What an authenticator app shows for this secret, now or a few steps on."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _wrong(key):
    """A six-digit code that no authenticator would show for this secret just now."""
    valid = {_code(key, steps) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def _page_secret(html):
    """The secret shown for manual entry, as a person would copy it into their app."""
    shown = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', html).group(1)
    return base64.b32decode(shown.replace(" ", ""))


def _recovery_codes(html):
    return re.findall(r'<li><code class="recovery-code">([a-z2-7]{8})</code></li>', html)


def _opens_admin(client):
    return client.get(reverse("admin:index")).status_code == 200


def test_an_editor_without_a_device_is_sent_to_enrolment_after_the_password(client):
    make_editor(username="erin", totp=False)
    assert _lands_on(_sign_in(client, "erin")) == reverse("admin:two-factor-enrol")
    for page in ("admin:index", "admin:articles_article_changelist", "admin:password_change"):
        refused = client.get(reverse(page), follow=True)
        assert refused.redirect_chain, page
        assert refused.request["PATH_INFO"] == reverse("admin:two-factor-enrol"), page
    page = client.get(reverse("admin:two-factor-enrol")).content.decode()
    # The QR code is drawn in the page itself: nothing is fetched from anyone else.
    assert "<svg" in page and "<img" not in page.split('id="content"')[1]
    assert len(_page_secret(page)) == 20


def test_enrolment_refuses_a_wrong_code_with_a_message(client):
    make_editor(username="erin", totp=False)
    _sign_in(client, "erin")
    key = _page_secret(client.get(reverse("admin:two-factor-enrol")).content.decode())
    refused = client.post(reverse("admin:two-factor-enrol"), {"code": _wrong(key)})
    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert not _opens_admin(client)


def test_enrolment_with_the_right_code_opens_the_admin_and_shows_recovery_codes_once(client):
    make_editor(username="erin", totp=False)
    _sign_in(client, "erin")
    page = client.get(reverse("admin:two-factor-enrol")).content.decode()
    # Reloading the page shows the same secret, so a half-done scan is not wasted.
    assert _page_secret(client.get(reverse("admin:two-factor-enrol")).content.decode()) == (
        _page_secret(page)
    )
    done = client.post(reverse("admin:two-factor-enrol"), {"code": _code(_page_secret(page))})
    assert done.status_code == 302
    codes_page = client.get(done["Location"]).content.decode()
    codes = _recovery_codes(codes_page)
    assert len(set(codes)) == 10
    assert set(codes) == set(StaticToken.objects.values_list("token", flat=True))
    again = client.get(done["Location"]).content.decode()
    assert _recovery_codes(again) == []
    assert not any(code in again for code in codes)
    assert _opens_admin(client)


def test_sign_in_asks_for_the_code_after_the_password(client):
    editor = make_editor(username="erin")
    key = TOTPDevice.objects.get(user=editor).bin_key
    changelist = reverse("admin:articles_article_changelist")
    step = _sign_in(client, "erin", next_url=changelist)
    assert _lands_on(step) == reverse("admin:two-factor")
    assert "Enter the 6-digit code" in step.content.decode()
    assert not _opens_admin(client)
    # The form posts back to where it is, with where the editor was going.
    assert step.request["QUERY_STRING"] == urlencode({"next": changelist})
    second_step = f"{reverse('admin:two-factor')}?{step.request['QUERY_STRING']}"
    verified = client.post(second_step, {"code": _code(key)})
    assert verified.status_code == 302
    assert verified["Location"] == changelist
    assert client.get(changelist).status_code == 200


def test_a_wrong_code_is_refused(client):
    editor = make_editor(username="erin")
    key = TOTPDevice.objects.get(user=editor).bin_key
    _sign_in(client, "erin")
    refused = client.post(reverse("admin:two-factor"), {"code": _wrong(key)})
    assert refused.status_code == 400
    assert "That code is not right" in refused.content.decode()
    assert not _opens_admin(client)


def test_an_unverified_session_can_sign_out(client):
    make_editor(username="erin")
    _sign_in(client, "erin")
    step = client.get(reverse("admin:two-factor")).content.decode()
    assert f'action="{reverse("admin:logout")}"' in step
    client.post(reverse("admin:logout"))
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_works_once_only(client):
    make_editor(username="erin", totp=False)
    _sign_in(client, "erin")
    key = _page_secret(client.get(reverse("admin:two-factor-enrol")).content.decode())
    done = client.post(reverse("admin:two-factor-enrol"), {"code": _code(key)})
    code = _recovery_codes(client.get(done["Location"]).content.decode())[0]
    client.post(reverse("admin:logout"))

    _sign_in(client, "erin")
    used = client.post(reverse("admin:two-factor"), {"code": code.upper()})
    assert used.status_code == 302
    index = client.get(used["Location"])
    assert index.status_code == 200
    assert "9 recovery codes left" in index.content.decode()
    client.post(reverse("admin:logout"))

    _sign_in(client, "erin")
    again = client.post(reverse("admin:two-factor"), {"code": code})
    assert again.status_code == 400
    assert not _opens_admin(client)


def test_two_factor_is_optional_for_writers_by_default(client):
    make_writer(username="wren")
    response = _sign_in(client, "wren")
    assert _lands_on(response) == reverse("admin:index")
    index = response.content.decode()
    assert f'href="{reverse("admin:two-factor-enrol")}"' in index

    # Once a writer has enrolled, the code is asked for at every sign-in.
    key = _page_secret(client.get(reverse("admin:two-factor-enrol")).content.decode())
    client.post(reverse("admin:two-factor-enrol"), {"code": _code(key)})
    client.post(reverse("admin:logout"))
    assert _lands_on(_sign_in(client, "wren")) == reverse("admin:two-factor")
    assert not _opens_admin(client)


def test_writers_must_enrol_when_the_setting_says_so(client, settings):
    settings.MAGAZINE_2FA_REQUIRED_FOR_WRITERS = True
    make_writer(username="wren")
    assert _lands_on(_sign_in(client, "wren")) == reverse("admin:two-factor-enrol")
    assert not _opens_admin(client)


def test_superusers_need_the_second_step_too(client):
    make_writer(username="root", is_superuser=True)
    assert _lands_on(_sign_in(client, "root")) == reverse("admin:two-factor-enrol")


def test_ten_wrong_codes_lock_the_account_for_a_while(client, one_rate_limit_window):
    editor = make_editor(username="erin")
    key = TOTPDevice.objects.get(user=editor).bin_key
    _sign_in(client, "erin")
    for _ in range(10):
        assert client.post(reverse("admin:two-factor"), {"code": _wrong(key)}).status_code == 400
    refused = client.post(reverse("admin:two-factor"), {"code": _code(key)})
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.content.decode()
    assert not _opens_admin(client)
    # Signing in again, even from elsewhere, does not start a fresh count.
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert _sign_in(elsewhere, "erin").status_code == 429


@pytest.fixture
def production_server(tmp_path):
    """`make serve` as a fresh install runs it (SQLite, the file cache), with one editor."""
    env = servers.production_env(tmp_path, WORKERS)
    servers.manage(env, "collectstatic", "--noinput", "-v0")
    servers.migrate(env)
    servers.manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import Group, User; "
        f"u = User.objects.create_user('erin', password='{PASSWORD}', is_staff=True); "
        "u.groups.add(Group.objects.get(name='Editors'))",
    )
    with servers.gunicorn(env) as port:
        yield port


def _login_form(port):
    """A new visitor opens the sign-in page: its cookies and the form's hidden fields."""
    status, set_cookies, html = servers.request(port, "GET", reverse("admin:login"))
    assert status == 200
    return servers.cookie_pairs(set_cookies), servers.form_fields(html, reverse("admin:login"))


def _post_login(port, cookies, fields, password):
    body = urlencode(fields | {"username": "erin", "password": password})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(cookies),
    }
    return servers.request(port, "POST", reverse("admin:login"), body, headers)[0]


def test_a_burst_of_concurrent_wrong_passwords_gets_at_most_ten_checked(production_server):
    burst = 50
    visitors = [_login_form(production_server) for _ in range(burst)]
    servers.in_one_window(ATTEMPT_RULE.period, needed=20)
    statuses = servers.at_once(
        [
            lambda n=n, visitor=visitor: _post_login(production_server, *visitor, f"guess {n}")
            for n, visitor in enumerate(visitors)
        ]
    )
    # A checked password shows the form again (200); the rest are refused unchecked.
    assert statuses.count(200) == ATTEMPTS_BEFORE_LOCK
    assert statuses.count(429) == burst - ATTEMPTS_BEFORE_LOCK
    assert _post_login(production_server, *_login_form(production_server), PASSWORD) == 429


def test_a_password_without_the_code_gives_no_staff_powers_on_the_site(client, seed_article):
    """A phished password alone neither previews drafts nor comments as staff."""
    editor = make_editor(username="erin", first_name="Erin")
    key = TOTPDevice.objects.get(user=editor).bin_key
    draft = ArticleFactory(title="Embargoed until Friday", status=Article.Status.DRAFT)
    _sign_in(client, "erin")

    assert client.get(draft.get_absolute_url()).status_code == 404
    comment_form = client.get(seed_article.get_absolute_url()).content.decode()
    assert 'value="Erin"' not in comment_form  # the form does not know them either

    client.post(reverse("admin:two-factor"), {"code": _code(key)})
    preview = client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "Embargoed until Friday" in preview.content.decode()


def test_a_readers_account_costs_no_device_look_up_on_the_site(client, seed_article):
    """Only staff may need a code: a signed-in reader's pages never ask for devices."""
    client.force_login(UserFactory())
    with CaptureQueriesContext(connection) as queries:
        assert client.get(seed_article.get_absolute_url()).status_code == 200
    assert not [q["sql"] for q in queries if "otp_" in q["sql"]]
