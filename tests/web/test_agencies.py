import pytest
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.regions.models import Agency, Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


def url(name, region, *args):
    return reverse(name, args=[region.code, *args])


@pytest.mark.parametrize(
    "role,status",
    [
        (Role.COORDINATOR, 200),
        (Role.VERIFIER, 200),
        (Role.LEADER, 200),
        (Role.OPERATOR, 403),
    ],
)
def test_agency_list_is_for_region_readers(client, region, role, status):
    client.force_login(factories.member(region, role))
    assert client.get(url("agency_list", region)).status_code == status


def test_province_viewer_reads_agencies_of_regions_in_the_province(client, region):
    client.force_login(factories.member(region.province, Role.PROVINCE_VIEWER))
    assert client.get(url("agency_list", region)).status_code == 200
    assert client.get(url("agency_create", region)).status_code == 403


def test_province_viewer_of_another_province_gets_404(client, region):
    other = factories.province("17", "Bengkulu")
    client.force_login(factories.member(other, Role.PROVINCE_VIEWER))
    assert client.get(url("agency_list", region)).status_code == 404


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.LEADER, Role.OPERATOR])
def test_only_the_koordinator_creates_agencies(client, region, role):
    client.force_login(factories.member(region, role))
    response = client.post(url("agency_create", region), {"name": "Dinas Baru", "short_name": "DB"})
    assert response.status_code == 403
    assert not Agency.objects.filter(name="Dinas Baru").exists()


def test_koordinator_creates_an_agency_and_it_is_audited(client, region):
    koordinator = factories.member(region, Role.COORDINATOR)
    client.force_login(koordinator)
    response = client.post(
        url("agency_create", region), {"name": "  Dinas   Kesehatan ", "short_name": "Dinkes"}
    )
    assert response.status_code == 302
    agency = Agency.objects.get(region=region, short_name="Dinkes")
    assert agency.name == "Dinas Kesehatan"
    event = AuditEvent.objects.get(action="agency.create")
    assert event.actor == koordinator and event.region == region
    assert event.after["name"] == "Dinas Kesehatan"
    assert event.ip == "127.0.0.1"


def test_duplicate_agency_names_get_a_clear_message_and_nothing_is_saved(client, region):
    factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")
    client.force_login(factories.member(region, Role.COORDINATOR))
    response = client.post(
        url("agency_create", region), {"name": "dinas kesehatan", "short_name": ""}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada masalah" in html
    assert "Sudah ada perangkat daerah dengan nama ini" in html
    assert "Isi singkatan perangkat daerah" in html
    assert 'value="dinas kesehatan"' in html  # what was typed is kept
    assert Agency.objects.filter(region=region).count() == 1


def test_same_agency_name_is_fine_in_another_region(client, region):
    other = factories.region(code="16.11")
    factories.agency(other, name="Dinas Kesehatan", short_name="Dinkes")
    client.force_login(factories.member(region, Role.COORDINATOR))
    response = client.post(
        url("agency_create", region), {"name": "Dinas Kesehatan", "short_name": "Dinkes"}
    )
    assert response.status_code == 302


def test_koordinator_deactivates_and_reactivates_an_agency(client, region):
    agency = factories.agency(region)
    client.force_login(factories.member(region, Role.COORDINATOR))
    client.post(url("agency_toggle_active", region, agency.pk))
    agency.refresh_from_db()
    assert not agency.is_active
    client.post(url("agency_toggle_active", region, agency.pk))
    agency.refresh_from_db()
    assert agency.is_active
    actions = list(
        AuditEvent.objects.filter(action__startswith="agency.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["agency.deactivate", "agency.activate"]


def test_agency_of_another_region_is_404_even_for_a_koordinator(client, region):
    other_agency = factories.agency(factories.region(code="16.11"))
    client.force_login(factories.member(region, Role.COORDINATOR))
    response = client.get(url("agency_update", region, other_agency.pk))
    assert response.status_code == 404


def test_deactivate_needs_post(client, region):
    agency = factories.agency(region)
    client.force_login(factories.member(region, Role.COORDINATOR))
    assert client.get(url("agency_toggle_active", region, agency.pk)).status_code == 405


def test_agency_list_query_count_does_not_grow_with_rows(
    client, region, django_assert_max_num_queries
):
    client.force_login(factories.member(region, Role.COORDINATOR))
    for _ in range(3):
        factories.agency(region)
    with django_assert_max_num_queries(100) as few:
        client.get(url("agency_list", region))
    for _ in range(30):
        factories.agency(region)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("agency_list", region))
    assert response.status_code == 200
