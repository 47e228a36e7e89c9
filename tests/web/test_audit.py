import pytest
from django.core.management import call_command
from django.urls import reverse

from sinovda.audit.models import AuditEvent, record
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


def audit_page(client, region, **params):
    return client.get(reverse("audit_list", args=[region.code]), params)


def sign_in(client, username, password=factories.PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_login_appears_on_the_audit_page_of_the_persons_region_only(client, region):
    elsewhere = factories.region(code="16.11")
    person = factories.member(region, Role.VERIFIER)
    person.full_name = "Sari Verifikator"
    person.save(update_fields=["full_name"])
    assert sign_in(client, person.username).status_code == 302
    client.post(reverse("logout"))

    client.force_login(factories.member(region, Role.COORDINATOR))
    html = audit_page(client, region, tindakan="auth.login").content.decode()
    assert "Sari Verifikator" in html and "auth.login" in html

    client.force_login(factories.member(elsewhere, Role.COORDINATOR))
    html = audit_page(client, elsewhere, tindakan="auth.login").content.decode()
    assert "Sari Verifikator" not in html


def test_a_failed_login_for_an_existing_username_is_recorded_with_the_user(client, region):
    person = factories.member(region, Role.OPERATOR)
    sign_in(client, person.username, "salah")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert (event.object_type, event.object_id) == ("accounts.user", str(person.pk))
    assert event.after == {"username": person.username}

    client.force_login(factories.member(region, Role.COORDINATOR))
    assert "auth.login_failed" in audit_page(client, region).content.decode()


def test_a_failed_login_for_an_unknown_username_has_no_object(client):
    sign_in(client, "tidak-ada", "salah")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert (event.object_type, event.object_id, event.after) == ("", "", {"username": "tidak-ada"})


def test_a_lockout_is_audited_with_the_user(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    person = factories.user()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, person.username, "salah")
    event = AuditEvent.objects.filter(action="auth.lockout").first()
    assert event is not None
    assert event.actor is None and event.object_id == str(person.pk)
    assert event.after == {"username": person.username}
    call_command("axes_reset", verbosity=0)


def test_region_audit_page_leaves_out_other_peoples_account_events(client, region):
    stranger = factories.member(
        factories.region(code="16.11"), Role.OPERATOR, username="orang.lain"
    )
    record("auth.login", actor=stranger, obj=stranger)
    record("auth.login_failed", after={"username": "tidak-ada"})
    client.force_login(factories.member(region, Role.COORDINATOR))
    html = audit_page(client, region).content.decode()
    assert "orang.lain" not in html and "tidak-ada" not in html


def test_platform_audit_page_is_for_national_admins_only(client, region):
    client.force_login(factories.member(region, Role.COORDINATOR))
    assert client.get(reverse("platform_audit_list")).status_code == 404
    client.force_login(factories.national_admin())
    assert client.get(reverse("platform_audit_list")).status_code == 200


def test_platform_audit_page_shows_platform_events_and_filters_by_action(client, region):
    person = factories.member(region, Role.OPERATOR)
    record("auth.login_failed", after={"username": "tidak-ada"})
    record("agency.create", actor=person, region=region, after={"name": "Dinas Pemda"})
    client.force_login(factories.national_admin())

    html = client.get(reverse("platform_audit_list")).content.decode()
    assert "tidak-ada" in html and "Dinas Pemda" not in html

    html = client.get(
        reverse("platform_audit_list"), {"cakupan": "semua", "tindakan": "agency."}
    ).content.decode()
    assert "Dinas Pemda" in html and "tidak-ada" not in html


def _events(region, count):
    for _ in range(count):
        actor = factories.member(region, Role.OPERATOR)
        record("agency.create", actor=actor, region=region, after={"name": "Dinas"})
        record("auth.login", actor=actor, obj=actor)


@pytest.mark.parametrize("page", ["audit_list", "platform_audit_list"])
def test_audit_pages_query_count_does_not_grow(client, region, page, django_assert_max_num_queries):
    if page == "audit_list":
        client.force_login(factories.member(region, Role.COORDINATOR))
        path = reverse(page, args=[region.code])
    else:
        client.force_login(factories.national_admin())
        path = reverse(page)
    _events(region, 2)
    with django_assert_max_num_queries(100) as few:
        assert client.get(path, {"cakupan": "semua"}).status_code == 200
    _events(region, 15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(path, {"cakupan": "semua"})
    assert response.content.decode().count("<code>agency.create</code>") == 17
