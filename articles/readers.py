"""
Who a reader is, without storing anything personal.

A signed-in reader is their account. A guest is a long-lived random token in a
signed cookie, created only when they act (vote, rate, comment), so pages read
anonymously stay cacheable and cookie-free. The database stores only a hash of
the token; rate limits use a keyed hash of the IP address, held in the cache.
Guest votes carry a hash of the address whose key changes every day
(`vote_address_hash`), so they can be counted per network and day, and only that.
What rows keep of a reader, and `by_reader()`, are in `articles.models.readers`.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

COOKIE_NAME = "reader"
COOKIE_SALT = "articles.readers"
COOKIE_MAX_AGE = 2 * 365 * 24 * 3600


def keyed_hash(value, purpose):
    """An HMAC of `value`: stable for us, meaningless to anyone without SECRET_KEY."""
    key = hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Reader:
    user: object | None
    token: str | None
    is_new: bool = False

    @property
    def token_hash(self):
        """What the database keeps of a guest's token (64 hex characters)."""
        return keyed_hash(self.token, "reader-token") if self.token else ""

    @property
    def key(self):
        """One string per reader, for de-duplication and rate limits."""
        return f"user:{self.user.pk}" if self.user else f"guest:{self.token_hash}"


def get_reader(request, create=False):
    """The reader behind a request; with `create`, a guest without a token gets one.

    A new token is remembered on the request; `ReaderTokenMiddleware` sets the cookie.
    """
    cached = getattr(request, "_reader", None)
    if cached and (cached.token or cached.user or not create):
        return cached
    user = request.user if request.user.is_authenticated else None
    token = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT)
    is_new = False
    if token is None and create and user is None:
        token, is_new = secrets.token_urlsafe(24), True
    reader = Reader(user=user, token=token, is_new=is_new)
    request._reader = reader
    return reader


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the proxy-added entry of X-Forwarded-For."""
    proxies = settings.MAGAZINE_TRUSTED_PROXIES
    forwarded = request.headers.get("x-forwarded-for", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def client_ip_hash(request):
    return keyed_hash(client_ip(request), "client-ip")


def vote_address_hash(request):
    """The client's address, hashed with a key of today: the same for one network all day
    and unrelated to any other day's, so votes group by network and day, never across days.
    """
    today = timezone.localdate().isoformat()
    return keyed_hash(client_ip(request), f"vote-address:{today}")


class ReaderTokenMiddleware:
    """Sets the reader cookie on the response that created a token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        reader = getattr(request, "_reader", None)
        if reader is not None and reader.is_new:
            response.set_signed_cookie(
                COOKIE_NAME,
                reader.token,
                salt=COOKIE_SALT,
                max_age=COOKIE_MAX_AGE,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
