"""The editors' admin, one module per feature."""

from . import (  # noqa: F401
    articles,
    body_media,
    comments,
    inline,
    ratings,
    redirects,
    submissions,
    subscriptions,
)
