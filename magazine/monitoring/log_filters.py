"""Log filters: what a log line must not carry in full.

A preview link's token opens an unpublished story (articles/previews.py); the
development server logs every request line, address and query string included.
`ShortenTokens` keeps the first characters of each `token=` value, enough to tell two
requests apart, too few to open anything.
"""

import logging
import re

KEPT = 6
TOKEN_VALUE = re.compile(rf"(token=)([^&\s\"']{{{KEPT}}})[^&\s\"']+")


class ShortenTokens(logging.Filter):
    """Rewrites the record's message with each `token=` value cut to its first characters."""

    def filter(self, record):
        message = record.getMessage()
        shortened = TOKEN_VALUE.sub(r"\1\2…", message)
        if shortened != message:
            record.msg, record.args = shortened, ()
        return True
