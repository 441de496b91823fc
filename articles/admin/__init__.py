"""The editors' admin, one module per feature."""

from . import (  # noqa: F401
    articles,
    comments,
    inline,
    previews,
    ratings,
    redirects,
    staff,
    submissions,
    subscriptions,
    tags,
)
