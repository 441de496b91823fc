"""
Commenters' avatars, made here: their initials on a colour of their own.

The colour comes from a keyed hash of the email (an HMAC keyed from SECRET_KEY), so the
same person keeps the same colour, no one else can tell whose address it is (a plain
hash of an email is a lookup away from the address, which is how Gravatar leaks
them), and no page asks a third party for a picture.
"""

import functools

from django.conf import settings
from django.utils.crypto import salted_hmac

# Colours that white initials read on (contrast 6.4:1 or more, over WCAG's 4.5:1): the
# class `avatar--N` of static/css/conversation.css paints colour N.
COLOURS = 12
KEY_SALT = "articles.avatars.colour"


@functools.lru_cache(maxsize=4096)
def _colour(email, secret):
    digest = salted_hmac(KEY_SALT, email, secret=secret, algorithm="sha256").digest()
    return int.from_bytes(digest[:4]) % COLOURS


def colour_of(email):
    """The number of the commenter's colour, from their email (kept per process)."""
    return _colour(email.strip().lower(), settings.SECRET_KEY)


def initials(name):
    """Up to two letters of a name ("Ann Lee" gives "AL"), "?" for one with none."""
    letters = [word[0] for word in name.split() if word[0].isalnum()]
    if not letters:
        return "?"
    return (letters[0] + (letters[-1] if len(letters) > 1 else "")).upper()
