"""Pages drawn for one request are compressed at zlib's fastest level, padded against
BREACH; what the page cache keeps is compressed once, at the best (magazine.middleware)."""

import gzip
import random

import pytest
from django.test import Client

from magazine.middleware import GZipMiddleware

pytestmark = pytest.mark.django_db

GZIP = {"Accept-Encoding": "gzip, deflate, br"}
FASTEST, BEST = 4, 2  # the gzip header's XFL byte (RFC 1952) for zlib's levels 1 and 9


def header_of(compressed):
    """(XFL, the file name) of a gzip member."""
    assert compressed[3] & gzip.FNAME, "no file name: the padding against BREACH is gone"
    return compressed[8], compressed[10 : compressed.index(b"\x00", 10)]


@pytest.mark.caches_off(reason="a page drawn for this request, as a reader's own page is")
def test_a_page_drawn_for_one_request_is_compressed_at_the_fastest_level_and_padded(
    seed_article,
):
    url = seed_article.get_absolute_url()
    plain = Client().get(url)
    drawn = [Client().get(url, headers=GZIP) for _ in range(5)]

    assert all(response["Content-Encoding"] == "gzip" for response in drawn)
    assert "accept-encoding" in drawn[0]["Vary"].lower()
    assert gzip.decompress(drawn[0].content) == plain.content
    assert int(drawn[0]["Content-Length"]) == len(drawn[0].content) < len(plain.content) / 3
    headers = [header_of(response.content) for response in drawn]
    assert {level for level, _ in headers} == {FASTEST}
    assert len({name for _, name in headers}) > 1  # a random name each time


def test_a_kept_page_is_compressed_at_the_best_level(seed_article):
    url = seed_article.get_absolute_url()
    Client().get(url)
    hit = Client().get(url, headers=GZIP)
    assert hit["X-Page-Cache"] == "hit"
    assert hit.content[8] == BEST


def test_a_client_that_takes_no_gzip_gets_the_page_plain(seed_article):
    response = Client().get(seed_article.get_absolute_url(), headers={"Accept-Encoding": "br"})
    assert "Content-Encoding" not in response
    assert b"</html>" in response.content


@pytest.mark.caches_off(reason="a page drawn for this request, as a reader's own page is")
def test_the_padding_reads_the_systems_randomness_for_its_name_at_once_not_by_the_character(
    seed_article, monkeypatch
):
    """Django's `compress_string()` reads it once for each character of the name."""
    reads = []
    urandom = random._urandom  # what `secrets` and SystemRandom read

    def counted(size):
        reads.append(size)
        return urandom(size)

    monkeypatch.setattr(random, "_urandom", counted)
    response = Client().get(seed_article.get_absolute_url(), headers=GZIP)
    monkeypatch.undo()
    assert header_of(response.content)[1]  # a name, as before
    # One read for the name; one for its length, again for each draw `randbelow()`
    # throws back (28 in 128): ten in all is a chance in a million.
    assert reads.count(GZipMiddleware.max_random_bytes) == 1 and len(reads) < 10, reads
