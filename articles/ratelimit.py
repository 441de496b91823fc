"""
Rate limits for public forms and the admin sign-in.

Counting an attempt and reading the count is one atomic step, so a burst of
concurrent requests in several workers gets exactly the limit, not more:
Redis counts with INCR and sets the window's expiry in the same MULTI; every
other cache (the file cache one machine's workers share, local memory) counts
in the database (`RateCounter`), one upsert per attempt.

Windows are fixed (`period` seconds, aligned to the epoch). Identities (a hashed
IP, a reader key, an email address) are hashed again before they become keys,
so neither the cache nor the database holds anything readable.
"""

import datetime
import time
from dataclasses import dataclass

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from .models.ratelimits import RateCounter
from .readers import keyed_hash


@dataclass(frozen=True)
class Rule:
    """At most `limit` attempts per `period` seconds for one identity."""

    limit: int
    period: int


def hit(scope, identity, rule):
    """Count one attempt; return False when the identity is over the limit."""
    window = int(time.time() // rule.period)
    key = f"rl:{scope}:{rule.period}:{window}:{keyed_hash(identity, 'ratelimit')[:32]}"
    window_end = (window + 1) * rule.period
    return _count(key, window_end) <= rule.limit


def _count(key, window_end):
    """Add one to the counter `key`, kept until `window_end` (epoch seconds); its count."""
    cache = caches["default"]  # the backend itself: `django.core.cache.cache` is a proxy
    if isinstance(cache, RedisCache):
        key = cache.make_and_validate_key(key)
        with cache._cache.get_client(key, write=True).pipeline(transaction=True) as pipe:
            # The expiry is set once, in the same transaction: a crash between the two
            # commands cannot leave a counter that never expires.
            pipe.incr(key)
            pipe.expireat(key, int(window_end) + 1, nx=True)
            hits, _ = pipe.execute()
        return hits
    expires_at = datetime.datetime.fromtimestamp(window_end + 1, tz=datetime.UTC)
    return RateCounter.objects.count_hit(key, expires_at)


def allowed(scope, checks):
    """Count an attempt against every (identity, rule); False if any is exceeded.

    Every counter is incremented even when an earlier one is already exceeded, so
    a flood from one identity cannot hide behind another.
    """
    results = [hit(scope, identity, rule) for identity, rule in checks if identity]
    return all(results)
