"""Import from Excel and carry-over in bulk, through the Django test client (issue 12, item 1).

Template → upload → preview → confirm; all or nothing; idempotent re-import; the same rules,
versions and audit rows as hand edits; permissions per role. Hostile files are in
test_import_hostile.py.
"""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.innovations import actions
from sinovda.innovations.imports import apply, layout, reader, stash, template, validate
from sinovda.innovations.models import Answer, Innovation, ReviewState, State, Submission
from sinovda.regions.access import access_for
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

YEAR = 2024


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return factories.cycle(region, YEAR)


@pytest.fixture
def agency(region):
    return factories.agency(
        region, name="Dinas Kependudukan dan Pencatatan Sipil", short_name="Disdukcapil"
    )


@pytest.fixture
def other_agency(region):
    return factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")


@pytest.fixture
def operator(region, agency):
    return factories.member(region, Role.OPERATOR, agency=agency)


@pytest.fixture
def koordinator(region):
    return factories.member(region, Role.COORDINATOR)


# --- helpers ---------------------------------------------------------------------------------


def import_url(region, year=YEAR):
    return reverse("submission_import", args=[region.code, year])


def open_template(cycle, agency=None):
    book = openpyxl.load_workbook(io.BytesIO(template.build(cycle, agency)))
    return book, book[layout.DATA_SHEET]


def headers(sheet):
    return {cell.value: cell.column for cell in sheet[1] if cell.value}


def header_of(cycle, key, region_wide=False):
    edition = cycle.edition.spec()
    return next(c.header for c in layout.columns(edition, region_wide=region_wide) if c.key == key)


def put(sheet, row, cycle, key, value, region_wide=False):
    sheet.cell(row=row, column=headers(sheet)[header_of(cycle, key, region_wide)], value=value)


def saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, region, data, name="impor.xlsx", year=YEAR):
    return client.post(import_url(region, year), {"file": SimpleUploadedFile(name, data)})


def preview_of(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"], client.get(response["Location"]).content.decode()


def database_state():
    """Everything an import may touch, to prove a refused one touched nothing."""
    return {
        "innovations": list(Innovation.objects.order_by("pk").values_list("pk", "name")),
        "submissions": list(
            Submission.objects.order_by("pk").values_list(
                "pk", "version", "name", "goal", "stage", "profile_extra"
            )
        ),
        "answers": list(
            Answer.objects.order_by("pk").values_list(
                "pk", "indicator_code", "claimed_level", "review_state"
            )
        ),
        "audit": AuditEvent.objects.count(),
    }


# --- the template ----------------------------------------------------------------------------


def test_the_template_follows_the_edition_with_dropdowns_comments_and_version(
    cycle, agency, other_agency
):
    mine = factories.submission(cycle, agency=agency, name="Lope Capil", levels={"16": 2})
    factories.submission(cycle, agency=agency, name="Sudah Dikirim", state=State.SUBMITTED)
    factories.submission(cycle, agency=other_agency, name="Punya Dinkes")
    book, sheet = open_template(cycle, agency)
    edition = cycle.edition.spec()
    names = headers(sheet)
    assert "ID Sinovda" in names and "OPD (singkatan)" not in names
    assert "1.3 Tahapan Inovasi" in names and "1.9 Prioritas" in names
    level_16 = layout.level_header(edition.sid_rows[0])
    assert level_16 in names and len([h for h in names if h.startswith("Tingkat indikator")]) == 20
    comment = sheet.cell(row=1, column=names[level_16]).comment.text
    assert "Tingkat 1: SK Kepala Perangkat Daerah" in comment and "Indikator wajib" in comment
    # Coded fields pick from the hidden Kode sheet; levels from their own options.
    formulas = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    stage_column = openpyxl.utils.get_column_letter(names["1.3 Tahapan Inovasi"])
    assert formulas[f"{stage_column}2:{stage_column}5001"] == "'Kode'!$A$2:$A$4"
    level_column = openpyxl.utils.get_column_letter(names[level_16])
    assert formulas[f"{level_column}2:{level_column}5001"] == '"1,2,3"'
    assert book[layout.CODES_SHEET].sheet_state == "hidden"
    info = book[layout.INFO_SHEET]
    assert info.sheet_state == "veryHidden" and info.protection.sheet
    values = {row[0].value: row[1].value for row in info.iter_rows()}
    assert values[layout.INFO_VERSION] == layout.FORMAT_VERSION
    assert values[layout.INFO_DIGEST] == layout.edition_digest(cycle.edition)
    assert values[layout.INFO_AGENCY] == agency.pk
    # Prefilled with the OPD's editable reports only.
    assert sheet.cell(row=2, column=1).value == mine.innovation.public_id
    assert sheet.cell(row=2, column=names[level_16]).value == 2
    assert sheet.cell(row=2, column=names["1.3 Tahapan Inovasi"]).value == "Penerapan"
    assert sheet.max_row == 2


def test_the_region_template_has_an_opd_column_and_every_opd(cycle, agency, other_agency):
    factories.submission(cycle, agency=agency, name="Lope Capil")
    factories.submission(cycle, agency=other_agency, name="Punya Dinkes")
    _book, sheet = open_template(cycle)
    assert sheet.cell(row=1, column=2).value == "OPD (singkatan)"
    assert {sheet.cell(row=r, column=2).value for r in (2, 3)} == {"Disdukcapil", "Dinkes"}


def test_operator_downloads_only_their_own_opd_template(
    client, region, cycle, other_agency, operator
):
    client.force_login(operator)
    response = client.get(import_url(region), {"templat": operator.memberships.get().agency_id})
    assert response.status_code == 200
    assert response["Content-Type"] == template.CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert client.get(import_url(region), {"templat": other_agency.pk}).status_code == 200
    # ...but it is their own OPD's template whatever they ask for.
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    info = {r[0].value: r[1].value for r in book[layout.INFO_SHEET].iter_rows()}
    assert info[layout.INFO_AGENCY] == operator.memberships.get().agency_id
    assert client.get(import_url(region), {"templat": "semua"}).status_code == 403


def test_koordinator_downloads_any_opd_or_the_whole_region(
    client, region, cycle, other_agency, koordinator
):
    client.force_login(koordinator)
    assert client.get(import_url(region), {"templat": other_agency.pk}).status_code == 200
    assert client.get(import_url(region), {"templat": "semua"}).status_code == 200
    elsewhere = factories.agency(factories.region(code="16.11"))
    assert client.get(import_url(region), {"templat": elsewhere.pk}).status_code == 404


# --- upload, preview, confirm ----------------------------------------------------------------


def test_reimporting_the_downloaded_template_changes_nothing(
    client, region, cycle, agency, operator
):
    report = factories.submission(
        cycle,
        agency=agency,
        name="Lope Capil",
        levels={"16": 2, "17": 0},
        budget=Decimal("25000000"),
        other_affairs=["Kesehatan", "Sosial"],
        goal="=tetap teks, bukan rumus",
        benefit="Baris satu\r\nBaris dua",
        trial_date=datetime.date(2022, 1, 5),
    )
    report.profile_extra = {**report.profile_extra, "developed": "ya", "mission": "Misi 1"}
    report.save()
    factories.submission(cycle, agency=agency, name="Dikembalikan", state=State.RETURNED)
    client.force_login(operator)
    data = template.build(cycle, agency)
    before = database_state()
    location, html = preview_of(client, upload(client, region, data))
    assert "2 inovasi tidak berubah" in html
    assert "Berkas ini tidak mengubah apa pun." in html
    assert "Simpan semua perubahan" not in html
    client.post(location, {"terapkan": "1"})
    assert database_state() == before


def test_a_broken_row_leaves_the_database_unchanged_and_is_shown_by_row_and_column(
    client, region, cycle, agency, operator
):
    factories.submission(cycle, agency=agency, name="Lope Capil")
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "goal", "Tujuan yang baru")  # a change
    put(sheet, 3, cycle, "name", "Aku Mandiri")  # a new innovation
    put(sheet, 3, cycle, "stage", "uji coba")  # by label, any case
    put(sheet, 3, cycle, "level:16", 3)
    put(sheet, 4, cycle, "name", "Inovasi Rusak")
    put(sheet, 4, cycle, "stage", "Hampir jadi")
    put(sheet, 4, cycle, "implementation_date", "bukan tanggal")
    put(sheet, 4, cycle, "level:17", 7)
    before = database_state()
    location, html = preview_of(client, upload(client, region, saved(book)))
    assert "Ada masalah" in html and "Tidak ada yang disimpan" in html
    assert "Pilih “1.3 Tahapan Inovasi” dari daftar." in html
    assert "Tulis tanggal yang benar" in html
    assert "Pilih salah satu tingkat yang tersedia." in html
    assert "1.13 Waktu Penerapan Inovasi Daerah" in html  # the column, by its header
    assert '<td class="num" data-label="Baris">4</td>' in html
    # What would be created and changed is still shown, but cannot be saved.
    assert "Aku Mandiri" in html and "Tujuan yang baru" in html
    assert "Simpan semua perubahan" not in html
    client.post(location, {"terapkan": "1"})
    assert database_state() == before


def test_confirm_applies_everything_with_audit_rows_and_a_reimport_is_a_no_op(
    client, region, cycle, agency, operator
):
    report = factories.submission(cycle, agency=agency, name="Lope Capil", levels={"16": 1})
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "goal", "Tujuan yang baru")
    put(sheet, 2, cycle, "level:16", 2)
    put(sheet, 2, cycle, "level:18", 1)
    put(sheet, 3, cycle, "name", "Aku Mandiri")
    put(sheet, 3, cycle, "kind", "digital")  # by code
    put(sheet, 3, cycle, "developed", "Ya")
    put(sheet, 3, cycle, "implementation_date", "15-03-2023")
    put(sheet, 3, cycle, "budget", 1500000)
    put(sheet, 3, cycle, "main_affair", "kesehatan")
    put(sheet, 3, cycle, "other_affairs", "Sosial; Pendidikan")
    put(sheet, 3, cycle, "level:16", 3)
    data = saved(book)
    location, html = preview_of(client, upload(client, region, data))
    assert "1 inovasi tidak berubah" not in html
    assert "Tujuan → Tujuan yang baru" in html  # field by field: old → new
    assert "Simpan semua perubahan" in html
    response = client.post(location, {"terapkan": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("submission_list", args=[region.code, YEAR])

    report.refresh_from_db()
    assert report.goal == "Tujuan yang baru" and report.version == 4  # profile + 2 answers
    assert report.answers.get(indicator_code="16").claimed_level == 2
    new = Submission.objects.get(name="Aku Mandiri")
    assert new.innovation.agency == agency and new.state == State.DRAFT
    assert (new.kind, new.main_affair, new.other_affairs) == (
        "digital",
        "Kesehatan",
        ["Sosial", "Pendidikan"],
    )
    assert new.implementation_date == datetime.date(2023, 3, 15) and new.budget == 1500000
    assert new.profile_extra["developed"] == "ya" and new.version == 3
    actions_written = list(
        AuditEvent.objects.filter(object_type="innovations.submission")
        .order_by("id")
        .values_list("action", "object_id", "actor")
    )
    assert ("submission.edit_profile", str(report.pk), operator.pk) in actions_written
    assert ("submission.create", str(new.pk), operator.pk) in actions_written
    assert [a for a, pk, _ in actions_written if pk == str(new.pk)] == [
        "submission.create",
        "submission.edit_profile",
        "answer.claim",
    ]
    assert [a for a, pk, _ in actions_written if pk == str(report.pk)] == [
        "submission.edit_profile",
        "answer.claim",
        "answer.claim",
    ]
    assert AuditEvent.objects.filter(action="submission.import").count() == 1

    before = database_state()
    location, html = preview_of(client, upload(client, region, data))
    assert "2 inovasi tidak berubah" in html and "Berkas ini tidak mengubah apa pun." in html
    client.post(location, {"terapkan": "1"})
    assert database_state() == before


def test_the_import_writes_what_the_same_hand_edits_would(region, cycle, agency, operator):
    """The bulk writer against the actions, one by one: same rows, same versions, same audit."""
    existing = factories.submission(cycle, agency=agency, name="Lope Capil", levels={"16": 1})
    answer = existing.answers.get()
    answer.review_state, answer.verified_level = ReviewState.ACCEPTED, 1
    answer.save()
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "goal", "Tujuan baru")
    put(sheet, 2, cycle, "design_problem", "Masalahnya")
    put(sheet, 2, cycle, "level:16", 2)
    put(sheet, 2, cycle, "level:17", 3)
    put(sheet, 3, cycle, "name", "Aku Mandiri")
    put(sheet, 3, cycle, "stage", "Penerapan")
    put(sheet, 3, cycle, "priority", "Prioritas")
    put(sheet, 3, cycle, "trial_date", datetime.date(2023, 1, 2))
    put(sheet, 3, cycle, "level:20", 2)
    access = access_for(operator, region)
    plan = validate.validate(reader.read(io.BytesIO(saved(book))), access, cycle)
    assert not plan.problems

    def outcome(report_names):
        reports = Submission.objects.filter(name__in=report_names).order_by("name")
        rows = [
            (
                s.name,
                s.version,
                s.goal,
                s.stage,
                s.trial_date,
                s.profile_extra,
                sorted(
                    s.answers.values_list(
                        "indicator_code", "claimed_level", "review_state", "claimed_by"
                    )
                ),
            )
            for s in reports
        ]
        events = [
            (e.action, e.object_repr, e.before, e.after, e.actor_id)
            for e in AuditEvent.objects.order_by("id")
            if e.action != "submission.import"
        ]
        return rows, sorted(events, key=repr)

    from django.db import transaction

    with transaction.atomic():
        apply.apply_plan(access, cycle, plan)
        by_import = outcome(["Lope Capil", "Aku Mandiri"])
        transaction.set_rollback(True)

    report = Submission.objects.get(pk=existing.pk)
    report = actions.save_profile(
        access,
        report,
        expected_version=report.version,
        goal="Tujuan baru",
        design_problem="Masalahnya",
    )
    actions.save_answer(
        access, report, indicator_code="16", level=2, expected_version=report.version
    )
    actions.save_answer(
        access, report, indicator_code="17", level=3, expected_version=report.version
    )
    new = actions.create_submission(access, cycle, agency=agency, name="Aku Mandiri")
    new = actions.save_profile(
        access,
        Submission.objects.get(pk=new.pk),
        expected_version=new.version,
        stage="penerapan",
        priority="Prioritas",
        trial_date=datetime.date(2023, 1, 2),
    )
    actions.save_answer(access, new, indicator_code="20", level=2, expected_version=new.version)
    assert outcome(["Lope Capil", "Aku Mandiri"]) == by_import


def test_a_stale_preview_is_refused_and_changes_nothing(client, region, cycle, agency, operator):
    report = factories.submission(cycle, agency=agency, name="Lope Capil")
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "goal", "Dari Excel")
    put(sheet, 3, cycle, "name", "Aku Mandiri")
    location, _html = preview_of(client, upload(client, region, saved(book)))
    # Someone saves the report by hand after the preview was made.
    actions.save_profile(
        access_for(operator, region), report, expected_version=report.version, goal="Dari form"
    )
    before = database_state()
    response = client.post(location, {"terapkan": "1"}, follow=True)
    assert "sudah berubah sejak pratinjau dibuat (baris 2: Lope Capil)" in response.content.decode()
    assert database_state() == before
    # The preview is gone: it cannot be confirmed later either.
    assert client.get(location).status_code == 302


def test_a_name_taken_after_the_preview_refuses_the_whole_import(
    client, region, cycle, agency, other_agency, operator
):
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "name", "Aku Mandiri")
    put(sheet, 3, cycle, "name", "Sanjo Barokah")
    location, _html = preview_of(client, upload(client, region, saved(book)))
    factories.submission(cycle, agency=other_agency, name="Sanjo Barokah")
    before = database_state()
    html = client.post(location, {"terapkan": "1"}, follow=True).content.decode()
    assert "sudah berubah sejak pratinjau dibuat (baris 3: Sanjo Barokah)" in html
    assert database_state() == before


def test_the_preview_belongs_to_its_uploader(client, region, cycle, agency, operator, koordinator):
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "name", "Aku Mandiri")
    location, _html = preview_of(client, upload(client, region, saved(book)))
    client.force_login(koordinator)
    response = client.post(location, {"terapkan": "1"})
    assert response.status_code == 302 and response["Location"] == import_url(region)
    assert not Submission.objects.exists()


def test_a_preview_expires(client, region, cycle, agency, operator, monkeypatch):
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "name", "Aku Mandiri")
    location, _html = preview_of(client, upload(client, region, saved(book)))
    monkeypatch.setattr(stash, "TTL", datetime.timedelta(seconds=-1))
    assert "kedaluwarsa" in client.get(location, follow=True).content.decode()
    assert stash.prune() == 0  # the expired one was deleted when it was opened


def test_cancel_discards_the_preview(client, region, cycle, agency, operator):
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "name", "Aku Mandiri")
    location, _html = preview_of(client, upload(client, region, saved(book)))
    assert "Impor dibatalkan" in client.post(location, {"batal": "1"}, follow=True).content.decode()
    client.post(location, {"terapkan": "1"})
    assert not Submission.objects.exists()


# --- the rules, row by row -------------------------------------------------------------------


def problems_of(client, region, book):
    _location, html = preview_of(client, upload(client, region, saved(book)))
    return html


def test_rows_must_name_editable_reports_of_this_opd_and_cycle(
    client, region, cycle, agency, other_agency, operator
):
    sent = factories.submission(cycle, agency=agency, name="Sudah Dikirim", state=State.SUBMITTED)
    theirs = factories.submission(cycle, agency=other_agency, name="Punya Dinkes")
    old_cycle = factories.cycle(
        region,
        2023,
        opens_on=datetime.date(2023, 6, 1),
        submit_deadline=datetime.date(2023, 8, 31),
        review_deadline=datetime.date(2023, 10, 31),
    )
    last_year = factories.submission(old_cycle, agency=agency, name="Tahun Lalu")
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    rows = [
        (sent.innovation.public_id, "Sudah Dikirim"),
        (theirs.innovation.public_id, "Punya Dinkes"),
        (last_year.innovation.public_id, "Tahun Lalu"),
        ("karangan123", "Karangan"),
        ("", "Punya Dinkes"),  # a name another OPD already reported
        ("", "Kembar"),
        ("", "kembar "),  # the same name twice in the file
        ("", "Sudah dikirim"),  # matched by name, but already sent
    ]
    for number, (public_id, name) in enumerate(rows, start=2):
        put(sheet, number, cycle, "id", public_id)
        put(sheet, number, cycle, "name", name)
    html = problems_of(client, region, book)
    assert "berstatus dikirim dan tidak dapat diubah lewat impor" in html
    assert "milik OPD lain (Dinkes)" in html
    assert "belum punya laporan di siklus 2024. Bawa laporannya dari tahun lalu dulu" in html
    assert "ID “karangan123” tidak dikenal di Pemda ini" in html
    assert "sudah dilaporkan di siklus ini" in html
    assert "juga dipakai di baris 7" in html
    assert html.count("Simpan semua perubahan") == 0


def test_an_operator_imports_only_for_their_own_opd(
    client, region, cycle, agency, other_agency, operator, koordinator
):
    client.force_login(koordinator)
    theirs = client.get(import_url(region), {"templat": other_agency.pk}).content
    whole = client.get(import_url(region), {"templat": "semua"}).content
    client.force_login(operator)
    response = upload(client, region, theirs)
    assert response.status_code == 200
    assert "Templat ini untuk OPD Dinkes" in response.content.decode()
    book = openpyxl.load_workbook(io.BytesIO(whole))
    sheet = book[layout.DATA_SHEET]
    put(sheet, 2, cycle, "agency", "Dinkes", region_wide=True)
    put(sheet, 2, cycle, "name", "Bukan Punyaku", region_wide=True)
    put(sheet, 3, cycle, "agency", "Disdukcapil", region_wide=True)
    put(sheet, 3, cycle, "name", "Punyaku", region_wide=True)
    put(sheet, 4, cycle, "agency", "Tidak Ada", region_wide=True)
    put(sheet, 4, cycle, "name", "Entah", region_wide=True)
    html = problems_of(client, region, book)
    assert "Anda hanya dapat mengimpor inovasi OPD Anda sendiri (Disdukcapil)." in html
    assert "OPD “Tidak Ada” tidak ada di Pemda ini." in html
    assert not Submission.objects.exists()


def test_the_koordinator_imports_for_several_opds_at_once(
    client, region, cycle, agency, other_agency, koordinator
):
    client.force_login(koordinator)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(import_url(region), {"templat": "semua"}).content)
    )
    sheet = book[layout.DATA_SHEET]
    for number, (short, name) in enumerate(
        [("Dinkes", "Posyandu Digital"), ("disdukcapil", "Lope Capil")], start=2
    ):
        put(sheet, number, cycle, "agency", short, region_wide=True)
        put(sheet, number, cycle, "name", name, region_wide=True)
    location, _html = preview_of(client, upload(client, region, saved(book)))
    assert client.post(location, {"terapkan": "1"}).status_code == 302
    owners = dict(Submission.objects.values_list("name", "innovation__agency__short_name"))
    assert owners == {"Posyandu Digital": "Dinkes", "Lope Capil": "Disdukcapil"}


def test_the_forms_cross_field_rule_applies(client, region, cycle, agency, operator):
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "name", "Aku Mandiri")
    put(sheet, 2, cycle, "trial_date", datetime.date(2023, 5, 1))
    put(sheet, 2, cycle, "implementation_date", datetime.date(2023, 1, 1))
    html = problems_of(client, region, book)
    assert "Tanggal penerapan tidak boleh sebelum tanggal uji coba." in html


def test_sending_rules_do_not_apply_to_drafts(client, region, cycle, agency, operator):
    """Only the name is needed: required fields, minimum words and mandatory indicators are
    checked when the report is sent, as for a draft typed by hand."""
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "name", "Hanya Nama")
    put(sheet, 2, cycle, "design_problem", "Singkat")
    location, html = preview_of(client, upload(client, region, saved(book)))
    assert "Ada masalah" not in html
    assert client.post(location, {"terapkan": "1"}).status_code == 302
    assert Submission.objects.get().name == "Hanya Nama"


def test_a_missing_name_is_a_problem(client, region, cycle, agency, operator):
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "goal", "Tujuan tanpa nama")
    assert "Nama inovasi tidak boleh kosong." in problems_of(client, region, book)


# --- windows and permissions -----------------------------------------------------------------


def closed_cycle(region, **dates):
    today = datetime.date.today()
    return factories.cycle(
        region,
        YEAR,
        opens_on=dates.get("opens_on", today - datetime.timedelta(days=60)),
        submit_deadline=dates.get("submit_deadline", today - datetime.timedelta(days=30)),
        review_deadline=dates.get("review_deadline", today - datetime.timedelta(days=5)),
    )


@pytest.mark.parametrize(
    "review_deadline_days",
    [-5, 10],  # closed, and the review phase: no new drafts either way
    ids=["closed", "review-phase"],
)
def test_import_only_in_the_reporting_window(
    client, region, agency, operator, review_deadline_days
):
    today = datetime.date.today()
    cycle = closed_cycle(region, review_deadline=today + datetime.timedelta(review_deadline_days))
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "name", "Terlambat")
    response = upload(client, region, saved(book))
    assert response.status_code == 200
    assert "Masa penjaringan sudah berakhir" in response.content.decode() or (
        "sudah ditutup" in response.content.decode()
    )
    assert not Submission.objects.exists()


def test_a_window_closing_between_preview_and_confirm_refuses(
    client, region, cycle, agency, operator
):
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "name", "Aku Mandiri")
    location, _html = preview_of(client, upload(client, region, saved(book)))
    today = datetime.date.today()
    cycle.opens_on = today - datetime.timedelta(days=30)
    cycle.submit_deadline = today - datetime.timedelta(days=1)
    cycle.save()
    html = client.post(location, {"terapkan": "1"}).content.decode()
    assert "Masa penjaringan sudah berakhir" in html
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    "role,status",
    [
        (Role.OPERATOR, 200),
        (Role.COORDINATOR, 200),
        (Role.VERIFIER, 403),
        (Role.LEADER, 403),
        (Role.PROVINCE_COORDINATOR, 403),
        (Role.PROVINCE_VIEWER, 403),
        ("outsider", 404),
    ],
)
def test_permissions_per_role(client, region, cycle, role, status):
    if role == "outsider":
        person = factories.member(factories.region(code="16.11"), Role.COORDINATOR)
    elif role in (Role.PROVINCE_COORDINATOR, Role.PROVINCE_VIEWER):
        person = factories.member(region.province, role)
    else:
        person = factories.member(region, role)
    client.force_login(person)
    token = "a" * 32
    pages = [
        import_url(region),
        reverse("submission_import_preview", args=[region.code, YEAR, token]),
        reverse("carry_over_all", args=[region.code, YEAR]),
    ]
    for page in pages:
        got = client.get(page).status_code
        expected = 302 if status == 200 and "pratinjau" in page else status  # no such preview
        assert got == expected, page
        if status != 200:
            assert client.post(page).status_code == status, page


def test_the_submission_list_links_to_import_and_bulk_carry_over(client, region, cycle, operator):
    client.force_login(operator)
    html = client.get(reverse("submission_list", args=[region.code, YEAR])).content.decode()
    assert import_url(region) in html
    assert reverse("carry_over_all", args=[region.code, YEAR]) in html


# --- carry-over in bulk ----------------------------------------------------------------------


@pytest.fixture
def last_year(region):
    return factories.cycle(
        region,
        2023,
        opens_on=datetime.date(2023, 6, 1),
        submit_deadline=datetime.date(2023, 8, 31),
        review_deadline=datetime.date(2023, 10, 31),
    )


def carry_url(region, agency=None):
    url = reverse("carry_over_all", args=[region.code, YEAR])
    return f"{url}?opd={agency.pk}" if agency else url


def test_bulk_carry_over_brings_every_sent_report_with_its_diff(
    client, region, cycle, last_year, agency, other_agency, operator
):
    sent = factories.submission(
        last_year, agency=agency, name="Aku Mandiri", state=State.VERIFIED, levels={"16": 2}
    )
    returned = factories.submission(last_year, agency=agency, name="Lope", state=State.RETURNED)
    factories.submission(last_year, agency=agency, name="Draf Lama", state=State.DRAFT)
    factories.submission(last_year, agency=other_agency, name="Punya Dinkes", state=State.VERIFIED)
    client.force_login(operator)
    html = client.get(carry_url(region)).content.decode()
    assert "Aku Mandiri" in html and "Lope" in html
    assert "Draf Lama" not in html and "Punya Dinkes" not in html
    assert (
        client.post(carry_url(region), {"chosen": [sent.innovation.public_id]}).status_code == 200
    )
    assert not Submission.objects.filter(cycle=cycle).exists()  # the note is required
    response = client.post(
        carry_url(region),
        {
            "chosen": [sent.innovation.public_id, returned.innovation.public_id],
            "note": "Sudah berkembang.",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "2 laporan tahun lalu dibawa sebagai draf" in html
    copies = Submission.objects.filter(cycle=cycle)
    assert {c.name for c in copies} == {"Aku Mandiri", "Lope"}
    for copy in copies:
        assert copy.carry_over_note == "Sudah berkembang." and copy.state == State.DRAFT
        assert (
            reverse("submission_diff", args=[region.code, YEAR, copy.innovation.public_id]) in html
        )
    assert AuditEvent.objects.filter(action="submission.carry_over").count() == 2
    assert "Tidak ada laporan tahun lalu yang belum dibawa." in html


def test_bulk_carry_over_is_all_or_nothing(
    client, region, cycle, last_year, agency, other_agency, operator
):
    first = factories.submission(last_year, agency=agency, name="Aku Mandiri", state=State.VERIFIED)
    clash = factories.submission(last_year, agency=agency, name="Sanjo", state=State.VERIFIED)
    factories.submission(cycle, agency=other_agency, name="Sanjo")  # the name is taken this year
    client.force_login(operator)
    before = database_state()
    html = client.post(
        carry_url(region),
        {
            "chosen": [first.innovation.public_id, clash.innovation.public_id],
            "note": "Berkembang.",
        },
    ).content.decode()
    assert "Tidak ada laporan yang dibawa. “Sanjo”:" in html
    assert database_state() == before


def test_bulk_carry_over_takes_only_reports_from_the_list(
    client, region, cycle, last_year, agency, other_agency, operator, koordinator
):
    theirs = factories.submission(
        last_year, agency=other_agency, name="Dinkes", state=State.VERIFIED
    )
    factories.submission(last_year, agency=agency, name="Punyaku", state=State.VERIFIED)
    client.force_login(operator)
    html = client.post(
        carry_url(region, other_agency),  # an operator's page is their own OPD whatever is asked
        {"chosen": [theirs.innovation.public_id], "note": "x"},
    ).content.decode()
    assert "Pilih laporan dari daftar." in html
    assert not Submission.objects.filter(cycle=cycle).exists()
    client.force_login(koordinator)
    response = client.post(
        carry_url(region, other_agency), {"chosen": [theirs.innovation.public_id], "note": "x"}
    )
    assert response.status_code == 302
    assert Submission.objects.get(cycle=cycle).previous == theirs


def test_bulk_carry_over_only_in_the_window(client, region, last_year, agency, operator):
    closed_cycle(region)
    source = factories.submission(
        last_year, agency=agency, name="Aku Mandiri", state=State.VERIFIED
    )
    client.force_login(operator)
    html = client.post(
        carry_url(region), {"chosen": [source.innovation.public_id], "note": "x"}
    ).content.decode()
    assert "sudah ditutup" in html
    assert Submission.objects.count() == 1


def test_checking_a_file_takes_the_same_queries_for_10_or_60_rows(region, cycle, agency, operator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(60):
        factories.submission(cycle, agency=agency, name=f"Ada {n}", levels={"16": 1})
    access = access_for(operator, region)

    def queries(rows):
        book, sheet = open_template(cycle, agency)
        for number in range(2, rows + 2):
            put(sheet, number, cycle, "goal", f"Tujuan {number}")
        data = saved(book)
        with CaptureQueriesContext(connection) as captured:
            plan = validate.validate(reader.read(io.BytesIO(data)), access, cycle)
        assert plan.changed == rows and not plan.problems
        return len(captured)

    assert queries(10) == queries(60)


def test_the_upload_checks_the_csrf_token(region, cycle, agency, operator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 2, cycle, "name", "Aku Mandiri")
    response = upload(client, region, saved(book))
    assert response.status_code == 403
    assert not Submission.objects.exists()


def test_the_bulk_insert_writes_what_bulk_create_writes(region, cycle, agency):
    """apply.insert_objects replaces bulk_create for new reports: every column the same."""
    from django.db.models import DateTimeField

    model = factories.submission(
        cycle,
        agency=agency,
        other_affairs=["Kesehatan"],
        budget=Decimal("1500000"),
        trial_date=datetime.date(2023, 1, 2),
        submitted_at=datetime.datetime(2024, 2, 3, 4, 5, tzinfo=datetime.UTC),
    )
    columns = [
        f.attname
        for f in Submission._meta.concrete_fields
        if not f.primary_key and f.attname != "innovation_id"
    ]

    def copy(name):
        innovation = Innovation(region=region, agency=agency, name=name)
        report = Submission(innovation=None, cycle=cycle)
        for column in columns:
            setattr(report, column, getattr(model, column))
        report.name = name
        return innovation, report

    written = {}
    for way in ("bulk_create", "insert_objects"):
        innovation, report = copy(way)
        if way == "bulk_create":
            Innovation.objects.bulk_create([innovation])
            report.innovation = innovation
            Submission.objects.bulk_create([report])
        else:
            apply.insert_objects(Innovation, [innovation])
            report.innovation = innovation
            apply.insert_objects(Submission, [report])
        assert report.pk and innovation.pk and not report._state.adding
        stored = Submission.objects.get(pk=report.pk)
        assert stored.innovation.public_id == innovation.public_id
        written[way] = {
            c: getattr(stored, c)
            for c in columns
            if c != "name" and not isinstance(Submission._meta.get_field(c), DateTimeField)
        } | {"submitted_at": stored.submitted_at}
    assert written["bulk_create"] == written["insert_objects"]
    assert written["insert_objects"]["budget"] == Decimal("1500000")
    assert written["insert_objects"]["other_affairs"] == ["Kesehatan"]


def test_storage_down_at_upload_keeps_the_form_with_a_message_and_nothing_saved(
    client, region, cycle, agency, operator, monkeypatch
):
    from sinovda.innovations.imports import stash
    from sinovda.lib.storage import StorageUnavailable

    def unreachable(*args, **kwargs):
        raise StorageUnavailable("object storage unreachable (EndpointConnectionError)")

    monkeypatch.setattr(stash, "save", unreachable)
    client.force_login(operator)
    book, sheet = open_template(cycle, agency)
    put(sheet, 3, cycle, "name", "Aku Mandiri")
    before = database_state()
    response = upload(client, region, saved(book))
    assert response.status_code == 200
    assert "Penyimpanan berkas sedang tidak dapat dihubungi" in response.content.decode()
    assert database_state() == before
