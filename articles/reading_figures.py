"""
The reading figures editors see: views, ratings and comments per day, and the most read.

Every figure is over a set of articles the caller chose (the admin passes what the
person may see, `Article.objects.visible_to(user)`), taken as a subquery so that a
join in that set never counts a row twice. Days are the newsroom's (articles/newsroom_time.py),
as the views are counted (articles/readership.py); a day without any is a zero.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from . import readership
from .models import Article, ArticleRating, Comment, DailyViews

DAYS = 30
TOP_DAYS = 7
TOP_COUNT = 10


@dataclass(frozen=True)
class Day:
    """One day's figures."""

    day: datetime.date
    views: int = 0
    ratings: int = 0
    comments: int = 0


def period(days=DAYS, last=None):
    """The `days` days up to `last` (today in the newsroom), oldest first."""
    last = last or readership.today()
    return [last - datetime.timedelta(days=n) for n in range(days - 1, -1, -1)]


def _start_of(day):
    zone = timezone.get_default_timezone()
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def _per_day(queryset):
    """{day: rows} of a queryset of rows with a `created_at`."""
    zone = timezone.get_default_timezone()
    rows = (
        queryset.annotate(on=TruncDate("created_at", tzinfo=zone))
        .values("on")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["on"]: row["n"] for row in rows}


def per_day(articles, days=DAYS, last=None):
    """Views, new ratings and comments (spam left out) on `articles`, one `Day` each."""
    span = period(days, last)
    ids = articles.order_by().values("pk")
    views = dict(
        DailyViews.objects.filter(article__in=ids, day__gte=span[0], day__lte=span[-1])
        .values("day")
        .annotate(n=Sum("views"))
        .order_by()
        .values_list("day", "n")
    )
    since, until = _start_of(span[0]), _start_of(span[-1] + datetime.timedelta(days=1))
    ratings = _per_day(
        ArticleRating.objects.filter(article__in=ids, created_at__gte=since, created_at__lt=until)
    )
    comments = _per_day(
        Comment.objects.filter(
            article__in=ids, created_at__gte=since, created_at__lt=until
        ).exclude(status=Comment.Status.SPAM)
    )
    return [Day(day, views.get(day, 0), ratings.get(day, 0), comments.get(day, 0)) for day in span]


def most_read(articles, days=TOP_DAYS, count=TOP_COUNT, last=None):
    """The `count` most read of `articles` over the last `days` days, each with its
    `week_views`, most read first."""
    span = period(days, last)
    totals = list(
        DailyViews.objects.filter(
            article__in=articles.order_by().values("pk"), day__gte=span[0], day__lte=span[-1]
        )
        .values("article")
        .annotate(total=Sum("views"))
        .order_by("-total", "-article")[:count]
        .values_list("article", "total")
    )
    found = Article.objects.select_related("category").in_bulk([pk for pk, _ in totals])
    top = []
    for pk, total in totals:
        article = found[pk]
        article.week_views = total
        top.append(article)
    return top
