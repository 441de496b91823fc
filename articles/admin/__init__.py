"""The editors' admin, one module per feature."""

from . import articles, comments, ratings, redirects  # noqa: F401
