import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_SECRET = "x" * 64 + "-production-like-secret-with-enough-entropy-0123456789"


def run_manage(*args, **env):
    """Run manage.py in a fresh interpreter with only this environment (settings read at start)."""
    return subprocess.run(  # noqa: S603 (fixed argv from the tests, no shell)
        [sys.executable, "manage.py", *args],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=ROOT,
        check=False,
    )


def test_pages_carry_security_headers(client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert (
        "default-src 'self'" in csp
        and "object-src 'none'" in csp
        and "frame-ancestors 'none'" in csp
    )
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_passwords_are_hashed_with_argon2():
    from django.conf import settings

    # The test suite swaps in a fast hasher per test; the configured first hasher is what production uses.
    import sinovda.settings as configured

    assert configured.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.AUTH_USER_MODEL == "accounts.User"


def test_deploy_check_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SINOVDA_ENV="production",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="sinovda.example.go.id",
        SQLITE_PATH=str(tmp_path / "db.sqlite3"),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = run_manage("check", SINOVDA_ENV="production", SQLITE_PATH=str(tmp_path / "db"))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_debug_on(tmp_path):
    result = run_manage(
        "check",
        SINOVDA_ENV="production",
        DEBUG="true",
        SECRET_KEY=PRODUCTION_SECRET,
        ALLOWED_HOSTS="sinovda.example.go.id",
        SQLITE_PATH=str(tmp_path / "db"),
    )
    assert result.returncode != 0
    assert "DEBUG must be off when SINOVDA_ENV=production" in result.stderr
