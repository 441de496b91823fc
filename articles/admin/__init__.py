"""The editors' admin, one module per feature."""

from . import articles, comments, inline, ratings, redirects, subscriptions  # noqa: F401
