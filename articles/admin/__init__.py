"""The editors' admin, one module per feature."""

from . import articles, comments, ratings  # noqa: F401
