"""The client address behind trusted proxies: one function for the audit log and login throttling.

A proxy appends the address it saw to X-Forwarded-For; everything to the left of that came from the
client and can say anything. So with N trusted proxies the client is the N-th entry from the right,
and with none the header is ignored.
"""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from ipware import get_client_ip

from sinovda.audit.models import AuditEvent
from sinovda.lib.client_ip import client_ip
from tests import factories
from tests.web.test_security import run_manage

PROXY = "10.0.0.2"  # REMOTE_ADDR of every request that came through the proxy
CLIENT_A = "203.0.113.9"
CLIENT_B = "198.51.100.7"


def request_from(forwarded=None, remote_addr=PROXY, **headers):
    meta = {"REMOTE_ADDR": remote_addr, **headers}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


# --- what django-ipware itself does (pinned, since our use depends on it) ---------------------------


def test_ipware_counts_the_proxy_itself_as_an_entry_of_the_header():
    # ipware's proxy_count=N returns the (N+1)-th entry from the right: it expects each proxy to
    # append its own address. Real proxies (nginx, HAProxy, load balancers) append the address
    # they saw, so for N of them we pass N-1; proxy_count=1 would hand out the forged entry.
    request = request_from("6.6.6.6, 203.0.113.9")
    assert get_client_ip(request, proxy_count=1, strict=False)[0] == "6.6.6.6"
    assert get_client_ip(request, proxy_count=0, strict=False)[0] == "203.0.113.9"
    # In strict mode a chain of any other length, or with one unreadable entry, is not used at all.
    assert get_client_ip(request, proxy_count=0, strict=True)[0] != "203.0.113.9"
    garbage = request_from("nonsense, 203.0.113.9")
    assert get_client_ip(garbage, proxy_count=0, strict=False)[0] == "203.0.113.9"


# --- client_ip -----------------------------------------------------------------------------------


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = request_from("6.6.6.6", remote_addr=CLIENT_A, HTTP_X_REAL_IP="7.7.7.7")
    assert client_ip(request) == CLIENT_A


@pytest.mark.parametrize(
    "forwarded",
    [
        CLIENT_A,
        f"6.6.6.6, {CLIENT_A}",
        f"1.1.1.1, 6.6.6.6, {CLIENT_A}",
        f"nonsense, {CLIENT_A}",
        f"6.6.6.6,{CLIENT_A}",
    ],
)
def test_behind_one_proxy_the_right_most_entry_is_the_client(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(forwarded, HTTP_X_REAL_IP="7.7.7.7")) == CLIENT_A


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from(f"6.6.6.6, {CLIENT_A}, 192.0.2.1")) == CLIENT_A


def test_a_request_that_bypassed_the_proxy_is_known_by_its_own_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from(None, remote_addr=CLIENT_B)) == CLIENT_B


def test_a_negative_proxy_count_refuses_to_start(tmp_path):
    result = run_manage("check", TRUSTED_PROXY_COUNT="-1", SQLITE_PATH=str(tmp_path / "db"))
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr


# --- the audit log ---------------------------------------------------------------------------------


def log_in(client, person, password=factories.PASSWORD, forwarded=None):
    extra = {"REMOTE_ADDR": PROXY}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        reverse("login"), {"username": person.username, "password": password}, **extra
    )


@pytest.mark.django_db
@pytest.mark.parametrize("proxies,expected", [(0, PROXY), (1, CLIENT_A)])
def test_the_audit_log_records_the_client_address(client, settings, proxies, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    person = factories.user()
    assert log_in(client, person, forwarded=f"6.6.6.6, {CLIENT_A}").status_code == 302
    assert AuditEvent.objects.get(action="auth.login").ip == expected


# --- login throttling (django-axes) ---------------------------------------------------------------


def fail_until_locked(client, settings, person, forwarded):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, person, password="salah", forwarded=forwarded)


@pytest.mark.django_db
def test_behind_a_proxy_one_clients_failures_do_not_lock_out_another(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    person = factories.user()
    fail_until_locked(client, settings, person, CLIENT_A)
    assert log_in(client, person, forwarded=CLIENT_A).status_code == 429
    assert log_in(client, person, forwarded=CLIENT_B).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("proxies", [0, 1])
def test_a_forged_left_most_entry_does_not_escape_the_lock(client, settings, proxies):
    settings.TRUSTED_PROXY_COUNT = proxies
    person = factories.user()
    fail_until_locked(client, settings, person, CLIENT_A)
    for forged in (f"{CLIENT_B}, {CLIENT_A}", f"nonsense, {CLIENT_B}, {CLIENT_A}"):
        response = log_in(client, person, forwarded=forged)
        assert response.status_code == 429, forged
