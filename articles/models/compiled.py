"""
Queries readers' pages run on every request, compiled once per process.

Building and compiling a queryset (its Q objects, joins and expressions) costs Django
several times what the database takes to run it. A `Compiled` query is built once
from the queryset itself, with stand-in values where each request's values go (an
article's id, a reader's account), and run through `raw()` or a cursor with this
request's values in their place: the ORM stays the one definition of the query.
"""

import datetime
from dataclasses import dataclass

from django.db import connection


class Slot:
    """A stand-in value no request sends, found again by equality in the compiled params."""

    def __init__(self, name, value, db_value=None):
        self.name, self.value = name, value
        self.db_value = value if db_value is None else db_value


def int_slot(name, number):
    return Slot(name, -4242_0000 - number)


def text_slot(name):
    return Slot(name, f"\x00{name}\x00")


def time_slot(name, field):
    """A moment, as `field` (a DateTimeField) sends it to the database."""
    moment = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    return Slot(name, moment, field.get_db_prep_value(moment, connection))


@dataclass(frozen=True)
class Compiled:
    sql: str
    params: tuple
    slots: dict  # {slot name: [indexes in params]}

    @classmethod
    def of(cls, queryset, *slots):
        """The queryset's SQL; every slot must be somewhere in it."""
        sql, params = queryset.query.sql_with_params()
        found = {
            slot.name: [i for i, param in enumerate(params) if param == slot.db_value]
            for slot in slots
        }
        missing = [name for name, indexes in found.items() if not indexes]
        if missing:
            raise ValueError(f"Stand-ins not found in the compiled query: {missing}")
        return cls(sql, tuple(params), found)

    def bind(self, **values):
        """The params with this request's values in the slots."""
        params = list(self.params)
        for name, indexes in self.slots.items():
            for index in indexes:
                params[index] = values[name]
        return params

    def raw(self, model, translations=None, **values):
        """Model instances (and annotated columns as attributes), as `raw()` makes them;
        `translations` names the fields of columns the SQL names otherwise."""
        return model.objects.raw(self.sql, self.bind(**values), translations=translations)

    def rows(self, **values):
        """Plain tuples, for queries whose rows need no model instance."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.bind(**values))
            return cursor.fetchall()
