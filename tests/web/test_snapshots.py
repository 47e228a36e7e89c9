"""Official results as stored snapshots (issue 10 part 1): finalising a cycle, importing announced
results, withdrawal, immutability, and which snapshot stands for a Pemda and year."""

import datetime
import hashlib
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from sinovda.audit.models import AuditEvent
from sinovda.innovations.models import Answer, ReviewState, State
from sinovda.regions.models import Role
from sinovda.scores import bridge, results_import, snapshot_actions, snapshots
from sinovda.scores.models import ResultSnapshot, Source
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
HEADER = "code,year,iid,predikat,source,source_publisher,source_date,source_url,n"


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def neighbour():
    return factories.region(code="16.07", name="Kabupaten Banyuasin")


def closed_cycle(region, year=2023):
    return factories.cycle(
        region,
        year,
        opens_on=TODAY - 90 * DAY,
        submit_deadline=TODAY - 60 * DAY,
        review_deadline=TODAY - DAY,
    )


@pytest.fixture
def cycle(region):
    cycle = closed_cycle(region)
    verified_report(cycle, level=2)
    verified_report(cycle, level=3)
    return cycle


def verified_report(cycle, level=2):
    report = factories.submission(
        cycle, state=State.VERIFIED, levels=factories.mandatory_levels(cycle, level)
    )
    Answer.objects.filter(submission=report).update(
        verified_level=F("claimed_level"), review_state=ReviewState.ACCEPTED
    )
    return report


def snap(region, year, source, iid, taken_at=None, cycle=None, **fields):
    """A snapshot written directly (the actions are tested separately)."""
    if source == Source.COMPUTED:
        cycle = cycle or factories.cycle(region, year)
        fields.update(cycle=cycle, edition=cycle.edition, edition_digest="x" * 64)
    return ResultSnapshot.objects.create(
        region=region,
        year=year,
        source=source,
        iid=Decimal(iid),
        predicate="Inovatif",
        taken_at=taken_at or timezone.now(),
        **fields,
    )


def csv_rows(*lines, header=HEADER):
    return results_import.read_csv("\n".join([header, *lines]).encode())


# --- finalising a cycle ---------------------------------------------------------------------------


def test_koordinator_finalises_a_closed_cycle_with_the_verified_numbers(cycle):
    koordinator = factories.member(cycle.region, Role.COORDINATOR)
    verified = bridge.cycle_scores(cycle).verified

    result = snapshot_actions.finalise_cycle(cycle, koordinator, note="Rapat pleno")

    assert result.source == Source.COMPUTED
    assert (result.year, result.cycle, result.edition) == (2023, cycle, cycle.edition)
    assert (result.iid, result.predicate, result.innovations) == (
        verified.iid,
        verified.predicate,
        verified.n,
    )
    assert result.innovations == 2
    assert result.spd == verified.spd.quantize(Decimal("0.01"))
    assert result.sid == verified.sid.quantize(Decimal("0.01"))
    canonical = json.dumps(
        cycle.edition.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    assert result.edition_digest == hashlib.sha256(canonical.encode()).hexdigest()
    assert (result.created_by, result.note) == (koordinator, "Rapat pleno")
    event = AuditEvent.objects.get(action="result.finalise")
    assert event.actor == koordinator and event.region == cycle.region
    assert event.after["iid"] == str(verified.iid) and event.after["n"] == 2
    assert snapshots.standing(2023) == {cycle.region.pk: result}


def test_a_national_admin_may_finalise_too(cycle):
    assert snapshot_actions.finalise_cycle(cycle, factories.national_admin()).pk


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.LEADER, Role.OPERATOR])
def test_other_roles_may_not_finalise(cycle, role):
    with pytest.raises(PermissionDenied):
        snapshot_actions.finalise_cycle(cycle, factories.member(cycle.region, role))
    assert not ResultSnapshot.objects.exists()


@pytest.mark.parametrize("days_to_review_deadline", [0, 10])
def test_finalising_before_the_review_deadline_has_passed_is_refused(
    region, days_to_review_deadline
):
    cycle = factories.cycle(
        region, 2023, opens_on=TODAY - 30 * DAY, submit_deadline=TODAY - 5 * DAY
    )
    cycle.review_deadline = TODAY + days_to_review_deadline * DAY
    cycle.save()
    verified_report(cycle)
    koordinator = factories.member(region, Role.COORDINATOR)

    with pytest.raises(snapshot_actions.SnapshotRefused, match="batas akhir verifikasi"):
        snapshot_actions.finalise_cycle(cycle, koordinator)

    assert not ResultSnapshot.objects.exists()
    assert not AuditEvent.objects.filter(action="result.finalise").exists()


def test_finalising_again_without_any_change_is_refused_and_writes_nothing(cycle):
    koordinator = factories.member(cycle.region, Role.COORDINATOR)
    snapshot_actions.finalise_cycle(cycle, koordinator)

    with pytest.raises(snapshot_actions.SnapshotRefused) as refused:
        snapshot_actions.finalise_cycle(cycle, koordinator)

    assert refused.value.message == "Hasil sudah ditetapkan dan tidak berubah."
    assert ResultSnapshot.objects.count() == 1
    assert AuditEvent.objects.filter(action="result.finalise").count() == 1


def test_a_corrected_edition_gives_a_new_snapshot_and_the_old_one_stays(client, cycle):
    koordinator = factories.member(cycle.region, Role.COORDINATOR)
    first = snapshot_actions.finalise_cycle(cycle, koordinator)
    edition = cycle.edition
    edition.data = {**edition.data, "label": "IID 2023 (koreksi sumber)"}
    edition.save(update_fields=["data"])
    cycle.refresh_from_db()

    second = snapshot_actions.finalise_cycle(cycle, koordinator)

    assert second.pk != first.pk and second.edition_digest != first.edition_digest
    assert second.iid == first.iid  # same numbers, another edition document
    assert ResultSnapshot.objects.get(pk=first.pk).withdrawn_at is None
    assert snapshots.standing(2023)[cycle.region.pk] == second
    client.force_login(koordinator)
    html = client.get(reverse("cycle_results", args=["16.10", 2023])).content.decode()
    assert first.edition_digest[:12] in html and second.edition_digest[:12] in html
    assert html.count('class="badge badge-ok">Berlaku') == 1
    assert "Digantikan" in html


def test_changed_data_after_a_reopened_report_is_decided_again_gives_a_new_snapshot(cycle):
    koordinator = factories.member(cycle.region, Role.COORDINATOR)
    first = snapshot_actions.finalise_cycle(cycle, koordinator)
    report = verified_report(cycle, level=3)
    report.state, report.reopened_until = State.RETURNED, TODAY + 5 * DAY
    report.save()

    with pytest.raises(snapshot_actions.SnapshotRefused, match="dibuka kembali"):
        snapshot_actions.finalise_cycle(cycle, koordinator)

    report.state = State.VERIFIED  # decided again
    report.save()
    second = snapshot_actions.finalise_cycle(cycle, koordinator)
    assert (first.innovations, second.innovations) == (2, 3)
    assert second.edition_digest == first.edition_digest
    assert ResultSnapshot.objects.filter(source=Source.COMPUTED).count() == 2


def test_a_withdrawn_computed_result_can_be_finalised_again(cycle):
    koordinator = factories.member(cycle.region, Role.COORDINATOR)
    first = snapshot_actions.finalise_cycle(cycle, koordinator)
    snapshot_actions.withdraw_snapshot(first, factories.national_admin(), "Salah hitung")
    assert snapshot_actions.finalise_cycle(cycle, koordinator).pk != first.pk


# --- the cycle's results page -----------------------------------------------------------------


def url(name, *args):
    return reverse(name, args=args)


def test_the_koordinator_sees_the_page_and_finalises_through_it(client, cycle):
    client.force_login(factories.member(cycle.region, Role.COORDINATOR))
    html = client.get(url("cycle_results", "16.10", 2023)).content.decode()
    assert "Tetapkan hasil" in html and "peringkat" in html
    assert "Belum ada hasil resmi untuk tahun ini." in html

    response = client.post(url("cycle_finalise", "16.10", 2023), {"note": "Pleno 20 Desember"})

    assert response.status_code == 302
    saved = ResultSnapshot.objects.get()
    assert saved.note == "Pleno 20 Desember"
    html = client.get(response["Location"]).content.decode()
    assert "Pleno 20 Desember" in html and "Dihitung Sinovda" in html
    assert "Hasil sudah ditetapkan dan tidak berubah." in html  # no button now


def test_the_page_says_why_finalising_is_refused_and_the_post_changes_nothing(client, region):
    cycle = factories.cycle(region, 2023)  # reporting phase
    verified_report(cycle)
    client.force_login(factories.member(region, Role.COORDINATOR))
    html = client.get(url("cycle_results", "16.10", 2023)).content.decode()
    assert "baru dapat ditetapkan setelah batas akhir verifikasi" in html
    assert 'action="/r/16.10/siklus/2023/hasil/tetapkan/"' not in html

    response = client.post(url("cycle_finalise", "16.10", 2023), {"note": ""})

    assert response.status_code == 200
    assert "baru dapat ditetapkan setelah batas akhir verifikasi" in response.content.decode()
    assert not ResultSnapshot.objects.exists()


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.LEADER])
def test_region_readers_see_the_page_without_the_button_and_may_not_post(client, cycle, role):
    client.force_login(factories.member(cycle.region, role))
    response = client.get(url("cycle_results", "16.10", 2023))
    assert response.status_code == 200
    assert "Perhitungan terverifikasi saat ini" in response.content.decode()
    assert 'name="note"' not in response.content.decode()
    assert client.post(url("cycle_finalise", "16.10", 2023)).status_code == 403
    assert not ResultSnapshot.objects.exists()


@pytest.mark.parametrize("role", [Role.PROVINCE_COORDINATOR, Role.PROVINCE_VIEWER])
def test_province_roles_read_the_page_but_may_not_finalise(client, cycle, role):
    client.force_login(factories.member(cycle.region.province, role))
    response = client.get(url("cycle_results", "16.10", 2023))
    assert response.status_code == 200 and 'name="note"' not in response.content.decode()
    assert client.post(url("cycle_finalise", "16.10", 2023)).status_code == 403
    assert not ResultSnapshot.objects.exists()


def test_an_operator_is_refused_and_an_outsider_gets_404(client, cycle):
    client.force_login(factories.member(cycle.region, Role.OPERATOR))
    assert client.get(url("cycle_results", "16.10", 2023)).status_code == 403
    assert client.post(url("cycle_finalise", "16.10", 2023)).status_code == 403
    client.force_login(factories.member(factories.region(code="16.11"), Role.COORDINATOR))
    assert client.get(url("cycle_results", "16.10", 2023)).status_code == 404
    assert client.post(url("cycle_finalise", "16.10", 2023)).status_code == 404
    assert not ResultSnapshot.objects.exists()


def test_the_cycle_page_links_to_its_results(client, cycle):
    client.force_login(factories.member(cycle.region, Role.VERIFIER))
    html = client.get(url("cycle_detail", "16.10", 2023)).content.decode()
    assert url("cycle_results", "16.10", 2023) in html


def test_the_region_home_lists_the_standing_result_per_year(client, region):
    snap(region, 2022, Source.SYNTHETIC, "40.00", citation_title="Sintetis")
    snap(
        region,
        2023,
        Source.ANNOUNCED,
        "61.16",
        citation_title="Pengumuman IGA 2023",
        citation_publisher="BSKDN",
    )
    snap(region, 2023, Source.SYNTHETIC, "11.11")
    client.force_login(factories.member(region, Role.LEADER))
    html = client.get(url("region_home", "16.10")).content.decode()
    assert "61,16" in html and "Pengumuman IGA 2023, BSKDN" in html and "40,00" in html
    assert "11,11" not in html
    assert "Data sintetis" in html and "Diumumkan BSKDN" in html


# --- which snapshot stands ----------------------------------------------------------------------


def test_announced_beats_computed_beats_synthetic_and_withdrawn_ones_are_ignored(region):
    synthetic = snap(region, 2023, Source.SYNTHETIC, "40.00")
    assert snapshots.standing(2023) == {region.pk: synthetic}
    computed = snap(region, 2023, Source.COMPUTED, "50.00")
    assert snapshots.standing(2023) == {region.pk: computed}
    announced = snap(region, 2023, Source.ANNOUNCED, "60.00", taken_at=timezone.now() - 9 * DAY)
    assert snapshots.standing(2023) == {region.pk: announced}  # older, but the better source
    snapshot_actions.withdraw_snapshot(announced, factories.national_admin(), "Salah ketik")
    assert snapshots.standing(2023) == {region.pk: computed}


def test_the_newest_snapshot_of_the_same_source_stands(region, neighbour):
    now = timezone.now()
    snap(region, 2023, Source.ANNOUNCED, "50.00", taken_at=now - 2 * DAY)
    newer = snap(region, 2023, Source.ANNOUNCED, "51.00", taken_at=now - DAY)
    other = snap(neighbour, 2023, Source.SYNTHETIC, "45.00")
    snap(region, 2022, Source.ANNOUNCED, "49.00")
    assert snapshots.standing(2023) == {region.pk: newer, neighbour.pk: other}
    assert snapshots.standing(2023, regions=[neighbour]) == {neighbour.pk: other}
    assert [s.year for s in snapshots.history(region)] == [2022, 2023]
    assert snapshots.years_with_results() == [2023, 2022]


# --- immutability ------------------------------------------------------------------------------


def test_a_stored_snapshot_cannot_be_changed(region):
    stored = snap(region, 2023, Source.ANNOUNCED, "50.00")
    stored.iid = Decimal("99.00")
    with pytest.raises(ValidationError):
        stored.save()
    with pytest.raises(ValidationError):
        stored.save(update_fields=["iid"])
    assert ResultSnapshot.objects.get().iid == Decimal("50.00")


# --- withdrawal ---------------------------------------------------------------------------------


def test_a_national_admin_withdraws_a_snapshot_with_a_reason(region):
    stored = snap(region, 2023, Source.ANNOUNCED, "50.00")
    admin = factories.national_admin()

    snapshot_actions.withdraw_snapshot(stored, admin, "  Angka salah ketik  ")

    stored.refresh_from_db()
    assert stored.withdrawn_at is not None and stored.withdrawn_reason == "Angka salah ketik"
    event = AuditEvent.objects.get(action="result.withdraw")
    assert event.actor == admin and event.after["reason"] == "Angka salah ketik"
    assert snapshots.standing(2023) == {}
    with pytest.raises(snapshot_actions.SnapshotRefused, match="sudah ditarik"):
        snapshot_actions.withdraw_snapshot(stored, admin, "lagi")


def test_withdrawal_needs_a_reason_and_a_national_admin(region):
    stored = snap(region, 2023, Source.ANNOUNCED, "50.00")
    with pytest.raises(snapshot_actions.SnapshotRefused, match="alasan"):
        snapshot_actions.withdraw_snapshot(stored, factories.national_admin(), "   ")
    with pytest.raises(PermissionDenied):
        snapshot_actions.withdraw_snapshot(
            stored, factories.member(region, Role.COORDINATOR), "Salah"
        )
    stored.refresh_from_db()
    assert stored.withdrawn_at is None
    assert not AuditEvent.objects.filter(action="result.withdraw").exists()


def test_the_withdraw_page_keeps_the_filters_and_shows_a_missing_reason(client, region):
    stored = snap(region, 2023, Source.ANNOUNCED, "50.00")
    client.force_login(factories.national_admin())
    prefix = f"tarik{stored.pk}"

    response = client.post(
        url("snapshot_withdraw", stored.pk), {f"{prefix}-reason": "", "kembali": "tahun=2023"}
    )
    assert response.status_code == 200
    assert "Isi alasan penarikan hasil ini." in response.content.decode()
    stored.refresh_from_db()
    assert stored.withdrawn_at is None

    response = client.post(
        url("snapshot_withdraw", stored.pk),
        {f"{prefix}-reason": "Salah ketik", "kembali": "tahun=2023&x=<script>"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?tahun=2023")
    stored.refresh_from_db()
    assert stored.withdrawn_reason == "Salah ketik"
    html = client.get(response["Location"]).content.decode()
    assert "Ditarik" in html and "Salah ketik" in html


# --- the national pages -------------------------------------------------------------------------


NATIONAL = ["national_results", "national_results_import", "national_results_example"]


@pytest.mark.parametrize("name", NATIONAL)
def test_national_pages_are_for_national_admins_only(client, region, name):
    client.force_login(factories.member(region, Role.COORDINATOR))
    assert client.get(url(name)).status_code == 404
    client.force_login(factories.member(region.province, Role.PROVINCE_COORDINATOR))
    assert client.get(url(name)).status_code == 404
    client.force_login(factories.national_admin())
    assert client.get(url(name)).status_code == 200


def test_a_non_admin_cannot_withdraw_through_the_page(client, region):
    stored = snap(region, 2023, Source.ANNOUNCED, "50.00")
    client.force_login(factories.member(region, Role.COORDINATOR))
    response = client.post(url("snapshot_withdraw", stored.pk), {f"tarik{stored.pk}-reason": "x"})
    assert response.status_code == 404
    stored.refresh_from_db()
    assert stored.withdrawn_at is None


def test_the_national_list_filters_and_marks_the_standing_result(client, region, neighbour):
    other_province = factories.region(code="11.01", province_code="11")
    standing = snap(
        region,
        2023,
        Source.ANNOUNCED,
        "61.16",
        citation_title="Pengumuman A",
        citation_url="https://bskdn.example/iga",
    )
    snap(
        neighbour,
        2023,
        Source.ANNOUNCED,
        "22.22",
        citation_title="Jahat",
        citation_url="javascript:alert(1)",  # never written by the actions; never a link either
    )
    snap(region, 2023, Source.SYNTHETIC, "12.34")
    snap(neighbour, 2022, Source.SYNTHETIC, "45.67")
    snap(other_province, 2023, Source.ANNOUNCED, "33.33")
    client.force_login(factories.national_admin())

    html = client.get(url("national_results"), {"tahun": 2023, "provinsi": "16"}).content.decode()
    assert "61,16" in html and "12,34" in html
    assert "45,67" not in html and "33,33" not in html
    assert html.count('class="badge badge-ok">Berlaku') == 2  # 16.10 and 16.07
    assert f'id="hasil-{standing.pk}"' in html
    assert 'href="https://bskdn.example/iga"' in html and "javascript:" not in html
    html = client.get(url("national_results"), {"sumber": "sintetis"}).content.decode()
    assert "12,34" in html and "61,16" not in html
    # Nonsense filters are ignored, not a server error.
    assert client.get(url("national_results"), {"tahun": "x", "halaman": "9"}).status_code == 200


def test_the_example_csv_imports_cleanly(client, region, neighbour):
    factories.edition(2023)
    client.force_login(factories.national_admin())
    response = client.get(url("national_results_example"))
    assert response["Content-Disposition"].startswith("attachment")
    plan = results_import.plan_import(results_import.read_csv(response.content))
    assert plan.ok and len(plan.create) == 2


# --- importing announced results ----------------------------------------------------------------


def test_a_good_file_creates_announced_snapshots_with_their_citations(region, neighbour):
    factories.edition(2023)
    admin = factories.national_admin()
    rows = csv_rows(
        "16.10,2023,61.16,sangat inovatif,Pengumuman IGA 2023,BSKDN,2023-12-19,"
        "https://bskdn.kemendagri.go.id/iga2023,90",
        "16.07,2023,51.71,Inovatif,Pengumuman IGA 2023,,,,",
        "16.07,2019,40.00,Inovatif Sekali,Laporan lama,,,,",  # no 2019 edition: any predikat
    )

    plan = snapshot_actions.import_results(rows, admin, {"publisher": "Kemendagri"}, label="a.csv")

    assert (len(plan.new), len(plan.corrections), len(plan.skip)) == (3, 0, 0)
    ogan_ilir = ResultSnapshot.objects.get(region=region)
    assert ogan_ilir.source == Source.ANNOUNCED and ogan_ilir.created_by == admin
    assert (ogan_ilir.iid, ogan_ilir.predicate, ogan_ilir.innovations) == (
        Decimal("61.16"),
        "Sangat Inovatif",  # the edition's spelling
        90,
    )
    assert (ogan_ilir.citation_publisher, ogan_ilir.citation_date, ogan_ilir.citation_url) == (
        "BSKDN",
        datetime.date(2023, 12, 19),
        "https://bskdn.kemendagri.go.id/iga2023",
    )
    banyuasin = ResultSnapshot.objects.get(region=neighbour, year=2023)
    assert banyuasin.citation_publisher == "Kemendagri" and banyuasin.innovations is None
    assert ResultSnapshot.objects.get(year=2019).predicate == "Inovatif Sekali"
    event = AuditEvent.objects.get(action="result.import")
    assert event.actor == admin
    assert (event.after["created"], event.after["skipped"], event.after["file"]) == (3, 0, "a.csv")


def test_importing_the_same_file_again_changes_nothing(region):
    factories.edition(2023)
    admin = factories.national_admin()
    line = "16.10,2023,61.16,Sangat Inovatif,Pengumuman IGA 2023,BSKDN,2023-12-19,,90"
    snapshot_actions.import_results(csv_rows(line), admin)

    plan = snapshot_actions.import_results(csv_rows(line), admin)

    assert (len(plan.create), len(plan.skip)) == (0, 1)
    assert ResultSnapshot.objects.count() == 1


def test_a_changed_figure_is_a_correction_and_the_old_one_stays(region):
    factories.edition(2023)
    admin = factories.national_admin()
    snapshot_actions.import_results(csv_rows("16.10,2023,61.16,Sangat Inovatif,A,,,,"), admin)

    plan = snapshot_actions.import_results(
        csv_rows("16.10,2023,61.61,Sangat Inovatif,A (ralat),,,,"), admin
    )

    assert len(plan.corrections) == 1 and plan.corrections[0].current.iid == Decimal("61.16")
    assert ResultSnapshot.objects.count() == 2
    assert snapshots.standing(2023)[region.pk].iid == Decimal("61.61")


BAD_ROWS = [
    ("99.99,2023,50,Inovatif,S,,,,", "code", "tidak dikenal"),
    (",2023,50,Inovatif,S,,,,", "code", "wajib"),
    ("16.10,dua ribu,50,Inovatif,S,,,,", "year", "bilangan bulat"),
    ("16.10,2017,50,Inovatif,S,,,,", "year", "2018"),
    ("16.10,2101,50,Inovatif,S,,,,", "year", "2100"),
    ("16.10,2023,100.01,Sangat Inovatif,S,,,,", "iid", "antara 0 dan 100"),
    ("16.10,2023,-1,Kurang Inovatif,S,,,,", "iid", "antara 0 dan 100"),
    ("16.10,2023,61.161,Sangat Inovatif,S,,,,", "iid", "dua angka"),
    ("16.10,2023,enam puluh,Inovatif,S,,,,", "iid", "angka"),
    ("16.10,2023,,Inovatif,S,,,,", "iid", "wajib"),
    ("16.10,2023,50,,S,,,,", "predikat", "wajib"),
    ("16.10,2023,61.16,Inovatif,S,,,,", "predikat", "Sangat Inovatif"),
    ("16.10,2023,50,Inovatif,,,,,", "source", "wajib"),
    ("16.10,2023,50,Inovatif,S,,31-31-2023,,", "source_date", "TTTT-BB-HH"),
    ("16.10,2023,50,Inovatif,S,,2999-01-01,,", "source_date", "masa depan"),
    ("16.10,2023,50,Inovatif,S,,,javascript:alert(1),", "source_url", "http"),
    ("16.10,2023,50,Inovatif,S,,,bskdn.go.id,", "source_url", "http"),
    ("16.10,2023,50,Inovatif,S,,,,-3", "n", "bilangan bulat"),
    ("16.10,2023,50,Inovatif," + "S" * 301 + ",,,,", "source", "300"),
    ("16.10,2023,50,Inovatif,S,,,,,extra", "", "lebih banyak kolom"),
]


@pytest.mark.parametrize("line,column,words", BAD_ROWS, ids=[f"{c}:{w}" for _l, c, w in BAD_ROWS])
def test_each_kind_of_bad_row_is_reported_and_nothing_is_written(region, line, column, words):
    factories.edition(2023)
    good = "16.07,2023,50,Inovatif,S,,,,"
    factories.region(code="16.07")

    with pytest.raises(snapshot_actions.ImportRejected) as rejected:
        snapshot_actions.import_results(csv_rows(good, line), factories.national_admin())

    errors = rejected.value.plan.errors
    assert [(e.row, e.column) for e in errors] == [(3, column)], errors
    assert words in errors[0].message
    assert not ResultSnapshot.objects.exists()
    assert not AuditEvent.objects.filter(action="result.import").exists()


def test_every_error_of_every_row_is_reported_including_duplicates(region, neighbour):
    factories.edition(2023)
    rows = csv_rows(
        "16.10,2023,50,Inovatif,S,,,,",
        "16.10,2023,51,Inovatif,S,,,,",
        "xx,1999,abc,,,,,,",
        "16.07,2023,61.16,inovatif,,,,,x",
    )
    plan = results_import.plan_import(rows)
    assert [(e.row, e.column) for e in plan.errors] == [
        (3, "code"),
        (4, "code"),
        (4, "year"),
        (4, "iid"),
        (4, "predikat"),
        (4, "source"),
        (5, "predikat"),  # the band is checked even where other cells are wrong
        (5, "source"),
        (5, "n"),
    ]
    assert "baris 2" in plan.errors[0].message


def test_a_spreadsheet_file_with_bom_semicolons_and_decimal_commas_is_read(region):
    factories.edition(2023)
    data = "\ufeffcode;year;iid;predikat;source\r\n16.10;2023;61,16;Sangat Inovatif;Pengumuman\r\n"
    plan = snapshot_actions.import_results(
        results_import.read_csv(data.encode("utf-8")), factories.national_admin()
    )
    assert plan.new[0].iid == Decimal("61.16")
    assert ResultSnapshot.objects.get().iid == Decimal("61.16")


@pytest.mark.parametrize(
    "data,words",
    [
        ("code,year,iid,predikat,source\n16.10,2023,61.16,Ini\xe9,S\n".encode("latin-1"), "UTF-8"),
        (b"", "kosong"),
        (b"code,year,iid\n16.10,2023,50\n", "predikat, source"),
        (b"code,year,iid,predikat,source,predicate\n", "predicate"),
        (b"\x00\x01\x02PK", "bukan berkas CSV"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_clear_message(data, words):
    with pytest.raises(results_import.FileRejected) as rejected:
        results_import.read_csv(data)
    assert words in rejected.value.message


def test_a_file_too_large_or_with_too_many_rows_is_refused(monkeypatch):
    with pytest.raises(results_import.FileRejected, match="terlalu besar"):
        results_import.read_csv(b"code,year,iid,predikat,source\n" + b"x" * (3 * 1024 * 1024))
    monkeypatch.setattr(results_import, "MAX_ROWS", 3)
    rows = "\n".join(["code,year,iid,predikat,source"] + ["16.10,2023,50,Inovatif,S"] * 4)
    with pytest.raises(results_import.FileRejected, match="lebih dari 3 baris"):
        results_import.read_csv(rows.encode())


def test_only_a_national_admin_imports(region):
    with pytest.raises(PermissionDenied):
        snapshot_actions.import_results(
            csv_rows("16.10,2023,50,Inovatif,S,,,,"), factories.member(region, Role.COORDINATOR)
        )
    assert not ResultSnapshot.objects.exists()


# --- the import page: upload, preview, confirm ----------------------------------------------------


def upload(client, text, **fields):
    file = SimpleUploadedFile("hasil.csv", text.encode(), content_type="text/csv")
    return client.post(url("national_results_import"), {"file": file, **fields})


def test_upload_previews_then_confirm_imports_what_was_previewed(client, region, neighbour):
    factories.edition(2023)
    client.force_login(factories.national_admin())
    text = "\n".join(
        [
            HEADER,
            "16.10,2023,61.16,Sangat Inovatif,Pengumuman,,,,90",
            "16.07,2023,51.71,Inovatif,P,,,,",
        ]
    )

    response = upload(client, text, publisher="BSKDN Kemendagri", date="2023-12-19")

    html = response.content.decode()
    assert response.status_code == 200 and "2 hasil baru akan dicatat." in html
    assert not ResultSnapshot.objects.exists()  # a preview writes nothing
    token = response.context["token"]
    # The confirm form carries only the token: extra fields cannot change what is imported.
    response = client.post(
        url("national_results_import"), {"token": token, "iid": "99.99", "code": "16.11"}
    )
    assert response.status_code == 302
    assert sorted(ResultSnapshot.objects.values_list("iid", flat=True)) == [
        Decimal("51.71"),
        Decimal("61.16"),
    ]
    assert set(ResultSnapshot.objects.values_list("citation_publisher", flat=True)) == {
        "BSKDN Kemendagri"
    }
    # The stash is gone: confirming twice imports nothing more.
    client.post(url("national_results_import"), {"token": token})
    assert ResultSnapshot.objects.count() == 2


def test_confirm_checks_the_file_again(client, region):
    factories.edition(2023)
    admin = factories.national_admin()
    client.force_login(admin)
    line = "16.10,2023,61.16,Sangat Inovatif,Pengumuman,,,,"
    token = upload(client, f"{HEADER}\n{line}").context["token"]
    snapshot_actions.import_results(csv_rows(line), admin)  # recorded meanwhile

    client.post(url("national_results_import"), {"token": token})

    assert ResultSnapshot.objects.count() == 1  # skipped on confirm, not written twice


def test_a_wrong_token_imports_nothing(client, region):
    client.force_login(factories.national_admin())
    upload(client, f"{HEADER}\n16.10,2023,50,Inovatif,S,,,,")
    response = client.post(url("national_results_import"), {"token": "forged"}, follow=True)
    assert "Pratinjau impor sudah tidak berlaku" in response.content.decode()
    assert not ResultSnapshot.objects.exists()


def test_the_preview_lists_every_error_by_row_and_column_and_offers_no_import(client, region):
    factories.edition(2023)
    client.force_login(factories.national_admin())
    text = "\n".join([HEADER, "16.10,2023,61.16,Inovatif,S,,,,", "99.99,2023,50,Inovatif,S,,,,"])

    response = upload(client, text)

    html = response.content.decode()
    assert "Ada 2 masalah; tidak ada yang diimpor." in html
    assert "tidak sesuai dengan IID 61.16" in html and "99.99 tidak dikenal" in html
    assert response.context["token"] == "" and 'name="token"' not in html


def test_an_unreadable_upload_is_shown_at_the_field(client):
    client.force_login(factories.national_admin())
    file = SimpleUploadedFile("hasil.csv", "café".encode("latin-1"))
    response = client.post(url("national_results_import"), {"file": file})
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith("Berkas bukan teks UTF-8")


# --- the command ----------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_is_idempotent(tmp_path, region, capsys):
    factories.edition(2023)
    path = tmp_path / "hasil.csv"
    path.write_text(f"{HEADER}\n16.10,2023,61.16,Sangat Inovatif,Pengumuman,,,,\n")

    call_command("import_results", str(path), "--publisher", "BSKDN")
    call_command("import_results", str(path), "--publisher", "BSKDN")

    assert ResultSnapshot.objects.get().citation_publisher == "BSKDN"
    out = capsys.readouterr().out
    assert "created 1 new" in out and "skipped 1 already recorded" in out


def test_the_command_prints_every_error_and_exits_with_code_2(tmp_path, region, capsys):
    path = tmp_path / "hasil.csv"
    path.write_text(f"{HEADER}\n16.10,2023,abc,Inovatif,S,,,,\n77.77,2023,50,Inovatif,,,,,\n")

    with pytest.raises(CommandError) as failed:
        call_command("import_results", str(path))

    assert failed.value.returncode == 2
    err = capsys.readouterr().err
    assert "baris 2, kolom iid" in err and "baris 3, kolom code" in err
    assert "baris 3, kolom source" in err
    assert not ResultSnapshot.objects.exists()


def test_the_command_refuses_an_unreadable_file_with_code_2(tmp_path):
    path = tmp_path / "hasil.csv"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(CommandError) as failed:
        call_command("import_results", str(path))
    assert failed.value.returncode == 2 and "UTF-8" in str(failed.value)
