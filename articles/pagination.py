"""
Keyset pagination for lists that grow without end (archives, "View all comments").

A page is "the next N rows after this one" in the list's order, not "skip N×page
rows": the database starts reading at the cursor through the ordering's index, so
page 5,000 costs what page one costs, and a row published meanwhile does not shift
the pages a reader is stepping through.

The cursor is the sort key of the row at a page's edge, written as integers
(a time in microseconds since 1970, ids, scores) joined by dots: plain GET links,
`?after=…` for the next page, `?before=…` for the previous one. The ordering always
ends with the primary key, so rows with the same time never repeat or go missing
between pages. A cursor that does not parse shows the first page.
"""

import datetime
import re
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.http import urlencode

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)
MAX_INT = 2**63 - 1  # the largest value a bigint column takes
_CURSOR = re.compile(r"-?\d{1,19}(?:\.-?\d{1,19}){0,4}")


@dataclass
class KeysetPage:
    """One page of a keyset-paginated list, with the cursors of its neighbours."""

    object_list: list
    has_previous: bool
    has_next: bool
    previous_cursor: str = ""
    next_cursor: str = ""
    # The cursor parameter that led here, e.g. {"after": "…"}: part of the page's address.
    position: dict = field(default_factory=dict)
    # Other parameters the page's links keep (a sort, a filter).
    link_params: dict = field(default_factory=dict)

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def is_first(self):
        return not self.position

    @property
    def first_query(self):
        return _query(self.link_params)

    @property
    def previous_query(self):
        """The previous page's query string: the first page's when it is the first."""
        cursor = {"before": self.previous_cursor} if self.previous_cursor else {}
        return _query({**self.link_params, **cursor})

    @property
    def next_query(self):
        return _query({**self.link_params, "after": self.next_cursor})


def _query(params):
    return "?" + urlencode(params) if params else ""


def _to_int(value):
    if isinstance(value, datetime.datetime):
        return (value - EPOCH) // MICROSECOND
    return int(value)


def _from_int(number, model_field):
    if model_field.get_internal_type() == "DateTimeField":
        return EPOCH + number * MICROSECOND
    return number


def encode(row, ordering):
    return ".".join(str(_to_int(getattr(row, name.lstrip("-")))) for name in ordering)


def decode(cursor, ordering, model):
    """The cursor's values for the ordering's fields, or None if it is not one of ours."""
    if not isinstance(cursor, str) or not _CURSOR.fullmatch(cursor):
        return None
    numbers = [int(part) for part in cursor.split(".")]
    if len(numbers) != len(ordering) or any(abs(n) > MAX_INT for n in numbers):
        return None
    try:
        return [
            _from_int(n, model._meta.get_field(name.lstrip("-")))
            for n, name in zip(numbers, ordering, strict=True)
        ]
    except OverflowError:  # a time beyond the year 9999
        return None


def _beyond(ordering, values):
    """Rows that come after `values` in `ordering` (each field "-name" or "name").

    The first field's bound is repeated on its own so that the database can start its
    index scan at the cursor instead of filtering everything before it.
    """
    names = [name.lstrip("-") for name in ordering]
    operators = ["lt" if name.startswith("-") else "gt" for name in ordering]
    alternatives = [
        Q(
            **{f"{names[i]}__{operators[i]}": values[i]},
            **dict(zip(names[:i], values[:i], strict=True)),
        )
        for i in range(len(ordering))
    ]
    leading = Q(**{f"{names[0]}__{operators[0][0]}te": values[0]})
    return leading & reduce(or_, alternatives)


def _reversed(ordering):
    return [name[1:] if name.startswith("-") else "-" + name for name in ordering]


def is_first_page(params):
    """Whether the request asks for no other page than the first."""
    return "after" not in params and "before" not in params


def first_page(rows, has_next, ordering):
    """The first page, of rows a query other than `paginate()`'s fetched (in `ordering`)."""
    page = KeysetPage(rows, False, has_next)
    if rows and has_next:
        page.next_cursor = encode(rows[-1], ordering)
    return page


def paginate(queryset, ordering, per_page, params, link_params=None, first_page_size=None):
    """The page of `queryset` (sorted by `ordering`, which ends with a unique field) that
    the request's `after` or `before` parameter asks for; the first page otherwise.
    `first_page_size` is for lists whose first page shows more (a lead above the river):
    stepping back, fewer rows than that before the cursor are the first page.

    Costs one query, whatever the position: the page's rows plus one to know whether
    there are more.
    """
    base, model = queryset, queryset.model
    after = decode(params.get("after"), ordering, model)
    before = decode(params.get("before"), ordering, model) if after is None else None
    if before is not None:
        first_size = max(per_page, first_page_size or per_page)
        newer = queryset.filter(_beyond(_reversed(ordering), before))
        rows = list(newer.order_by(*_reversed(ordering))[: first_size + 1])
        has_previous = len(rows) > first_size
        rows = rows[:per_page][::-1]
        # We came from the page after this one: it is there. Back at the top, this
        # is the first page (one address for it: no cursor).
        has_next, position = True, {"before": params["before"]} if has_previous else {}
    else:
        if after is not None:
            queryset = queryset.filter(_beyond(ordering, after))
        rows = list(queryset.order_by(*ordering)[: per_page + 1])
        has_next = len(rows) > per_page
        rows = rows[:per_page]
        has_previous = after is not None
        position = {"after": params["after"]} if after is not None else {}
    if not rows and (after is not None or before is not None):
        # Past either end (a cursor from a list that has since changed): the first page.
        return paginate(base, ordering, per_page, {}, link_params)
    page = KeysetPage(rows, has_previous, has_next, position=position)
    page.link_params = link_params or {}
    if rows and has_next:
        page.next_cursor = encode(rows[-1], ordering)
    if rows and has_previous:
        # The page before this one is the first page when it would start at the top.
        page.previous_cursor = encode(rows[0], ordering)
    return page
