import re

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
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


# --- Whose account a koordinator may manage -------------------------------------------------------
# A koordinator manages an account (password, name, email, sign-in) only when the person works in
# this region alone and is no platform admin; for anyone else only the role in this region.

OTHER_REGION_REASON = "Akun ini juga memegang peran di Pemda lain"
ADMIN_REASON = "Akun admin platform hanya dapat diubah admin nasional."
SELF_REASON = "Anda tidak dapat mengubah akun Anda sendiri di sini"


def also_in_another_region(region, role=Role.VERIFIER, active=True):
    """A person with a role here and a role in a neighbouring Pemda."""
    person = factories.member(region, role)
    Membership.objects.create(
        user=person, region=factories.region(code="16.12"), role=Role.LEADER, is_active=active
    )
    return person


def platform_admin_in(region):
    person = factories.member(region, Role.VERIFIER)
    person.is_staff = person.is_superuser = True
    person.save(update_fields=["is_staff", "is_superuser"])
    return person


def test_koordinator_changes_name_and_email_of_a_person_only_in_its_region(
    client, region, koordinator
):
    person = factories.member(region, Role.VERIFIER)
    person.email = "lama@example.org"
    person.save(update_fields=["email"])
    membership = person.memberships.get()
    response = client.post(
        url("person_update", region, membership.pk),
        {"full_name": "Budi Baru", "email": "baru@example.org", "role": Role.VERIFIER},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.email) == ("Budi Baru", "baru@example.org")
    event = AuditEvent.objects.get(action="account.email_change")
    assert (event.object_type, event.object_id) == ("accounts.user", str(person.pk))
    assert (event.before, event.after) == (
        {"email": "lama@example.org"},
        {"email": "baru@example.org"},
    )


def test_koordinator_changes_only_the_role_of_a_person_who_works_in_another_region_too(
    client, region, koordinator
):
    person = also_in_another_region(region)
    membership = person.memberships.get(region=region)
    form_page = client.get(url("person_update", region, membership.pk)).content.decode()
    assert OTHER_REGION_REASON in form_page
    assert 'name="full_name"' in form_page and "disabled" in form_page

    response = client.post(
        url("person_update", region, membership.pk),
        {"full_name": "Diambil Alih", "email": "penyerang@example.org", "role": Role.LEADER},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    membership.refresh_from_db()
    assert membership.role == Role.LEADER
    assert person.full_name != "Diambil Alih" and person.email != "penyerang@example.org"
    assert not AuditEvent.objects.filter(action="account.email_change").exists()


def test_koordinator_cannot_reset_the_password_of_a_person_who_works_in_another_region_too(
    client, region, koordinator
):
    person = also_in_another_region(region)
    membership = person.memberships.get(region=region)
    page = client.get(url("person_reset_password", region, membership.pk))
    assert page.status_code == 403
    assert OTHER_REGION_REASON in page.content.decode()
    assert url("person_list", region) in page.content.decode()

    response = client.post(
        url("person_reset_password", region, membership.pk), {"password": "Indralaya-Baru-77"}
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.check_password(factories.PASSWORD) and not person.must_change_password
    assert not AuditEvent.objects.filter(action="person.reset_password").exists()


def test_ending_the_role_of_a_person_in_another_region_too_leaves_the_account_open(
    client, region, koordinator
):
    # Their role elsewhere is inactive, so today's rule ("no other active role: close the account")
    # would close an account this koordinator does not manage.
    person = also_in_another_region(region, active=False)
    membership = person.memberships.get(region=region)
    response = client.post(url("person_toggle_active", region, membership.pk))
    assert response.status_code == 302
    membership.refresh_from_db()
    person.refresh_from_db()
    assert not membership.is_active
    assert person.is_active


def test_reopening_a_role_never_reopens_an_account_the_koordinator_does_not_manage(
    client, region, koordinator
):
    person = also_in_another_region(region)
    membership = person.memberships.get(region=region)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    person.is_active = False  # closed by a national admin
    person.save(update_fields=["is_active"])
    client.post(url("person_toggle_active", region, membership.pk))
    membership.refresh_from_db()
    person.refresh_from_db()
    assert membership.is_active
    assert not person.is_active


def test_koordinator_cannot_touch_the_account_of_a_platform_admin(client, region, koordinator):
    admin = platform_admin_in(region)
    membership = admin.memberships.get()
    page = client.get(url("person_reset_password", region, membership.pk))
    assert page.status_code == 403 and ADMIN_REASON in page.content.decode()
    client.post(
        url("person_reset_password", region, membership.pk), {"password": "Indralaya-Baru-77"}
    )
    client.post(
        url("person_update", region, membership.pk),
        {"full_name": "Diambil Alih", "email": "penyerang@example.org", "role": Role.VERIFIER},
    )
    client.post(url("person_toggle_active", region, membership.pk))
    admin.refresh_from_db()
    membership.refresh_from_db()
    assert admin.check_password(factories.PASSWORD)
    assert admin.full_name != "Diambil Alih" and admin.email != "penyerang@example.org"
    assert admin.is_active and not membership.is_active


def test_person_list_says_why_an_action_is_unavailable(client, region, koordinator):
    only_here = factories.member(region, Role.OPERATOR)
    also_in_another_region(region)
    platform_admin_in(region)
    html = client.get(url("person_list", region)).content.decode()
    assert OTHER_REGION_REASON in html
    assert ADMIN_REASON in html
    assert SELF_REASON in html
    reset_links = re.findall(r"/orang/\d+/sandi/", html)
    assert len(reset_links) == 1  # only the person who works in this region alone
    assert url("person_reset_password", region, only_here.memberships.get().pk) in html


def test_koordinator_sees_why_they_cannot_change_themselves(client, region, koordinator):
    own = koordinator.memberships.get()
    response = client.get(url("person_update", region, own.pk))
    assert response.status_code == 403
    assert SELF_REASON in response.content.decode()


def test_national_admin_manages_any_account(client, region):
    client.force_login(factories.national_admin())
    person = also_in_another_region(region)
    membership = person.memberships.get(region=region)
    response = client.post(
        url("person_reset_password", region, membership.pk), {"password": "Indralaya-Baru-77"}
    )
    assert response.status_code == 302
    client.post(
        url("person_update", region, membership.pk),
        {"full_name": "Budi Baru", "email": "baru@example.org", "role": Role.VERIFIER},
    )
    person.refresh_from_db()
    assert person.check_password("Indralaya-Baru-77")
    assert (person.full_name, person.email) == ("Budi Baru", "baru@example.org")


def test_the_actions_refuse_a_protected_account_even_when_called_directly(region):
    from sinovda.regions import actions

    koordinator = factories.member(region, Role.COORDINATOR)
    person = also_in_another_region(region)
    membership = person.memberships.get(region=region)
    with pytest.raises(PermissionDenied, match="Pemda lain"):
        actions.update_person(
            membership,
            full_name="Diambil Alih",
            email=person.email,
            role=Role.LEADER,
            agency=None,
            acting_user=koordinator,
        )
    with pytest.raises(PermissionDenied, match="Pemda lain"):
        actions.reset_password(membership, password="Indralaya-Baru-77", acting_user=koordinator)
    person.refresh_from_db()
    membership.refresh_from_db()
    assert person.full_name != "Diambil Alih" and membership.role == Role.VERIFIER
    assert person.check_password(factories.PASSWORD)


def test_the_people_list_shows_one_page_at_a_time_with_constant_queries(
    client, region, koordinator
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sinovda.regions.views.people import PEOPLE_PER_PAGE

    agency = factories.agency(region, short_name="Dinkes")
    for _ in range(10):
        factories.member(region, Role.OPERATOR, agency=agency)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url("person_list", region)).status_code == 200
    for _ in range(PEOPLE_PER_PAGE + 5):
        factories.member(region, Role.OPERATOR, agency=agency)
    with CaptureQueriesContext(connection) as large:
        first = client.get(url("person_list", region))
    assert len(large) <= len(small) + 1  # + the paginator's count
    body = first.content.decode()
    assert body.count('class="actions"') == PEOPLE_PER_PAGE
    assert "halaman=2" in body
    last = client.get(url("person_list", region), {"halaman": 2}).content.decode()
    # 10 + 105 operators + the koordinator: 16 on the second page.
    assert last.count('class="actions"') == 10 + PEOPLE_PER_PAGE + 5 + 1 - PEOPLE_PER_PAGE
    assert client.get(url("person_list", region), {"halaman": "x"}).status_code == 200
