"""
The home page as a magazine front: the lead story, a row per section and the "Most
read", "Most discussed" and "Top rated" lists, beside the river of latest stories
(`card_list`). Each is one query compiled once per process (`articles.models.compiled`),
so a front costs the same queries whatever the number of sections, articles, views,
comments or votes.

Kept fronts: the lists move with readers' comments and votes, which bump their article's
page, and with views, written in batches that bump nothing. So a front names every
story it shows, the river's too (`shown()`: a comment or vote on any of them draws the
front again, as one would change its figures or its place in a list), and is kept no
later than the next quarter hour (`refresh_at`): a story from further back that climbs
into a list, and every "Most read", is at most fifteen minutes old. For readers the
page cache cannot serve, the front alone is kept by the same rule (`HomeView.front`).
"""

import datetime
import functools
from dataclasses import dataclass, field

from django.db import connection, models
from django.db.models.functions import Cast, Coalesce, Concat, RowNumber, StrIndex, Substr
from django.utils import timezone

from .. import newsroom_time
from . import card_list, featured_image
from .article_queryset import CARDS_NEVER_SHOW, attach_author, author_columns
from .articles import Article
from .categories import Category, attach_sections
from .comments import Comment
from .compiled import Compiled, Slot, int_slot, time_slot
from .rating_figures import RATING_FIELDS
from .readership import DailyViews

ROW_SIZE = 4  # stories per section row
LIST_SIZE = 5  # stories per list
# Section rows and "Top rated" look among the newest stories only, so that a front costs
# the same on an archive of 100,000 as on one of 1,000: a section with nothing among
# them is dormant, and a rating older than them is history, not news.
CANDIDATES = 200
MIN_VOTES = 3  # "Top rated" needs this many votes: one 5-star vote is no rating
WEEK = datetime.timedelta(days=7)
REFRESH = datetime.timedelta(minutes=15)
# What a list shows of a story: its title and address (section from the cached ones).
LIST_COLUMNS = ("id", "title", "slug", "category_id", "publish_at")

LEAD = int_slot("lead", 21)


@dataclass
class Front:
    lead: Article | None = None
    rows: list = field(default_factory=list)  # [(section, [cards])]
    most_read: list = field(default_factory=list)
    most_discussed: list = field(default_factory=list)
    top_rated: list = field(default_factory=list)

    @property
    def has_lists(self):
        """Whether any of "Most read", "Most discussed" and "Top rated" has stories."""
        return bool(self.most_read or self.most_discussed or self.top_rated)

    def shown(self):
        """The ids of the stories the front shows."""
        stories = [self.lead] if self.lead else []
        stories += [card for _, cards in self.rows for card in cards]
        stories += self.most_read + self.most_discussed + self.top_rated
        return {story.pk for story in stories}


def refresh_at(now=None):
    """The next quarter hour: when a kept front's lists are drawn again."""
    now = now or timezone.now()
    start = now.replace(minute=now.minute - now.minute % 15, second=0, microsecond=0)
    return start + REFRESH


def lead_and_river(per_page, section=None, lead_id=None):
    """(the lead, the river's first `per_page` cards without it, whether more follow):
    a reader sees each story once. The lead is the editor's pick (`lead_id`) if readers
    may see it, else the newest story of the home or `section` page."""
    fetched = per_page + 1  # one more, in case the lead is among them
    cards, more = card_list.first_page(fetched, section)
    lead = _chosen_lead(lead_id, fetched) if lead_id is not None else None
    lead = lead or (cards[0] if cards else None)
    river = [card for card in cards if card != lead]
    return lead, river[:per_page], more or len(river) > per_page


def _chosen_lead(lead_id, per_page):
    """The chosen story as a card, if readers may see it."""
    found = _queries()["lead"].raw(Article, now=_db_now(), lead=lead_id)
    if found:
        featured_image.attach(found[0])
        attach_author(found[0])
        card_list.complete(found, per_page)
        return found[0]
    return None


def home(lead, count_readers=True):
    """The front around `lead`: its section rows and lists."""
    now = timezone.now()
    queries, values = _queries(), {"now": _db_now(now)}
    since = _db_time(now - WEEK)
    discussed = queries["discussed"].raw(Article, since=since, **values)
    if discussed and discussed[0].recent_comments:
        discussed = [article for article in discussed if article.recent_comments]
    most_read = []
    if count_readers:
        # The last seven days, today included, as the newsroom's calendar counts them.
        first_day = newsroom_time.local(now).date() - (WEEK - datetime.timedelta(days=1))
        most_read = queries["read"].raw(Article, since_day=_db_day(first_day), **values)
    front = Front(
        lead=lead,
        rows=section_rows(lead),
        most_read=most_read,
        most_discussed=discussed,
        top_rated=queries["rated"].raw(Article, **values),
    )
    attach_sections([*front.most_read, *front.most_discussed, *front.top_rated])
    return front


def section_rows(lead=None):
    """[(section, its newest `ROW_SIZE` stories but the lead)] for each top-level section
    on the front, in the sections' order; one query for them all."""
    by_slug = {c.slug: c for c in Category.objects.cached().values() if c.parent_id is None}
    found = {}
    for card in _queries()["rows"].raw(Article, now=_db_now()):
        if lead is not None and card.pk == lead.pk:
            continue
        featured_image.attach(card)
        found.setdefault(card.top_section, []).append(card)
    attach_sections([card for cards in found.values() for card in cards])
    sections = sorted(
        (section for section in by_slug.values() if section.on_front and section.slug in found),
        key=lambda section: (section.order, section.name),
    )
    return [(section, found[section.slug][:ROW_SIZE]) for section in sections]


def _db_now(now=None):
    return _db_time(now or timezone.now())


def _db_time(moment):
    return Article._meta.get_field("publish_at").get_db_prep_value(moment, connection)


def _db_day(day):
    return DailyViews._meta.get_field("day").get_db_prep_value(day, connection)


@functools.cache
def _queries():
    now = time_slot("now", Article._meta.get_field("publish_at"))
    # Stand-ins no request sends, and other than `now`'s.
    moment, day = datetime.datetime(1999, 1, 1, tzinfo=datetime.UTC), datetime.date(1998, 1, 1)
    since, since_day = Slot("since", moment, _db_time(moment)), Slot("since_day", day, _db_day(day))
    published = Article.objects.published(now=now.value)
    lead = _as_cards(published).annotate(**author_columns()).filter(pk=LEAD.value)
    return {
        "lead": Compiled.of(lead, now, LEAD),
        "rows": Compiled.of(_rows(published), now),
        "read": Compiled.of(_most_read(published, since_day.value), now, since_day),
        "discussed": Compiled.of(_most_discussed(published, since.value), now, since),
        "rated": Compiled.of(_top_rated(published), now),
    }


def _as_cards(articles):
    """What a card shows: no body, and its featured image's columns joined in."""
    return articles.defer(*CARDS_NEVER_SHOW).annotate(**featured_image.columns())


def _newest(published):
    """The newest `CANDIDATES` stories (the publish-time index reads them in order),
    looked up by id: the published filter said again around them made SQLite read
    every published story through that index instead."""
    return Article.objects.filter(
        pk__in=published.order_by(*card_list.ORDERING).values("pk")[:CANDIDATES]
    )


def _rows(published):
    """The newest `ROW_SIZE` + 1 stories of each top-level section (one may be the lead)."""
    path = models.F("category__path")
    top = Substr(path, 1, StrIndex(Concat(path, models.Value("/")), models.Value("/")) - 1)
    newest = models.Window(RowNumber(), partition_by=[top], order_by=["-publish_at", "-id"])
    ranked = _newest(published).annotate(rank=newest).filter(rank__lte=ROW_SIZE + 1).values("pk")
    rows = _as_cards(Article.objects.filter(pk__in=ranked)).annotate(top_section=top)
    return rows.order_by(*card_list.ORDERING)


def _most_read(published, since_day):
    this_week = DailyViews.objects.filter(day__gte=since_day)  # the (day, article) index
    week = models.Sum("daily_views__views", filter=models.Q(daily_views__day__gte=since_day))
    read = published.filter(pk__in=this_week.values("article_id"))
    read = read.annotate(week_views=week).filter(week_views__gt=0)
    return read.order_by("-week_views", *card_list.ORDERING).only(*LIST_COLUMNS)[:LIST_SIZE]


def _most_discussed(published, since):
    """The newest stories by this week's approved comments, then by all their comments
    (the list falls back to those when the week was quiet)."""
    recent = Comment.objects.filter(
        article=models.OuterRef("pk"), status=Comment.Status.APPROVED, created_at__gte=since
    )  # read from the (article, status, created_at) index, this week's comments alone
    count = recent.order_by().values("article").annotate(count=models.Count("pk")).values("count")
    discussed = _newest(published).filter(comment_count__gt=0)
    discussed = discussed.annotate(recent_comments=Coalesce(models.Subquery(count), 0))
    ordering = ("-recent_comments", "-comment_count", *card_list.ORDERING)
    return discussed.order_by(*ordering).only(*LIST_COLUMNS, "comment_count")[:LIST_SIZE]


def _top_rated(published):
    votes = sum((models.F(name) for name in RATING_FIELDS[1:]), models.F(RATING_FIELDS[0]))
    stars = sum(models.F(name) * n for n, name in enumerate(RATING_FIELDS, start=1))
    rated = _newest(published).filter(rating_enabled=True)
    rated = rated.annotate(rating_votes=votes)
    rated = rated.filter(rating_votes__gte=MIN_VOTES).annotate(
        rating_score=Cast(stars, models.FloatField()) / Cast(votes, models.FloatField())
    )
    ordering = ("-rating_score", "-rating_votes", *card_list.ORDERING)
    return rated.order_by(*ordering).only(*LIST_COLUMNS, *RATING_FIELDS)[:LIST_SIZE]
