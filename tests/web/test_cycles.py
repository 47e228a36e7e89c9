import datetime

import pytest
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.cycles.models import Cycle, Phase
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


def test_phases_follow_the_dates_inclusively(region):
    cycle = factories.cycle(
        region,
        2023,
        opens_on=D(2023, 6, 1),
        submit_deadline=D(2023, 8, 31),
        review_deadline=D(2023, 10, 31),
    )
    assert cycle.phase(D(2023, 5, 31)) == Phase.NOT_OPEN
    assert cycle.phase(D(2023, 6, 1)) == Phase.REPORTING
    assert cycle.phase(D(2023, 8, 31)) == Phase.REPORTING
    assert cycle.phase(D(2023, 9, 1)) == Phase.REVIEW
    assert cycle.phase(D(2023, 10, 31)) == Phase.REVIEW
    assert cycle.phase(D(2023, 11, 1)) == Phase.CLOSED
    assert not cycle.accepts_submissions(D(2023, 5, 31))
    assert cycle.accepts_submissions(D(2023, 8, 31))
    assert not cycle.accepts_submissions(D(2023, 9, 1))


def test_koordinator_opens_a_cycle(client, region):
    factories.edition(2023)
    koordinator = factories.member(region, Role.COORDINATOR)
    client.force_login(koordinator)
    response = client.post(
        reverse("cycle_open", args=[region.code]),
        {
            "edition": factories.edition(2023).pk,
            "opens_on": "2023-06-01",
            "submit_deadline": "2023-08-31",
            "review_deadline": "2023-10-31",
        },
    )
    assert response.status_code == 302
    cycle = Cycle.objects.get(region=region)
    assert cycle.submit_deadline == D(2023, 8, 31) and cycle.created_by == koordinator
    assert AuditEvent.objects.filter(action="cycle.open", region=region).count() == 1


def test_dates_out_of_order_are_refused_at_the_field(client, region):
    client.force_login(factories.member(region, Role.COORDINATOR))
    response = client.post(
        reverse("cycle_open", args=[region.code]),
        {
            "edition": factories.edition(2023).pk,
            "opens_on": "2023-06-01",
            "submit_deadline": "2023-05-01",
            "review_deadline": "bukan tanggal",
        },
    )
    html = response.content.decode()
    assert "Batas akhir pengiriman tidak boleh sebelum tanggal penjaringan dibuka." in html
    assert "Tulis tanggal yang benar" in html
    assert not Cycle.objects.exists()


def test_the_same_edition_cannot_be_opened_twice(client, region):
    factories.cycle(region, 2023)
    client.force_login(factories.member(region, Role.COORDINATOR))
    response = client.post(
        reverse("cycle_open", args=[region.code]),
        {
            "edition": factories.edition(2023).pk,
            "opens_on": "2023-06-01",
            "submit_deadline": "2023-08-31",
            "review_deadline": "2023-10-31",
        },
    )
    assert response.status_code == 200
    assert Cycle.objects.count() == 1


def test_extension_needs_a_reason_and_is_audited(client, region):
    cycle = factories.cycle(
        region,
        2023,
        opens_on=D(2023, 6, 1),
        submit_deadline=D(2023, 8, 31),
        review_deadline=D(2023, 10, 31),
    )
    client.force_login(factories.member(region, Role.COORDINATOR))
    change = reverse("cycle_change", args=[region.code, 2023])
    form = {
        "opens_on": "2023-06-01",
        "submit_deadline": "2023-09-15",
        "review_deadline": "2023-10-31",
    }
    response = client.post(change, form)
    assert "Tulis alasan perubahan jadwal" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.submit_deadline == D(2023, 8, 31)

    response = client.post(change, {**form, "reason": "Perpanjangan sesuai surat BSKDN"})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.submit_deadline == D(2023, 9, 15)
    event = AuditEvent.objects.get(action="cycle.change_dates")
    assert event.before["submit_deadline"] == "2023-08-31"
    assert event.after["submit_deadline"] == "2023-09-15"
    assert event.after["reason"] == "Perpanjangan sesuai surat BSKDN"
    detail = client.get(reverse("cycle_detail", args=[region.code, 2023])).content.decode()
    assert "Perpanjangan sesuai surat BSKDN" in detail


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VERIFIER, Role.LEADER])
def test_only_the_koordinator_changes_dates(client, region, role):
    factories.cycle(region, 2023)
    client.force_login(factories.member(region, role))
    assert client.get(reverse("cycle_change", args=[region.code, 2023])).status_code == 403
    assert client.get(reverse("cycle_open", args=[region.code])).status_code == 403


def test_operator_sees_clearly_that_reporting_is_closed(client, region):
    factories.cycle(
        region,
        2023,
        opens_on=D(2023, 6, 1),
        submit_deadline=D(2023, 8, 31),
        review_deadline=D(2023, 10, 31),
    )
    client.force_login(factories.member(region, Role.OPERATOR))
    html = client.get(reverse("region_home", args=[region.code])).content.decode()
    assert "Siklus selesai: pengiriman ditutup 31 Agustus 2023" in html


def test_operator_sees_when_reporting_opens(client, region):
    today = datetime.date.today()
    factories.cycle(
        region,
        2023,
        opens_on=today + datetime.timedelta(days=5),
        submit_deadline=today + datetime.timedelta(days=50),
        review_deadline=today + datetime.timedelta(days=80),
    )
    client.force_login(factories.member(region, Role.OPERATOR))
    html = client.get(reverse("cycle_detail", args=[region.code, 2023])).content.decode()
    assert "Penjaringan belum dibuka" in html


def test_cycle_of_unknown_year_is_404(client, region):
    client.force_login(factories.member(region, Role.COORDINATOR))
    assert client.get(reverse("cycle_detail", args=[region.code, 1999])).status_code == 404
