"""
The queries an article page runs on every request are built once per process
(`articles.models.compiled`): building and compiling a queryset cost Django more than
SQLite took to run it. These tests hold that shape, and that each request still gets
its own article's and its own reader's rows.
"""

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import inline
from articles.models import Agency, Article, Category, ChangeNote, Comment, article_page, front
from articles.models.comment_section import comment_section, editors_picks
from articles.readers import Reader

from .factories import ArticleFactory, AuthorFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

STRANGER = Reader(user=None, token=None)


def _names(section):
    return [comment.name for comment in section.comments if comment.shown]


def test_a_second_articles_comment_section_is_not_compiled_again(compiles):
    first, second = ArticleFactory(), ArticleFactory()
    CommentFactory(article=first, name="On the first")
    reply_to = CommentFactory(article=second, name="On the second")
    CommentFactory(article=second, parent=reply_to, depth=2, name="A reply")
    comment_section(first, STRANGER, Comment.Sort.NEWEST)
    compiles.clear()

    section = comment_section(second, STRANGER, Comment.Sort.NEWEST)

    assert _names(section) == ["On the second", "A reply"]
    assert section.comments[1].reply_to_name == "On the second"
    assert compiles == []


def test_each_reader_sees_their_own_pending_comments_from_the_compiled_query():
    article = ArticleFactory()
    ada, bob = UserFactory(), UserFactory()
    guest, other_guest = Reader(user=None, token="guest-one"), Reader(user=None, token="guest-two")
    pending = Comment.Status.PENDING
    CommentFactory(article=article, name="Approved")
    CommentFactory(article=article, name="Ada's", user=ada, status=pending)
    CommentFactory(article=article, name="Guest's", reader_hash=guest.token_hash, status=pending)

    def seen_by(reader):
        return _names(comment_section(article, reader, Comment.Sort.OLDEST))

    assert seen_by(Reader(user=ada, token=None)) == ["Approved", "Ada's"]
    assert seen_by(Reader(user=bob, token=None)) == ["Approved"]
    assert seen_by(guest) == ["Approved", "Guest's"]
    assert seen_by(other_guest) == ["Approved"]
    assert seen_by(STRANGER) == ["Approved"]


def test_the_newsroom_marks_come_with_the_comments_at_no_query_per_comment(
    django_assert_num_queries,
):
    article = ArticleFactory()
    editor = UserFactory(is_staff=True)
    article.author.user = UserFactory()
    article.author.save()
    CommentFactory(article=article, name="Editor", user=editor)
    CommentFactory(article=article, name="Author", user=article.author.user)
    CommentFactory(article=article, name="Guest")

    with django_assert_num_queries(1):  # the first threads with their replies
        section = comment_section(article, STRANGER, Comment.Sort.OLDEST)
        roles = [(c.name, c.newsroom_role) for c in section.comments]

    assert roles == [("Editor", "staff"), ("Author", "author"), ("Guest", "")]


def test_a_second_articles_passages_are_not_compiled_again(compiles):
    first, second = ArticleFactory(), ArticleFactory()
    inline.passages(first)
    block = inline.passages(second)[0].block_id
    CommentFactory(article=second, block_id=block, quote="First", name="On the passage")
    compiles.clear()

    shown = inline.passages(second)

    assert [(c.name, c.on_block) for c in shown[0].recent] == [("On the passage", 1)]
    assert shown[0].recent[0].created_at.tzinfo is not None
    assert compiles == []


@pytest.mark.caches_off(reason="every part of the page drawn, so every query runs")
def test_a_second_article_page_works_out_no_querys_columns_again(client, monkeypatch):
    """`raw()` mapped each query's columns to fields and found their converters on
    every run: some tenth of an article page's time from scratch."""
    first, second = ArticleFactory(), ArticleFactory(tags=["minsk"])
    CommentFactory(article=second, name="On the second")
    client.get(first.get_absolute_url())
    worked_out = []
    original = SQLCompiler.get_converters

    def counted(self, expressions):
        worked_out.append(expressions)
        return original(self, expressions)

    monkeypatch.setattr(SQLCompiler, "get_converters", counted)

    page = client.get(second.get_absolute_url()).content.decode()

    assert "On the second" in page
    assert 'href="/tag/minsk/"' in page
    assert worked_out == []


@pytest.mark.caches_off(reason="the article looked up and drawn anew")
def test_an_article_page_reads_neither_the_bodys_source_nor_the_search_columns(
    client, seed_article
):
    """The editor's source of the body and the search index are most of a row's bytes,
    and the page shows neither."""
    with CaptureQueriesContext(connection) as queries:
        page = client.get(seed_article.get_absolute_url()).content.decode()

    assert "Minsk" in page
    for column in ("body", "search_text", "search_vector"):
        assert not [
            q for q in queries.captured_queries if f'"articles_article"."{column}"' in q["sql"]
        ]


def test_compiled_rows_are_the_instances_the_queryset_gives(seed_article):
    """Fields, annotated columns and converted values (aware times) as the ORM has them."""
    article = Article.objects.get(pk=seed_article.pk)
    block = inline.passages(article)[0].block_id
    CommentFactory(article=seed_article, name="Ada", block_id=block, quote="Minsk")
    shown = inline.passages(article)
    (comment,) = [c for passage in shown for c in passage.recent]
    expected = Comment.objects.get(name="Ada")

    assert (comment.pk, comment.name, comment.created_at) == (
        expected.pk,
        expected.name,
        expected.created_at,
    )
    assert comment.created_at.tzinfo is not None
    assert comment.on_block == 1
    found = Article.objects.published_at(seed_article.category_id, seed_article.slug)
    assert (found.pk, found.publish_at, found.author.name) == (
        article.pk,
        article.publish_at,
        article.author.name,
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_the_next_scheduled_time_is_found_by_the_times_indexes():
    """Every listing page asks; by status alone it read every published article."""
    with CaptureQueriesContext(connection) as queries:
        Article.objects.next_scheduled_time()
    (query,) = queries.captured_queries
    plan = _plan(query["sql"])
    assert "article_unpublish_at_idx" in plan
    assert "article_status_publish_idx (status=? AND publish_at>?)" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_the_fronts_rows_and_lists_look_up_the_newest_stories_by_id(seed_article):
    """Said again around the newest stories, the published filter made SQLite read
    every published story by status instead; "Most discussed" read every comment of
    the newest stories to count this week's."""
    with CaptureQueriesContext(connection) as queries:
        front.home(lead=None, count_readers=False)
    marks = {"rows": "ROW_NUMBER", "discussed": "recent_comments", "rated": "rating_score"}
    plans = {
        name: _plan(query["sql"])
        for query in queries.captured_queries
        for name, mark in marks.items()
        if mark in query["sql"]
    }

    assert sorted(plans) == ["discussed", "rated", "rows"]
    for name, plan in plans.items():
        outer = plan.split("), (")[0]
        assert "SEARCH articles_article USING INTEGER PRIMARY KEY" in outer, (name, plan)
    recent_comments = "COVERING INDEX comment_article_recent_idx (article_id=? AND status=? AND"
    assert recent_comments in plans["discussed"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_an_article_finds_its_passage_comments_and_picks_without_reading_its_other_comments(
    seed_article,
):
    """Each article page asks for both; few comments are either, and SQLite read every
    approved comment of the article to find none."""
    with CaptureQueriesContext(connection) as queries:
        inline.passages(seed_article)
        editors_picks(seed_article)
    sqls = [query["sql"] for query in queries.captured_queries]
    (answers,) = [_plan(sql) for sql in sqls if "ROW_NUMBER" in sql]
    (picks,) = [_plan(sql) for sql in sqls if '"is_featured" =' in sql]

    assert (
        "USING INDEX comment_on_passage_idx (article_id=? AND status=? AND block_id>?)" in answers
    )
    assert "comment_editors_pick_idx (article_id=? AND is_featured=? AND status=?)" in picks


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_an_articles_related_stories_are_looked_up_by_id_not_among_every_published_one(
    seed_article,
):
    """Said around the stories tagged alike, the published filter made SQLite read every
    published story by its publish time to keep those few: with 1,000 stories, 0.5 ms
    of the story page's 1.7 ms of SQL."""
    ArticleFactory(category=seed_article.category, tags=["minsk"])
    seed_article.tags.add("minsk")
    with CaptureQueriesContext(connection) as queries:
        related = article_page.related_stories(seed_article)
    (plan,) = [_plan(query["sql"]) for query in queries.captured_queries]

    assert len(related) == 1
    assert "article_status_publish_idx" not in plan
    assert "SEARCH articles_article USING INTEGER PRIMARY KEY" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan")
def test_the_newest_stories_are_read_off_the_index_in_their_order_with_no_sort(seed_article):
    """Lists of stories are newest first, then by id: with the id out of the index, SQLite
    sorted the newest of the site and of a section again, for each of the front's rows
    and lists, the river and related stories."""
    section = Category.objects.get(path="world/russia")
    with CaptureQueriesContext(connection) as queries:
        front.home(lead=None, count_readers=False)
        front.lead_and_river(10)
        front.lead_and_river(10, section)
        article_page.related_stories(seed_article)
    plans = [_plan(query["sql"]) for query in queries.captured_queries]
    reads = [plan for plan in plans if "article_status_publish_idx" in plan]
    by_section = [plan for plan in plans if "article_category_publish_idx" in plan]

    assert len(reads) >= 4 and by_section
    assert not [plan for plan in plans if "RIGHT PART OF ORDER BY" in plan]


def _plan(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return ", ".join(str(row) for row in cursor.fetchall())


def test_a_renamed_section_shows_in_the_articles_breadcrumbs_at_once(client, seed_article):
    client.get(seed_article.get_absolute_url())  # the categories are now cached
    russia = Category.objects.get(path="world/russia")
    russia.name = "Russian Federation"
    russia.save()

    assert [c.name for c in seed_article.category.ancestors()] == ["World", "Russian Federation"]
    assert Article.objects.get(pk=seed_article.pk).category.name == "Russian Federation"


def test_a_second_articles_other_authors_are_not_compiled_again(compiles):
    first, second = ArticleFactory(), ArticleFactory()
    ada, bob = AuthorFactory(name="Ada"), AuthorFactory(name="Bob")
    first.set_co_authors([ada.pk])
    second.set_co_authors([bob.pk, ada.pk])
    Article.objects.get(pk=first.pk).bylines()
    second = Article.objects.select_related("author").get(pk=second.pk)
    compiles.clear()

    names = [author.name for author in second.bylines()]

    assert names == [second.author.name, "Bob", "Ada"]
    assert compiles == []


def test_an_articles_agencies_tags_and_notes_come_as_its_managers_give_them(compiles):
    ArticleFactory(tags=["Elsewhere"])
    article = ArticleFactory(tags=["Zebra", "apple", "Mango"], revised_at=timezone.now())
    article.agencies.add(Agency.objects.create(name="Zeta Wire"), Agency.objects.create(name="apa"))
    ChangeNote.objects.create(article=article, kind="update", note="Later.")
    ChangeNote.objects.create(article=article, kind="correction", note="A fix.")
    ChangeNote.objects.create(article=article, kind="update", note="")
    article_page.agencies_of(ArticleFactory())  # compiled for another article first
    article_page.tags_of(ArticleFactory())
    article_page.change_notes_of(ArticleFactory(revised_at=timezone.now()))
    compiles.clear()

    found = (
        article_page.agencies_of(article),
        article_page.tags_of(article),
        article_page.change_notes_of(article),
    )

    assert compiles == []
    assert (
        [a.name for a in found[0]]
        == ["apa", "Zeta Wire"]
        == [a.name for a in article.agencies.all()]
    )
    assert [t.name for t in found[1]] == ["Zebra", "apple", "Mango"]
    assert found[1] == list(article.tags.all())
    assert [n.note for n in found[2]] == ["Later.", "A fix."]
    assert found[2] == list(article.change_notes.for_page())
    assert article_page.change_notes_of(ArticleFactory()) == []  # never revised: no query


@pytest.mark.parametrize("address", ["/", "/world/", "/?after=9999999999999999.1", "/feed/"])
def test_a_list_of_cards_reads_neither_the_body_nor_the_search_columns(client, address):
    """Only a feed's items show the body (`body_html`, or `body_text` cut short)."""
    ArticleFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    lists = [q["sql"] for q in queries.captured_queries if '"articles_article"."title"' in q["sql"]]
    assert lists
    shown = {"body_html", "body_text"} if address == "/feed/" else set()
    for listed in lists:
        for column in ("body", "search_text", "search_vector", "body_html", "body_text"):
            assert (f'"articles_article"."{column}"' in listed) == (column in shown), column
