"""The cache backends: Django's, with a shared Redis client and an atomic hit counter (factcheck/cache.py)."""

import os
import threading
import time
import uuid

import pytest
import redis

from factcheck.cache import LocMemCache, RedisCache

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_answers() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture(params=["memory", "redis"])
def cache(request):
    if request.param == "memory":
        yield LocMemCache(f"test-{uuid.uuid4()}", {})
        return
    if not redis_answers():
        pytest.skip(f"no Redis at {REDIS_URL}")
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4()}"})
    yield backend
    backend.delete_many([f"hits-{n}" for n in range(5)])


def test_hits_are_counted_from_one(cache):
    assert [cache.hit("hits-0", 60) for _ in range(3)] == [1, 2, 3]
    assert cache.hit("hits-1", 60) == 1  # each key its own count


def test_a_count_is_gone_once_its_time_is_up(cache):
    cache.hit("hits-2", 1)
    cache.hit("hits-2", 1)

    time.sleep(2.1)

    assert cache.hit("hits-2", 1) == 1


def test_later_hits_do_not_push_the_end_of_the_count_back(cache):
    cache.hit("hits-3", 2)
    time.sleep(1.1)
    cache.hit("hits-3", 2)  # a second later: the count still ends 2 s after the first hit
    time.sleep(1.1)

    assert cache.hit("hits-3", 2) == 1


def test_concurrent_hits_are_all_counted(cache):
    def hit_often():
        for _ in range(50):
            cache.hit("hits-4", 60)

    threads = [threading.Thread(target=hit_often) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert cache.hit("hits-4", 60) == 8 * 50 + 1


def test_the_redis_cache_builds_one_client_and_reuses_it():
    if not redis_answers():
        pytest.skip(f"no Redis at {REDIS_URL}")
    backend = RedisCache(REDIS_URL, {})

    assert backend._cache.get_client("a") is backend._cache.get_client("b", write=True)
