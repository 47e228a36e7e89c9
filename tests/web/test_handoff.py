"""The hand-off pack for the national application, and tracking what was entered into it."""

import csv
import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from sinovda.audit.models import AuditEvent
from sinovda.evidence.actions import store_document
from sinovda.innovations.models import Answer, RegionAnswer, ReviewState, State
from sinovda.regions.access import access_for
from sinovda.regions.models import Role
from sinovda.reports import handoff, jobs, national
from sinovda.reports.models import HandoffPack, NationalEntry, OutputJob, OutputKind
from tests import factories

pytestmark = pytest.mark.django_db

SID_2023 = ["16", "17", "18", "19", "20", "21", "22", "23", "24", "25"]
SID_2023 += ["26", "27", "28", "29", "30", "31", "32", "33", "34", "35"]
MANDATORY_2023 = ["16", "17", "32", "33", "35"]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


# --- data ------------------------------------------------------------------------------------


def pdf_bytes(tag: bytes) -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 /Tag (" + tag + b") >>\nendobj\n"
        b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def jpg_bytes(tag: bytes) -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00" + tag + b"\x00" * 200 + b"\xff\xd9"


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


def document(region, agency, tag, *, kind="pdf", number="", date=None, subject="", name=None):
    data = pdf_bytes(tag) if kind == "pdf" else jpg_bytes(tag)
    upload = SimpleUploadedFile(name or f"scan {tag.decode()}.{kind}", data)
    doc, _ = store_document(
        region, upload, agency=agency, number=number, date=date, subject=subject, acting_user=None
    )
    return doc


def verified(cycle, agency, name, levels, *, verified_levels=None, **profile):
    """A verified report: every claim reviewed (accepted, or lowered where `verified_levels` says)."""
    report = factories.submission(
        cycle, agency=agency, name=name, state=State.VERIFIED, levels=levels, **profile
    )
    for answer in report.answers.all():
        proof = (verified_levels or {}).get(answer.indicator_code, answer.claimed_level)
        answer.verified_level = proof
        answer.review_state = (
            ReviewState.ACCEPTED if proof == answer.claimed_level else ReviewState.LOWERED
        )
        answer.save()
    return report


def attach(report, code, *documents, link=""):
    answer = report.answers.get(indicator_code=code)
    answer.documents.add(*documents)
    if link:
        answer.link = link
        answer.save()


@pytest.fixture
def pack_data(region, cycle, agency):
    """Two verified innovations with evidence, one submitted and one draft (not in the pack)."""
    mandatory = dict.fromkeys(MANDATORY_2023, 2)
    perbup = document(
        region,
        agency,
        b"perbup",
        number="100/2022",
        date=datetime.date(2022, 3, 4),
        subject="Inovasi daerah",
    )
    sk_team = document(region, agency, b"sk-tim", number="800/12")
    photo = document(region, agency, b"foto", kind="jpg")
    first = verified(
        cycle,
        agency,
        "Sistem Antrian Puskesmas (SIAP) Ogan Ilir",
        {**mandatory, "18": 3},
        verified_levels={"16": 1},
        initiator_name="=cmd|' /C calc'!A0",
        trial_date=datetime.date(2020, 11, 2),
    )
    attach(first, "16", perbup)
    attach(first, "17", sk_team, perbup)  # one document backing two indicators
    attach(first, "32", photo)
    attach(first, "35", link="https://video.example/siap")
    second = verified(cycle, agency, "Ásì Eksklusif: Gerakan Ibu", {"16": 1, "17": 1})
    factories.submission(cycle, agency=agency, name="Dikirim belum diverifikasi", state="submitted")
    factories.submission(cycle, agency=agency, name="Masih draf")
    return {"first": first, "second": second, "perbup": perbup, "sk_team": sk_team}


def make_pack(cycle) -> zipfile.ZipFile:
    out = io.BytesIO()
    steps = []
    handoff.write_handoff(cycle, out, lambda percent, step="": steps.append(percent))
    assert steps[0] == 0 and steps[-1] == 100
    assert steps == sorted(steps)
    out.seek(0)
    return zipfile.ZipFile(out)


def sheet(zf, name):
    return load_workbook(io.BytesIO(zf.read(name))).active


def csv_rows(zf, name):
    return list(csv.reader(io.StringIO(zf.read(name).decode("utf-8-sig"))))


FIRST = "01-sistem-antrian-puskesmas-siap-ogan-ilir/"
SECOND = "02-asi-eksklusif-gerakan-ibu/"


# --- the pack --------------------------------------------------------------------------------


def test_the_pack_has_a_folder_per_verified_innovation_with_renamed_evidence(cycle, pack_data):
    zf = make_pack(cycle)
    assert sorted(zf.namelist()) == sorted(
        [
            "README.txt",
            "SPD/spd.xlsx",
            "changes.csv",
            "checklist.csv",
            "checklist.xlsx",
            FIRST + "profil.xlsx",
            FIRST + "16-regulasi-inovasi-daerah-1.pdf",
            FIRST + "17-ketersediaan-sdm-terhadap-inovasi-daerah-1.pdf",
            FIRST + "17-ketersediaan-sdm-terhadap-inovasi-daerah-2.pdf",
            FIRST + "32-kecepatan-penciptaan-inovasi-1.jpg",
            SECOND + "profil.xlsx",
        ]
    )
    for name in zf.namelist():
        assert name.isascii() and not set(name) & set('<>:"\\|?* ')


def test_a_document_backing_two_indicators_is_copied_under_each_name(cycle, pack_data):
    zf = make_pack(cycle)
    with pack_data["perbup"].file.open("rb") as fh:
        perbup = fh.read()
    with pack_data["sk_team"].file.open("rb") as fh:
        sk_team = fh.read()
    assert zf.read(FIRST + "16-regulasi-inovasi-daerah-1.pdf") == perbup
    # n follows the documents' order (oldest first) within each indicator
    assert zf.read(FIRST + "17-ketersediaan-sdm-terhadap-inovasi-daerah-1.pdf") == perbup
    assert zf.read(FIRST + "17-ketersediaan-sdm-terhadap-inovasi-daerah-2.pdf") == sk_team


def test_media_is_stored_as_it_is_and_sheets_are_compressed(cycle, pack_data):
    zf = make_pack(cycle)
    kinds = {info.filename: info.compress_type for info in zf.infolist()}
    assert kinds[FIRST + "16-regulasi-inovasi-daerah-1.pdf"] == zipfile.ZIP_STORED
    assert kinds[FIRST + "32-kecepatan-penciptaan-inovasi-1.jpg"] == zipfile.ZIP_STORED
    for name in ("checklist.xlsx", "checklist.csv", "README.txt", FIRST + "profil.xlsx"):
        assert kinds[name] == zipfile.ZIP_DEFLATED


def test_drafts_and_unverified_reports_are_not_in_the_pack(cycle, pack_data):
    zf = make_pack(cycle)
    names = " ".join(zf.namelist())
    assert "draf" not in names and "dikirim" not in names
    listed = [row[1] for row in csv_rows(zf, "checklist.csv")[1:]]
    assert listed == [pack_data["first"].name, pack_data["second"].name, "SPD (indikator Pemda)"]


def test_profil_xlsx_follows_the_national_form(cycle, pack_data):
    ws = sheet(make_pack(cycle), FIRST + "profil.xlsx")
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0][1:3] == ["Pemerintah Daerah", "Kabupaten Ogan Ilir"]
    assert rows[1][1] == "Nomor Registrasi"
    assert rows[3][:3] == ["No.", "Isian", "Nilai"]
    end = next(i for i in range(4, len(rows)) if not any(rows[i]))
    profile = rows[4:end]
    numbers = [r[0] for r in profile]
    assert numbers[:11] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.11"] + [
        "1.12",
        "1.13",
    ]
    assert numbers.index("1.17") < numbers.index("1.18") < numbers.index("1.19")
    values = {r[1]: r[2] for r in profile}
    assert values["Nama Inovasi"] == "Sistem Antrian Puskesmas (SIAP) Ogan Ilir"
    assert values["Dibuat Oleh"] == "Dinas Kesehatan"
    assert values["Nama Inisiator"] == "'=cmd|' /C calc'!A0"  # never a formula
    trial = values["Waktu Uji Coba Inovasi Daerah"]
    assert isinstance(trial, datetime.datetime) and trial.date() == datetime.date(2020, 11, 2)
    assert isinstance(values["Skor Kematangan"], float | int)

    section = rows[end + 1 :]
    assert section[0][:2] == ["2", "Indikator Satuan Inovasi Daerah (SID)"]
    assert section[1][:5] == ["No.", "Indikator", "Tingkat", "Informasi", "Bukti dukung"]
    indicators = {r[0]: r for r in section[2:]}
    assert list(indicators) == SID_2023
    spec = cycle.edition.spec()
    # lowered by the verifier from 2 to 1: the verified level's wording, not the claim's
    assert indicators["16"][2:4] == [1, spec.indicator("16").options[0].label]
    assert indicators["16"][4] == (
        "16-regulasi-inovasi-daerah-1.pdf — Nomor: 100/2022; Tanggal: 4 Maret 2022; "
        "Tentang: Inovasi daerah"
    )
    assert indicators["17"][4].count("\n") == 1  # two documents
    assert "Tautan: https://video.example/siap" in indicators["35"][4]
    assert indicators["19"][2:5] == [None, None, None]


def test_the_spd_folder_lists_every_spd_row_with_its_verified_level(region, cycle, pack_data):
    spec = cycle.edition.spec()
    answer = RegionAnswer.objects.create(
        cycle=cycle,
        row_code="1",
        claimed_level=3,
        verified_level=2,
        review_state=ReviewState.LOWERED,
    )
    answer.documents.add(document(region, None, b"rpjmd", number="5/2021"))
    RegionAnswer.objects.create(cycle=cycle, row_code="2", claimed_level=3)  # not reviewed
    zf = make_pack(cycle)
    assert "SPD/1-visi-dan-misi-1.pdf" in zf.namelist()
    rows = [[c.value for c in r] for r in sheet(zf, "SPD/spd.xlsx").iter_rows()]
    assert [r[0] for r in rows[1:]] == [r.code for r in spec.spd_rows]
    first, second = rows[1], rows[2]
    assert first[3:5] == [2, spec.indicator("1").options[1].label]
    assert first[5].startswith("1-visi-dan-misi-1.pdf — Nomor: 5/2021")
    assert second[3] is None  # a claim nobody reviewed is not a verified level


def test_the_checklist_says_what_the_national_application_still_misses(cycle, pack_data):
    pack_data["second"].__class__.objects.filter(pk=pack_data["second"].pk).update(goal="")
    zf = make_pack(cycle)
    rows = csv_rows(zf, "checklist.csv")
    header = rows[0]
    first, second = (dict(zip(header, row, strict=True)) for row in rows[1:3])
    assert first["Status aplikasi nasional"] == "Belum dimasukkan"
    assert first["Folder"] == FIRST
    assert first["Indikator wajib tanpa tingkat terverifikasi"] == ""
    assert first["Indikator wajib tanpa bukti dukung"] == "33 Kemanfaatan inovasi"
    assert first["Siap dimasukkan"] == "Belum"
    assert second["Indikator wajib tanpa tingkat terverifikasi"] == (
        "32 Kecepatan penciptaan inovasi; 33 Kemanfaatan inovasi; "
        "35 Kualitas inovasi daerah (video)"
    )
    assert second["Isian profil wajib yang kosong"] == "1.16 Tujuan Inovasi"
    # the spreadsheet holds the same rows
    ws = sheet(zf, "checklist.xlsx")
    assert [c.value or "" for c in ws[1]] == header
    assert ws.cell(3, 10).value == "1.16 Tujuan Inovasi"


def test_the_checklist_shows_what_was_already_entered(cycle, coordinator, pack_data):
    access = access_for(coordinator, cycle.region)
    national.mark_entered(access, pack_data["first"], "REG-0001")
    zf = make_pack(cycle)
    row = csv_rows(zf, "checklist.csv")[1]
    assert row[4:6] == ["Sudah dimasukkan", "REG-0001"]
    profile = sheet(zf, FIRST + "profil.xlsx")
    assert profile["C2"].value == "REG-0001"


def test_changes_csv_says_what_changed_since_the_last_pack(cycle, agency, pack_data):
    first = make_pack(cycle)
    assert [r[2] for r in csv_rows(first, "changes.csv")[1:]] == ["baru", "baru"]
    assert HandoffPack.objects.filter(cycle=cycle).count() == 1
    assert "paket pertama" in first.read("README.txt").decode()

    report = pack_data["first"]
    type(report).objects.filter(pk=report.pk).update(benefit="Antrean lebih pendek")
    Answer.objects.filter(submission=report, indicator_code="18").update(verified_level=2)
    verified(cycle, agency, "Inovasi Baru", {"16": 1})
    second = make_pack(cycle)
    rows = {r[0]: r for r in csv_rows(second, "changes.csv")[1:]}
    assert rows[report.name][2:] == ["berubah", "1.17 Manfaat yang Diperoleh", "18"]
    assert rows[pack_data["second"].name][2] == "tidak berubah"
    assert rows["Inovasi Baru"][2] == "baru"
    manifest = HandoffPack.objects.filter(cycle=cycle).first().manifest
    entry = manifest[report.innovation.public_id]
    assert entry["fields"]["1.17"] == "Antrean lebih pendek"
    assert sorted(entry["documents"]) == sorted(
        [
            pack_data["perbup"].pk,
            pack_data["sk_team"].pk,
            Answer.objects.get(submission=report, indicator_code="32").documents.get().pk,
        ]
    )
    assert AuditEvent.objects.filter(action="handoff.pack").count() == 2


def test_an_innovation_no_longer_verified_is_listed_as_gone(cycle, pack_data):
    make_pack(cycle)
    report = pack_data["second"]
    type(report).objects.filter(pk=report.pk).update(state=State.RETURNED)
    rows = csv_rows(make_pack(cycle), "changes.csv")[1:]
    assert [r[0] for r in rows if r[2] == "tidak lagi dalam paket"] == [report.name]


def test_the_fingerprint_does_not_depend_on_the_page_language(cycle, pack_data):
    hashes = [s.hash for s in national.snapshots(cycle)]
    with translation.override("en"):
        assert [s.hash for s in national.snapshots(cycle)] == hashes


def test_the_job_makes_the_same_pack_as_the_export_command(cycle, coordinator, pack_data, tmp_path):
    job = jobs.request_output(
        access_for(coordinator, cycle.region), OutputKind.HANDOFF, cycle=cycle
    )
    job.refresh_from_db()
    assert job.status == OutputJob.Status.DONE, job.error
    assert job.filename == "paket-aplikasi-nasional-16.10-2023.zip"
    with job.file.open("rb") as fh:
        web = zipfile.ZipFile(io.BytesIO(fh.read()))
    path = tmp_path / "paket.zip"
    call_command("export", "handoff", "--region", "16.10", "--year", "2023", "--out", str(path))
    cli = zipfile.ZipFile(path)
    assert web.namelist() == cli.namelist()
    for name in web.namelist():
        if name.endswith(".xlsx"):
            cells = [[[c.value for c in r] for r in sheet(z, name).iter_rows()] for z in (web, cli)]
            assert cells[0] == cells[1], name
        elif name not in {"changes.csv", "README.txt"}:  # these compare with the previous pack
            assert web.read(name) == cli.read(name), name
    assert [r[2] for r in csv_rows(cli, "changes.csv")[1:]] == ["tidak berubah"] * 2


# --- who may make and get the pack -------------------------------------------------------------


def person(region, who):
    if who == "admin":
        return factories.national_admin()
    if who == "elsewhere":
        return factories.member(factories.region(code="16.11"), Role.COORDINATOR)
    return factories.member(region, who)


@pytest.mark.parametrize(
    "who,status",
    [
        (Role.COORDINATOR, 302),
        ("admin", 302),
        (Role.VERIFIER, 403),
        (Role.LEADER, 403),
        (Role.OPERATOR, 403),
        ("elsewhere", 404),
    ],
)
def test_only_the_koordinator_may_request_the_pack(client, region, cycle, pack_data, who, status):
    client.force_login(person(region, who))
    url = reverse("output_request", args=[region.code, 2023, OutputKind.HANDOFF])
    assert client.post(url).status_code == status
    assert OutputJob.objects.filter(kind=OutputKind.HANDOFF).exists() == (status == 302)


@pytest.mark.parametrize(
    "who,status",
    [
        (Role.COORDINATOR, 200),
        ("admin", 200),
        (Role.VERIFIER, 404),  # a file they may not have: never confirmed to exist
        (Role.LEADER, 404),
        (Role.OPERATOR, 404),
        ("elsewhere", 404),
    ],
)
def test_only_the_koordinator_may_download_the_pack(
    client, region, cycle, coordinator, pack_data, who, status
):
    job = jobs.request_output(access_for(coordinator, region), OutputKind.HANDOFF, cycle=cycle)
    client.force_login(person(region, who))
    response = client.get(reverse("output_download", args=[region.code, job.pk]))
    assert response.status_code == status
    if status == 200:
        body = b"".join(response.streaming_content)
        assert "README.txt" in zipfile.ZipFile(io.BytesIO(body)).namelist()


# --- the national-entries page -----------------------------------------------------------------


def entries_url(region):
    return reverse("national_entries", args=[region.code, 2023])


def mark_url(region, report, undo=False):
    name = "national_entry_unmark" if undo else "national_entry_mark"
    return reverse(name, args=[region.code, 2023, report.innovation.public_id])


@pytest.mark.parametrize(
    "who,status",
    [
        (Role.COORDINATOR, 200),
        ("admin", 200),
        (Role.VERIFIER, 403),
        (Role.LEADER, 403),
        (Role.OPERATOR, 403),
        ("elsewhere", 404),
    ],
)
def test_only_the_koordinator_uses_the_national_entries_page(
    client, region, cycle, pack_data, who, status
):
    client.force_login(person(region, who))
    assert client.get(entries_url(region)).status_code == status
    response = client.post(mark_url(region, pack_data["first"]), {})
    assert response.status_code == (302 if status == 200 else status)
    assert NationalEntry.objects.exists() == (status == 200)


def test_the_page_lists_verified_reports_with_their_status(client, region, cycle, pack_data):
    client.force_login(factories.member(region, Role.COORDINATOR))
    response = client.get(entries_url(region))
    html = response.content.decode()
    assert pack_data["first"].name in html and pack_data["second"].name in html
    assert "Masih draf" not in html and "Dikirim belum diverifikasi" not in html
    assert "0 dari 2 inovasi terverifikasi sudah dimasukkan" in html
    assert html.count("Belum dimasukkan") == 2


def test_marking_a_report_entered_keeps_who_when_the_number_and_the_fingerprint(
    client, region, cycle, coordinator, pack_data
):
    report = pack_data["first"]
    client.force_login(coordinator)
    prefix = report.innovation.public_id
    response = client.post(
        mark_url(region, report), {f"{prefix}-registration_number": "  IID-2023 / 0042 "}
    )
    assert response.status_code == 302
    entry = NationalEntry.objects.get(submission=report)
    assert entry.registration_number == "IID-2023 / 0042"
    assert entry.entered_by == coordinator and entry.entered_at is not None
    assert entry.content_hash == national.snapshots(cycle, [report])[0].hash
    event = AuditEvent.objects.get(action="national_entry.mark")
    assert event.actor == coordinator and event.region == region
    assert event.after["registration_number"] == "IID-2023 / 0042"
    html = client.get(entries_url(region)).content.decode()
    assert "1 dari 2 inovasi terverifikasi sudah dimasukkan" in html
    assert "Nomor registrasi: IID-2023 / 0042" in html

    # the report changes after it was entered (reopened, corrected, verified again)
    Answer.objects.filter(submission=report, indicator_code="17").update(verified_level=3)
    rows = national.entry_rows(cycle)
    assert [r.status for r in rows] == [national.Status.CHANGED, national.Status.NOT_ENTERED]
    assert national.progress_of(rows) == national.Progress(total=2, entered=1, changed=1)
    assert national.progress(cycle) == national.progress_of(rows)  # the dashboard's shortcut
    assert "Berubah sejak dimasukkan" in client.get(entries_url(region)).content.decode()
    client.post(mark_url(region, report), {f"{prefix}-registration_number": "IID-2023 / 0042"})
    assert national.entry_rows(cycle)[0].status == national.Status.ENTERED

    # undo
    assert client.post(mark_url(region, report, undo=True)).status_code == 302
    assert not NationalEntry.objects.exists()
    assert AuditEvent.objects.filter(action="national_entry.unmark").count() == 1


def test_a_too_long_registration_number_is_refused_at_the_field(
    client, region, cycle, coordinator, pack_data
):
    report = pack_data["first"]
    client.force_login(coordinator)
    prefix = report.innovation.public_id
    response = client.post(mark_url(region, report), {f"{prefix}-registration_number": "9" * 61})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada masalah" in html
    assert f'id="id_{prefix}-registration_number_error"' in html
    assert "Nomor registrasi paling panjang 60 karakter (sekarang 61)" in html
    assert not NationalEntry.objects.exists()
    assert not AuditEvent.objects.filter(action="national_entry.mark").exists()


def test_only_verified_reports_can_be_marked(client, region, cycle, coordinator, pack_data):
    report = pack_data["first"]
    type(report).objects.filter(pk=report.pk).update(state=State.RETURNED)
    client.force_login(coordinator)
    # no longer verified: not on the page, and the action refuses it
    response = client.post(mark_url(region, report), {})
    assert response.status_code == 200
    assert "Hanya laporan yang sudah terverifikasi" in response.content.decode()
    assert not NationalEntry.objects.exists()


def test_undoing_a_mark_that_does_not_exist_says_so(client, region, cycle, coordinator, pack_data):
    client.force_login(coordinator)
    response = client.post(mark_url(region, pack_data["first"], undo=True), follow=True)
    assert "belum ditandai sudah dimasukkan" in response.content.decode()
    assert not AuditEvent.objects.filter(action="national_entry.unmark").exists()


# --- the dashboard -----------------------------------------------------------------------------


def test_the_dashboard_shows_the_national_progress_and_links(
    client, region, cycle, coordinator, pack_data
):
    national.mark_entered(access_for(coordinator, region), pack_data["second"])
    client.force_login(coordinator)
    html = client.get(reverse("dashboard", args=[region.code, 2023])).content.decode()
    assert "1 dari 2 inovasi terverifikasi sudah dimasukkan" in html
    assert entries_url(region) in html
    assert reverse("outputs", args=[region.code, 2023]) in html

    client.force_login(factories.member(region, Role.LEADER))
    html = client.get(reverse("dashboard", args=[region.code, 2023])).content.decode()
    assert "1 dari 2 inovasi terverifikasi sudah dimasukkan" in html
    assert entries_url(region) not in html  # the page is the koordinator's
    assert reverse("outputs", args=[region.code, 2023]) in html


def test_the_entries_page_does_not_query_per_report(
    client, region, cycle, agency, coordinator, pack_data
):
    client.force_login(coordinator)
    national.mark_entered(access_for(coordinator, region), pack_data["first"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(entries_url(region)).status_code == 200
    for n in range(5):
        report = verified(cycle, agency, f"Tambahan {n}", {"16": 1, "17": 2})
        national.mark_entered(access_for(coordinator, region), report)
    with CaptureQueriesContext(connection) as many:
        html = client.get(entries_url(region)).content.decode()
    assert "6 dari 7 inovasi terverifikasi sudah dimasukkan" in html
    assert len(many) == len(few)
