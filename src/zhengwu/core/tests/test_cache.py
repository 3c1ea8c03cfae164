"""``zhengwu.core.cache.RedisCache`` against the machine's Redis (skipped where none runs)."""

from __future__ import annotations

import socket
import threading
import uuid

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from zhengwu.core.cache import RedisCache

REDIS = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


pytestmark = pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")


def _backend(cls: type = RedisCache) -> DjangoRedisCache:
    return cls(REDIS, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_one_client_serves_every_call() -> None:
    cache = _backend()
    first = cache._cache.get_client("a", write=True)
    assert cache._cache.get_client("b") is first
    assert cache._cache.get_client("c", write=True) is first
    # Django's own backend makes a new client per call: the reason this class exists.
    plain = _backend(DjangoRedisCache)
    assert plain._cache.get_client("a") is not plain._cache.get_client("a")


def test_behaves_as_the_django_backend() -> None:
    cache = _backend()
    cache.set("k", {"草稿": [1, 2]}, 30)
    assert cache.get("k") == {"草稿": [1, 2]}
    assert cache.add("k", "other", 30) is False
    assert cache.incr(cache.add("n", 1, 30) and "n", 2) == 3
    cache.delete("k")
    assert cache.get("k", "gone") == "gone"
    cache.set("t", "short", 0)  # timeout 0: not kept, as in Django
    assert cache.get("t") is None


def test_shared_client_across_threads() -> None:
    cache = _backend()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                cache.set(f"t{n}-{i}", i, 30)
                assert cache.get(f"t{n}-{i}") == i
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_count_in_window_is_one_pipeline_with_a_lifetime(monkeypatch) -> None:
    """The rate-limit counter: 1, 2, 3 …, expires after its window, and on Redis never asks
    EXISTS (Django's ``incr``) — one pipelined round trip."""
    from zhengwu.core.cache import count_in_window

    cache = RedisCache("redis://127.0.0.1:6379/7", {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    client = cache._cache.get_client(write=True)

    def no_exists(*args: object) -> None:
        raise AssertionError("EXISTS asked")

    monkeypatch.setattr(client, "exists", no_exists)
    assert [count_in_window(cache, "k", 30) for _ in range(3)] == [1, 2, 3]
    assert cache.get("k") == 3
    assert 0 < client.ttl(cache.make_and_validate_key("k")) <= 30
    cache.delete("k")


def test_count_in_window_on_other_backends() -> None:
    from django.core.cache.backends.locmem import LocMemCache

    from zhengwu.core.cache import count_in_window

    cache = LocMemCache(f"t-{uuid.uuid4().hex}", {})
    assert [count_in_window(cache, "k", 30) for _ in range(3)] == [1, 2, 3]
