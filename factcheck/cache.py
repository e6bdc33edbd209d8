"""The cache backends of settings.CACHES: Django's own, with two things the API needs from them.

- Django's Redis client builds a new `redis.Redis` for every operation, and building one (its table of
  response callbacks) costs more than the round trip itself. Ours keeps one per server: a `redis.Redis` is
  safe to share between threads, and its pool reconnects after a fork.
- `hit(key, seconds)`: count one more hit of `key`, atomically, and say how many there have been; the count
  is gone `seconds` after the first. On Redis it is one round trip (INCR, and EXPIRE only when the key has
  no expiry yet); in memory, one lock. The partner API's rate
  limits (claims/api/throttling.py) are built on it.
"""

import pickle

from django.core.cache.backends.locmem import LocMemCache as DjangoLocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusedClientRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def hit(self, key, seconds: int) -> int:
        pipeline = self.get_client(key, write=True).pipeline(transaction=False)
        pipeline.incr(key)
        pipeline.expire(key, seconds, nx=True)
        count, _ = pipeline.execute()
        return count


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def hit(self, key, seconds: int, version=None) -> int:
        """Count a hit in `key`'s window of `seconds`; the number of hits in it so far, this one included."""
        key = self.make_and_validate_key(key, version=version)
        return self._cache.hit(key, seconds)


class LocMemCache(DjangoLocMemCache):
    def hit(self, key, seconds: int, version=None) -> int:
        """As RedisCache.hit, in this process's memory."""
        with self._lock:
            # add() and incr() take the same (non-reentrant) lock themselves: work on the stores directly.
            made = self.make_and_validate_key(key, version=version)
            if self._has_expired(made):
                count = 1
                self._set(made, pickle.dumps(count, self.pickle_protocol), seconds)
            else:
                count = pickle.loads(self._cache[made]) + 1  # noqa: S301 (our own int, in our own memory)
                self._cache[made] = pickle.dumps(count, self.pickle_protocol)
            return count
