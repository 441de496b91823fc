from django import template

from ..forms.ratings import SCORE_CHOICES
from ..models import ArticleRating
from ..readers import get_reader

register = template.Library()


@register.filter
def star_fills(average):
    """Five of "full", "half" and "empty": the average to the nearest half star."""
    halves = int(average * 2 + 0.5)
    return [
        "full" if halves >= 2 * star else "half" if halves == 2 * star - 1 else "empty"
        for star in range(1, 6)
    ]


@register.simple_tag
def score_choices():
    return SCORE_CHOICES


@register.simple_tag(takes_context=True)
def reader_score(context, article):
    """The reader's own score, looked up only for a reader the request already names.

    Anonymous readers without the reader cookie cost no query and get no cookie.
    """
    request = context.get("request")
    if request is None:
        return None
    return ArticleRating.objects.score_of(get_reader(request), article)
