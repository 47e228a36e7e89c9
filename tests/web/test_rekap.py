"""The rekap: the cycle workbook and its CSV, who may have them, and the national rekap."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sinovda.innovations.models import Answer, RegionAnswer, ReviewState, State, Submission
from sinovda.regions.models import Role
from sinovda.reports.models import OutputJob, OutputKind
from sinovda.reports.rekap import write_national_rekap, write_rekap, write_rekap_csv
from sinovda.scores import bridge
from sinovda.scores import dashboard as board
from tests import factories

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x")'
SENT = timezone.make_aware(datetime.datetime(2023, 8, 1, 9, 30))
DECIDED = timezone.make_aware(datetime.datetime(2023, 9, 2, 14, 0))


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    # A requested job runs inside the request, so a test can download its file right after.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_memo():
    board.clear_memo()
    yield
    board.clear_memo()


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return factories.cycle(region, 2023)


def sid_rows(cycle):
    return {r.code: r for r in cycle.edition.spec().sid_rows}


def verify(submission, code, level, state=ReviewState.ACCEPTED):
    Answer.objects.filter(submission=submission, indicator_code=code).update(
        verified_level=level, review_state=state
    )


@pytest.fixture
def data(cycle):
    """Two OPDs: a verified report (with a formula for a name), a sent one, a returned one and a
    draft; two SPD rows, one reviewed."""
    health = factories.agency(cycle.region, name="Dinas Kesehatan", short_name="DINKES")
    roads = factories.agency(cycle.region, name="Dinas PUPR", short_name="PUPR")
    verified = factories.submission(
        cycle, agency=health, state=State.VERIFIED, levels={"16": 3, "17": 2}, name=FORMULA
    )
    verify(verified, "16", 2, ReviewState.LOWERED)
    verify(verified, "17", 2)
    Submission.objects.filter(pk=verified.pk).update(
        submitted_at=SENT, decided_at=DECIDED, budget=Decimal(1500000)
    )
    sent = factories.submission(
        cycle, agency=health, state=State.SUBMITTED, levels={"16": 1}, name="Posyandu Digital"
    )
    returned = factories.submission(
        cycle, agency=roads, state=State.RETURNED, levels={"18": 2}, name="Jalan Mulus"
    )
    draft = factories.submission(
        cycle, agency=roads, state=State.DRAFT, levels={"16": 2, "19": 1}, name="Lampu Pintar"
    )
    RegionAnswer.objects.create(
        cycle=cycle,
        row_code="1",
        claimed_level=3,
        verified_level=2,
        review_state=ReviewState.LOWERED,
    )
    RegionAnswer.objects.create(cycle=cycle, row_code="2", claimed_level=2)
    return {
        "health": health,
        "roads": roads,
        "verified": verified,
        "sent": sent,
        "returned": returned,
        "draft": draft,
    }


def workbook_of(cycle):
    out = io.BytesIO()
    write_rekap(cycle, out, lambda percent, step="": None)
    out.seek(0)
    return openpyxl.load_workbook(out)


def records(sheet, header_rows=1):
    """The data rows of a sheet as dicts keyed by the (first) header row."""
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, values, strict=True)) for values in rows[header_rows:]]


# --- the cycle workbook -----------------------------------------------------------------------


def test_the_workbook_has_the_rekap_sheets(cycle, data):
    book = workbook_of(cycle)
    assert book.sheetnames == [
        "Inovasi",
        "Matriks klaim",
        "Matriks terverifikasi",
        "SPD",
        "Ringkasan OPD",
    ]
    sheet = book["Inovasi"]
    assert sheet.freeze_panes == "D2"
    last = openpyxl.utils.get_column_letter(sheet.max_column)
    assert sheet.auto_filter.ref == f"A1:{last}5"
    assert all(c.font.bold for c in sheet[1])


def test_the_innovation_sheet_lists_every_report_drafts_too(cycle, data):
    sheet = workbook_of(cycle)["Inovasi"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["No.", "OPD", "Nama inovasi", "Status"]
    assert header[4:7] == ["Nama Inovasi", "Dibuat Oleh", "Tahapan Inovasi"]
    assert header[-4:] == [
        "Kematangan klaim",
        "Kematangan terverifikasi",
        "Dikirim pada",
        "Diputuskan pada",
    ]
    rows = records(sheet)
    # OPD, then name order; the formula sorts before letters.
    assert [(r["No."], r["OPD"], r["Status"]) for r in rows] == [
        (1, "Dinas Kesehatan", "Terverifikasi"),
        (2, "Dinas Kesehatan", "Dikirim"),
        (3, "Dinas PUPR", "Dikembalikan untuk perbaikan"),
        (4, "Dinas PUPR", "Draf"),
    ]


def test_numbers_and_dates_are_typed(cycle, data):
    first = records(workbook_of(cycle)["Inovasi"])[0]
    assert isinstance(first["No."], int)
    assert first["Dikirim pada"] == datetime.datetime(2023, 8, 1, 9, 30)
    assert first["Diputuskan pada"] == datetime.datetime(2023, 9, 2, 14, 0)
    assert isinstance(first["Waktu Penerapan Inovasi Daerah"], datetime.datetime)
    assert first["Anggaran (Rp)"] == 1500000
    assert isinstance(first["Kematangan klaim"], int | float)


def test_text_that_looks_like_a_formula_stays_text(cycle, data):
    book = workbook_of(cycle)
    first = records(book["Inovasi"])[0]
    assert first["Nama inovasi"] == "'" + FORMULA
    assert first["Nama Inovasi"] == "'" + FORMULA
    assert book["Matriks klaim"]["C3"].value == "'" + FORMULA
    assert book["Inovasi"]["C2"].data_type == "s"


def test_maturities_are_the_engines(cycle, data):
    rows = sid_rows(cycle)
    by_name = {r["Nama inovasi"]: r for r in records(workbook_of(cycle)["Inovasi"])}
    verified = by_name["'" + FORMULA]
    assert verified["Kematangan klaim"] == pytest.approx(
        float(rows["16"].score_of(3) + rows["17"].score_of(2))
    )
    assert verified["Kematangan terverifikasi"] == pytest.approx(
        float(rows["16"].score_of(2) + rows["17"].score_of(2))
    )
    # Nothing reviewed yet: 0 in the verified view (the default policy counts it as 0).
    assert by_name["Posyandu Digital"]["Kematangan terverifikasi"] == 0
    # A draft is not counted, so it has no maturity (as on the dashboard).
    draft = by_name["Lampu Pintar"]
    assert (draft["Kematangan klaim"], draft["Kematangan terverifikasi"]) == (None, None)


def test_the_matrices_hold_claimed_and_verified_levels(cycle, data):
    book = workbook_of(cycle)
    codes = list(sid_rows(cycle))
    for title in ("Matriks klaim", "Matriks terverifikasi"):
        sheet = book[title]
        assert [c.value for c in sheet[1]] == ["No.", "OPD", "Nama inovasi", *codes]
        assert [c.value for c in sheet[2]][3:] == [r.name for r in sid_rows(cycle).values()]
        assert sheet.freeze_panes == "D3"
    claimed = records(book["Matriks klaim"], header_rows=2)
    assert (claimed[0]["16"], claimed[0]["17"], claimed[0]["18"]) == (3, 2, None)
    assert claimed[3]["19"] == 1
    assert isinstance(claimed[0]["16"], int)
    verified = records(book["Matriks terverifikasi"], header_rows=2)
    assert (verified[0]["16"], verified[0]["17"]) == (2, 2)
    assert verified[1]["16"] is None  # claimed, not reviewed yet


def test_the_spd_sheet_has_every_row_with_levels_scores_and_review_state(cycle, data):
    spec = cycle.edition.spec()
    rows = records(workbook_of(cycle)["SPD"])
    assert [r["Kode"] for r in rows] == [r.code for r in spec.spd_rows]
    by_code = {r["Kode"]: r for r in rows}
    spd = {r.code: r for r in spec.spd_rows}
    first = by_code["1"]
    assert first["Indikator"] == spd["1"].name
    assert (first["Tingkat klaim"], first["Tingkat terverifikasi"]) == (3, 2)
    assert first["Skor klaim"] == pytest.approx(float(spd["1"].score_of(3)))
    assert first["Skor terverifikasi"] == pytest.approx(float(spd["1"].score_of(2)))
    assert first["Status pemeriksaan"] == "Diturunkan"
    second = by_code["2"]
    assert (second["Tingkat klaim"], second["Tingkat terverifikasi"]) == (2, None)
    assert second["Status pemeriksaan"] == "Belum diperiksa"
    assert by_code["3"]["Status pemeriksaan"] == "Belum diisi"
    assert by_code["3"]["Skor klaim"] == 0


def test_the_opd_summary_counts_reports_and_averages_maturity(cycle, data):
    rows = sid_rows(cycle)
    summary = {r["Singkatan"]: r for r in records(workbook_of(cycle)["Ringkasan OPD"])}
    health, roads = summary["DINKES"], summary["PUPR"]
    assert health["OPD"] == "Dinas Kesehatan"
    assert (health["Dilaporkan"], health["Terverifikasi"], health["Dikembalikan"]) == (2, 1, 0)
    assert (roads["Dilaporkan"], roads["Dikembalikan"], roads["Draf"]) == (1, 1, 1)
    claimed = (rows["16"].score_of(3) + rows["17"].score_of(2) + rows["16"].score_of(1)) / 2
    assert health["Rata-rata kematangan klaim"] == pytest.approx(float(claimed), abs=0.005)
    verified = (rows["16"].score_of(2) + rows["17"].score_of(2)) / 2
    assert health["Rata-rata kematangan terverifikasi"] == pytest.approx(float(verified), abs=0.005)


def test_the_csv_is_the_innovation_sheet_with_a_bom_and_escaped_text(cycle, data):
    out = io.StringIO()
    write_rekap_csv(cycle, out)
    text = out.getvalue()
    assert text.startswith("\ufeffNo.,OPD,Nama inovasi,Status,")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert len(rows) == 4
    assert rows[0]["Nama inovasi"] == "'" + FORMULA
    assert rows[0]["Dikirim pada"] == "2023-08-01 09:30:00"
    assert rows[3]["Status"] == "Draf"


def test_the_workbook_takes_the_same_queries_whatever_the_size(cycle, data):
    def queries():
        board.clear_memo()
        with CaptureQueriesContext(connection) as captured:
            workbook_of(cycle)
        return len(captured.captured_queries)

    before = queries()
    for state in (State.SUBMITTED, State.DRAFT, State.VERIFIED):
        factories.submission(cycle, agency=data["roads"], state=state, levels={"16": 1})
    assert queries() == before


# --- who may have it --------------------------------------------------------------------------


def csv_url(region):
    return reverse("rekap_csv", args=[region.code, 2023])


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.COORDINATOR, Role.LEADER])
def test_the_regions_readers_download_the_csv(client, region, cycle, data, role):
    client.force_login(factories.member(region, role))
    response = client.get(csv_url(region))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "rekap-inovasi-16.10-2023.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffNo.,")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[1][2] == "'" + FORMULA


def test_an_operator_may_not_download_the_csv(client, region, cycle, data):
    client.force_login(factories.member(region, Role.OPERATOR, agency=data["health"]))
    assert client.get(csv_url(region)).status_code == 403


def test_another_regions_koordinator_gets_404(client, region, cycle, data):
    client.force_login(factories.member(factories.region(code="16.11"), Role.COORDINATOR))
    assert client.get(csv_url(region)).status_code == 404


def test_a_province_viewer_needs_the_region_to_share(client, region, cycle, data):
    client.force_login(factories.member(region.province, Role.PROVINCE_VIEWER))
    assert client.get(csv_url(region)).status_code == 403
    region.share_with_province = True
    region.save(update_fields=["share_with_province"])
    assert client.get(csv_url(region)).status_code == 200


def request_rekap(client, region):
    return client.post(reverse("output_request", args=[region.code, 2023, OutputKind.REKAP]))


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.COORDINATOR, Role.LEADER])
def test_the_regions_readers_make_and_download_the_workbook(client, region, cycle, data, role):
    client.force_login(factories.member(region, role))
    assert request_rekap(client, region).status_code == 302
    job = OutputJob.objects.get(kind=OutputKind.REKAP)
    assert job.status == OutputJob.Status.DONE, job.error
    response = client.get(reverse("output_download", args=[region.code, job.pk]))
    assert response.status_code == 200
    assert "rekap-inovasi-16.10-2023.xlsx" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book["Inovasi"]["C2"].value == "'" + FORMULA


def test_an_operator_may_not_make_the_workbook(client, region, cycle, data):
    client.force_login(factories.member(region, Role.OPERATOR, agency=data["health"]))
    assert request_rekap(client, region).status_code == 403
    assert not OutputJob.objects.exists()


def test_another_regions_koordinator_may_not_make_the_workbook(client, region, cycle, data):
    client.force_login(factories.member(factories.region(code="16.11"), Role.COORDINATOR))
    assert request_rekap(client, region).status_code == 404


def test_a_province_viewer_makes_the_workbook_only_if_shared(client, region, cycle, data):
    client.force_login(factories.member(region.province, Role.PROVINCE_VIEWER))
    assert request_rekap(client, region).status_code == 403
    region.share_with_province = True
    region.save(update_fields=["share_with_province"])
    assert request_rekap(client, region).status_code == 302
    job = OutputJob.objects.get(kind=OutputKind.REKAP)
    download = client.get(reverse("output_download", args=[region.code, job.pk]))
    assert download.status_code == 200


# --- the national rekap -----------------------------------------------------------------------


@pytest.fixture
def nation(cycle, data):
    """A second Pemda in another province, and a 2024 cycle that must stay out of the 2023 rekap."""
    other = factories.region(code="17.01", name="Kabupaten Bengkulu Selatan", province_code="17")
    other_cycle = factories.cycle(other, 2023)
    factories.submission(other_cycle, state=State.SUBMITTED, levels={"16": 3}, name="Sigap")
    factories.submission(other_cycle, state=State.WITHDRAWN, levels={"16": 3}, name="Ditarik")
    later = factories.cycle(cycle.region, 2024)
    factories.submission(later, state=State.SUBMITTED, name="Tahun depan")
    return other_cycle


def national(year=2023):
    out = io.BytesIO()
    count = write_national_rekap(year, out, lambda percent, step="": None)
    out.seek(0)
    return count, openpyxl.load_workbook(out)


def test_the_national_rekap_lists_every_reported_innovation(cycle, data, nation):
    count, book = national()
    assert book.sheetnames == ["Inovasi", "Pemda"]
    rows = records(book["Inovasi"])
    assert count == len(rows) == 4  # three sent in Ogan Ilir (no draft), one in Bengkulu Selatan
    assert [(r["Kode Pemda"], r["Nama inovasi"]) for r in rows] == [
        ("16.10", "'" + FORMULA),
        ("16.10", "Posyandu Digital"),
        ("16.10", "Jalan Mulus"),
        ("17.01", "Sigap"),
    ]
    first = rows[0]
    assert (first["Nama Pemda"], first["Provinsi"], first["OPD"]) == (
        "Kabupaten Ogan Ilir",
        "Provinsi 16",
        "Dinas Kesehatan",
    )
    views = bridge.cycle_scores(cycle)
    maturity = {i.id: i.maturity for i in views.verified.innovations}
    assert first["Kematangan terverifikasi"] == pytest.approx(
        float(maturity[str(data["verified"].pk)])
    )


def test_the_national_rekap_gives_each_pemdas_iid(cycle, data, nation):
    _, book = national()
    pemda = {r["Kode Pemda"]: r for r in records(book["Pemda"])}
    assert list(pemda) == ["16.10", "17.01"]
    for code, one in (("16.10", cycle), ("17.01", nation)):
        views = bridge.cycle_scores(one)
        assert pemda[code]["Jumlah inovasi dilaporkan"] == views.verified.n
        assert pemda[code]["IID klaim"] == pytest.approx(float(views.claimed.iid))
        assert pemda[code]["IID terverifikasi"] == pytest.approx(float(views.verified.iid))
        assert pemda[code]["Predikat terverifikasi"] == views.verified.predicate
    assert pemda["16.10"]["Jumlah inovasi dilaporkan"] == 3


def test_the_national_rekap_takes_the_same_queries_whatever_the_size(cycle, data, nation):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            national()
        return len(captured.captured_queries)

    before = queries()
    for _ in range(3):
        factories.submission(nation, state=State.SUBMITTED, levels={"16": 2})
    assert queries() == before


def test_export_national_writes_the_file(cycle, data, nation, tmp_path):
    target = tmp_path / "nasional.xlsx"
    out = io.StringIO()
    call_command("export_national", "--year", "2023", "--out", str(target), stdout=out)
    assert "4 innovation(s)" in out.getvalue()
    assert openpyxl.load_workbook(target).sheetnames == ["Inovasi", "Pemda"]
