import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.regions.models import Membership, Role
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def koordinator(client, region):
    person = factories.member(region, Role.COORDINATOR)
    client.force_login(person)
    return person


def url(name, region, *args):
    return reverse(name, args=[region.code, *args])


def new_operator_form(office, **overrides):
    data = {
        "full_name": "Sari Operator",
        "username": "sari.op",
        "email": "sari@example.org",
        "role": Role.OPERATOR,
        "agency": office.pk,
        "password": "Tanjung-Senai-2023",
    }
    return {**data, **overrides}


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.LEADER, Role.OPERATOR])
def test_people_pages_are_for_the_koordinator_only(client, region, role):
    client.force_login(factories.member(region, role))
    assert client.get(url("person_list", region)).status_code == 403
    assert client.get(url("person_create", region)).status_code == 403


def test_koordinator_creates_an_operator_who_must_change_the_password(client, region, koordinator):
    agency = factories.agency(region, short_name="Disdukcapil")
    response = client.post(url("person_create", region), new_operator_form(agency))
    assert response.status_code == 302
    user = User.objects.get(username="sari.op")
    assert user.must_change_password
    membership = user.memberships.get()
    assert (membership.role, membership.agency, membership.region) == (
        Role.OPERATOR,
        agency,
        region,
    )
    event = AuditEvent.objects.get(action="person.create")
    assert "password" not in str(event.after)

    client.logout()
    client.post(reverse("login"), {"username": "sari.op", "password": "Tanjung-Senai-2023"})
    response = client.get(url("region_home", region))
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


def test_an_operator_needs_an_agency(client, region, koordinator):
    response = client.post(
        url("person_create", region), new_operator_form(factories.agency(region), agency="")
    )
    assert "Pilih OPD tempat operator ini bekerja." in response.content.decode()
    assert not User.objects.filter(username="sari.op").exists()


def test_the_agency_must_belong_to_the_region(client, region, koordinator):
    foreign = factories.agency(factories.region(code="16.11"))
    response = client.post(url("person_create", region), new_operator_form(foreign))
    assert "Pilih OPD dari daftar." in response.content.decode()
    assert not User.objects.filter(username="sari.op").exists()


def test_weak_password_and_taken_username_are_refused_with_messages(client, region, koordinator):
    factories.user("sari.op")
    response = client.post(
        url("person_create", region), new_operator_form(factories.agency(region), password="123")
    )
    html = response.content.decode()
    assert "Nama pengguna ini sudah dipakai" in html
    assert "Ada masalah" in html
    assert Membership.objects.filter(region=region).count() == 1  # only the koordinator


def test_koordinator_cannot_grant_province_or_admin_roles(client, region, koordinator):
    response = client.post(
        url("person_create", region),
        new_operator_form(factories.agency(region), role=Role.PROVINCE_COORDINATOR),
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="sari.op").exists()


def test_changing_a_role_is_audited(client, region, koordinator):
    verifier = factories.member(region, Role.VERIFIER)
    membership = verifier.memberships.get()
    response = client.post(
        url("person_update", region, membership.pk),
        {"full_name": "Budi", "email": "", "role": Role.LEADER, "agency": ""},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.LEADER
    event = AuditEvent.objects.get(action="person.change_role")
    assert (event.before["role"], event.after["role"]) == (Role.VERIFIER, Role.LEADER)


def test_deactivated_person_cannot_sign_in(client, region, koordinator):
    operator = factories.member(region, Role.OPERATOR)
    membership = operator.memberships.get()
    client.post(url("person_toggle_active", region, membership.pk))
    operator.refresh_from_db()
    assert not operator.is_active
    client.logout()
    response = client.post(
        reverse("login"), {"username": operator.username, "password": factories.PASSWORD}
    )
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    assert AuditEvent.objects.filter(action="person.deactivate").count() == 1


def test_reset_password_sets_a_temporary_one(client, region, koordinator):
    operator = factories.member(region, Role.OPERATOR)
    membership = operator.memberships.get()
    response = client.post(
        url("person_reset_password", region, membership.pk), {"password": "Indralaya-Baru-77"}
    )
    assert response.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password("Indralaya-Baru-77") and operator.must_change_password
    assert AuditEvent.objects.filter(action="person.reset_password").exists()


def test_koordinator_cannot_change_or_deactivate_themselves(client, region, koordinator):
    own = koordinator.memberships.get()
    assert client.post(url("person_toggle_active", region, own.pk)).status_code == 403
    assert client.get(url("person_update", region, own.pk)).status_code == 403
    koordinator.refresh_from_db()
    assert koordinator.is_active


def test_membership_of_another_region_is_404(client, region, koordinator):
    foreign = factories.member(factories.region(code="16.11"), Role.OPERATOR).memberships.get()
    assert client.get(url("person_update", region, foreign.pk)).status_code == 404
    assert client.post(url("person_toggle_active", region, foreign.pk)).status_code == 404


def test_person_list_query_count_does_not_grow(
    client, region, koordinator, django_assert_max_num_queries
):
    for _ in range(3):
        factories.member(region, Role.OPERATOR)
    with django_assert_max_num_queries(100) as few:
        client.get(url("person_list", region))
    for _ in range(20):
        factories.member(region, Role.OPERATOR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url("person_list", region)).status_code == 200
