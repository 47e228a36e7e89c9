"""The anonymous rate limit of the open-data API: SINOVDA_API_RATE requests per client address.

A fixed window ("120/m" = 120 requests per clock minute) counted in Django's default cache with
add + incr, which are atomic in Redis and Memcached: every app process must share that cache, or each
process counts on its own and the real limit is the rate times the number of processes. The answer
to a request over the limit is 429 with Retry-After: the seconds until the window ends.

The client is the address sinovda.lib.client_ip finds behind TRUSTED_PROXY_COUNT proxies (never a
forgeable header). IPv6 clients are counted per /64, the block a single subscriber usually holds, so
one client cannot multiply its allowance by rotating addresses inside it.
"""

import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from ninja.throttling import BaseThrottle

from sinovda.lib.client_ip import client_ip

DEFAULT_RATE = "120/m"
PERIODS = {"s": 1, "m": 60, "h": 60 * 60, "d": 24 * 60 * 60}


def parse_rate(rate: str) -> tuple[int, int]:
    """'120/m' -> (120, 60). Anything else is a configuration error, said loudly."""
    count, _, unit = rate.partition("/")
    if not (count.isdigit() and int(count) > 0 and unit in PERIODS):
        raise ImproperlyConfigured(
            f"SINOVDA_API_RATE must look like '120/m' (a number, then /s, /m, /h or /d): {rate!r}"
        )
    return int(count), PERIODS[unit]


def describe_rate(rate: tuple[int, int]) -> str:
    """(120, 60) -> "120 permintaan per menit" (for the docs)."""
    count, period = rate
    units = {1: "detik", 60: "menit", 3600: "jam", 86400: "hari"}
    return f"{count} permintaan per {units[period]}"


def configured_rate() -> tuple[int, int]:
    return parse_rate(getattr(settings, "SINOVDA_API_RATE", DEFAULT_RATE))


def client_key(request) -> str:
    address = client_ip(request) or "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is an IPv4 client
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class ClientRateThrottle(BaseThrottle):
    """django-ninja asks allow_request(), then wait() for the Retry-After it sends with the 429."""

    def allow_request(self, request) -> bool:
        limit, period = configured_rate()
        window = int(time.time() // period)
        key = f"sinovda:api-rate:{client_key(request)}:{period}:{window}"
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the entry expired between add and incr
            cache.set(key, 1, timeout=period + 1)
            count = 1
        return count <= limit

    def wait(self) -> float:
        # The window is the clock's, so the time left needs no per-request state (thread-safe).
        _limit, period = configured_rate()
        return max(1, math.ceil(period - time.time() % period))
