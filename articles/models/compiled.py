"""
Queries readers' pages run on every request, compiled once per process.

Building and compiling a queryset (its Q objects, joins and expressions) costs Django
several times what the database takes to run it. A `Compiled` query is built once
from the queryset itself, with stand-in values where each request's values go (an
article's id, a reader's account), and run through `raw()` or a cursor with this
request's values in their place: the ORM stays the one definition of the query. How
its columns become a model's fields and their converters is worked out on its first
run too, where `raw()` does it on every one, and its rows become instances without
`Model.__init__` wherever nothing could tell the difference (`_made`).
"""

import datetime
import inspect
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist
from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# Field descriptors whose `__set__`, on an instance just made, only stores the value.
STORE_ONLY = (ForeignKeyDeferredAttribute, FileDescriptor)


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
        """A list of model instances (annotated columns as attributes), as `raw()` makes;
        `translations` names the fields of columns the SQL names otherwise."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.bind(**values))
            shape = _shapes.get((self.sql, model))
            if shape is None:
                shape = _Shape.of(model, cursor.description, translations or {})
                _shapes[self.sql, model] = shape
            return shape.instances(model, cursor.fetchall())

    def rows(self, **values):
        """Plain tuples, for queries whose rows need no model instance."""
        with connection.cursor() as cursor:
            cursor.execute(self.sql, self.bind(**values))
            return cursor.fetchall()


_shapes = {}  # {(sql, model): _Shape}


@dataclass(frozen=True)
class _Shape:
    """Which columns of a query's rows fill which of a model's fields, and the converters
    of their values: RawQuerySet's work (`resolve_model_init_order`, `get_converters`),
    done once per query instead of on every run."""

    names: list  # the fields' attnames, as `Model.from_db()` takes them
    positions: list  # the column of each
    annotations: list  # [(column, position)] of the columns no field has
    converters: dict
    direct: bool  # whether instances may be made without `Model.__init__` (`_made`)

    @classmethod
    def of(cls, model, description, translations):
        to_name = connection.introspection.identifier_converter
        columns = [translations.get(name, name) for name in (to_name(d[0]) for d in description)]
        fields = {to_name(field.column): field for field in model._meta.fields if field.column}
        filled = [field for column, field in fields.items() if column in columns]
        if not any(field.primary_key for field in filled):
            raise FieldDoesNotExist("Raw query must include the primary key")
        table = model._meta.db_table
        cols = [fields[c].get_col(table) if c in fields else None for c in columns]
        return cls(
            names=[field.attname for field in filled],
            positions=[columns.index(to_name(field.column)) for field in filled],
            annotations=[(c, position) for position, c in enumerate(columns) if c not in fields],
            converters=_compiler().get_converters(cols),
            direct=_made_directly(model, filled),
        )

    def instances(self, model, rows):
        if self.converters:
            rows = _compiler().apply_converters(rows, self.converters)
        make = _made if self.direct and not _listened_for(model) else _from_db
        made = []
        for values in rows:
            instance = make(model, self.names, [values[p] for p in self.positions])
            for column, position in self.annotations:
                setattr(instance, column, values[position])
            made.append(instance)
        return made


def _made_directly(model, fields):
    """Whether `_made` gives what `Model.from_db()` would (while nothing listens for
    the model's instances being made): the model makes them the usual way, and stores
    its fields' values as they come."""
    if model.__init__ is not models.Model.__init__:
        return False
    if model.from_db.__func__ is not models.Model.from_db.__func__:
        return False
    descriptors = (inspect.getattr_static(model, field.attname, None) for field in fields)
    return all(
        type(found) is DeferredAttribute or isinstance(found, STORE_ONLY) for found in descriptors
    )


def _listened_for(model):
    return pre_init.has_listeners(model) or post_init.has_listeners(model)


def _made(model, names, values):
    """An instance as loaded from the database, its values put straight into its
    `__dict__` (where deferred fields are missing, as `Model.__init__` leaves them):
    1.4 µs for a card, where `Model.from_db()` takes 11 (it pads the values to every
    field, sets each by `setattr` and sends two signals), on each of a front's fifty-odd
    rows."""
    instance = model.__new__(model)
    instance._state = state = ModelState()
    state.adding, state.db = False, DEFAULT_DB_ALIAS
    instance.__dict__.update(zip(names, values, strict=True))
    return instance


def _from_db(model, names, values):
    return model.from_db(DEFAULT_DB_ALIAS, names, values)


def _compiler():
    return connection.ops.compiler("SQLCompiler")(None, connection, DEFAULT_DB_ALIAS)
