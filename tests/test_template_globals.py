"""
The public templates' url() is read per address many times a page (every card names
its article and section): the URLconf and script prefix it depends on, thread-locals
slow to read, are read once per request, and each address is still the request's own.
"""

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import set_script_prefix

from magazine import jinja2

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.caches_off(reason="counts what a page rendered from scratch reads"),
]


def test_a_page_reads_the_script_prefix_once_for_all_its_addresses(client, monkeypatch):
    reads = []
    original = jinja2.get_script_prefix

    def counted():
        reads.append(1)
        return original()

    monkeypatch.setattr(jinja2, "get_script_prefix", counted)
    assert client.get("/").status_code == 200
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
