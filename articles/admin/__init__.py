"""The editors' admin, one module per feature."""

from . import articles, submissions  # noqa: F401
