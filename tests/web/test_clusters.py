"""Cluster lists as data (issue 10 item 2): the shipped lists (load_clusters and the tertinggal CSV),
and the national admin's pages to keep them: create, edit, import members from CSV."""

import csv
import importlib.util
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.regions.management.commands import load_clusters
from sinovda.regions.models import ClusterList, Region, Role
from sinovda.scores import rankings
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "sinovda" / "regions" / "data"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    rankings.clear_local_cache()
    yield
    cache.clear()
    rankings.clear_local_cache()


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# --- the shipped data -----------------------------------------------------------------------------


def test_the_tertinggal_csv_has_the_62_kabupaten_of_perpres_63_2020_with_todays_codes():
    rows = read(DATA / "cluster_tertinggal_2020_2024.csv")
    regions = {r["code"]: r for r in read(DATA / "regions.csv")}
    assert len(rows) == 62
    assert len({r["code"] for r in rows}) == 62
    for row in rows:
        assert regions[row["code"]]["name"] == row["name"]
        assert regions[row["code"]]["kind"] == "kabupaten"
    names = {r["code"]: r["name"] for r in rows}
    assert names["53.01"] == "Kabupaten Kupang" and "53.71" not in names  # not Kota Kupang
    assert names["96.01"] == "Kabupaten Sorong" and "96.71" not in names  # not Kota Sorong
    assert names["81.03"] == "Kabupaten Kepulauan Tanimbar"  # was Maluku Tenggara Barat
    assert names["72.09"] == "Kabupaten Tojo Una Una"
    assert names["95.01"] == "Kabupaten Jayawijaya"  # Papua Pegunungan since 2022


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_cluster_csv", ROOT / "tools" / "build_cluster_csv.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_build_script_reproduces_the_csv_and_refuses_a_name_it_cannot_match(tmp_path):
    script = _build_script()
    assert script.main(["--check"]) == 0
    regions = [r for r in read(DATA / "regions.csv") if r["name"] != "Kabupaten Sigi"]
    with pytest.raises(script.MatchError, match="Sigi"):
        script.build(regions)
    twice = [
        *read(DATA / "regions.csv"),
        {"code": "72.99", "name": "Kabupaten Sigi", "kind": "kabupaten", "province_code": "72"},
    ]
    with pytest.raises(script.MatchError, match="2 regions"):
        script.build(twice)


@pytest.fixture
def nation():
    call_command("load_regions", verbosity=0)


def test_load_regions_loads_the_shipped_cluster_lists(nation):
    papua = ClusterList.objects.get(cluster="papua")
    assert papua.regions.count() == 48 and papua.confidence == "inferred"
    tertinggal = ClusterList.objects.get(cluster="tertinggal")
    assert tertinggal.title == load_clusters.TERTINGGAL_TITLE
    assert (tertinggal.valid_from, tertinggal.valid_to) == (2020, 2025)
    assert tertinggal.confidence == "reported" and tertinggal.published_on is None
    assert "2023–2025" in tertinggal.note
    assert tertinggal.regions.count() == 62
    assert tertinggal.regions.filter(code="53.01").exists()
    perbatasan = ClusterList.objects.get(cluster="perbatasan")
    assert perbatasan.regions.count() == 0 and "BNPP" in perbatasan.note


def test_load_clusters_is_idempotent_and_keeps_the_papua_row_of_migration_0005(nation):
    ClusterList.objects.all().delete()
    migrated = ClusterList.objects.create(
        cluster="papua", title=load_clusters.PAPUA_TITLE, confidence="inferred"
    )
    call_command("load_clusters", verbosity=0)
    assert ClusterList.objects.get(cluster="papua").pk == migrated.pk
    stamps = dict(ClusterList.objects.values_list("pk", "updated_at"))
    call_command("load_clusters", verbosity=0)
    assert dict(ClusterList.objects.values_list("pk", "updated_at")) == stamps
    assert ClusterList.objects.count() == 3


def test_load_clusters_leaves_a_list_an_administrator_changed_alone(nation):
    admin = factories.national_admin()
    tertinggal = ClusterList.objects.get(cluster="tertinggal")
    tertinggal.note = "Dicocokkan dengan salinan resmi."
    tertinggal.updated_by = admin
    tertinggal.save()
    tertinggal.regions.remove(Region.objects.get(code="53.01"))
    call_command("load_clusters", verbosity=0)
    tertinggal.refresh_from_db()
    assert tertinggal.note == "Dicocokkan dengan salinan resmi."
    assert tertinggal.regions.count() == 61


def test_the_tertinggal_ranking_reads_the_shipped_list(nation, client):
    html = client.get(reverse("ranking_national"), {"klaster": "tertinggal", "tahun": "2024"})
    assert html.status_code == 200
    text = html.content.decode()
    assert "Kabupaten Kupang" in text and "Kota Kupang" not in text
    assert "Peraturan Presiden Nomor 63 Tahun 2020" in text


# --- the admin pages ------------------------------------------------------------------------------


@pytest.fixture
def admin(client):
    person = factories.national_admin()
    client.force_login(person)
    return person


@pytest.fixture
def listed():
    regions = [factories.region(code="53.01", name="Kabupaten Kupang", province_code="53")]
    lst = ClusterList.objects.create(
        cluster="tertinggal", title="Perpres 63/2020", confidence="reported", valid_from=2020
    )
    lst.regions.set(regions)
    return lst


def pages(lst):
    return [
        reverse("cluster_lists"),
        reverse("cluster_list_create"),
        reverse("cluster_list_detail", args=[lst.pk]),
        reverse("cluster_list_update", args=[lst.pk]),
        reverse("cluster_list_import", args=[lst.pk]),
    ]


def test_anonymous_visitors_are_sent_to_sign_in(client, listed):
    for url in pages(listed):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/masuk/")


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.PROVINCE_COORDINATOR])
def test_everyone_but_a_national_admin_gets_404(client, listed, role):
    region = factories.region() if role == Role.COORDINATOR else factories.province()
    client.force_login(factories.member(region, role))
    for url in pages(listed):
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404


def test_the_list_page_shows_each_clusters_lists_with_source_period_count(client, admin, listed):
    html = client.get(reverse("cluster_lists")).content.decode()
    assert "Perpres 63/2020" in html and "Sejak edisi 2020" in html
    assert "Daerah perbatasan" in html and "Belum ada daftar untuk klaster ini" in html
    detail = client.get(reverse("cluster_list_detail", args=[listed.pk])).content.decode()
    assert "Kabupaten Kupang" in detail and "53.01" in detail


def form_data(**changes):
    data = {
        "cluster": "perbatasan",
        "title": "Lokpri BNPP 2025–2029",
        "publisher": "BNPP",
        "published_on": "2025-03-01",
        "url": "https://bnpp.go.id/lokpri",
        "confidence": "reported",
        "note": "",
        "valid_from": "2025",
        "valid_to": "2029",
    }
    data.update(changes)
    return data


def test_a_national_admin_creates_a_list_audited(client, admin):
    response = client.post(reverse("cluster_list_create"), form_data())
    lst = ClusterList.objects.get(title="Lokpri BNPP 2025–2029")
    assert response["Location"] == reverse("cluster_list_import", args=[lst.pk])
    assert (lst.valid_from, lst.valid_to, lst.updated_by) == (2025, 2029, admin)
    event = AuditEvent.objects.get(action="cluster_list.create")
    assert event.actor == admin and event.after["title"] == "Lokpri BNPP 2025–2029"


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"valid_from": "2029", "valid_to": "2025"}, "valid_to", "sesudah tahun mulai (2029)"),
        ({"valid_from": "20x5"}, "valid_from", "empat angka"),
        ({"valid_to": "1999"}, "valid_to", "paling awal 2000"),
        ({"title": ""}, "title", "Isi judul sumber"),
        ({"url": "bukan alamat"}, "url", "alamat web lengkap"),
        ({"published_on": "27/04/2020x"}, "published_on", "tahun-bulan-tanggal"),
        ({"confidence": "yakin"}, "confidence", ""),
        ({"confidence": ""}, "confidence", "Pilih tingkat keyakinan daftar ini."),
    ],
)
def test_bad_input_is_reported_at_the_field_and_nothing_is_saved(
    client, admin, changes, field, message
):
    response = client.post(reverse("cluster_list_create"), form_data(**changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert "Ada masalah" in response.content.decode()
    assert not ClusterList.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="cluster_list").exists()


def test_a_title_already_used_in_the_cluster_is_refused(client, admin, listed):
    response = client.post(
        reverse("cluster_list_create"), form_data(cluster="tertinggal", title="perpres 63/2020")
    )
    assert "sudah punya daftar dengan judul yang sama" in " ".join(
        response.context["form"].errors["title"]
    )


def test_editing_a_list_is_audited_with_before_and_after(client, admin, listed):
    data = form_data(title="Perpres 63/2020 (salinan resmi)", confidence="confirmed")
    del data["cluster"]
    response = client.post(reverse("cluster_list_update", args=[listed.pk]), data)
    assert response["Location"] == reverse("cluster_list_detail", args=[listed.pk])
    listed.refresh_from_db()
    assert listed.cluster == "tertinggal"  # a list stays in its cluster
    assert (listed.confidence, listed.valid_to, listed.updated_by) == ("confirmed", 2029, admin)
    event = AuditEvent.objects.get(action="cluster_list.update")
    assert event.before["confidence"] == "reported" and event.after["confidence"] == "confirmed"


def upload(text, name="anggota.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_importing_members_replaces_them_audited_with_counts(client, admin, listed):
    factories.region(code="96.01", name="Kabupaten Sorong", province_code="96")
    factories.region(code="81.03", name="Kabupaten Kepulauan Tanimbar", province_code="81")
    text = "\ufeffcode;name\n96.01;Kabupaten Sorong\n81.03;Tanimbar\n96.01;lagi\n\n"
    response = client.post(reverse("cluster_list_import", args=[listed.pk]), {"file": upload(text)})
    assert response["Location"] == reverse("cluster_list_detail", args=[listed.pk])
    assert sorted(listed.regions.values_list("code", flat=True)) == ["81.03", "96.01"]
    event = AuditEvent.objects.get(action="cluster_list.import")
    assert event.before == {"members": 1}
    assert event.after == {"members": 2, "added": ["81.03", "96.01"], "removed": ["53.01"]}
    listed.refresh_from_db()
    assert listed.updated_by == admin


def test_a_member_file_with_unknown_codes_reports_every_row_and_changes_nothing(
    client, admin, listed
):
    factories.region(code="96.01", name="Kabupaten Sorong", province_code="96")
    text = "code,name\n96.01,Sorong\n99.99,Entah\n\n53.1,Kupang\n,Tanpa kode\n"
    response = client.post(reverse("cluster_list_import", args=[listed.pk]), {"file": upload(text)})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert "Baris 3: kode “99.99” tidak dikenal" in errors
    assert "Baris 5: kode “53.1” tidak dikenal" in errors
    assert "Baris 6: kode kosong" in errors
    assert list(listed.regions.values_list("code", flat=True)) == ["53.01"]
    assert not AuditEvent.objects.filter(action__startswith="cluster_list").exists()


@pytest.mark.parametrize(
    "content,message",
    [
        (b"kode\n53.01\n", "kolom bernama code"),
        ("code\n53.01\n".encode("utf-16"), "bukan teks UTF-8"),
        (b"code\n", "tidak berisi satu baris data"),
        (b"code\n53.01\x00\n", "bukan berkas CSV"),
    ],
)
def test_an_unreadable_member_file_is_refused_with_a_clear_message(
    client, admin, listed, content, message
):
    file = SimpleUploadedFile("a.csv", content, content_type="text/csv")
    response = client.post(reverse("cluster_list_import", args=[listed.pk]), {"file": file})
    assert message in " ".join(response.context["form"].errors["file"])
    assert listed.regions.count() == 1


def test_an_imported_list_changes_the_ranking_at_once(client, admin, listed):
    from sinovda.scores.models import ResultSnapshot

    sorong = factories.region(code="96.01", name="Kabupaten Sorong", province_code="96")
    for region in (sorong, Region.objects.get(code="53.01")):
        ResultSnapshot.objects.create(
            region=region, year=2024, source="bskdn", iid="50.00", predicate="Inovatif"
        )
    before = client.get(reverse("ranking_national"), {"klaster": "tertinggal"}).content.decode()
    assert "Kabupaten Kupang" in before and "Kabupaten Sorong" not in before
    client.post(reverse("cluster_list_import", args=[listed.pk]), {"file": upload("code\n96.01\n")})
    after = client.get(reverse("ranking_national"), {"klaster": "tertinggal"}).content.decode()
    assert "Kabupaten Sorong" in after and "Kabupaten Kupang" not in after
