"""The editors' admin, one module per feature."""

from . import articles, comments, ratings, subscriptions  # noqa: F401
