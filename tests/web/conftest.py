import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # argon2 is deliberately slow; tests need the behaviour, not the cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rankings and API throttles live in the cache, keyed by data versions; SQLite reuses ids after
    # a rollback, so two tests could otherwise share a version and read each other's entries.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
