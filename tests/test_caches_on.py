"""The suite runs the site as production does: pages and markup kept, and on-commit
callbacks (invalidation, mail) run when the code's transaction commits, also in the
plain `db` tests, which never commit for real (see tests/conftest.py)."""

import pytest
from django.db import transaction
from django.test import Client

from articles import publishing

pytestmark = pytest.mark.django_db


def test_a_plain_db_test_reads_cached_pages_and_sees_a_change_at_once(seed_article):
    url = seed_article.get_absolute_url()
    Client().get(url)
    assert Client().get(url)["X-Page-Cache"] == "hit"

    seed_article.title = "Leaders Meet Again"
    publishing.save_article(seed_article)

    fresh = Client().get(url)
    assert "X-Page-Cache" not in fresh
    assert "Leaders Meet Again" in fresh.content.decode()


def test_on_commit_callbacks_run_when_the_codes_outermost_block_commits():
    ran = []
    transaction.on_commit(lambda: ran.append("autocommit"))
    assert ran == ["autocommit"]  # no transaction of the code's own: at once

    with transaction.atomic():
        transaction.on_commit(lambda: ran.append("outer"))
        with transaction.atomic():
            transaction.on_commit(lambda: ran.append("inner"))
        assert ran == ["autocommit"]  # not before the commit
    assert ran == ["autocommit", "outer", "inner"]


def test_a_rolled_back_block_drops_its_callbacks():
    ran = []
    with pytest.raises(LookupError), transaction.atomic():
        transaction.on_commit(lambda: ran.append("rolled back"))
        raise LookupError
    with transaction.atomic():
        with pytest.raises(LookupError), transaction.atomic():
            transaction.on_commit(lambda: ran.append("inner, rolled back"))
            raise LookupError
        transaction.on_commit(lambda: ran.append("outer"))
    assert ran == ["outer"]


def test_captured_callbacks_wait_for_the_test_and_run_once(django_capture_on_commit_callbacks):
    ran = []
    with django_capture_on_commit_callbacks() as callbacks:
        transaction.on_commit(lambda: ran.append("captured"))
    assert ran == [] and len(callbacks) == 1
    with transaction.atomic():
        pass  # a later commit does not run what the test captured
    assert ran == []
    with django_capture_on_commit_callbacks(execute=True):
        transaction.on_commit(lambda: ran.append("executed"))
    assert ran == ["executed"]


@pytest.mark.caches_off(reason="proves that the marker turns the caches off")
def test_a_test_marked_caches_off_renders_every_page(seed_article, settings):
    url = seed_article.get_absolute_url()
    Client().get(url)
    assert "X-Page-Cache" not in Client().get(url)
    assert settings.MAGAZINE_KEEP_FRAGMENTS is False
