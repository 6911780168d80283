"""netcrm.lib.rediscache: Django's Redis cache with one redis-py client per pool,
instead of a new one on every cache call."""

from __future__ import annotations

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_redis_cache_keeps_its_clients():
    redis_aliases = [
        alias for alias, conf in django_settings.CACHES.items() if "redis" in conf["BACKEND"].lower()
    ]
    assert set(redis_aliases) >= {"generations", "sessions", "api"}
    for alias in redis_aliases:
        assert django_settings.CACHES[alias]["BACKEND"] == "netcrm.lib.rediscache.RedisCache"


def test_signed_in_requests_make_no_new_redis_client(client_logged_in, monkeypatch):
    assert client_logged_in.get(reverse("home:dashboard")).status_code == 200  # the clients made
    made = []
    real_init = redis.Redis.__init__

    def counted(self, *args, **kwargs):
        made.append(kwargs.get("connection_pool"))
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted)
    for _ in range(3):
        assert client_logged_in.get(reverse("contacts:contact-list")).status_code == 200
        assert client_logged_in.get(reverse("home:dashboard")).status_code == 200
    assert made == []


def test_the_kept_client_reads_and_writes():
    cache = caches["generations"]
    cache.set("rediscache-test", {"n": 1}, timeout=30)
    assert cache.get("rediscache-test") == {"n": 1}
    assert cache.get_many(["rediscache-test", "missing"]) == {"rediscache-test": {"n": 1}}
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client(write=True) is first
    cache.delete("rediscache-test")
    assert cache.get("rediscache-test") is None
