"""Who may change whose account: every people-page request × every acting role × every kind of target.

A koordinator manages the account (password, name, email, sign-in) of a person who works in its
region alone. For a person who also holds a role in another Pemda, or a platform admin, it may only
change the role in its own region; the account is left to a national admin. On every refusal nothing
may have changed.
"""

import pytest
from django.urls import reverse

from sinovda.regions.models import Membership, Role
from tests import factories

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Indralaya-Baru-77"
UPDATE = {"full_name": "Nama Diganti", "email": "diganti@example.org", "role": Role.LEADER}

REQUESTS = [
    ("person_update", "get"),
    ("person_update", "post"),
    ("person_reset_password", "get"),
    ("person_reset_password", "post"),
    ("person_toggle_active", "post"),
]
ACTORS = [
    "operator",
    "verifikator",
    "pimpinan",
    "koordinator",
    "koordinator_elsewhere",
    "koordinator_provinsi",
    "pemantau_provinsi",
    "national_admin",
    "anonymous",
]
TARGETS = ["region_only", "multi_region", "superuser"]


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


def make_actor(kind, region):
    if kind == "anonymous":
        return None
    if kind == "national_admin":
        return factories.national_admin()
    if kind == "koordinator_elsewhere":
        return factories.member(factories.region(code="16.11"), Role.COORDINATOR)
    if kind in {"koordinator_provinsi", "pemantau_provinsi"}:
        return factories.member(region.province, Role(kind))
    return factories.member(region, Role(kind))


def make_target(kind, region):
    person = factories.member(region, Role.VERIFIER)
    person.email = "asli@example.org"
    person.save(update_fields=["email"])
    if kind == "multi_region":
        Membership.objects.create(
            user=person, region=factories.region(code="16.12"), role=Role.LEADER
        )
    elif kind == "superuser":
        person.is_staff = person.is_superuser = True
        person.save(update_fields=["is_staff", "is_superuser"])
    return person


def state(person):
    person.refresh_from_db()
    membership = person.memberships.get(region__code="16.10")
    return {
        "password": person.password,
        "full_name": person.full_name,
        "email": person.email,
        "user_active": person.is_active,
        "must_change_password": person.must_change_password,
        "role": membership.role,
        "membership_active": membership.is_active,
    }


def send(client, name, method, region, membership):
    path = reverse(name, args=[region.code, membership.pk])
    if method == "get":
        return client.get(path)
    data = {"person_update": UPDATE, "person_reset_password": {"password": NEW_PASSWORD}}
    return client.post(path, data.get(name, {}))


REFUSED_BY_ROLE = {
    "operator",
    "verifikator",
    "pimpinan",
    "koordinator_provinsi",
    "pemantau_provinsi",
}


def expected(actor, target, name, method):
    """(status, what changed) for one request; changes are checked against the state before."""
    if actor == "anonymous":
        return 302, {}
    if actor == "koordinator_elsewhere":
        return 404, {}
    if actor in REFUSED_BY_ROLE:
        return 403, {}
    manages_account = actor == "national_admin" or target == "region_only"
    if method == "get":
        return (200 if manages_account or name == "person_update" else 403), {}
    if name == "person_update":
        changes = {"role": Role.LEADER}
        if manages_account:
            changes |= {"full_name": UPDATE["full_name"], "email": UPDATE["email"]}
        return 302, changes
    if name == "person_reset_password":
        if not manages_account:
            return 403, {}
        return 302, {"password": "(changed)", "must_change_password": True}
    # person_toggle_active: the role ends; the account closes only when the actor manages it
    # (and the person then has no other active role).
    changes = {"membership_active": False}
    if manages_account and target == "region_only":
        changes["user_active"] = False
    return 302, changes


@pytest.mark.parametrize("target_kind", TARGETS)
@pytest.mark.parametrize("actor_kind", ACTORS)
@pytest.mark.parametrize("name,method", REQUESTS, ids=[f"{n}-{m}" for n, m in REQUESTS])
def test_people_pages_change_only_what_the_actor_may_change(
    client, region, name, method, actor_kind, target_kind
):
    actor = make_actor(actor_kind, region)
    if actor is not None:
        client.force_login(actor)
    target = make_target(target_kind, region)
    membership = target.memberships.get(region=region)
    before = state(target)

    response = send(client, name, method, region, membership)

    status, changes = expected(actor_kind, target_kind, name, method)
    assert response.status_code == status
    if status == 302 and actor is None:
        assert response["Location"].startswith("/masuk/")
    after = state(target)
    if changes.pop("password", None):
        assert after.pop("password") != before.pop("password")
    assert after == before | changes
