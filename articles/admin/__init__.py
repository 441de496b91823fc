"""The editors' admin, one module per feature."""

from . import articles, ratings  # noqa: F401
