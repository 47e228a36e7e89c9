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

from django.core.cache import cache
from django.utils import translation

CACHE_SECONDS = 600
_MISSING = "__missing__"  # a cached "no such page" (None means a cache miss)


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
