import pytest
from django.core.management import call_command
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.editions.models import Edition
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(factories.national_admin())
    return client


@pytest.fixture
def loaded():
    call_command("load_editions", verbosity=0)


def test_load_editions_is_idempotent(loaded, capsys):
    assert set(Edition.objects.values_list("year", flat=True)) == {2023, 2024, 2025, 2026}
    assert all(e.is_published for e in Edition.objects.all())
    call_command("load_editions")
    assert capsys.readouterr().out.count("unchanged") == 4
    assert Edition.objects.count() == 4
    assert AuditEvent.objects.filter(action="edition.load").count() == 4


def test_the_engine_reads_the_stored_edition(loaded):
    spec = Edition.objects.get(year=2026).spec()
    assert spec.year == 2026 and spec.divisor.minimum == 12


def test_edition_page_is_public_and_marks_unconfirmed_values(client, loaded):
    html = client.get(reverse("edition_detail", args=[2023])).content.decode()
    assert "MAX(10, n)" in html
    assert "belum terkonfirmasi" in html
    assert "terkonfirmasi" in html


def test_a_published_edition_is_read_only(admin_client, loaded):
    assert admin_client.get(reverse("edition_rules", args=[2023])).status_code == 404
    assert admin_client.get(reverse("edition_indicator", args=[2023, "16"])).status_code == 404


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PROVINCE_COORDINATOR])
def test_only_a_national_admin_clones(client, loaded, role):
    region = factories.region()
    client.force_login(factories.member(region.province if "provinsi" in role else region, role))
    response = client.post(reverse("edition_clone", args=[2026]), {"year": 2027})
    assert response.status_code == 404
    assert not Edition.objects.filter(year=2027).exists()


def clone_2027(admin_client):
    response = admin_client.post(reverse("edition_clone", args=[2026]), {"year": 2027})
    assert response.status_code == 302
    return Edition.objects.get(year=2027)


def rules_form(edition, **changes):
    data = {
        "divisor_minimum": 14,
        "points_per_innovation": "0.38",
        "cap": 200,
        "basic_services_min": 6,
        "total": "250",
        "eligibility_start": "2025-01-01",
        "eligibility_end": "2026-12-31",
        "min_words": 300,
        "max_per_innovation": 2,
        "source_ref": "Prognosis pedoman 2027",
        "confidence": "reported",
    }
    for i, band in enumerate(edition.data["predicates"]):
        data[f"band_{i}_min"], data[f"band_{i}_max"] = band["min"], band["max"]
    return {**data, **changes}


def test_admin_clones_edits_and_publishes_a_new_year(admin_client, loaded):
    edition = clone_2027(admin_client)
    assert edition.status == Edition.Status.DRAFT
    assert admin_client.get(reverse("edition_detail", args=[2027])).status_code == 200

    response = admin_client.post(reverse("edition_rules", args=[2027]), rules_form(edition))
    assert response.status_code == 302, response.content.decode()[:3000]
    edition.refresh_from_db()
    assert edition.data["divisor"]["minimum"] == 14
    assert edition.data["divisor"]["confidence"] == "reported"
    source_key = edition.data["divisor"]["source"][0]
    assert edition.data["sources"][source_key]["ref"] == "Prognosis pedoman 2027"
    assert edition.spec().divisor.minimum == 14
    event = AuditEvent.objects.get(action="edition.edit_rules")
    assert event.before["divisor.minimum"] == 12 and event.after["divisor.minimum"] == 14

    response = admin_client.post(reverse("edition_publish", args=[2027]))
    edition.refresh_from_db()
    assert edition.is_published
    assert admin_client.get(reverse("edition_rules", args=[2027])).status_code == 404


def test_bands_with_a_gap_are_refused_by_the_validator(admin_client, loaded):
    edition = clone_2027(admin_client)
    response = admin_client.post(
        reverse("edition_rules", args=[2027]), rules_form(edition, band_0_min="66.00")
    )
    assert response.status_code == 200
    assert "Ada masalah" in response.content.decode()
    edition.refresh_from_db()
    assert edition.data["predicates"][0]["min"] == 65.01


def test_editing_an_indicator_weight_must_keep_the_maxima(admin_client, loaded):
    edition = clone_2027(admin_client)
    indicator = next(i for i in edition.data["indicators"] if i["code"] == "16")
    form = {
        "name": indicator["name"],
        "weight": "4",
        "mandatory": "on",
        "must_show": "Perkada",
        "source_ref": "Uji",
        "confidence": "inferred",
    }
    for option in indicator["options"]:
        form[f"o_16_{option['level']}_label"] = option["label"]
        form[f"o_16_{option['level']}_score"] = option["level"] * 4
    response = admin_client.post(reverse("edition_indicator", args=[2027, "16"]), form)
    assert response.status_code == 200  # 111 per innovation no longer holds: refused
    edition.refresh_from_db()
    assert next(i for i in edition.data["indicators"] if i["code"] == "16")["weight"] == 3


def test_renaming_an_indicator_is_saved_with_its_provenance(admin_client, loaded):
    edition = clone_2027(admin_client)
    indicator = next(i for i in edition.data["indicators"] if i["code"] == "16")
    form = {
        "name": "Regulasi inovasi daerah (2027)",
        "weight": indicator["weight"],
        "mandatory": "on",
        "must_show": "Perkada",
        "source_ref": "Surat BSKDN 2027",
        "confidence": "confirmed",
    }
    for option in indicator["options"]:
        form[f"o_16_{option['level']}_label"] = option["label"]
        form[f"o_16_{option['level']}_score"] = option["score"]
    response = admin_client.post(reverse("edition_indicator", args=[2027, "16"]), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    edition.refresh_from_db()
    saved = next(i for i in edition.data["indicators"] if i["code"] == "16")
    assert saved["name"] == "Regulasi inovasi daerah (2027)" and saved["confidence"] == "confirmed"


def test_drafts_are_invisible_to_everyone_but_admins(client, admin_client, loaded):
    clone_2027(admin_client)
    client.logout()
    assert client.get(reverse("edition_detail", args=[2027])).status_code == 404


def test_an_empty_basic_services_minimum_means_no_gate(admin_client, loaded):
    edition = clone_2027(admin_client)
    response = admin_client.post(
        reverse("edition_rules", args=[2027]), rules_form(edition, basic_services_min="")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    edition.refresh_from_db()
    assert edition.data["count_rule"]["basic_services_min"] == 0
