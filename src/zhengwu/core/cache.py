"""The Redis cache backend: Django's, with one ``redis.Redis`` client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache call.
The connections come from a shared pool either way, but the client object itself is costly
to make (redis-py fills a table of ~170 response callbacks per instance): about 0.2 ms of CPU
per call, more than the round trip to Redis. Rate limits, lockout counters and cached facts
make such calls on busy public pages, so the portal keeps the client. A ``redis.Redis`` is
safe to share between threads (each command takes a connection from the pool).

``CACHES["default"]["BACKEND"] = "zhengwu.core.cache.RedisCache"``; options as Django's.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient

# django-stubs does not describe the client's private attributes used below.
_Client: Any = DjangoRedisCacheClient


class RedisCacheClient(_Client):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._pool_for(index))
        return client

    def _pool_for(self, index: int) -> Any:
        """The pool of server ``index`` (primary 0, replicas after), as Django makes it."""
        if index not in self._pools:
            self._pools[index] = self._pool_class.from_url(
                self._servers[index], **self._pool_options
            )
        return self._pools[index]


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient


def count_in_window(cache: Any, key: str, timeout: int) -> int:
    """Add 1 to the counter ``key`` (created at 1 with ``timeout`` seconds to live) and return
    it: a fixed-window rate limit.

    On Redis one round trip (a pipeline of ``SET … NX EX`` and ``INCR``); Django's
    ``add`` + ``incr`` take three (``incr`` asks ``EXISTS`` first), which on the public
    verification pages cost more than their database query. Other backends: ``add``, then
    ``incr``.
    """
    backend = getattr(cache, "_cache", None)
    if isinstance(backend, RedisCacheClient):
        redis_key = cache.make_and_validate_key(key)
        pipe = backend.get_client(redis_key, write=True).pipeline(transaction=False)
        pipe.set(redis_key, 0, ex=timeout, nx=True)
        pipe.incr(redis_key)
        return int(pipe.execute()[1])
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=timeout)
        return 1
