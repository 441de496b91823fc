"""
Browser tests: Playwright driving Debian's chromium against Django's live server.

They are skipped, with the reason, where chromium is not installed; in CI (CI=true)
a missing browser is an error instead, so these tests can never silently not run.
"""

import os
import re
import shutil
import threading
import time
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles.antispam import SpamGuardMixin

CHROMIUM = next(
    (p for p in ("/usr/lib/chromium/chromium", "/usr/bin/chromium") if os.path.exists(p)),
    shutil.which("chromium"),
)
# Playwright's sync API runs an event loop in the test thread; Django must allow it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)
            if CHROMIUM is None:
                if os.environ.get("CI"):
                    raise pytest.UsageError("CI needs Debian's chromium for tests/e2e.")
                item.add_marker(pytest.mark.skip(reason="Debian's chromium is not installed"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def requests_settled_before_the_database_goes(request):
    """After a browser test, its page is left (so that what a page sends as it goes, such
    as the editor's autosave beacon, is sent now) and the live server's requests are let
    finish, before the test database is emptied: a request still writing then would lock
    the tables (SQLite) and fail the test's teardown. Pages of `visitor` are waited for
    but not left: one may be holding a "leave this page?" dialog open on purpose."""
    if "live_server" not in request.fixturenames:
        yield
        return
    # Asked for here, so that they are torn down after this fixture.
    page = request.getfixturevalue("page") if "page" in request.fixturenames else None
    in_flight = _count_requests(request.getfixturevalue("live_server").thread.httpd)
    yield
    if page is not None:
        page.goto("about:blank")
    quiet_since, deadline = time.monotonic(), time.monotonic() + 5
    while time.monotonic() < deadline:
        if in_flight():
            quiet_since = time.monotonic()
        elif time.monotonic() - quiet_since > 0.3:
            break
        time.sleep(0.02)


def _count_requests(server):
    """A function telling how many requests the live server's application is answering
    now. Counted around the application, not the connection's thread: a browser keeps
    its connections open between requests, and an idle one is no request in flight."""
    if not hasattr(server, "in_flight"):
        answer, lock = server.get_app(), threading.Lock()
        server.in_flight = 0

        def counted(environ, start_response):
            with lock:
                server.in_flight += 1
            try:
                return answer(environ, start_response)
            finally:
                with lock:
                    server.in_flight -= 1

        server.set_app(counted)
    return lambda: server.in_flight


@pytest.fixture
def console_errors(page):
    """Every console error and CSP violation the page reports."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


@pytest.fixture
def quick_forms(monkeypatch):
    """Public forms accept a post at once, instead of after the spam guard's 3 seconds.

    For tests whose subject is a whole workflow, not the spam guard (tested in
    tests/test_comments.py and the other form tests): the live server runs in this
    process, so the patched form class is the one it uses.
    """
    monkeypatch.setattr(SpamGuardMixin, "min_seconds", 0)


@pytest.fixture
def mail_links(settings, live_server, mailoutbox):
    """The links in the last captured mail to an address, pointing at the live server."""
    settings.MAGAZINE_SITE_URL = live_server.url

    def links(to, path_prefix):
        sent = [m for m in mailoutbox if to in m.to]
        assert sent, f"no mail to {to}: {[(m.to, m.subject) for m in mailoutbox]}"
        pattern = re.escape(live_server.url + path_prefix) + r"\S+"
        return sent[-1], re.findall(pattern, sent[-1].body)

    return links


@pytest.fixture
def visitor(browser):
    """Opens a page in a fresh browser, with no cookies: another person, or any reader."""
    contexts = []

    def new_page(**context_options):
        contexts.append(browser.new_context(**context_options))
        return contexts[-1].new_page()

    yield new_page
    for context in contexts:
        context.close()


AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def serious_violations():
    """axe-core's serious and critical findings on a page: (rule, impact, first nodes)."""
    if not AXE.exists():
        if os.environ.get("CI"):
            raise RuntimeError("CI needs axe-core: run `npm ci` (see .ci/run).")
        pytest.skip("axe-core is not installed: run `npm ci`")
    source = AXE.read_text()

    def found(page):
        page.evaluate(source)  # evaluated by the test tool, not a page script: CSP allows it
        result = page.evaluate("async () => await axe.run(document)")
        assert len(result["passes"]) > 10  # axe really looked at the page
        return [
            (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return found


SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
SCREENSHOT_WIDTHS = {"phone": 390, "desktop": 1280}


@pytest.fixture
def screenshot():
    """Writes tests/e2e/screenshots/<name>-phone.png and -desktop.png (ignored by git)."""

    def shoot(page, name):
        SCREENSHOTS.mkdir(exist_ok=True)
        for label, width in SCREENSHOT_WIDTHS.items():
            page.set_viewport_size({"width": width, "height": 900})
            page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)

    return shoot


@pytest.fixture
def authenticator_code():
    """What an authenticator app shows for a secret (bytes), at a time step after
    `after_step` (a code is taken once: the next sign-in needs a later step's code)."""

    def code(key, after_step=-1):
        step = max(int(time.time() // 30), after_step + 1)
        totp = TOTP(key)
        totp.time = step * 30 + 1
        return f"{totp.token():06d}"

    return code


@pytest.fixture
def admin_sign_in(live_server, authenticator_code):
    """Signs a staff member in through the admin's two steps: password, then the code
    their authenticator app (their TOTP device) shows."""

    def sign_in(page, username, password="correct horse battery staple"):
        page.goto(f"{live_server.url}/admin/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        page.get_by_role("textbox", name="Code").fill(
            authenticator_code(device.bin_key, device.last_t)
        )
        page.get_by_role("button", name="Verify").click()

    return sign_in
