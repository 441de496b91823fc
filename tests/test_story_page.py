"""A story page that reads like a newsroom's (issue 21): reading time, related stories,
the author box, the tagline under the headline, the rating's stars as icons, and
passage feedback as a quiet marker in the margin rather than a line under each paragraph.
The suite's caches are on: every change must show at once."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, ArticleByline, Category, SiteSettings
from articles.models.article_page import reading_minutes

from .factories import ArticleFactory, AuthorFactory
from .fresh_renders import Clock
from .helpers import page_queries

pytestmark = pytest.mark.django_db

VOID = {"br", "img", "input", "meta", "link", "source", "hr", "wbr"}


class _Seen(HTMLParser):
    """The text outside the elements `hidden(attributes)` says are hidden."""

    def __init__(self, hidden):
        super().__init__()
        self.is_hidden = hidden
        self.open, self.hidden_at, self.words = 0, None, []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.open += 1
        if self.is_hidden(dict(attrs)) and self.hidden_at is None:
            self.hidden_at = self.open

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.hidden_at == self.open:
            self.hidden_at = None
        self.open -= 1

    def handle_data(self, data):
        if self.hidden_at is None:
            self.words.extend(data.split())


def page(article, client=None):
    return (client or Client()).get(article.get_absolute_url()).content.decode()


def _text(html, hidden):
    seen = _Seen(hidden)
    seen.feed(html)
    return " ".join(seen.words)


def visible_text(html):
    """The words a sighted reader sees: nothing visually hidden."""
    return _text(html, lambda attrs: "visually-hidden" in (attrs.get("class") or ""))


def spoken_text(html):
    """The words a screen reader reads: nothing aria-hidden."""
    return _text(html, lambda attrs: attrs.get("aria-hidden") == "true")


def between(html, start, end):
    return html[html.index(start) : html.index(end, html.index(start))]


# --- Passage feedback: a marker in the margin, not a line of text ----------------------


def test_passage_feedback_is_a_quiet_marker_not_a_line_under_every_paragraph(seed_article):
    html = page(seed_article)
    body = between(html, 'class="article__body"', 'class="article__credit"')
    paragraphs = body.count('<div class="passage"')
    assert paragraphs == 16
    # Still a plain link on every paragraph, named for screen readers and without JS...
    links = re.findall(r'<a class="passage__comment" href="[^"]+" data-passage-comment>', body)
    assert len(links) == paragraphs
    assert body.count('<span class="visually-hidden">Comment on this paragraph</span>') == 16
    # ...but no reader sees a line of text under each paragraph.
    assert "Comment on this" not in visible_text(body)
    assert spoken_text(body).count("Comment on this paragraph") == 16


# --- The tagline under the headline and the avatar --------------------------------------


def test_the_tagline_stands_under_the_headline_and_avatar_as_in_the_reference(seed_article):
    header = between(page(seed_article), '<header class="article__header">', "</header>")
    assert header.index("article__title") < header.index("avatar")
    assert header.index("avatar") < header.index(
        '<p class="article__tagline">Make your Motion!</p>'
    )

    site = SiteSettings.load()
    site.tagline = "News that moves"
    site.save()
    assert '<p class="article__tagline">News that moves</p>' in page(seed_article)


# --- The rating's stars as icons --------------------------------------------------------


def _rating_figures(html):
    return between(html, '<p class="rating__figures">', "</p>") + "</p>"


def test_the_ratings_stars_are_icons_and_screen_readers_hear_the_figures(seed_article):
    figures = _rating_figures(page(seed_article))
    assert "★" not in figures
    assert visible_text(figures) == "0 0 votes"  # the capture's "0 0 vote", stars as icons
    assert spoken_text(figures) == "Rated 0 of 5, 0 votes"
    seen = between(
        figures, '<span class="rating__seen" aria-hidden="true">', '<span class="rating__count">'
    )
    assert seen.count('<span class="star star--empty"></span>') == 5


def test_the_spoken_rating_follows_the_votes(seed_article, one_rate_limit_window):
    reader = Client()
    rate = reverse("articles:rate", args=[seed_article.pk])
    assert reader.post(rate, {"score": "4"}, follow=True).status_code == 200
    figures = _rating_figures(page(seed_article, Client()))
    assert spoken_text(figures) == "Rated 4 of 5, 1 vote"
    assert visible_text(figures) == "4 1 vote"
    assert figures.count('class="star star--full"') == 4


# --- Reading time ----------------------------------------------------------------------


def test_reading_time_is_the_words_of_the_body_at_230_a_minute():
    assert reading_minutes(Article(body_text="word " * 2300)) == 10
    assert reading_minutes(Article(body_text="word " * 1000)) == 4  # 4.3 minutes
    assert reading_minutes(Article(body_text="A short note.")) == 1
    assert reading_minutes(Article(body_text="")) == 1


def test_the_story_says_how_long_it_takes_to_read(seed_article):
    words = len(seed_article.body_text.split())
    minutes = max(1, round(words / 230))
    byline = between(page(seed_article), '<div class="byline">', "</div>")
    assert f"{minutes} min read" in byline

    seed_article.body = "<p>" + "word " * 2300 + "</p>"
    seed_article.save()
    assert "10 min read" in page(seed_article)


# --- Related stories --------------------------------------------------------------------


@pytest.fixture
def story():
    energy = Category.objects.create(name="Energy", slug="energy", path="energy")
    return ArticleFactory(title="The story", category=energy, tags=["Gas", "Pipelines"])


def _related(html):
    if 'class="related"' not in html:
        return []
    section = between(html, '<section class="related"', "</section>")
    return re.findall(r'class="related__title"><a href="[^"]+">([^<]+)</a>', section)


def test_related_stories_share_its_tags_first_then_its_section(story):
    hours = iter(range(1, 100))

    def older(**fields):
        return ArticleFactory(
            publish_at=timezone.now() - timezone.timedelta(hours=next(hours)), **fields
        )

    sport = Category.objects.create(name="Sport", slug="sport", path="sport")
    newer_in_section = older(title="Same section", category=story.category)
    both_tags = older(title="Both tags", category=sport, tags=["Gas", "Pipelines"])
    one_tag = older(title="One tag", category=sport, tags=["Gas"])
    older(title="Unrelated", category=sport, tags=["Football"])
    older(title="A draft on gas", category=sport, tags=["Gas"], status=Article.Status.DRAFT)
    ArticleFactory(
        title="Scheduled gas",
        tags=["Gas"],
        publish_at=timezone.now() + timezone.timedelta(days=1),
    )
    titles = _related(page(story))
    assert titles == [both_tags.title, one_tag.title, newer_in_section.title]

    # Never more than four; a new story on the same tag shows at once.
    for n in range(3):
        older(title=f"Older in section {n}", category=story.category)
    ArticleFactory(title="Fresh on gas", category=sport, tags=["Gas"])
    assert _related(page(story)) == [
        both_tags.title,
        "Fresh on gas",
        one_tag.title,
        newer_in_section.title,
    ]


def test_without_shared_tags_they_are_the_sections_four_newest_it_may_show(story):
    """Only the section's newest are read: the story itself, a draft and a scheduled
    story among them must not leave the list short."""
    for n in range(6):
        ArticleFactory(
            title=f"In section {n}",
            category=story.category,
            publish_at=timezone.now() - timezone.timedelta(hours=n + 1),
        )
    ArticleFactory(title="A draft", category=story.category, status=Article.Status.DRAFT)
    ArticleFactory(
        title="Scheduled",
        category=story.category,
        publish_at=timezone.now() + timezone.timedelta(days=1),
    )
    Article.objects.filter(pk=story.pk).update(publish_at=timezone.now())  # the newest
    assert _related(page(story)) == [f"In section {n}" for n in range(4)]


def test_an_article_with_nothing_related_shows_no_empty_list():
    lonely = ArticleFactory(category=Category.objects.create(name="Odd", slug="odd", path="odd"))
    html = page(lonely)
    assert _related(html) == [] and "Related stories" not in html


def test_related_stories_cost_the_same_with_few_and_many_tags(client, story, settings):
    settings.MAGAZINE_KEEP_FRAGMENTS = False
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
    ArticleFactory(category=story.category, tags=["Gas"])
    with_few = page_queries(client, story.get_absolute_url())
    story.tags.add(*[f"extra {n}" for n in range(30)])
    for n in range(10):
        ArticleFactory(tags=[f"extra {n}", "Gas"])
    assert page_queries(client, story.get_absolute_url()) == with_few


def test_a_scheduled_story_joins_the_related_ones_when_it_goes_live(story, monkeypatch):
    """No save happens when its time comes: the kept page and markup expire by it."""
    clock = Clock(monkeypatch)
    live_at = timezone.now() + timezone.timedelta(hours=1)
    ArticleFactory(title="Scheduled gas", tags=["Gas"], publish_at=live_at)
    assert _related(page(story)) == []
    clock.move_to(live_at + timezone.timedelta(seconds=1))
    assert _related(page(story)) == ["Scheduled gas"]


# --- The author box ---------------------------------------------------------------------


def test_each_author_has_a_box_with_bio_and_avatar_at_the_end(story):
    lead = story.author
    lead.bio = "Covers energy from Minsk."
    lead.save()
    other = AuthorFactory(name="Bob Ray", bio="Writes on pipelines.")
    ArticleByline.objects.create(article=story, author=other)

    html = page(story)
    boxes = between(html, '<section class="authors"', "</section>")
    assert html.index('class="article__body"') < html.index('<section class="authors"')
    assert "About the authors" in boxes
    assert boxes.count('<div class="author-box">') == 2
    assert boxes.index(lead.name) < boxes.index("Bob Ray")
    assert "Covers energy from Minsk." in boxes and "Writes on pipelines." in boxes
    assert 'class="avatar avatar--initials" aria-hidden="true">BR<' in boxes
    assert f'href="{other.get_absolute_url()}"' in boxes

    other.bio = "Now writes on grids."
    other.save()
    assert "Now writes on grids." in page(story)


# --- Reading figures ---------------------------------------------------------------------


def test_the_story_page_carries_the_reading_figures_beacon(seed_article):
    beacon = reverse("articles:beacon", args=[seed_article.pk])
    html = page(seed_article)
    assert f'data-beacon-url="{beacon}"' in html
    assert f'<noscript><img src="{beacon}"' in html


def test_the_author_boxes_cost_the_same_for_one_author_or_four(client, story, settings):
    settings.MAGAZINE_KEEP_FRAGMENTS = False
    settings.MAGAZINE_PAGE_CACHE_SECONDS = 0
    with_one = page_queries(client, story.get_absolute_url())
    for position in range(1, 4):
        ArticleByline.objects.create(article=story, author=AuthorFactory(), position=position)
    html = client.get(story.get_absolute_url()).content.decode()
    assert html.count('<div class="author-box">') == 4
    assert page_queries(client, story.get_absolute_url()) == with_one
