"""Django's Redis cache, with one redis-py client per connection pool.

Django's `RedisCacheClient.get_client` makes a new `redis.Redis` on every cache call
(its connections come from the pool it is given, so none is opened): about 0.1 ms
each here, building the client's table of reply parsers, and a signed-in request
makes two to four such calls (the session, the user, the generations). A
`redis.Redis` is safe to share between threads (each command takes a connection
from the pool and gives it back), so one is kept per pool.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
