"""The category paths, the categories, the menu and the site settings: read from the
shared cache once per process while the site stands still, and never kept from before
an editor's change commits."""

import collections
import contextlib

import pytest
from django.core.cache import cache, caches
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction

from articles import pagecache, shared_values
from articles.models import Category, SiteSettings
from articles.models.categories import CATEGORIES_CACHE_KEY, NAVIGATION_CACHE_KEY, PATHS_CACHE_KEY
from articles.models.site import CACHE_KEY as SITE_SETTINGS_KEY

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db
SHARED_KEYS = (PATHS_CACHE_KEY, CATEGORIES_CACHE_KEY, NAVIGATION_CACHE_KEY, SITE_SETTINGS_KEY)


@pytest.fixture
def shared_reads(monkeypatch):
    """How often each site-wide value was asked of the shared cache."""
    backend = caches["default"]
    counted = collections.Counter()
    original = backend.get

    def get(key, *args, **kwargs):
        if key in SHARED_KEYS:
            counted[key] += 1
        return original(key, *args, **kwargs)

    monkeypatch.setattr(backend, "get", get)
    return counted


@pytest.mark.caches_off(reason="every part of the page drawn, so every value is asked for")
def test_article_pages_drawn_from_scratch_ask_the_shared_cache_for_no_value_a_page_read_before(
    client, seed_article, shared_reads
):
    ArticleFactory(category=seed_article.category)  # a related story, in its section
    client.get(seed_article.get_absolute_url())  # the values read and stored
    assert set(shared_reads) == set(SHARED_KEYS)
    shared_reads.clear()

    assert client.get(seed_article.get_absolute_url()).status_code == 200
    assert client.get(seed_article.get_absolute_url()).status_code == 200

    assert shared_reads == {}


def test_a_menu_another_process_read_before_a_sections_rename_committed_is_not_kept(
    django_capture_on_commit_callbacks,
):
    world = Category.objects.get(path="world")
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        stale_menu = list(Category.objects.navigation())
        world.name = "Globe"
        world.save()
        # Another worker renders a page now: it sees the old row and stores it.
        shared_values.get_or_set(NAVIGATION_CACHE_KEY, lambda: stale_menu)

    assert "Globe" in [section.name for section in Category.objects.navigation()]


def test_a_menu_another_process_read_before_a_rename_but_stored_after_it_committed_is_not_kept(
    django_capture_on_commit_callbacks,
):
    world = Category.objects.get(path="world")

    def read_before_the_rename_committed():
        stale_menu = list(Category.objects.top_level())
        with django_capture_on_commit_callbacks(execute=True):  # the editor's, meanwhile
            world.name = "Globe"
            world.save()
        return stale_menu

    with a_request():  # a worker
        shared_values.get_or_set(NAVIGATION_CACHE_KEY, read_before_the_rename_committed)
    shared_values.forget_in_process()  # another worker
    with a_request():
        menu = Category.objects.navigation()

    assert "Globe" in [section.name for section in menu]


def test_site_settings_another_process_read_before_an_edit_committed_are_not_kept(
    django_capture_on_commit_callbacks,
):
    stale = SiteSettings.load()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        edited = SiteSettings.load()
        edited.site_name = "The Minsk Review"
        edited.save()
        shared_values.get_or_set(SITE_SETTINGS_KEY, lambda: stale)

    assert SiteSettings.load().site_name == "The Minsk Review"


@contextlib.contextmanager
def a_request():
    """The signals Django's handler sends around a request, without closing the test's
    database connection (as the test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        yield
        request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def in_a_request():
    with a_request():
        yield


def test_the_request_that_renames_a_section_sees_the_new_name_and_stores_nothing_before_commit(
    django_capture_on_commit_callbacks, in_a_request
):
    world = Category.objects.get(path="world")
    assert "World" in [section.name for section in Category.objects.navigation()]
    with django_capture_on_commit_callbacks(execute=False):
        world.name = "Globe"
        world.save()

        assert "Globe" in [section.name for section in Category.objects.navigation()]
        assert cache.get(NAVIGATION_CACHE_KEY) is None  # the change may yet be undone


def test_outside_a_request_the_shared_cache_is_read_each_time(shared_reads):
    Category.objects.known_paths()  # stored
    shared_reads.clear()
    Category.objects.known_paths()
    site = pagecache.versions(["site"])["site"]
    cache.set(PATHS_CACHE_KEY, {"elsewhere": 1}, None, version=site)  # another process's change

    assert Category.objects.known_paths() == {"elsewhere": 1}
    assert shared_reads[PATHS_CACHE_KEY] == 2


def test_a_value_is_read_once_per_process_until_a_change_to_the_site_commits(
    shared_reads, django_capture_on_commit_callbacks
):
    Category.objects.known_paths()  # stored in the shared cache
    shared_reads.clear()
    with a_request():
        Category.objects.known_paths()
        Category.objects.known_paths()
    with a_request():
        Category.objects.known_paths()
    assert shared_reads[PATHS_CACHE_KEY] == 1

    with django_capture_on_commit_callbacks(execute=True):
        Category.objects.create(name="Arctic", slug="arctic")  # in another process, say
    with a_request():
        seen = Category.objects.known_paths()

    assert "arctic" in seen
