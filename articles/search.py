"""
Search: what of an article is searchable, and how a reader's query is read.

Two engines, the same answer for simple word queries:

- PostgreSQL: full-text search over a weighted document (title above standfirst
  above everything else: body, tags, section, author), ranked, with highlighted
  snippets. The document is stored in `Article.search_vector` whenever the text
  changes, so ranking never re-parses bodies, and a GIN index on it finds the
  matches. The migration creates that index on PostgreSQL only, which is why it
  is not in `Article.Meta` (SQLite cannot build it).
- SQLite (the embedded default) and others: every word of the query must appear,
  case-insensitively, somewhere in the article's `search_text`.

Readers type anything: quotes, operators, 1,000 characters, control characters.
`clean_query` makes any of it safe for both engines; neither ever raises on it.
"""

import re
import unicodedata

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connections
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import richtext

CONFIG = "english"
INDEX_NAME = "article_search_idx"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
# Results are the best of the newest matches, at most this many (twenty pages): ranking
# every match of a common word among 100,000 articles would cost tens of milliseconds a
# search, and at 500 a common word took 1.6× as long there as among 1,000 (docs/scale.md).
MAX_RESULTS = 200
SNIPPET_LENGTH = 240
# Snippets mark matches with these; they are escaped as text, then become <mark>.
# Control characters never occur in stored text (see `_without_controls`).
MARK_START, MARK_END = "\x02", "\x03"
_WORD = re.compile(r"\w+")


def _without_controls(text):
    """Replace control characters and lone surrogates (PostgreSQL rejects NUL) with spaces."""
    return "".join(" " if unicodedata.category(ch) in {"Cc", "Cs"} else ch for ch in text)


def plain_text(body_html):
    """The text of a sanitized body, one paragraph per block."""
    return _without_controls(
        "\n\n".join(block.text for block in richtext.split_blocks(body_html))
    ).strip()


def search_text(*parts):
    """Case-folded text of everything search should find an article by."""
    return unicodedata.normalize("NFC", " ".join(p for p in parts if p)).casefold()


def clean_query(raw):
    """A reader's query, safe for both engines: no control characters, at most 200 characters."""
    text = _without_controls(str(raw or "")[: MAX_QUERY_LENGTH * 2])
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def query_words(query):
    """The words of a query, as the fallback matches them (quotes and operators dropped)."""
    return _WORD.findall(unicodedata.normalize("NFC", query).casefold())[:MAX_WORDS]


def document():
    """The weighted text-search document, as stored in `search_vector`."""
    return (
        SearchVector("title", weight="A", config=CONFIG)
        + SearchVector("standfirst", weight="B", config=CONFIG)
        + SearchVector("search_text", weight="C", config=CONFIG)
    )


def is_postgres(queryset):
    return connections[queryset.db].vendor == "postgresql"


def store_vectors(queryset):
    """Recompute the stored documents of these articles (PostgreSQL only: one UPDATE)."""
    if is_postgres(queryset):
        queryset.update(search_vector=document())


def matching(queryset, query):
    """Articles of `queryset` that match a cleaned query, best first: the best of the
    newest `MAX_RESULTS` matches."""
    if is_postgres(queryset):
        return _full_text(queryset, query)
    words = query_words(query)
    if not words:
        return queryset.none()
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset.order_by("-publish_at", "-id")[:MAX_RESULTS]


def _full_text(queryset, query):
    # websearch_to_tsquery accepts any input: quotes, "or", "-word", stray operators.
    tsquery = SearchQuery(query, search_type="websearch", config=CONFIG)
    newest = queryset.filter(search_vector=tsquery).order_by("-publish_at", "-id")
    return (
        queryset.filter(pk__in=newest.values("pk")[:MAX_RESULTS])
        .annotate(
            rank=SearchRank(F("search_vector"), tsquery),
            headline=SearchHeadline(
                "body_text",
                tsquery,
                config=CONFIG,
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=40,
                min_words=20,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-publish_at", "-id")
    )


def snippet(article, query):
    """A short passage of the article with the query's words in <mark>, escaped."""
    headline = getattr(article, "headline", None)
    if headline is None:
        headline = _snippet_in_python(article.body_text or article.standfirst, query)
    return mark_safe(escape(headline).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))


def _snippet_in_python(text, query):
    words = sorted(set(query_words(query)), key=len, reverse=True)
    if not words:
        return text[:SNIPPET_LENGTH]
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    start = 0
    if match := pattern.search(text):
        start = max(0, match.start() - SNIPPET_LENGTH // 3)
        if start:
            start = text.find(" ", start) + 1 or start
    end = start + SNIPPET_LENGTH
    window = text[start:end]
    if end < len(text):
        window = window.rsplit(" ", 1)[0]
    window = pattern.sub(lambda m: MARK_START + m.group(0) + MARK_END, window)
    return ("… " if start else "") + window + (" …" if end < len(text) else "")


def search_index():
    return GinIndex(fields=["search_vector"], name=INDEX_NAME)


def create_search_index(apps, schema_editor):
    """Migration step: the GIN index on PostgreSQL; other databases do without."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("articles", "Article"), search_index())


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("articles", "Article"), search_index())


def fill_search_fields(apps, schema_editor):
    """Migration step: `body_text` and `search_text` for articles saved before they existed."""
    Article = apps.get_model("articles", "Article")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="articles", model="article").first()
    tags = {}
    for object_id, name in TaggedItem.objects.filter(content_type=content_type).values_list(
        "object_id", "tag__name"
    ):
        tags.setdefault(object_id, []).append(name)
    articles = list(Article.objects.select_related("category", "author"))
    for article in articles:
        article.body_text = plain_text(article.body_html)
        article.search_text = search_text(
            article.title,
            article.standfirst,
            article.body_text,
            " ".join(tags.get(article.pk, ())),
            article.category.name,
            article.author.name,
        )
    Article.objects.bulk_update(articles, ["body_text", "search_text"], batch_size=500)
    if schema_editor.connection.vendor == "postgresql":
        Article.objects.update(search_vector=document())
