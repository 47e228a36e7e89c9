"""Django's Redis cache, for which an unreachable Redis is a cache miss instead of a failed page.

Everything Sinovda keeps in the cache can be rebuilt or does without it: cached page parts and
rankings are recomputed, sessions (cached_db) come from the database, the open-data API's rate
counter lets requests through. So when Redis is down or stops answering, each page is slower but
served; with Django's own RedisCache every page that touches the cache answered 500.

After a failure the cache is not asked again for BREAK_SECONDS (one log line per outage, one when it
answers again), so an outage costs each request at most one connect timeout (set short in
cache_url), not one per cache call. Errors other than connection errors and timeouts (a wrong
password, a full Redis) still raise: they are configuration to fix, not an outage to wait out.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("sinovda.cache")

BREAK_SECONDS = 5.0
OUTAGE = (RedisConnectionError, RedisTimeoutError)

# location -> monotonic time until which the cache is not asked (shared by every thread's backend
# instance: Django makes one per thread).
_broken_until: dict[str, float] = {}
_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    def _available(self) -> bool:
        # After the break the next call tries again (and either ends the outage or renews it).
        until = _broken_until.get(self._location_key)
        return until is None or time.monotonic() >= until

    @property
    def _location_key(self) -> str:
        return ",".join(self._servers)

    def _failed(self, error: Exception) -> None:
        with _lock:
            first = self._location_key not in _broken_until
            _broken_until[self._location_key] = time.monotonic() + BREAK_SECONDS
        if first:
            logger.warning(
                "cache unreachable, pages are built without it: %s", type(error).__name__
            )

    def _answered(self) -> None:
        if self._location_key in _broken_until:
            with _lock:
                if _broken_until.pop(self._location_key, None) is not None:
                    logger.warning("cache reachable again")

    def _call(self, method, fallback, *args, **kwargs):
        if not self._available():
            return fallback()
        try:
            value = method(*args, **kwargs)
        except OUTAGE as error:
            self._failed(error)
            return fallback()
        self._answered()
        return value

    def get(self, key, default=None, version=None):
        return self._call(super().get, lambda: default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call(super().get_many, dict, keys, version)

    def has_key(self, key, version=None):
        return self._call(super().has_key, lambda: False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(super().set, lambda: None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().set_many, lambda: list(data), data, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().add, lambda: False, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(super().touch, lambda: False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call(super().delete, lambda: False, key, version)

    def delete_many(self, keys, version=None):
        return self._call(super().delete_many, lambda: None, keys, version)

    def clear(self):
        return self._call(super().clear, lambda: False)

    def incr(self, key, delta=1, version=None):
        def missing():
            # What Django's caches raise for a missing key: callers already handle it.
            raise ValueError(f"Key '{key}' not found (cache unreachable)")

        return self._call(super().incr, missing, key, delta, version)
