"""
The public templates' url() and date are called many times a page (every card names
its article and section, and shows its date): the URLconf, script prefix, time zone
and language they depend on, thread-locals slow to read, are read once per request;
each address and date is still what the request's own values give.
"""

import datetime

import pytest
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.template import defaultfilters, engines
from django.test import RequestFactory
from django.urls import URLResolver, set_script_prefix
from django.utils import timezone

from articles import addresses
from magazine import jinja2

from .factories import ArticleFactory, CommentFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.caches_off(reason="counts what a page rendered from scratch reads"),
]


def _count_calls(monkeypatch, function, *modules):
    """The calls of `function` (by its name in each of `modules`) from now on."""
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return function(*args, **kwargs)

    for module in modules:
        monkeypatch.setattr(module, function.__name__, counted)
    return calls


def test_a_template_reads_the_script_prefix_once_for_all_its_addresses(monkeypatch):
    reads = _count_calls(monkeypatch, addresses.get_script_prefix, addresses)
    template = engines["jinja2"].env.from_string(
        "{% for n in range(20) %}{{ url('articles:comments', n) }}{% endfor %}"
    )
    assert "/comments/19/" in template.render(request=RequestFactory().get("/"))
    assert len(reads) == 1


def test_each_request_gets_addresses_under_its_own_script_prefix():
    template = engines["jinja2"].env.from_string("{{ url('articles:search') }}")
    try:
        set_script_prefix("/mag/")
        under_prefix = template.render(request=RequestFactory().get("/"))
        set_script_prefix("/")
        at_root = template.render(request=RequestFactory().get("/"))
    finally:
        set_script_prefix("/")
    assert (under_prefix, at_root) == ("/mag/search/", "/search/")


def test_a_page_reads_the_time_zone_once_for_all_its_dates(client, monkeypatch):
    ArticleFactory.create_batch(3)
    reads = _count_calls(monkeypatch, timezone.get_current_timezone, timezone, jinja2)
    assert client.get("/").status_code == 200
    assert len(reads) == 1


@pytest.mark.parametrize("format_string", ["c", "j F Y", "j F Y, H:i", "j M Y, H:i"])
def test_dates_read_as_djangos_date_filter_writes_them_in_the_readers_zone(format_string):
    moment = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC)
    template = engines["jinja2"].env.from_string("{{ moment|date(format) }}")
    with timezone.override("Europe/Berlin"):
        ours = template.render(
            request=RequestFactory().get("/"), moment=moment, format=format_string
        )
        djangos = defaultfilters.date(timezone.template_localtime(moment), format_string)
    assert ours == djangos
    assert "2026" in ours


def test_a_time_formatted_once_is_still_each_requests_own_zone():
    """Times are formatted once per process (`jinja2._formatted`): by moment, format and
    zone, so a request in another zone never gets the first one's text."""
    moment = datetime.datetime(2026, 3, 29, 0, 30, tzinfo=datetime.UTC)
    template = engines["jinja2"].env.from_string("{{ moment|date('j F Y, H:i') }}")

    def shown_in(zone):
        with timezone.override(zone):
            return template.render(request=RequestFactory().get("/"), moment=moment)

    assert [shown_in("Europe/Berlin"), shown_in("America/New_York"), shown_in("UTC")] == [
        "29 March 2026, 01:30",
        "28 March 2026, 20:30",
        "29 March 2026, 00:30",
    ]
    assert shown_in("Europe/Berlin") == "29 March 2026, 01:30"


def test_an_article_page_reads_the_time_zone_once_for_the_page_and_once_for_its_comments(
    client, seed_article, monkeypatch
):
    """Comments are drawn without the request (their markup is every reader's), so
    their times read the zone once for all of them, not once each."""
    CommentFactory.create_batch(6, article=seed_article)
    reads = _count_calls(monkeypatch, timezone.get_current_timezone, timezone, jinja2)
    assert client.get(seed_article.get_absolute_url()).status_code == 200
    assert len(reads) == 2


def test_pages_drawn_again_work_out_none_of_their_addresses_again(
    client, seed_article, monkeypatch
):
    """Their views' addresses (twenty reverse() on the story, each some 20 µs) and their
    static files' (ten lookups in the manifest, some 40 µs each) were worked out anew
    on every render."""
    CommentFactory(article=seed_article)
    pages = ["/", seed_article.get_absolute_url(), seed_article.category.get_absolute_url()]
    for path in pages:
        client.get(path)
    reversed_ = _count_calls(monkeypatch, URLResolver._reverse_with_prefix, URLResolver)
    looked_up = _count_calls(monkeypatch, StaticFilesStorage.url, StaticFilesStorage)

    drawn = [client.get(path) for path in pages]

    assert [page.status_code for page in drawn] == [200, 200, 200]
    assert 'src="/static/js/comments.js"' in drawn[1].content.decode()
    assert (reversed_, looked_up) == ([], [])
