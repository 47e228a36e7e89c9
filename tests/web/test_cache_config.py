"""The shared cache (CACHE_URL, sinovda/lib/cache_url.py): parsing, the production default, the
database cache's table, and a real Redis shared by two processes counting the API rate limit.

Redis: the test starts /usr/bin/redis-server on a free port (tests/redisserver.py); it skips only
when the binary is missing and SINOVDA_REQUIRE_SERVERS is unset (CI sets it, so a missing server
fails there). What happens when Redis goes away: test_cache_outage.py.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from sinovda.lib.cache_url import default_cache_url, parse_cache_url
from tests.redisserver import RedisServer

ROOT = Path(__file__).resolve().parents[2]


# --- parsing --------------------------------------------------------------------------------------


DJANGO = "django.core.cache.backends"
REDIS = "sinovda.lib.redis_cache.ResilientRedisCache"


@pytest.mark.parametrize(
    "url,backend,location",
    [
        ("redis://127.0.0.1:6379/0", REDIS, "redis://127.0.0.1:6379/0"),
        ("rediss://:pw@cache.internal:6380/2", REDIS, "rediss://:pw@cache.internal:6380/2"),
        ("db://sinovda_cache", f"{DJANGO}.db.DatabaseCache", "sinovda_cache"),
        ("db://", f"{DJANGO}.db.DatabaseCache", "sinovda_cache"),
        ("locmem://", f"{DJANGO}.locmem.LocMemCache", "sinovda"),
        ("locmem://pages", f"{DJANGO}.locmem.LocMemCache", "pages"),
    ],
)
def test_cache_urls_name_the_backend(url, backend, location):
    config = parse_cache_url(url)
    assert config["BACKEND"] == backend
    assert config["LOCATION"] == location
    assert config["KEY_PREFIX"] == "sinovda"


def test_dummy_caches_nothing():
    assert parse_cache_url("dummy://") == {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}


@pytest.mark.parametrize(
    "url",
    [
        "memcached://127.0.0.1:11211",
        "127.0.0.1:6379",
        "redis://",
        "db://cache; DROP TABLE accounts_user",
        "db://1table",
    ],
)
def test_a_wrong_cache_url_stops_the_start(url):
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        parse_cache_url(url)


def test_an_error_does_not_repeat_the_password():
    with pytest.raises(ImproperlyConfigured) as error:
        parse_cache_url("memcache://user:hunter2@cache:11211")
    assert "hunter2" not in str(error.value)


def test_without_cache_url_production_shares_the_database_and_development_keeps_memory():
    assert default_cache_url(production=True) == "db://sinovda_cache"
    assert default_cache_url(production=False) == "locmem://"


def _settings(env_overrides, code):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "sinovda.settings", **env_overrides})
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_settings_read_cache_url(tmp_path):
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    base = {"SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    production = {
        **base,
        "SINOVDA_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "sinovda.example.go.id",
    }
    assert _settings(production, code).stdout.strip().endswith("db.DatabaseCache")
    redis = _settings({**production, "CACHE_URL": "redis://10.0.0.5:6379/1"}, code)
    assert redis.stdout.strip().endswith("ResilientRedisCache")
    assert _settings(base, code).stdout.strip().endswith("locmem.LocMemCache")
    wrong = _settings({**base, "CACHE_URL": "memcached://x"}, code)
    assert wrong.returncode != 0 and "CACHE_URL" in wrong.stderr


def test_the_deploy_check_warns_about_a_per_process_cache_in_production(settings):
    from sinovda.ops.checks import shared_cache

    settings.PRODUCTION = True
    settings.CACHES = {"default": parse_cache_url("locmem://")}
    assert [w.id for w in shared_cache(None)] == ["sinovda.W001"]
    settings.CACHES = {"default": parse_cache_url("db://sinovda_cache")}
    assert shared_cache(None) == []


# --- the database cache ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_migrate_makes_the_cache_table():
    assert "sinovda_cache" in connection.introspection.table_names()


@pytest.mark.django_db
def test_the_database_cache_counts_like_the_throttle_needs(settings):
    settings.CACHES = {"default": parse_cache_url("db://sinovda_cache")}
    assert cache.add("sinovda:test", 0, timeout=60)
    assert not cache.add("sinovda:test", 0, timeout=60)  # a second node does not reset it
    assert cache.incr("sinovda:test") == 1
    assert caches.create_connection("default").incr("sinovda:test") == 2  # another connection


@pytest.mark.django_db
def test_login_lockouts_live_in_the_database_not_a_cache(client):
    from axes.conf import settings as axes_settings
    from axes.models import AccessAttempt

    from tests import factories

    assert axes_settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    user = factories.national_admin()
    client.post("/masuk/", {"username": user.username, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=user.username).count() == 1


# --- Redis, shared by two processes ---------------------------------------------------------------


@pytest.fixture
def redis_url(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server.url
    server.stop()


@pytest.mark.django_db
def test_two_processes_share_the_api_rate_limit_through_redis(
    client, settings, redis_url, tmp_path
):
    # A day's window, so the count cannot roll over in the middle of the test.
    settings.SINOVDA_API_RATE = "3/d"
    settings.CACHES = {"default": parse_cache_url(redis_url)}
    assert client.get("/api/v1/regions").status_code == 200
    assert client.get("/api/v1/regions").status_code == 200
    # Another app process (another node, as far as the cache can tell) answers the same client.
    other_node = (
        "from django.test import RequestFactory\n"
        "from sinovda.catalogue.api.throttle import ClientRateThrottle\n"
        "request = RequestFactory().get('/api/v1/regions', REMOTE_ADDR='127.0.0.1')\n"
        "print(ClientRateThrottle().allow_request(request))"
    )
    env = {"CACHE_URL": redis_url, "SINOVDA_API_RATE": "3/d", "SQLITE_PATH": str(tmp_path / "x")}
    result = _settings(env, other_node)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"  # the third request of three
    refused = client.get("/api/v1/regions")
    assert refused.status_code == 429  # the fourth, counted across both processes
    assert int(refused["Retry-After"]) > 0


def test_fragments_cached_by_one_node_are_read_by_another(settings, redis_url, tmp_path):
    settings.CACHES = {"default": parse_cache_url(redis_url)}
    cache.set("sinovda:fragment:katalog", "<ul>…</ul>", timeout=60)
    other_node = "from django.core.cache import cache; print(cache.get('sinovda:fragment:katalog'))"
    result = _settings({"CACHE_URL": redis_url, "SQLITE_PATH": str(tmp_path / "x")}, other_node)
    assert result.stdout.strip().splitlines()[-1] == "<ul>…</ul>"
