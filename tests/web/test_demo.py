import pytest
from django.core.management import call_command
from django.urls import reverse

from sinovda.cycles.models import Cycle
from sinovda.regions.models import Agency, Membership, PublishedIndex, Region, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_editions", verbosity=0)
    call_command("load_demo", verbosity=0)


def test_regions_file_loads_sumatera_selatan_with_real_codes(demo):
    sumsel = Region.objects.get(code="16")
    assert sumsel.regencies.count() == 17
    assert Region.objects.get(code="16.10").name == "Kabupaten Ogan Ilir"
    assert Region.objects.filter(kind=Region.Kind.PROVINCE).count() == 38
    assert Region.objects.get(code="91").is_papua


def test_demo_region_has_its_opds_people_and_cycle(demo):
    ogan_ilir = Region.objects.get(code="16.10")
    assert Agency.objects.filter(region=ogan_ilir).count() == 19
    assert ogan_ilir.coordinator_agency.short_name == "Balitbangda"
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Role}
    assert Cycle.objects.get(region=ogan_ilir).edition.year == 2023


def test_demo_published_indices_mark_invented_values(demo):
    ogan_ilir = PublishedIndex.objects.get(region__code="16.10", year=2023)
    assert (str(ogan_ilir.iid), ogan_ilir.predicate, ogan_ilir.is_synthetic) == (
        "61.16",
        "Sangat Inovatif",
        False,
    )
    assert PublishedIndex.objects.filter(region__province__code="16", year=2023).count() == 17
    assert PublishedIndex.objects.filter(is_synthetic=True).exists()


def test_demo_is_idempotent(demo):
    counts = (Agency.objects.count(), Membership.objects.count(), PublishedIndex.objects.count())
    call_command("load_demo", verbosity=0)
    assert counts == (
        Agency.objects.count(),
        Membership.objects.count(),
        PublishedIndex.objects.count(),
    )


def test_province_coordinator_sees_the_ranking_but_cannot_manage(client, demo):
    client.post(reverse("login"), {"username": "provinsi", "password": "sinovda-demo-2023"})
    html = client.get(reverse("province_ranking", args=["16"]) + "?tahun=2023").content.decode()
    assert "Kabupaten Ogan Ilir" in html and "61,16" in html  # Indonesian decimal comma
    assert client.get(reverse("agency_list", args=["16.10"])).status_code == 200
    assert client.get(reverse("person_list", args=["16.10"])).status_code == 403
    assert client.get(reverse("agency_list", args=["11.01"])).status_code == 404


def test_ranking_of_a_kabupaten_is_404(client, demo):
    client.post(reverse("login"), {"username": "koordinator", "password": "sinovda-demo-2023"})
    assert client.get(reverse("province_ranking", args=["16.10"])).status_code == 404
