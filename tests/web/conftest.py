import os

import pytest

from sinovda.regions.models import Role
from tests import factories
from tests.s3server import moto_server, s3_url  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # argon2 is deliberately slow; tests need the behaviour, not the cost.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_private_media(settings, tmp_path, request):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # Local disk unless the run asks for object storage (SINOVDA_TEST_STORAGE=s3: a fresh prefix
    # on the session's moto server per test, tests/s3server.py); never a developer's STORAGE_URL.
    settings.STORAGE_URL = ""
    if os.environ.get("SINOVDA_TEST_STORAGE") == "s3":
        settings.STORAGE_URL = request.getfixturevalue("s3_url")


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rankings and API throttles live in the cache, keyed by data versions; SQLite reuses ids after
    # a rollback, so two tests could otherwise share a version and read each other's entries.
    from django.core.cache import cache

    from sinovda.catalogue import fragments

    cache.clear()
    fragments.clear_local()
    yield
    cache.clear()
    fragments.clear_local()


# A region with its 2023 cycle, an OPD and one person per role: the default cast of a page test.
# A module that needs other values defines its own fixture of the same name, which wins.
@pytest.fixture
def region():
    return factories.region()


@pytest.fixture
def cycle(region):
    return factories.cycle(region, 2023)


@pytest.fixture
def agency(region):
    return factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")


@pytest.fixture
def coordinator(region):
    return factories.member(region, Role.COORDINATOR)


@pytest.fixture
def verifier(region):
    return factories.member(region, Role.VERIFIER)


@pytest.fixture
def operator(region, agency):
    return factories.member(region, Role.OPERATOR, agency=agency)
