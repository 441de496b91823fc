"""Django's Redis cache, with one redis-py client per connection pool.

Django makes a new `redis.Redis` for every cache call, and redis-py 8 fills a table
of about 170 response callbacks in each one's `__init__`: 0.4 ms a call, 3 ms for an
article page's seven calls. Clients are thread-safe and hold nothing but their pool
(which redis-py renews after a fork), so one per pool serves every call.
"""

from django.core.cache.backends import redis


class ReusedClientRedisCacheClient(redis.RedisCacheClient):
    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        if id(pool) not in clients:
            clients[id(pool)] = self._client(connection_pool=pool)
        return clients[id(pool)]


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
