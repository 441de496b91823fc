"""A browser behind a proxy that strips Sec-Fetch-Site and Origin (and Referer), without
JavaScript: a rating, a comment vote and a subscription sent from the shared page come
back once on a page of their own, the choice kept, and the second press counts."""

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from articles.models import Article, ArticleRating, CommentVote, Subscription

from ..factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SEED_URL = "/world/russia/belarusian-russian-leaders-meet-as-west-prepares-to-ramp-up-pressure/"
# What such a proxy drops (a browser adds these after any interception of its own).
STRIPPED = {"origin", "referer", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest"}
NOT_CHECKED = "We could not check where this form came from"


def stripping_proxy(backend):
    """A reverse proxy in front of `backend` (host, port) that drops STRIPPED headers."""

    class Handler(BaseHTTPRequestHandler):
        def forward(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in STRIPPED}
            connection = http.client.HTTPConnection(*backend, timeout=30)
            connection.request(self.command, self.path, body, headers)
            answer = connection.getresponse()
            content = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
            connection.close()

        do_GET = do_POST = do_HEAD = forward

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


@pytest.fixture
def old_browser(browser, live_server):
    """A page without JavaScript, and the proxy's address for the live server."""
    address = urlsplit(live_server.url)
    proxy = stripping_proxy((address.hostname, address.port))
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page(), f"http://127.0.0.1:{proxy.server_port}"
    context.close()
    proxy.shutdown()
    proxy.server_close()


def test_rating_voting_and_subscribing_behind_a_stripping_proxy(old_browser):
    article = Article.objects.get(slug=SEED_URL.rstrip("/").rsplit("/", 1)[1])
    CommentFactory(article=article, body="A remark to vote on.")
    page, site = old_browser
    page.goto(site + SEED_URL)

    page.locator("label[title='4 stars']").click()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text(NOT_CHECKED)).to_be_visible()
    expect(page.locator("input[name=score][value='4']")).to_be_checked()
    assert not ArticleRating.objects.exists()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("your vote (4 of 5) is counted")).to_be_visible()
    assert ArticleRating.objects.get().score == 4

    page.goto(site + SEED_URL)
    page.get_by_role("button", name="Vote down").click()
    expect(page.get_by_text(NOT_CHECKED)).to_be_visible()
    expect(page.get_by_role("radio", name="Vote down")).to_be_checked()
    page.get_by_role("button", name="Send my vote").click()
    expect(page.get_by_text("Your vote (down) is counted")).to_be_visible()
    assert CommentVote.objects.get().value == -1

    page.goto(site + SEED_URL)
    page.get_by_label("Notify of").select_option(label="new replies to my comments")
    page.get_by_role("textbox", name="Your email").fill("old@example.com")
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_text(NOT_CHECKED)).to_be_visible()
    expect(page.get_by_role("textbox", name="Your email")).to_have_value("old@example.com")
    expect(page.get_by_label("Notify of")).to_have_value("my-comments")
    assert not Subscription.objects.exists()
    page.wait_for_timeout(3100)  # the stamp on that page is as fresh as the page
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_text("We have emailed old@example.com")).to_be_visible()
    assert Subscription.objects.get().kind == Subscription.Kind.MY_COMMENTS
