"""Redis going away (sinovda/lib/redis_cache.py): pages are built without the cache, sign-in still
works, the API lets requests through, and the cache is used again once Redis answers.

A real redis-server (tests/redisserver.py), stopped and started again on the same port.
"""

import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from sinovda.lib import redis_cache
from sinovda.lib.cache_url import parse_cache_url
from tests import factories
from tests.redisserver import RedisServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis(tmp_path, settings):
    server = RedisServer(tmp_path)
    server.start()
    settings.CACHES = {"default": parse_cache_url(server.url)}
    redis_cache._broken_until.clear()
    yield server
    server.stop()
    redis_cache._broken_until.clear()


def test_every_kind_of_page_is_served_while_redis_is_down(client, redis, cycle, coordinator):
    redis.stop()
    started = time.monotonic()
    # Anonymous: the catalogue, a ranking, the open-data API (its rate counter lives in Redis).
    assert client.get(reverse("catalogue"), {"cari": "sampah"}).status_code == 200
    assert client.get(reverse("ranking_national")).status_code == 200
    assert client.get("/api/v1/regions").status_code == 200
    # Signing in keeps the session in the database (cached_db), and the next page reads it there.
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    dashboard = reverse("dashboard", args=[cycle.region.code, cycle.year])
    page = client.get(dashboard)
    assert page.status_code == 200
    assert page.context["user"] == coordinator
    # A refused connection is answered at once; nothing waited for a timeout.
    assert time.monotonic() - started < 10


def test_the_cache_reads_as_empty_during_an_outage_and_is_used_again_after(
    redis, monkeypatch, caplog
):
    cache.set("sinovda:test:before", "kept", 60)
    assert cache.get("sinovda:test:before") == "kept"
    redis.stop()
    with caplog.at_level(logging.WARNING, logger="sinovda.cache"):
        assert cache.get("sinovda:test:before") is None
        assert cache.get("sinovda:test:before", "default") == "default"
        cache.set("sinovda:test:during", "lost", 60)  # no error
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("sinovda:test:counter", 0) is False
        with pytest.raises(ValueError):
            cache.incr("sinovda:test:counter")  # what callers already handle as "missing"
        assert cache.get_or_set("sinovda:test:computed", lambda: 7) == 7
    outage_lines = [r.getMessage() for r in caplog.records if r.name == "sinovda.cache"]
    assert len(outage_lines) == 1  # one line per outage, not one per call
    assert "cache unreachable" in outage_lines[0]

    caplog.clear()
    redis.start()
    monkeypatch.setattr(redis_cache, "BREAK_SECONDS", 0.0)
    redis_cache._broken_until.clear()
    with caplog.at_level(logging.WARNING, logger="sinovda.cache"):
        cache.set("sinovda:test:after", "stored", 60)
        assert cache.get("sinovda:test:after") == "stored"
    assert cache.get("sinovda:test:during") is None  # what was set during the outage is not there


def test_after_a_failure_redis_is_not_asked_again_until_the_break_ends(redis, monkeypatch):
    redis.stop()
    calls = []
    original = redis_cache.RedisCache.get

    def counting_get(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis_cache.RedisCache, "get", counting_get)
    for _ in range(5):
        assert cache.get("sinovda:test:x") is None
    assert len(calls) == 1  # the first call failed; the next four did not touch the network

    monkeypatch.setattr(redis_cache, "BREAK_SECONDS", 0.0)
    redis_cache._broken_until.clear()
    redis.start()
    assert cache.get("sinovda:test:x") is None
    assert len(calls) == 2  # the break over, Redis is asked again
    assert redis_cache._broken_until == {}


def test_a_recovery_is_logged(redis, monkeypatch, caplog):
    monkeypatch.setattr(redis_cache, "BREAK_SECONDS", 0.0)
    redis.stop()
    assert cache.get("sinovda:test:y") is None
    redis.start()
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="sinovda.cache"):
        assert cache.get("sinovda:test:y") is None
    assert [r.getMessage() for r in caplog.records] == ["cache reachable again"]
