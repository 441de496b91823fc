"""The editors' admin, one module per feature."""

from . import (  # noqa: F401
    articles,
    comments,
    inline,
    ratings,
    redirects,
    submissions,
    subscriptions,
    tags,
)
