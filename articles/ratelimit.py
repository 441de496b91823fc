"""
Rate limits for public forms, counted in the cache (shared Redis in production).

Identities (a hashed IP, a reader key, an email address) are hashed again before
they become cache keys, so the cache holds nothing readable either.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache

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
    if cache.add(key, 1, rule.period + 1):
        return True
    try:
        return cache.incr(key) <= rule.limit
    except ValueError:  # The window expired between add() and incr().
        cache.add(key, 1, rule.period + 1)
        return True


def allowed(scope, checks):
    """Count an attempt against every (identity, rule); False if any is exceeded.

    Every counter is incremented even when an earlier one is already exceeded, so
    a flood from one identity cannot hide behind another.
    """
    results = [hit(scope, identity, rule) for identity, rule in checks if identity]
    return all(results)
