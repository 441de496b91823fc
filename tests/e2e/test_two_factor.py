"""An editor sets up an authenticator app at the first sign-in, then signs in with it."""

import base64
import time

import pytest
from playwright.sync_api import expect

from ..factories import make_editor

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "correct horse battery staple"


def _password_step(page, live_server):
    page.goto(f"{live_server.url}/admin/")
    page.get_by_label("Username").fill("erin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_an_editor_enrols_an_app_then_signs_in_with_its_code(
    live_server, page, console_errors, authenticator_code, screenshot
):
    make_editor(username="erin", totp=False)
    _password_step(page, live_server)

    # The newsroom stays closed: first the app, scanned from the QR code or typed in.
    expect(page.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    screenshot(page, "two-factor-enrol")
    typed_secret = page.locator("#totp-secret").inner_text()
    key = base64.b32decode(typed_secret.replace(" ", ""))
    page.get_by_role("textbox", name="Code").fill(
        "000000" if authenticator_code(key) != "000000" else "111111"
    )
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator(".errorlist")).to_contain_text("That code is not right")

    # django-otp waits a second after a wrong code before it checks another; a person
    # reading the message takes longer than that.
    page.wait_for_timeout(1100)
    first_code = authenticator_code(key)
    page.get_by_role("textbox", name="Code").fill(first_code)
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-code")).to_have_count(10)
    page.get_by_role("link", name="I have kept my codes: continue").click()
    expect(page.get_by_role("heading", name="Recent actions")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    _password_step(page, live_server)
    expect(page.get_by_text("Enter the 6-digit code")).to_be_visible()
    screenshot(page, "two-factor-sign-in")
    page.goto(f"{live_server.url}/admin/articles/article/")  # still closed without the code
    expect(page.get_by_role("textbox", name="Code")).to_be_visible()
    # The code just used is taken once; the app's next one opens the newsroom.
    page.get_by_role("textbox", name="Code").fill(
        authenticator_code(key, after_step=int(time.time() // 30))
    )
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("heading", name="Select article to change")).to_be_visible()
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
