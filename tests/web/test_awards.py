"""OPD awards (penghargaan) and their certificates (piagam).

Maturity in these tests comes from one indicator: row 16 scores 3 points per level in every shipped
edition, so a report whose row 16 is verified at level L has maturity 3L (and a rejected one 0).
"""

import datetime
import io
from decimal import Decimal

import pypdf
import pytest
import segno
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from sinovda.audit.models import AuditEvent
from sinovda.awards import actions, rules
from sinovda.awards.models import Award, Category
from sinovda.cycles.models import Cycle
from sinovda.innovations.models import Answer, ReviewState, State
from sinovda.regions.access import access_for
from sinovda.regions.models import Role
from sinovda.reports import certificates, jobs, pdf
from sinovda.reports.models import OutputJob, OutputKind
from tests import factories

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2023, 6, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return _cycle(region, 2023)


@pytest.fixture
def koordinator(region):
    return factories.member(region, Role.COORDINATOR)


def _cycle(region, year):
    factories.cycle(region, year)
    return Cycle.objects.select_related("edition", "region").get(region=region, edition__year=year)


def _access(user, region):
    return access_for(user, region)


def sent(cycle, agency, *levels, state=State.VERIFIED, at=None):
    """One sent report per level: row 16 claimed and (unless only submitted) verified at it."""
    for level in levels:
        report = factories.submission(cycle, agency, state=state, levels={"16": level})
        report.submitted_at = at or T0
        report.save(update_fields=["submitted_at"])
        if state != State.SUBMITTED:
            Answer.objects.filter(submission=report).update(
                verified_level=level, review_state=ReviewState.ACCEPTED
            )


def names(ranking):
    return [p.standing.name for p in ranking.placings]


def url(name, region, *args):
    return reverse(name, args=[region.code, *args])


# --- ranking rules ---------------------------------------------------------------------------


def test_most_reported_ranks_by_sent_reports_and_breaks_every_tie_by_the_rule(cycle):
    region = cycle.region
    a = {n: factories.agency(region, name=f"Dinas {n}", short_name=n) for n in "ABCDEFGHIJ"}
    sent(cycle, a["A"], 2, 2)  # 4 sent, 2 verified
    sent(cycle, a["A"], 2, 2, state=State.SUBMITTED)
    sent(cycle, a["B"], 1, 1, 1)  # 4 sent, 3 verified (one of them rejected still counts as sent)
    sent(cycle, a["B"], 1, state=State.REJECTED)
    sent(cycle, a["C"], 3, 3, 3)  # 3 sent, avg 9
    sent(cycle, a["D"], 2, 2, 2)  # 3 sent, avg 6
    sent(cycle, a["E"], 1, 1, at=T0 + datetime.timedelta(days=2))  # 2 sent, later
    sent(cycle, a["F"], 1, 1, at=T0 + datetime.timedelta(days=1))  # 2 sent, earlier
    sent(cycle, a["H"], 1)  # 1 sent; H before I only by name
    sent(cycle, a["I"], 1)
    factories.submission(cycle, a["J"], state=State.DRAFT)  # drafts and withdrawn do not count
    factories.submission(cycle, a["J"], state=State.WITHDRAWN)

    (ranking,) = rules.rank_all(cycle, {Category.MOST_REPORTED: 3})

    assert names(ranking) == [f"Dinas {n}" for n in "BACDFEHI"]
    assert [p.rank for p in ranking.placings] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [p.value for p in ranking.placings] == [4, 4, 3, 3, 2, 2, 1, 1]
    assert [p.value_text for p in ranking.placings][:2] == ["4 inovasi", "4 inovasi"]
    assert all(p.tied for p in ranking.placings)
    assert [p.standing.name for p in ranking.awarded] == ["Dinas B", "Dinas A", "Dinas C"]


def test_highest_average_maturity_is_the_dashboards_average_with_ties_broken(cycle):
    region = cycle.region
    a = {n: factories.agency(region, name=f"Dinas {n}", short_name=n) for n in "ABCDE"}
    sent(cycle, a["A"], 3, 1)  # (9 + 3) / 2 = 6.00
    sent(cycle, a["B"], 2)  # 6 / 1 = 6.00
    sent(cycle, a["C"], 3, 3)  # (9 + 9 + 0) / 3 = 6.00: a rejected report counts 0
    sent(cycle, a["C"], 3, state=State.REJECTED)
    sent(cycle, a["D"], 3)  # 9.00
    sent(cycle, a["E"], 3, state=State.SUBMITTED)  # not reviewed: 0, not ranked

    (ranking,) = rules.rank_all(cycle, {Category.HIGHEST_MATURITY: 2})

    assert names(ranking) == ["Dinas D", "Dinas C", "Dinas A", "Dinas B"]
    assert [p.value for p in ranking.placings] == [Decimal("9.00")] + [Decimal("6.00")] * 3
    assert [p.tied for p in ranking.placings] == [False, True, True, True]
    assert ranking.placings[0].value_text == "rata-rata 9,00"


def test_most_improved_compares_with_the_previous_cycle_and_first_time_reporters(region):
    before, now = _cycle(region, 2023), _cycle(region, 2024)
    a = {n: factories.agency(region, name=f"Dinas {n}", short_name=n) for n in "ABCDEFG"}
    for name, then, later in [("A", 1, 3), ("B", 2, 3), ("C", 3, 3), ("D", 1, 2)]:
        sent(before, a[name], then)
        sent(now, a[name], later)
    sent(now, a["E"], 2)  # first time, 1 verified
    sent(now, a["F"], 1, 1)  # first time, 2 reports
    factories.submission(before, a["G"], state=State.WITHDRAWN)  # never sent before
    sent(now, a["G"], 2, state=State.SUBMITTED)  # first time, 1 report, not verified

    improved, first = rules.rank_all(now, {Category.MOST_IMPROVED: 3, Category.FIRST_TIME: 3})

    # A: 3 → 9 (+6); B: 6 → 9 (+3); D: 3 → 6 (+3, lower average this year than B); C: no change.
    assert improved.previous_year == 2023
    assert names(improved) == ["Dinas A", "Dinas B", "Dinas D"]
    assert [p.value for p in improved.placings] == [Decimal("6.00"), Decimal("3.00"), Decimal("3")]
    assert improved.placings[0].value_text == "naik 6,00"
    assert names(first) == ["Dinas F", "Dinas E", "Dinas G"]


def test_most_improved_has_no_one_without_a_previous_cycle(cycle):
    sent(cycle, factories.agency(cycle.region), 3)
    (ranking,) = rules.rank_all(cycle, {Category.MOST_IMPROVED: 3})
    assert ranking.previous_year is None and ranking.placings == []


def test_the_tie_rule_is_documented_and_shown_on_the_page(client, cycle, koordinator):
    assert "then the earlier first sending, then the OPD's name" in rules.__doc__
    client.force_login(koordinator)
    html = client.get(url("award_list", cycle.region, 2023)).content.decode()
    assert "Aturan seri" in html
    assert "lalu nama OPD (A–Z)" in html


# --- preview, issue, numbering ----------------------------------------------------------------


def _three_opds(cycle):
    region = cycle.region
    agencies = [factories.agency(region, name=f"Dinas {n}", short_name=n) for n in "ABC"]
    for count, agency in zip([3, 2, 1], agencies, strict=True):
        sent(cycle, agency, *[2] * count)
    return agencies


def test_preview_shows_the_ranking_with_values_and_issues_nothing(client, cycle, koordinator):
    _three_opds(cycle)
    client.force_login(koordinator)
    response = client.get(
        url("award_preview", cycle.region, 2023),
        {"most_reported": "on", "most_reported_top": "2"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pratinjau peringkat" in html and "3 inovasi" in html and "Dinas C" in html
    assert "Tetapkan penghargaan" in html
    assert not Award.objects.exists()


def test_preview_form_errors_are_shown_at_the_field(client, cycle, koordinator):
    client.force_login(koordinator)
    html = client.get(url("award_preview", cycle.region, 2023)).content.decode()
    assert "Ada masalah" not in html  # nothing asked yet
    html = client.get(
        url("award_preview", cycle.region, 2023), {"most_reported_top": "5"}
    ).content.decode()
    assert "Ada masalah" in html
    assert html.count("Pilih sedikitnya satu kategori penghargaan.") == 2  # summary and field
    html = client.get(
        url("award_preview", cycle.region, 2023),
        {"most_reported": "on", "most_reported_top": "0"},
    ).content.decode()
    assert "Isi jumlah peringkat yang diberi penghargaan, angka 1 sampai 50." in html


def test_tetapkan_issues_numbered_awards_and_audits_them(client, cycle, koordinator):
    a, b, _c = _three_opds(cycle)
    client.force_login(koordinator)
    (ranking,) = rules.rank_all(cycle, {Category.MOST_REPORTED: 2})
    response = client.post(
        url("award_issue", cycle.region, 2023),
        {
            "most_reported": "on",
            "most_reported_top": "2",
            "fingerprint": rules.fingerprint([ranking]),
        },
    )
    assert response.status_code == 302
    awards = list(Award.objects.order_by("sequence"))
    assert [(x.agency, x.rank, x.value, x.number) for x in awards] == [
        (a, 1, Decimal("3.00"), "001/PIAGAM-IGA/16.10/2023"),
        (b, 2, Decimal("2.00"), "002/PIAGAM-IGA/16.10/2023"),
    ]
    assert awards[0].text == "Peringkat 1 OPD dengan laporan inovasi terbanyak"
    assert len({x.verification_code for x in awards}) == 2
    assert all(len(x.verification_code) >= 22 for x in awards)
    events = AuditEvent.objects.filter(action="award.issue")
    assert events.count() == 2 and {e.actor for e in events} == {koordinator}
    assert events.get(object_id=str(awards[0].pk)).after["number"] == awards[0].number


def test_a_ranking_changed_since_the_preview_is_not_issued(client, cycle, koordinator):
    _three_opds(cycle)
    client.force_login(koordinator)
    response = client.post(
        url("award_issue", cycle.region, 2023),
        {"most_reported": "on", "most_reported_top": "2", "fingerprint": "stale"},
    )
    assert response.status_code == 200
    assert "Peringkat berubah sejak pratinjau dibuat" in response.content.decode()
    assert not Award.objects.exists()


def test_preview_of_an_issued_category_says_so_and_offers_no_tetapkan(client, cycle, koordinator):
    _three_opds(cycle)
    actions.issue_ranked_awards(
        _access(koordinator, cycle.region), cycle, {Category.MOST_REPORTED: 1}
    )
    client.force_login(koordinator)
    html = client.get(
        url("award_preview", cycle.region, 2023),
        {"most_reported": "on", "most_reported_top": "2"},
    ).content.decode()
    assert "Penghargaan kategori ini sudah ditetapkan untuk siklus ini." in html
    assert reverse("award_issue", args=[cycle.region.code, 2023]) not in html


def test_numbers_are_sequential_per_region_and_year_and_never_reused(region, cycle, koordinator):
    agencies = _three_opds(cycle)
    access = _access(koordinator, region)
    actions.issue_ranked_awards(access, cycle, {Category.MOST_REPORTED: 2})
    manual = actions.issue_manual_award(
        access, cycle, agency=agencies[2], title="Inovasi paling berdampak", reason="Dampak luas"
    )
    assert manual.number == "003/PIAGAM-IGA/16.10/2023"
    actions.revoke_award(access, manual, reason="Salah OPD")
    again = actions.issue_manual_award(
        access, cycle, agency=agencies[1], title="Inovasi paling berdampak", reason="Dampak luas"
    )
    assert again.number == "004/PIAGAM-IGA/16.10/2023"
    # Another year and another region count from 001.
    later = _cycle(region, 2024)
    sent(later, agencies[0], 2)
    (first,) = actions.issue_ranked_awards(access, later, {Category.MOST_REPORTED: 1})
    assert first.number == "001/PIAGAM-IGA/16.10/2024"
    other = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    other_cycle = _cycle(other, 2023)
    sent(other_cycle, factories.agency(other), 2)
    other_koordinator = factories.member(other, Role.COORDINATOR)
    (theirs,) = actions.issue_ranked_awards(
        _access(other_koordinator, other), other_cycle, {Category.MOST_REPORTED: 1}
    )
    assert theirs.number == "001/PIAGAM-IGA/16.11/2023"


def test_a_number_cannot_be_taken_twice(cycle, koordinator):
    (agency, *_rest) = _three_opds(cycle)
    actions.issue_ranked_awards(
        _access(koordinator, cycle.region), cycle, {Category.MOST_REPORTED: 1}
    )
    existing = Award.objects.get()
    for clash in [{"sequence": 1, "number": "x"}, {"sequence": 9, "number": existing.number}]:
        with pytest.raises(IntegrityError), transaction.atomic():
            Award.objects.create(
                cycle=cycle,
                agency=agency,
                category=Category.MANUAL,
                title="Dobel",
                issued_at=timezone.now(),
                **clash,
            )


def test_a_category_is_issued_once_until_its_awards_are_revoked(cycle, koordinator):
    _three_opds(cycle)
    access = _access(koordinator, cycle.region)
    issued = actions.issue_ranked_awards(access, cycle, {Category.MOST_REPORTED: 2})
    with pytest.raises(actions.AwardRefused, match="sudah ditetapkan"):
        actions.issue_ranked_awards(access, cycle, {Category.MOST_REPORTED: 3})
    for award in issued:
        actions.revoke_award(access, award, reason="Data dikoreksi")
    again = actions.issue_ranked_awards(access, cycle, {Category.MOST_REPORTED: 3})
    assert [x.sequence for x in again] == [3, 4, 5]


def test_manual_award_requires_a_reason(client, cycle, koordinator):
    (agency, *_rest) = _three_opds(cycle)
    client.force_login(koordinator)
    response = client.post(
        url("award_manual", cycle.region, 2023),
        {"agency": agency.pk, "title": "Inovasi pelayanan terbaik", "reason": "   "},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ada masalah" in html
    assert "Isi alasan penghargaan ini; alasan dicatat di jejak audit." in html
    assert not Award.objects.exists()
    with pytest.raises(actions.AwardRefused):
        actions.issue_manual_award(
            _access(koordinator, cycle.region), cycle, agency=agency, title="X", reason=" "
        )
    response = client.post(
        url("award_manual", cycle.region, 2023),
        {"agency": agency.pk, "title": "Inovasi pelayanan terbaik", "reason": "Dampak luas"},
    )
    assert response.status_code == 302
    award = Award.objects.get()
    assert (award.category, award.rank, award.text, award.reason) == (
        Category.MANUAL,
        None,
        "Inovasi pelayanan terbaik",
        "Dampak luas",
    )


def test_manual_award_only_for_an_opd_of_the_region(client, cycle, koordinator):
    stranger = factories.agency(factories.region(code="16.12"))
    client.force_login(koordinator)
    response = client.post(
        url("award_manual", cycle.region, 2023),
        {"agency": stranger.pk, "title": "Terbaik", "reason": "Alasan"},
    )
    assert "Pilih OPD yang menerima penghargaan." in response.content.decode()
    assert not Award.objects.exists()


# --- revoking and the public check ------------------------------------------------------------


@pytest.fixture
def award(cycle, koordinator):
    _three_opds(cycle)
    (first, _second) = actions.issue_ranked_awards(
        _access(koordinator, cycle.region), cycle, {Category.MOST_REPORTED: 2}
    )
    return first


def test_revoking_needs_a_reason_and_is_audited(client, cycle, koordinator, award):
    client.force_login(koordinator)
    path = url("award_revoke", cycle.region, 2023, award.pk)
    response = client.post(path, {f"cabut{award.pk}-reason": ""})
    assert response.status_code == 200
    assert "Isi alasan pencabutan" in response.content.decode()
    award.refresh_from_db()
    assert not award.is_revoked

    response = client.post(path, {f"cabut{award.pk}-reason": "Jumlah laporan salah hitung"})
    assert response.status_code == 302
    award.refresh_from_db()
    assert award.is_revoked and award.revoked_by == koordinator
    event = AuditEvent.objects.get(action="award.revoke")
    assert event.before["revoked_at"] is None
    assert event.after["revoked_reason"] == "Jumlah laporan salah hitung"
    with pytest.raises(actions.AwardRefused, match="sudah dicabut"):
        actions.revoke_award(_access(koordinator, cycle.region), award, reason="lagi")


def test_public_page_confirms_a_valid_certificate_without_personal_data(client, award):
    response = client.get(reverse("award_verify", args=[award.verification_code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Piagam sah" in html
    for text in [
        award.agency.name,
        "Kabupaten Ogan Ilir",
        "2023",
        "Peringkat 1 OPD dengan laporan inovasi terbanyak",
        "001/PIAGAM-IGA/16.10/2023",
        date_format(timezone.localtime(award.issued_at).date(), "j F Y"),
    ]:
        assert text in html, text
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert award.created_by.full_name not in html


def test_public_page_says_a_forged_code_is_not_found(client, award):
    response = client.get(reverse("award_verify", args=["palsu-" + award.verification_code[:8]]))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Piagam tidak ditemukan" in html
    assert award.agency.name not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html


def test_public_page_says_a_revoked_certificate_was_revoked_when_and_why(client, award, cycle):
    access = _access(award.created_by, cycle.region)
    actions.revoke_award(access, award, reason="Data laporan dikoreksi")
    award.refresh_from_db()
    response = client.get(reverse("award_verify", args=[award.verification_code]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Piagam ini telah dicabut" in html and "Piagam sah" not in html
    assert "Data laporan dikoreksi" in html
    assert date_format(timezone.localtime(award.revoked_at).date(), "j F Y") in html


# --- certificates ------------------------------------------------------------------------------


def _pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_qr_code_encodes_the_absolute_verification_url(settings, award, cycle):
    settings.SITE_URL = "https://sinovda.oganilirkab.go.id/"
    expected = f"https://sinovda.oganilirkab.go.id/piagam/{award.verification_code}/"
    assert certificates.certificate_url(award) == expected
    html = certificates.certificate_html(cycle, [award])
    same_code = segno.make(expected, error="m").svg_inline(border=0, omitsize=True, dark="#000")
    assert same_code in html
    other = segno.make(expected + "x", error="m").svg_inline(border=0, omitsize=True, dark="#000")
    assert other not in html


def test_certificates_pdf_has_one_page_per_award_with_name_number_and_signer(
    cycle, koordinator, award
):
    region = cycle.region
    region.head_name, region.head_title = "Panca Wijaya Akbar", "Bupati Ogan Ilir"
    region.save()
    second = Award.objects.exclude(pk=award.pk).get()
    actions.revoke_award(_access(koordinator, region), second, reason="Salah")
    manual = actions.issue_manual_award(
        _access(koordinator, region),
        cycle,
        agency=second.agency,
        title="Inovasi pelayanan publik paling berdampak",
        reason="Dampak luas",
    )
    out = io.BytesIO()
    steps = []
    certificates.write_certificates(cycle, out, lambda p, s="": steps.append(p))
    pages = _pdf_pages(out.getvalue())
    assert len(pages) == 2 and steps[-1] == 100
    first, last = (" ".join(p.split()) for p in pages)
    assert "PIAGAM PENGHARGAAN" in first
    assert award.agency.name in first and "001/PIAGAM-IGA/16.10/2023" in first
    assert "Panca Wijaya Akbar" in first and "Bupati Ogan Ilir" in first
    assert "Peringkat 1 OPD dengan laporan inovasi terbanyak" in first
    assert "Tahun 2023" in first
    assert second.agency.name in last and manual.number in last
    assert "Inovasi pelayanan publik paling berdampak" in last
    assert second.number not in first + last  # revoked: not printed


def test_certificate_renders_without_a_signer_and_the_page_warns(client, cycle, koordinator, award):
    out = io.BytesIO()
    certificates.write_certificate(award, out)
    (page,) = _pdf_pages(out.getvalue())
    assert award.agency.name in page
    client.force_login(koordinator)
    html = client.get(url("award_list", cycle.region, 2023)).content.decode()
    assert "Nama dan jabatan kepala daerah belum diisi" in html
    assert reverse("region_policy", args=[cycle.region.code]) in html


def test_emblem_is_embedded_and_nothing_else_is_fetched(cycle, award):
    buffer = io.BytesIO()
    segno.make("lambang").save(buffer, kind="png", scale=8)
    cycle.region.emblem.save("lambang.png", ContentFile(buffer.getvalue()))
    out = io.BytesIO()
    certificates.write_certificate(award, out)
    page = pypdf.PdfReader(io.BytesIO(out.getvalue())).pages[0]
    assert len(page.images) == 1
    fetcher = pdf.private_fetcher(pdf.emblem_files(cycle.region))
    for refused in ["https://example.org/x.png", "file:///etc/passwd", "data:image/png;base64,AA"]:
        with pytest.raises(ValueError):
            fetcher.fetch(refused)
    assert fetcher.fetch(pdf.EMBLEM_URL).content_type == "image/png"


def test_single_certificate_download(client, cycle, koordinator, award):
    client.force_login(koordinator)
    response = client.get(url("award_certificate", cycle.region, 2023, award.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "piagam-001-PIAGAM-IGA-16.10-2023.pdf" in response["Content-Disposition"]
    assert len(_pdf_pages(response.content)) == 1
    actions.revoke_award(_access(koordinator, cycle.region), award, reason="Salah")
    response = client.get(url("award_certificate", cycle.region, 2023, award.pk))
    assert response.status_code == 302


def test_certificates_job_and_export_command_make_the_same_pdf(tmp_path, cycle, award):
    job = OutputJob.objects.create(region=cycle.region, cycle=cycle, kind=OutputKind.CERTIFICATES)
    job = jobs.run(job)
    assert job.status == OutputJob.Status.DONE and job.filename == "piagam-16.10-2023.pdf"
    with job.file.open("rb") as fh:
        assert len(_pdf_pages(fh.read())) == 2
    target = tmp_path / "piagam.pdf"
    call_command(
        "export", "certificates", "--region", "16.10", "--year", "2023", "--out", str(target)
    )
    assert len(_pdf_pages(target.read_bytes())) == 2


def test_certificates_are_indonesian_whatever_the_language_asked(cycle, award):
    with translation.override("en"):
        html = certificates.certificate_html(cycle, [award])
    assert "Piagam Penghargaan" in html and "diberikan kepada" in html


def test_a_cycle_without_awards_still_gives_a_pdf(cycle):
    out = io.BytesIO()
    certificates.write_certificates(cycle, out, lambda p, s="": None)
    (page,) = _pdf_pages(out.getvalue())
    assert "Belum ada penghargaan" in page


# --- an OPD's awards over the years -----------------------------------------------------------


def test_agency_page_lists_awards_over_the_years_and_notes_a_repeat(client, region, koordinator):
    before, now = _cycle(region, 2023), _cycle(region, 2024)
    agency = factories.agency(region, name="Dinas Kependudukan dan Pencatatan Sipil")
    sent(before, agency, 2)
    sent(now, agency, 2)
    access = _access(koordinator, region)
    actions.issue_ranked_awards(access, before, {Category.MOST_REPORTED: 1})
    actions.issue_ranked_awards(access, now, {Category.MOST_REPORTED: 1})
    actions.issue_ranked_awards(access, now, {Category.HIGHEST_MATURITY: 1})
    client.force_login(koordinator)
    html = client.get(url("agency_awards", region, agency.pk)).content.decode()
    assert "Penghargaan OPD" in html
    assert "001/PIAGAM-IGA/16.10/2023" in html and "001/PIAGAM-IGA/16.10/2024" in html
    # Only the 2024 "most reported" award repeats a category of an earlier year.
    assert html.count("kembali menerima penghargaan") == 1
    assert (
        reverse("agency_awards", args=[region.code, agency.pk])
        in client.get(url("agency_list", region)).content.decode()
    )


def test_operators_see_only_their_own_opds_awards(client, region):
    own, other = factories.agency(region), factories.agency(region)
    client.force_login(factories.member(region, Role.OPERATOR, agency=own))
    assert client.get(url("agency_awards", region, own.pk)).status_code == 200
    assert client.get(url("agency_awards", region, other.pk)).status_code == 404


def test_award_pages_query_count_does_not_grow(
    client, region, cycle, koordinator, django_assert_max_num_queries
):
    agency = factories.agency(region)
    access = _access(koordinator, region)
    client.force_login(koordinator)
    pages = [url("award_list", region, 2023), url("agency_awards", region, agency.pk)]

    def manual_awards(count):
        for _ in range(count):
            actions.issue_manual_award(access, cycle, agency=agency, title="Terbaik", reason="Ya")

    manual_awards(2)
    few = []
    for page in pages:
        with django_assert_max_num_queries(100) as counted:
            assert client.get(page).status_code == 200
        few.append(len(counted.captured_queries))
    manual_awards(15)
    for page, limit in zip(pages, few, strict=True):
        with django_assert_max_num_queries(limit):
            assert client.get(page).content.decode().count("Terbaik") >= 17


# --- permissions -------------------------------------------------------------------------------


def _manage_requests(region, award):
    return [
        ("get", url("award_preview", region, 2023), {"most_reported": "on"}),
        ("post", url("award_issue", region, 2023), {"most_reported": "on"}),
        ("post", url("award_manual", region, 2023), {"title": "X", "reason": "Y"}),
        ("post", url("award_revoke", region, 2023, award.pk), {f"cabut{award.pk}-reason": "Y"}),
        ("get", url("award_certificate", region, 2023, award.pk), {}),
    ]


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.VERIFIER, Role.LEADER])
def test_only_the_koordinator_defines_and_revokes_awards(client, cycle, award, role):
    client.force_login(factories.member(cycle.region, role))
    for method, path, data in _manage_requests(cycle.region, award):
        assert getattr(client, method)(path, data).status_code == 403, path
    award.refresh_from_db()
    assert not award.is_revoked and Award.objects.count() == 2


@pytest.mark.parametrize(
    "role,status", [(Role.VERIFIER, 200), (Role.LEADER, 200), (Role.OPERATOR, 403)]
)
def test_awards_page_is_for_region_readers(client, cycle, award, role, status):
    client.force_login(factories.member(cycle.region, role))
    response = client.get(url("award_list", cycle.region, 2023))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert award.number in html and "Tetapkan penghargaan" not in html


def test_another_regions_koordinator_gets_404(client, cycle, award):
    other = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    client.force_login(factories.member(other, Role.COORDINATOR))
    requests = [("get", url("award_list", cycle.region, 2023), {})]
    requests += _manage_requests(cycle.region, award)
    for method, path, data in requests:
        assert getattr(client, method)(path, data).status_code == 404, path


def test_anonymous_visitors_are_sent_to_login_except_for_the_public_check(client, cycle, award):
    requests = [("get", url("award_list", cycle.region, 2023), {})]
    requests += _manage_requests(cycle.region, award)
    requests += [("get", url("agency_awards", cycle.region, award.agency_id), {})]
    for method, path, data in requests:
        response = getattr(client, method)(path, data)
        assert response.status_code == 302 and response["Location"].startswith("/masuk/"), path
    assert client.get(reverse("award_verify", args=[award.verification_code])).status_code == 200


# --- the demo ----------------------------------------------------------------------------------


def test_demo_2023_most_reported_ranking_puts_disdukcapil_fifth():
    call_command("load_editions", verbosity=0)
    call_command("load_demo", verbosity=0)
    cycle = Cycle.objects.select_related("edition", "region").get(
        region__code="16.10", edition__year=2023
    )
    (ranking,) = rules.rank_all(cycle, {Category.MOST_REPORTED: 5})
    top = [(p.standing.short_name, int(p.value)) for p in ranking.awarded]
    assert top[4] == ("Disdukcapil", 7), top
    assert sum(p.standing.reported for p in ranking.placings) == 90
