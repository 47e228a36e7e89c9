"""Profile fields per edition: the 2024 form and its checks, 2023 unchanged, remarks, exports'
rows, carry-over and the diff across editions, and editions keeping their fields."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.editions.models import Edition
from sinovda.evidence.models import Document
from sinovda.innovations import actions, rules
from sinovda.innovations.models import FieldComment, Innovation, State, Submission
from sinovda.innovations.profile import profile_rows
from sinovda.methodology.spec import PROFILE_COLUMNS
from sinovda.regions.access import access_for
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

DESIGN_PARTS = [
    "design_legal_basis",
    "design_problem",
    "design_strategic_issues",
    "design_method",
    "design_novelty",
    "design_steps",
]


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def agency(region):
    return factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")


@pytest.fixture
def operator(region, agency):
    return factories.member(region, Role.OPERATOR, agency=agency)


@pytest.fixture
def cycle_2024(region):
    return factories.cycle(region, 2024)


def url(name, s, *extra):
    return reverse(
        name, args=[s.cycle.region.code, s.cycle.edition.year, s.innovation.public_id, *extra]
    )


def document(region, agency, name="anggaran.pdf", kind="pdf"):
    doc = Document(
        region=region,
        agency=agency,
        sha256=name.ljust(64, "0"),
        size=9,
        kind=kind,
        original_name=name,
        subject=f"Dokumen {name}",
    )
    doc.file.save(name, ContentFile(b"%PDF-1.4\n"), save=False)
    doc.save()
    return doc


def report(cycle, innovation, state=State.DRAFT, **profile):
    """Another year's report of the same innovation."""
    values = {**factories.complete_profile(cycle), **profile}
    return Submission.objects.create(
        innovation=innovation, cycle=cycle, name=innovation.name, state=state, **values
    )


def send(client, submission):
    response = client.post(url("submission_submit", submission), follow=True)
    submission.refresh_from_db()
    return response.content.decode()


def words(n):
    return " ".join(["kata"] * n)


def form_2024(submission, **changes):
    data = {
        "version": submission.version,
        "name": submission.name,
        "stage": "penerapan",
        "initiator_kind": "opd",
        "initiator_name": "Kepala Dinas",
        "kind": "digital",
        "form": "pelayanan_publik",
        "theme": "Digitalisasi Layanan Pemerintahan",
        "priority": "Prioritas",
        "mission": "Misi 2: pelayanan publik yang prima.",
        "main_affair": "Kesehatan",
        "implementation_date": "2023-02-01",
        "developed": "tidak",
        **{code: words(60) for code in DESIGN_PARTS},
        "goal": "Jangka pendek.",
        "goal_medium": "Jangka menengah.",
        "goal_long": "Jangka panjang.",
        "benefit": "Manfaat.",
        "result_before": "Antre tiga hari.",
        "result": "Selesai dalam satu jam.",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- the 2024 form ------------------------------------------------------------------------------


def test_the_2024_form_asks_for_the_editions_fields(client, region, agency, operator, cycle_2024):
    pdf = document(region, agency, "anggaran.pdf")
    photo = document(region, agency, "foto.jpg", kind="jpg")
    other_opd = document(region, factories.agency(region), "rahasia.pdf")
    submission = factories.submission(cycle_2024, agency=agency)
    client.force_login(operator)
    html = client.get(url("profile_edit", submission)).content.decode()
    names = set(re.findall(r'name="([a-z_]+)"', html))
    assert set(DESIGN_PARTS) <= names
    assert {"goal", "goal_medium", "goal_long", "result_before", "result"} <= names
    assert {"priority", "mission", "developed", "budget_document", "business_profile"} <= names
    assert "design" not in names  # no one-text rancang bangun in 2024
    for label in (
        "1.15.1 Dasar Hukum",
        "1.15.6 Spesifikasi/Tahapan Inovasi",
        "1.16.2 Tujuan Jangka Menengah",
        "1.19.1 Hasil Sebelum Implementasi",
        "1.9 Prioritas",
        "1.10 Misi Beririsan",
        "1.14 Apakah sudah ada perkembangan inovasi tersebut?",
        "Tidak Prioritas",
    ):
        assert label in html
    assert "paling sedikit 300 kata untuk semua bagian bersama-sama" in html
    pickers = re.findall(r'name="(budget_document|business_profile)" value="(\d+)"', html)
    assert ("budget_document", str(pdf.pk)) in pickers
    assert ("business_profile", str(pdf.pk)) in pickers
    offered = {int(pk) for _name, pk in pickers}
    assert photo.pk not in offered  # PDF only
    assert other_opd.pk not in offered  # documents this operator may not open


def test_saving_the_2024_form_stores_columns_and_edition_fields(
    client, region, agency, operator, cycle_2024
):
    pdf = document(region, agency, "anggaran.pdf")
    submission = factories.submission(cycle_2024, agency=agency)
    client.force_login(operator)
    response = client.post(
        url("profile_edit", submission),
        form_2024(submission, budget_document=str(pdf.pk), developed="ya",
                  development_date="2023-09-01"),
    )  # fmt: skip
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.goal == "Jangka pendek." and submission.result == "Selesai dalam satu jam."
    extra = submission.profile_extra
    assert extra["goal_medium"] == "Jangka menengah."
    assert extra["result_before"] == "Antre tiga hari."
    assert extra["priority"] == "Prioritas" and extra["developed"] == "ya"
    assert extra["design_method"] == words(60)
    assert extra["budget_document"] == [pdf.pk]
    assert "business_profile" not in extra  # nothing picked: no key
    assert submission.development_date == datetime.date(2023, 9, 1)
    event = AuditEvent.objects.filter(action="submission.edit_profile").latest("id")
    assert event.after["budget_document"] == [pdf.pk]
    assert event.after["goal_medium"] == "Jangka menengah."
    # The form shows what was saved.
    html = client.get(url("profile_edit", submission)).content.decode()
    assert "Jangka menengah." in html
    assert re.search(rf'name="budget_document" value="{pdf.pk}"[^>]*checked', html)
    # Clearing a field removes it.
    client.post(url("profile_edit", submission), form_2024(submission, goal_medium=""))
    submission.refresh_from_db()
    assert "goal_medium" not in submission.profile_extra
    assert "budget_document" not in submission.profile_extra


def test_a_document_of_another_region_cannot_be_attached(region, agency, operator, cycle_2024):
    foreign = document(factories.region(), None, "lain.pdf")
    submission = factories.submission(cycle_2024, agency=agency)
    with pytest.raises(PermissionDenied):
        actions.save_profile(
            access_for(operator, region),
            submission,
            expected_version=submission.version,
            budget_document=[foreign],
        )
    submission.refresh_from_db()
    assert "budget_document" not in submission.profile_extra


def test_a_stale_2024_profile_is_refused_and_keeps_nothing(client, agency, operator, cycle_2024):
    submission = factories.submission(cycle_2024, agency=agency)
    client.force_login(operator)
    stale = submission.version
    client.post(url("profile_edit", submission), form_2024(submission, mission="Pertama."))
    response = client.post(
        url("profile_edit", submission),
        {**form_2024(submission, mission="Kedua."), "version": stale},
    )
    assert "sudah diubah orang lain" in response.content.decode()
    submission.refresh_from_db()
    assert submission.profile_extra["mission"] == "Pertama."


# --- sending a 2024 report ------------------------------------------------------------------


def test_sending_names_the_missing_and_short_fields(client, agency, operator, cycle_2024):
    extra = factories.complete_profile(cycle_2024)["profile_extra"]
    extra = {**extra, **{code: words(10) for code in DESIGN_PARTS}}
    del extra["mission"], extra["goal_long"]
    submission = factories.submission(
        cycle_2024,
        agency=agency,
        levels=factories.mandatory_levels(cycle_2024),
        profile_extra=extra,
        result="",
    )
    client.force_login(operator)
    html = send(client, submission)
    assert submission.state == State.DRAFT
    assert "Laporan belum lengkap" in html
    assert "Bagian “1.10 Misi Beririsan” wajib diisi." in html
    assert "Bagian “1.16.3 Tujuan Jangka Panjang” wajib diisi." in html
    assert "Bagian “1.19.2 Hasil Sesudah Implementasi” wajib diisi." in html
    assert "Rancang bangun (1.15.1 Dasar Hukum, 1.15.2 Permasalahan" in html
    assert "baru 60 kata; pedoman 2024 meminta paling sedikit 300 kata untuk semua bagian" in html


def test_300_words_across_the_parts_are_enough(client, agency, operator, cycle_2024):
    extra = factories.complete_profile(cycle_2024)["profile_extra"]
    extra = {**extra, **{code: words(50) for code in DESIGN_PARTS}}
    submission = factories.submission(
        cycle_2024,
        agency=agency,
        levels=factories.mandatory_levels(cycle_2024),
        profile_extra=extra,
    )
    assert rules.design_words(submission, cycle_2024.edition.spec()) == 300
    client.force_login(operator)
    send(client, submission)
    assert submission.state == State.SUBMITTED


def test_sending_checks_the_eligibility_window(client, agency, operator, cycle_2024):
    submission = factories.submission(
        cycle_2024,
        agency=agency,
        levels=factories.mandatory_levels(cycle_2024),
        implementation_date=datetime.date(2019, 5, 1),
    )
    client.force_login(operator)
    html = send(client, submission)
    assert submission.state == State.DRAFT
    assert (
        "Pedoman 2024 hanya menerima inovasi yang diterapkan atau dikembangkan antara "
        "01-01-2022 dan 31-12-2023" in html
    )
    # A development inside the window makes an older innovation eligible.
    Submission.objects.filter(pk=submission.pk).update(
        development_date=datetime.date(2023, 3, 1),
        profile_extra={**submission.profile_extra, "developed": "ya"},
    )
    send(client, submission)
    assert submission.state == State.SUBMITTED


def test_perkembangan_ya_needs_a_development_date(client, agency, operator, cycle_2024):
    extra = {**factories.complete_profile(cycle_2024)["profile_extra"], "developed": "ya"}
    submission = factories.submission(
        cycle_2024,
        agency=agency,
        levels=factories.mandatory_levels(cycle_2024),
        profile_extra=extra,
    )
    client.force_login(operator)
    html = send(client, submission)
    assert submission.state == State.DRAFT
    assert (
        "Isi “Waktu Pengembangan Terbaru”: laporan ini menjawab “Ya” pada “1.14 Apakah sudah ada "
        "perkembangan inovasi tersebut?”." in html
    )


@pytest.fixture
def carried(region, agency):
    """An innovation reported in 2023, carried into 2024 as a draft."""
    old_cycle = factories.cycle(region, 2023)
    previous = factories.submission(
        old_cycle,
        agency=agency,
        name="Aku Mandiri",
        state=State.VERIFIED,
        levels={"16": 2},
        implementation_date=datetime.date(2022, 3, 1),
        design="Rancang bangun 2023 dalam satu teks. " + words(300),
        goal="Tujuan 2023.",
        result="Hasil 2023.",
    )
    new_cycle = factories.cycle(region, 2024)
    koordinator = factories.member(region, Role.COORDINATOR)
    copy = actions.carry_over(
        access_for(koordinator, region), previous, new_cycle, note="Kini melayani akta kematian."
    )
    Submission.objects.filter(pk=copy.pk).update(
        profile_extra=factories.complete_profile(new_cycle)["profile_extra"]
    )
    for code, level in factories.mandatory_levels(new_cycle).items():
        copy.answers.update_or_create(indicator_code=code, defaults={"claimed_level": level})
    copy.refresh_from_db()
    return copy


def test_an_innovation_entered_again_must_have_developed(client, operator, carried):
    client.force_login(operator)
    html = send(client, carried)
    assert carried.state == State.DRAFT
    assert "Inovasi ini sudah diikutkan pada 2023." in html
    assert "jawab “Ya” pada “1.14 Apakah sudah ada perkembangan inovasi tersebut?”" in html
    # "Ya" and a development no later than the last report's dates is not a development.
    Submission.objects.filter(pk=carried.pk).update(
        profile_extra={**carried.profile_extra, "developed": "ya"},
        development_date=datetime.date(2022, 3, 1),
    )
    html = send(client, carried)
    assert carried.state == State.DRAFT
    assert "Isi tanggal pengembangan terbaru sesudah 01-03-2022" in html
    Submission.objects.filter(pk=carried.pk).update(development_date=datetime.date(2023, 6, 1))
    send(client, carried)
    assert carried.state == State.SUBMITTED


def test_an_innovation_is_entered_at_most_twice(client, region, agency, operator):
    innovation = Innovation.objects.create(region=region, agency=agency, name="Sanjo Barokah")
    for year in (2023, 2024):
        report(factories.cycle(region, year), innovation, state=State.VERIFIED)
    cycle_2025 = factories.cycle(region, 2025)
    third = report(
        cycle_2025,
        innovation,
        development_date=datetime.date(2024, 8, 1),
        profile_extra={
            **factories.complete_profile(cycle_2025)["profile_extra"],
            "developed": "ya",
        },
    )
    for code, level in factories.mandatory_levels(cycle_2025).items():
        third.answers.create(indicator_code=code, claimed_level=level)
    client.force_login(operator)
    html = send(client, third)
    assert third.state == State.DRAFT
    assert (
        "Pedoman 2025 membatasi satu inovasi diikutkan paling banyak 2 kali. Inovasi ini sudah "
        "diikutkan pada 2023, 2024." in html
    )


def test_the_report_page_lists_the_conditions_before_sending(client, operator, carried):
    client.force_login(operator)
    html = client.get(url("submission_detail", carried)).content.decode()
    checks = html[html.index("Sebelum dikirim: syarat keikutsertaan") :]
    assert "Diterapkan atau dikembangkan antara 01-01-2022 dan 31-12-2023" in checks
    assert "Rancang bangun paling sedikit 300 kata" in checks
    assert "Diikutkan paling banyak 2 kali (laporan ini keikutsertaan ke-2)" in checks
    assert "Diikutkan lagi: inovasi sudah berkembang sejak laporan 2023" in checks
    assert "belum memenuhi" in checks and "memenuhi" in checks
    # The profile section follows the edition: numbers, labels, values.
    profile = html[html.index("<h2>Profil</h2>") :]
    assert "1.16.2 Tujuan Jangka Menengah" in profile
    assert "1.16.1 Tujuan Jangka Pendek" in profile and "Tujuan 2023." in profile


# --- 2023 unchanged ---------------------------------------------------------------------------


def test_2023_reports_keep_their_single_texts(client, region, agency, operator):
    cycle = factories.cycle(region, 2023)
    submission = factories.submission(
        cycle, agency=agency, levels=factories.mandatory_levels(cycle)
    )
    assert "profile_extra" not in factories.complete_profile(cycle)
    client.force_login(operator)
    html = client.get(url("profile_edit", submission)).content.decode()
    names = set(re.findall(r'name="([a-z_]+)"', html))
    assert {"design", "goal", "result", "budget", "video_url"} <= names
    assert not names & {*DESIGN_PARTS, "goal_medium", "result_before", "priority", "developed"}
    assert "1.15 Rancang Bangun" in html and "1.16 Tujuan Inovasi" in html
    response = client.post(
        url("profile_edit", submission),
        {
            "version": submission.version,
            "name": submission.name,
            "stage": "penerapan",
            "initiator_kind": "opd",
            "initiator_name": "Kepala Dinas",
            "kind": "non_digital",
            "form": "pelayanan_publik",
            "main_affair": "Kesehatan",
            "implementation_date": "2022-03-01",
            "design": "Satu teks rancang bangun.",
            "goal": "Satu tujuan.",
            "benefit": "Manfaat.",
            "result": "Satu hasil.",
            "budget": "25000000",
        },
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.design, submission.goal, submission.result) == (
        "Satu teks rancang bangun.",
        "Satu tujuan.",
        "Satu hasil.",
    )
    assert submission.profile_extra == {}
    send(client, submission)
    assert submission.state == State.SUBMITTED


def test_profile_rows_of_a_2023_report(region, agency):
    cycle = factories.cycle(region, 2023)
    submission = factories.submission(
        cycle, agency=agency, other_affairs=["Sosial"], budget=1500000, kind="non_digital"
    )
    rows = profile_rows(submission)
    assert [(r.number, r.label) for r in rows][:9] == [
        ("1.1", "Nama Inovasi"),
        ("1.2", "Dibuat Oleh"),
        ("1.3", "Tahapan Inovasi"),
        ("1.4", "Inisiator Inovasi Daerah"),
        ("1.5", "Nama Inisiator"),
        ("1.6", "Jenis Inovasi"),
        ("1.7", "Bentuk Inovasi Daerah"),
        ("1.8", "Tematik"),
        ("1.11", "Urusan Pemerintahan"),
    ]
    by_code = {r.code: r for r in rows}
    assert [r.code for r in rows][9:] == [
        "trial_date",
        "implementation_date",
        "development_date",
        "design",
        "goal",
        "benefit",
        "result",
        "budget_document",
        "business_profile",
        "budget",
        "video_url",
    ]
    assert by_code["agency"].value == "Dinas Kesehatan"
    assert by_code["kind"].value == "Non Digital"  # the national label
    assert by_code["affairs"].value == "Kesehatan (beririsan: Sosial)"
    assert (by_code["design"].number, by_code["design"].label) == ("1.15", "Rancang Bangun")
    assert by_code["budget"].number == "-" and by_code["budget"].kind == "number"
    assert by_code["budget"].value in ("1.500.000", "1,500,000")
    assert by_code["implementation_date"].kind == "date"
    assert by_code["budget_document"].kind == "documents"
    assert by_code["budget_document"].documents == []


def test_profile_rows_of_a_2024_report_with_documents(region, agency, cycle_2024):
    first, second = document(region, agency, "apbd.pdf"), document(region, agency, "dpa.pdf")
    extra = {
        **factories.complete_profile(cycle_2024)["profile_extra"],
        "budget_document": [second.pk, first.pk],
        "developed": "ya",
    }
    submission = factories.submission(cycle_2024, agency=agency, profile_extra=extra)
    rows = profile_rows(submission)
    numbers = [r.number for r in rows]
    assert numbers[:11] == [
        "1.1",
        "1.2",
        "1.3",
        "1.4",
        "1.5",
        "1.6",
        "1.7",
        "1.8",
        "1.9",
        "1.10",
        "1.11",
    ]
    design = numbers.index("1.15.1")
    assert numbers[design : design + 12] == [
        "1.15.1",
        "1.15.2",
        "1.15.3",
        "1.15.4",
        "1.15.5",
        "1.15.6",
        "1.16.1",
        "1.16.2",
        "1.16.3",
        "1.17",
        "1.19.1",
        "1.19.2",
    ]
    by_code = {r.code: r for r in rows}
    assert by_code["priority"].value == "Prioritas" and by_code["priority"].kind == "choice"
    assert by_code["developed"].value == "Ya"
    assert by_code["goal"].label == "Tujuan Jangka Pendek"
    assert by_code["design_novelty"].label == "Keunggulan/Kebaharuan"
    assert by_code["budget_document"].documents == [second, first]
    assert by_code["budget_document"].value == "Dokumen dpa.pdf; Dokumen apbd.pdf"
    assert by_code["business_profile"].documents == []


# --- review remarks ---------------------------------------------------------------------------


def test_a_verifier_remarks_on_an_edition_field(client, region, agency, operator, cycle_2024):
    submission = factories.submission(cycle_2024, agency=agency, state=State.SUBMITTED)
    verifier = factories.member(region, Role.VERIFIER)
    client.force_login(verifier)
    html = client.get(url("review_submission", submission)).content.decode()
    assert '<option value="design_method">1.15.4 Metode Pembaharuan</option>' in html
    assert "1.19.1 Hasil Sebelum Implementasi" in html  # the profile list
    response = client.post(
        url("comment_field", submission),
        {"field": "design_method", "note": "Jelaskan metode yang baru."},
    )
    assert response.status_code == 302
    comment = FieldComment.objects.get()
    assert (comment.field, comment.note) == ("design_method", "Jelaskan metode yang baru.")
    html = client.get(url("review_submission", submission)).content.decode()
    assert "<strong>1.15.4 Metode Pembaharuan</strong>: Jelaskan metode yang baru." in html
    # A field this edition does not have is refused.
    client.post(url("comment_field", submission), {"field": "design", "note": "Satu teks?"})
    assert FieldComment.objects.count() == 1
    client.force_login(operator)
    html = client.get(url("submission_detail", submission)).content.decode()
    assert "<strong>1.15.4 Metode Pembaharuan</strong>" in html


# --- carry-over and the diff across editions ------------------------------------------------


def test_carry_over_into_2024_maps_the_columns_and_keeps_the_old_design_to_split(
    client, operator, carried
):
    assert carried.goal == "Tujuan 2023." and carried.result == "Hasil 2023."
    assert carried.design.startswith("Rancang bangun 2023")
    client.force_login(operator)
    html = client.get(url("profile_edit", carried)).content.decode()
    assert "Rancang bangun laporan sebelumnya (hanya dibaca)" in html
    assert re.search(r'<textarea name="legacy_design"[^>]*disabled', html)
    assert html.index('name="legacy_design"') < html.index('name="design_legal_basis"')
    # Posting the form (even with a forged old text) leaves the old text alone.
    client.post(url("profile_edit", carried), form_2024(carried, legacy_design="Dipalsukan"))
    carried.refresh_from_db()
    assert carried.design.startswith("Rancang bangun 2023")
    assert carried.profile_extra["design_legal_basis"] == words(60)
    assert "Rancang Bangun" not in [r.label for r in profile_rows(carried)]  # not exported


def test_carry_over_asks_the_development_question_again(region, agency, operator):
    cycle_2024 = factories.cycle(region, 2024)
    pdf = document(region, agency, "anggaran.pdf")
    previous = factories.submission(
        cycle_2024,
        agency=agency,
        state=State.VERIFIED,
        profile_extra={
            **factories.complete_profile(cycle_2024)["profile_extra"],
            "developed": "ya",
            "budget_document": [pdf.pk],
        },
    )
    cycle_2025 = factories.cycle(region, 2025)
    copy = actions.carry_over(access_for(operator, region), previous, cycle_2025, note="Baru.")
    assert "developed" not in copy.profile_extra
    assert copy.profile_extra["budget_document"] == [pdf.pk]
    assert copy.profile_extra["mission"] == previous.profile_extra["mission"]


def test_the_diff_page_compares_the_two_editions_fields(client, operator, carried):
    Submission.objects.filter(pk=carried.pk).update(goal="Tujuan jangka pendek 2024.")
    client.force_login(operator)
    html = client.get(url("submission_diff", carried)).content.decode()
    goal = html[html.index('id="profil-goal"') :]
    goal = goal[: goal.index("</tr>")]
    assert "1.16.1 Tujuan Jangka Pendek" in goal and "2023: 1.16 Tujuan Inovasi" in goal
    assert "Tujuan 2023." in goal and "Tujuan jangka pendek 2024." in goal and "berubah" in goal
    part = html[html.index('id="profil-design_legal_basis"') :]
    assert "Tidak ada di pedoman 2023" in part[: part.index("</tr>")]
    old = html[html.index('id="profil-design"') :]
    old = old[: old.index("</tr>")]
    assert "1.15 Rancang Bangun" in old and "Rancang bangun 2023 dalam satu teks." in old
    assert "Tidak ada di pedoman 2024" in old
    assert html.index('id="profil-design_steps"') < html.index('id="profil-design"')


# --- editions keep their profile fields --------------------------------------------------------


def test_cloning_and_editing_an_edition_keeps_its_profile_fields(client):
    factories.edition(2024)
    client.force_login(factories.national_admin())
    client.post(reverse("edition_clone", args=[2024]), {"year": 2027})
    clone = Edition.objects.get(year=2027)
    assert clone.spec().profile_fields == Edition.objects.get(year=2024).spec().profile_fields
    data = {
        "divisor_minimum": 10,
        "points_per_innovation": "0.38",
        "cap": 200,
        "basic_services_min": 0,
        "total": "250",
        "eligibility_start": "2025-01-01",
        "eligibility_end": "2026-12-31",
        "min_words": 350,
        "max_per_innovation": 2,
        "source_ref": "Prognosis pedoman 2027",
        "confidence": "reported",
    }
    for i, band in enumerate(clone.data["predicates"]):
        data[f"band_{i}_min"], data[f"band_{i}_max"] = band["min"], band["max"]
    assert client.post(reverse("edition_rules", args=[2027]), data).status_code == 302
    clone.refresh_from_db()
    spec = clone.spec()
    assert spec.rancang_bangun.min_words == 350
    assert [f.code for f in spec.design_fields] == DESIGN_PARTS
    html = client.get(reverse("edition_detail", args=[2027])).content.decode()
    assert "Profil inovasi" in html
    assert "Metode Pembaharuan" in html and "<code>design_method</code>" in html
    assert "paling sedikit 350 kata" in html


def test_an_edition_stored_without_profile_fields_uses_the_classic_profile(client, region):
    edition = factories.edition(2024)
    data = dict(edition.data)
    data["profile_fields"] = data.pop("profile_notes")  # as stored before this change
    Edition.objects.filter(pk=edition.pk).update(data=data)
    edition.refresh_from_db()
    spec = edition.spec()
    assert spec.profile_is_default and [f.code for f in spec.design_fields] == ["design"]
    html = client.get(reverse("edition_detail", args=[2024])).content.decode()
    assert "Sinovda memakai profil bawaan" in html


def test_the_editions_columns_are_the_reports_columns(editions_loaded=None):
    """Every column an edition may name exists on the report, and a column's options are its
    choices."""
    for name in PROFILE_COLUMNS:
        Submission._meta.get_field(name)
    for year in (2023, 2024, 2025, 2026):
        for f in factories.edition(year).spec().profile_fields:
            if f.column and f.options:
                choices = {c for c, _label in Submission._meta.get_field(f.column).choices}
                assert {o.value for o in f.options} == choices, (year, f.code)
