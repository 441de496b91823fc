"""Who has an article open in the admin now: a heartbeat, never a lock.

Each open change form beats every ~20 s (articles/static/articles/js/editing.js);
an entry expires `TTL` seconds after its last beat, so a closed tab or a crashed
browser vanishes by itself and nothing can stay locked. Kept in the default cache,
which every gunicorn worker shares (files on one machine, Redis on several), under
"presence:article:<id>": {user id: {"name", "editing", "until"}}.
"""

import time

from django.core.cache import cache

TTL = 50
# Seconds now; a test moves it on.
clock = time.time


def _key(article_id):
    return f"presence:article:{article_id}"


def _live(entries, now):
    return {uid: entry for uid, entry in (entries or {}).items() if entry["until"] > now}


def name_of(user):
    return user.get_full_name() or user.get_username()


def beat(article_id, user, editing=False):
    """`user` has the article open (`editing`: with unsaved changes)."""
    now = clock()
    entries = _live(cache.get(_key(article_id)), now)
    entries[str(user.pk)] = {"name": name_of(user), "editing": bool(editing), "until": now + TTL}
    cache.set(_key(article_id), entries, TTL)


def others(article_id, user):
    """Who else has the article open, as [{"name", "editing"}], by name."""
    return others_for([article_id], user).get(article_id, [])


def others_for(article_ids, user):
    """{article id: who else has it open} for many articles, in one cache read."""
    now = clock()
    stored = cache.get_many([_key(pk) for pk in article_ids])
    found = {}
    for pk in article_ids:
        entries = _live(stored.get(_key(pk)), now)
        people = [
            {"name": e["name"], "editing": e["editing"]}
            for uid, e in entries.items()
            if uid != str(user.pk)
        ]
        if people:
            found[pk] = sorted(people, key=lambda e: e["name"])
    return found


def describe(people):
    """ "Anna (editing), Ben" for the admin."""
    return ", ".join(p["name"] + (" (editing)" if p["editing"] else "") for p in people)
