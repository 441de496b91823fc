"""The editors' admin, one module per feature."""

from . import articles  # noqa: F401
