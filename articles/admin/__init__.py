"""The editors' admin, one module per feature."""

from . import articles, redirects  # noqa: F401
