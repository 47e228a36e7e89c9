"""Cached parts of public pages, keyed by the data version they were built from.

A key holds everything the part depends on: the data version (catalogue.versions for publications,
scores.rankings' version for results), the active language, the host (absolute links), the path,
every query parameter, and what differs per person (the rankings' highlighted Pemda). Only parts
that are the same for everyone with that key are cached: the main content of a page, never the
frame around it (navigation with the signed-in person's name, the language form's CSRF token,
messages). The version is read before any data, so a part built from data older than its key is
impossible; a publish, unpublish or withdrawal moves the version in its own transaction, so the
old parts are never asked for again and expire (docs/catalogue.md, "Caching").

Works with any Django cache backend (values pickle: strings and plain data).
"""

import hashlib
import threading
import time
from collections import OrderedDict

from django.core.cache import cache
from django.utils import translation

CACHE_SECONDS = 600
_MISSING = "__missing__"  # a cached "no such page" (None means a cache miss)

# A few parts every page of a kind shares (the catalogue's filter form: ~35 kB, the same for every
# search without filters) are also kept in this process: fetching them from a shared cache (Redis)
# took ~0.45 ms a request. Their keys hold the data version, so a local copy cannot outlive a
# publish or unpublish; what the version does not cover (a renamed Pemda) is at most
# LOCAL_SECONDS old here.
LOCAL_SECONDS = 60
_LOCAL_SIZE = 32
_local: OrderedDict[str, tuple[float, object]] = OrderedDict()
_local_lock = threading.Lock()


def key(kind: str, request, version, *extra) -> str:
    parts = (
        version,
        translation.get_language(),
        request.scheme,
        request.get_host(),
        request.path,
        sorted(request.GET.lists()),
        extra,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"sinovda:catalogue:{kind}:{digest}"


def cached(cache_key: str, build):
    """build()'s value, stored under cache_key; build() may return None (stored as missing)."""
    value = cache.get(cache_key)
    if value is None:
        value = build()
        cache.set(cache_key, _MISSING if value is None else value, CACHE_SECONDS)
        return value
    return None if value == _MISSING else value


def shared(cache_key: str, build):
    """`cached`, with a copy in this process for LOCAL_SECONDS (for parts many requests share)."""
    now = time.monotonic()
    with _local_lock:
        entry = _local.get(cache_key)
        if entry is not None and entry[0] > now:
            _local.move_to_end(cache_key)
            return entry[1]
    value = cached(cache_key, build)
    with _local_lock:
        _local[cache_key] = (now + LOCAL_SECONDS, value)
        while len(_local) > _LOCAL_SIZE:
            _local.popitem(last=False)
    return value


def clear_local() -> None:
    """Forget this process's copies (tests; clearing the shared cache does not reach them)."""
    with _local_lock:
        _local.clear()
