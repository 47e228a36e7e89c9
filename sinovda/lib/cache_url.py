"""CACHE_URL -> Django's CACHES["default"].

The cache holds the open-data API's rate counters and the public pages' fragments. Several app
processes or nodes must share it, or each counts and caches on its own (the real API limit becomes
the rate times the number of processes). So production without CACHE_URL uses the database (shared
by construction); Redis is the faster choice when there is one; process memory is for development.

    redis://[:password@]host:6379/0   (rediss:// for TLS)  -> ResilientRedisCache
    db://table_name                                        -> DatabaseCache
    locmem://[name]                                        -> LocMemCache
    dummy://                                               -> DummyCache (caches nothing)
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

DEFAULT_DB_TABLE = "sinovda_cache"
# A table name written into SQL by createcachetable: keep it a plain identifier.
_TABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
# Every key carries the project's prefix, so a Redis shared with something else cannot collide.
KEY_PREFIX = "sinovda"
REDIS_CONNECT_TIMEOUT = 0.25  # seconds


def parse_cache_url(url: str) -> dict:
    scheme = urlsplit(url).scheme.lower()
    if scheme in {"redis", "rediss"}:
        if not urlsplit(url).hostname:
            raise ImproperlyConfigured(f"CACHE_URL needs a host: {_safe(url)!r}")
        return {
            # Django's RedisCache, but an unreachable Redis is a cache miss (lib.redis_cache).
            "BACKEND": "sinovda.lib.redis_cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": KEY_PREFIX,
            # Short: a cache call normally takes well under a millisecond, and a page waits for
            # at most one timeout before it is built without the cache.
            "OPTIONS": {"socket_connect_timeout": REDIS_CONNECT_TIMEOUT, "socket_timeout": 1.0},
        }
    if scheme == "db":
        table = url[len("db://") :].strip("/") or DEFAULT_DB_TABLE
        if not _TABLE.fullmatch(table):
            raise ImproperlyConfigured(
                f"CACHE_URL db://<table>: the table must be a plain name, not {table!r}"
            )
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": table,
            "KEY_PREFIX": KEY_PREFIX,
        }
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": url[len("locmem://") :].strip("/") or "sinovda",
            "KEY_PREFIX": KEY_PREFIX,
        }
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, db://, locmem:// or dummy://, "
        f"not {_safe(url)!r}"
    )


def default_cache_url(production: bool) -> str:
    """Without CACHE_URL: the database in production (shared by every node), memory otherwise."""
    return f"db://{DEFAULT_DB_TABLE}" if production else "locmem://"


def _safe(url: str) -> str:
    """The URL without its password, for an error message."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(parts.password, "***")
    return url
