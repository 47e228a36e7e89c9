"""The results report and the per-innovation PDF (issue 9 part 3): what they say, that every
number is the scores app's, that WeasyPrint fetches nothing, and who may have them."""

import datetime
import io
import struct
import zlib
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from sinovda.audit.models import record
from sinovda.cycles.models import Cycle
from sinovda.evidence.models import Document
from sinovda.innovations.models import Answer, RegionAnswer, ReviewState, State
from sinovda.innovations.profile import profile_rows
from sinovda.regions.models import Region, Role
from sinovda.reports import innovation_pdf, pdf, results
from sinovda.reports.models import OutputJob
from sinovda.scores import dashboard
from sinovda.scores.bridge import submission_maturity
from sinovda.scores.models import ResultSnapshot, Source
from tests import factories

pytestmark = pytest.mark.django_db


# --- helpers ----------------------------------------------------------------------------------


def pdf_bytes_of(write, target) -> bytes:
    out = io.BytesIO()
    steps = []
    write(target, out, lambda percent, step="": steps.append(percent))
    assert steps[-1] == 100
    return out.getvalue()


def text_of(data: bytes) -> str:
    """All the PDF's text, whitespace folded, so a wrapped line reads as one."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def png() -> bytes:
    """A valid 1×1 PNG."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x0b\x53\x94"))
        + chunk(b"IEND", b"")
    )


def decimal(value) -> str:
    return results.decimal_text(value)


# --- data -------------------------------------------------------------------------------------


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_memo():
    dashboard.clear_memo()


@pytest.fixture
def region():
    region = factories.region(code="16.10", name="Kabupaten Ogan Ilir")
    region.head_name, region.head_title = "Panca Wijaya Akbar", "Bupati Ogan Ilir"
    region.save(update_fields=["head_name", "head_title"])
    return region


@pytest.fixture
def cycle(region):
    return factories.cycle(region, 2023)


@pytest.fixture
def disdukcapil(region):
    return factories.agency(
        region, name="Dinas Kependudukan dan Pencatatan Sipil", short_name="Disdukcapil"
    )


@pytest.fixture
def dinkes(region):
    return factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")


def sid_codes(cycle):
    return [row.code for row in cycle.edition.spec().sid_rows]


@pytest.fixture
def reports(cycle, disdukcapil, dinkes):
    """Three reports: verified (one answer lowered), sent (unreviewed), and a draft."""
    codes = sid_codes(cycle)
    sanjo = factories.submission(
        cycle,
        disdukcapil,
        "Sanjo Barokah",
        State.VERIFIED,
        levels=dict.fromkeys(codes[:6], 3),
    )
    Answer.objects.filter(submission=sanjo).update(
        verified_level=F("claimed_level"), review_state=ReviewState.ACCEPTED
    )
    Answer.objects.filter(submission=sanjo, indicator_code=codes[0]).update(
        verified_level=1, review_state=ReviewState.LOWERED, review_note="Perbup belum diunggah."
    )
    posyandu = factories.submission(
        cycle, dinkes, "Posyandu Apung", State.SUBMITTED, levels=dict.fromkeys(codes[:4], 2)
    )
    draft = factories.submission(cycle, dinkes, "Draf Belum Dikirim", levels={codes[0]: 1})
    RegionAnswer.objects.create(
        cycle=cycle, row_code="1", claimed_level=3, verified_level=2, review_state="lowered"
    )
    return sanjo, posyandu, draft


# --- the results report -----------------------------------------------------------------------


def test_demo_report_says_61_16_sangat_inovatif_up_9_96_and_ranks_first_in_sumsel():
    call_command("load_editions", verbosity=0)
    call_command("load_demo", verbosity=0)
    cycle = Cycle.objects.select_related("region", "edition").get(
        region__code="16.10", edition__year=2023
    )
    Region.objects.filter(pk=cycle.region_id).update(
        head_name="Panca Wijaya Akbar", head_title="Bupati Ogan Ilir"
    )
    cycle.region.refresh_from_db()

    data = pdf_bytes_of(results.write_results_report, cycle)

    assert len(data) <= 2 * 1024 * 1024
    text = text_of(data)
    assert "Laporan Hasil Pengukuran Indeks Inovasi Daerah 2023" in text
    assert "Panca Wijaya Akbar" in text and "Bupati Ogan Ilir" in text
    assert "61,16" in text and "Sangat Inovatif" in text
    assert "+9,96" in text and "51,20" in text
    assert "Peringkat ke-1 dari 17 kab/kota di Sumatera Selatan" in text
    for name in ["Sanjo Barokah", "Aku Mandiri", "Field Trip Education", "Dinas Kesehatan"]:
        assert name in text
    assert "Dinas Kependudukan dan Pencatatan Sipil" in text


def test_report_shows_the_dashboards_iid_breakdown_and_spd_rows(cycle, reports):
    board = dashboard.build(cycle)
    text = text_of(pdf_bytes_of(results.write_results_report, cycle))

    assert "Kabupaten Ogan Ilir" in text and "Panca Wijaya Akbar" in text
    assert decimal(board.verified.iid) in text and board.verified.predicate in text
    assert decimal(board.claimed.iid) in text
    assert "Belum ada siklus tahun sebelumnya untuk dibandingkan." in text
    for bar in board.bars:
        assert f"{decimal(bar.claimed)} {decimal(bar.verified)} {decimal(bar.max)}" in text
    assert board.plan and board.advice.next_predicate  # far below the next band: a plan
    assert "Langkah untuk tahun berikutnya" in text and f"+{decimal(board.plan[0].gain)}" in text
    spd = cycle.edition.spec().spd_rows[0]
    assert (
        f"{spd.code} {spd.name} 3 {decimal(spd.score_of(3))} 2 {decimal(spd.score_of(2))}" in text
    )


def test_every_innovation_is_listed_by_opd_with_claimed_and_verified_maturity(cycle, reports):
    sanjo, posyandu, draft = reports
    text = text_of(pdf_bytes_of(results.write_results_report, cycle))

    assert "Dinas Kependudukan dan Pencatatan Sipil (1 inovasi)" in text
    assert "Dinas Kesehatan (2 inovasi)" in text
    m = submission_maturity(sanjo)
    assert m.verified < m.claimed  # one answer was lowered
    assert f"Sanjo Barokah Terverifikasi {decimal(m.claimed)} {decimal(m.verified)}" in text
    m = submission_maturity(posyandu)
    assert f"Posyandu Apung Dikirim {decimal(m.claimed)} 0,00" in text  # unreviewed counts 0
    assert "Draf Belum Dikirim Draf — —" in text  # not counted in the IID
    assert "Pelaporan terbanyak" in text and "Kematangan terverifikasi tertinggi" in text
    assert "Cakupan urusan wajib pelayanan dasar" in text


def announced(region, year, iid, source=Source.ANNOUNCED):
    return ResultSnapshot.objects.create(
        region=region,
        year=year,
        source=source,
        iid=Decimal(iid),
        predicate="Inovatif",
        citation_title="Uji",
    )


def test_province_rank_counts_the_kab_kota_with_a_result_of_the_year(region, cycle, reports):
    province = region.province
    for code, name, iid in [("16.71", "Kota Palembang", "70.00"), ("16.07", "Banyuasin", "51.71")]:
        other = Region.objects.create(code=code, name=name, kind="kota", province=province)
        announced(other, 2023, iid)
    announced(region, 2023, "61.16")
    announced(region, 2022, "99.00")

    rank = results.province_rank(region, 2023)

    assert (rank.rank, rank.ranked, rank.regencies) == (2, 3, 3)
    assert not rank.synthetic
    text = text_of(pdf_bytes_of(results.write_results_report, cycle))
    assert f"Peringkat ke-2 dari 3 kab/kota di {province.name}" in text


def test_the_rank_reads_the_standing_result_of_each_region(region):
    """Withdrawn results do not count; an announced figure stands over a synthetic one, and a
    synthetic value anywhere in the comparison is flagged."""
    other = Region.objects.create(
        code="16.71", name="Kota Uji", kind="kota", province=region.province
    )
    announced(region, 2023, "50.00")
    announced(other, 2023, "40.00")
    announced(other, 2023, "90.00", source=Source.SYNTHETIC)
    wrong = announced(region, 2023, "10.00")
    ResultSnapshot.objects.filter(pk=wrong.pk).update(withdrawn_at=timezone.now())

    rank = results.province_rank(region, 2023)

    assert (rank.rank, rank.ranked, rank.iid, rank.synthetic) == (1, 2, Decimal("50.00"), False)
    announced(
        Region.objects.create(
            code="16.72", name="Kota Tiga", kind="kota", province=region.province
        ),
        2023,
        "20.00",
        source=Source.SYNTHETIC,
    )
    assert results.province_rank(region, 2023).synthetic


def test_equal_iids_share_a_rank_and_no_published_iid_says_so(region):
    province = region.province
    other = Region.objects.create(code="16.71", name="Kota Uji", kind="kota", province=province)
    assert results.province_rank(region, 2023) is None
    for r in (region, other):
        announced(r, 2023, "55.00")
    assert results.province_rank(region, 2023).rank == 1


def test_without_a_published_iid_the_rank_says_there_is_no_data(cycle, reports):
    text = text_of(pdf_bytes_of(results.write_results_report, cycle))
    assert "Belum ada hasil resmi untuk tahun 2023." in text


# --- what WeasyPrint may load -----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/logo.png",
        "https://example.com/style.css",
        "file:///etc/passwd",
        "data:image/png;base64,iVBORw0KGgo=",
        "sinovda-private:other",
    ],
)
def test_the_fetcher_refuses_every_url_but_the_files_it_is_given(url):
    with pytest.raises(ValueError, match="refused"):
        pdf.private_fetcher({}).fetch(url)


def test_rendering_never_opens_a_url(monkeypatch):
    import urllib.request

    opened = []
    monkeypatch.setattr(
        urllib.request.OpenerDirector, "open", lambda self, *a, **k: opened.append(a)
    )
    html = (
        '<link rel="stylesheet" href="http://example.com/x.css">'
        '<img src="http://example.com/x.png"><img src="file:///etc/hostname">'
        '<p style="background: url(https://example.com/bg.png)">Teks</p>'
    )
    out = io.BytesIO()
    pdf.render_pdf(html, out)
    assert opened == []
    assert out.getvalue().startswith(b"%PDF")


def test_the_emblem_comes_from_private_storage_or_an_empty_slot_is_drawn(region, cycle, reports):
    without = PdfReader(io.BytesIO(pdf_bytes_of(results.write_results_report, cycle)))
    assert len(without.pages[0].images) == 0
    assert "Lambang daerah" in without.pages[0].extract_text()

    region.emblem.save("lambang.png", ContentFile(png()), save=True)
    fetcher = pdf.private_fetcher(pdf.emblem_files(region))
    assert fetcher.fetch(pdf.EMBLEM_URL).content_type == "image/png"
    cycle.region.refresh_from_db()
    with_emblem = PdfReader(io.BytesIO(pdf_bytes_of(results.write_results_report, cycle)))
    assert len(with_emblem.pages[0].images) == 1


def test_an_emblem_that_is_not_an_image_is_refused(region):
    region.emblem.save("lambang.png", ContentFile(b"<svg onload=alert(1)>"), save=True)
    with pytest.raises(ValueError, match="not a PNG or JPG"):
        pdf.private_fetcher(pdf.emblem_files(region)).fetch(pdf.EMBLEM_URL)


# --- the charts -------------------------------------------------------------------------------


def test_bar_chart_escapes_names_and_draws_each_view_as_a_share_of_its_maximum():
    svg = results.bars_svg(
        [results.ChartBar("<Institusi & SDM>", Decimal("31.5"), Decimal("21"), Decimal("63"))],
        title="Rincian",
        claimed_label="Klaim",
        verified_label="Terverifikasi",
        width=636,  # bars 400 units wide
    )
    assert svg.startswith("<svg") and "&lt;Institusi &amp; SDM&gt;" in svg
    assert "<Institusi" not in svg
    assert 'width="200.0" height="8" fill="#8ea3bb"' in svg  # claimed: half of 63
    assert 'width="133.3" height="8" fill="#0b5394"' in svg  # verified: a third


def test_band_scale_marks_the_iid_inside_its_band():
    bands = [
        results.Band("Sangat Inovatif", Decimal("60.01"), Decimal("100")),
        results.Band("Inovatif", Decimal("35"), Decimal("60")),
        results.Band("Kurang Inovatif", Decimal("0.01"), Decimal("34.99")),
        results.Band("Tidak Dapat Dinilai", Decimal("0"), Decimal("0")),
    ]
    svg = results.band_scale_svg(
        bands,
        verified=Decimal("61.16"),
        claimed=Decimal("69.22"),
        title="Predikat",
        verified_label="Terverifikasi",
        claimed_label="Klaim",
        width=424,  # a 376-unit scale from x=24
    )
    assert f'x1="{24 + 376 * 0.6116:.1f}"' in svg  # the verified IID's line
    assert "Terverifikasi 61,16" in svg and "Klaim 69,22" in svg
    assert "Sangat Inovatif" in svg and "Tidak Dapat Dinilai" not in svg  # an empty band


# --- one innovation ---------------------------------------------------------------------------


@pytest.fixture
def evidence(region, disdukcapil, reports):
    sanjo = reports[0]
    document = Document.objects.create(
        region=region,
        agency=disdukcapil,
        file="x.pdf",
        sha256="ab" * 32,
        size=10,
        kind="pdf",
        original_name="perbup-14-2021.pdf",
        number="14 Tahun 2021",
        date=datetime.date(2021, 4, 12),
        subject="Peraturan Bupati tentang Inovasi Daerah",
    )
    answer = sanjo.answers.get(indicator_code=sid_codes(sanjo.cycle)[0])
    answer.documents.add(document)
    return document


def test_innovation_pdf_has_profile_indicators_evidence_maturity_and_history(
    region, cycle, reports, evidence
):
    sanjo = reports[0]
    verifier = factories.member(region, Role.VERIFIER)
    record(
        "submission.submit",
        obj=sanjo,
        region=region,
        before={"state": "draft"},
        after={"state": "submitted"},
    )
    code = sid_codes(cycle)[0]
    record(
        "answer.review",
        actor=verifier,
        obj=sanjo,
        region=region,
        after={code: {"state": "lowered", "verified": 1, "note": "Perbup belum diunggah."}},
    )

    text = text_of(pdf_bytes_of(innovation_pdf.write_innovation_pdf, sanjo))

    assert "Sanjo Barokah" in text and "Dinas Kependudukan dan Pencatatan Sipil" in text
    rows = [row for row in profile_rows(sanjo) if row.value]
    assert len(rows) > 10
    for row in rows:  # in the national form's numbering, label and value
        number = "" if row.number == "-" else f"{row.number} · "
        assert f"{number}{row.label} {' '.join(row.value.split())}" in text
    m = submission_maturity(sanjo)
    assert f"Kematangan klaim {decimal(m.claimed)}" in text
    assert f"Kematangan terverifikasi {decimal(m.verified)}" in text
    assert f"Kematangan tertinggi satu inovasi adalah {decimal(m.max)}." in text
    row = cycle.edition.spec().sid_rows[0]
    assert f"{row.code} {row.name}" in text
    assert f"Tingkat 3 ({decimal(row.score_of(3))} poin)" in text
    assert f"Tingkat 1 ({decimal(row.score_of(1))} poin) Diturunkan" in text
    assert "Perbup belum diunggah." in text
    assert "Peraturan Bupati tentang Inovasi Daerah" in text
    assert "14 Tahun 2021" in text and "12 April 2021" in text and "perbup-14-2021.pdf" in text
    assert "Dikirim untuk diverifikasi (Draf → Dikirim)" in text
    assert f"Indikator diperiksa (Indikator {code}: Diturunkan)" in text
    assert verifier.display_name in text


# --- through the web: who may have which ------------------------------------------------------


def request_report(client, region):
    return client.post(reverse("output_request", args=[region.code, 2023, "report"]))


def download(client, region, job):
    return client.get(reverse("output_download", args=[region.code, job.pk]))


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.COORDINATOR, Role.LEADER])
def test_region_readers_get_the_results_report(
    client, region, cycle, reports, immediate_tasks, role
):
    client.force_login(factories.member(region, role))
    response = request_report(client, region)
    job = OutputJob.objects.get()
    assert response.status_code == 302 and job.status == OutputJob.Status.DONE, job.error
    file = download(client, region, job)
    assert file["Content-Type"] == "application/pdf"
    assert file["Content-Disposition"] == (
        'attachment; filename="laporan-hasil-iid-16.10-2023.pdf"'
    )
    assert b"".join(file.streaming_content).startswith(b"%PDF")


def test_operators_may_not_make_the_results_report(client, region, cycle, immediate_tasks):
    client.force_login(factories.member(region, Role.OPERATOR))
    assert request_report(client, region).status_code == 403
    assert not OutputJob.objects.exists()


def test_other_regions_get_404_for_the_report_and_its_file(client, region, cycle, immediate_tasks):
    client.force_login(factories.member(region, Role.COORDINATOR))
    request_report(client, region)
    job = OutputJob.objects.get()
    other = factories.region(code="16.11")
    client.force_login(factories.member(other, Role.COORDINATOR))
    assert request_report(client, region).status_code == 404
    assert download(client, region, job).status_code == 404


def test_the_operator_of_the_opd_gets_its_innovation_pdf_and_another_opd_does_not(
    client, region, cycle, reports, disdukcapil, dinkes, immediate_tasks
):
    sanjo = reports[0]
    url = reverse("innovation_output", args=[region.code, 2023, sanjo.innovation.public_id])
    client.force_login(factories.member(region, Role.OPERATOR, agency=disdukcapil))
    assert client.post(url).status_code == 302
    job = OutputJob.objects.get()
    assert job.status == OutputJob.Status.DONE, job.error
    file = download(client, region, job)
    assert file["Content-Type"] == "application/pdf"
    assert file["Content-Disposition"] == (
        f'attachment; filename="inovasi-{sanjo.innovation.public_id}-2023.pdf"'
    )
    assert "Sanjo Barokah" in text_of(b"".join(file.streaming_content))

    client.force_login(factories.member(region, Role.OPERATOR, agency=dinkes))
    assert client.post(url).status_code == 404
    assert download(client, region, job).status_code == 404


def test_the_report_page_offers_the_pdf(client, region, cycle, reports, disdukcapil):
    sanjo = reports[0]
    client.force_login(factories.member(region, Role.OPERATOR, agency=disdukcapil))
    page = client.get(
        reverse("submission_detail", args=[region.code, 2023, sanjo.innovation.public_id])
    ).content.decode()
    action = reverse("innovation_output", args=[region.code, 2023, sanjo.innovation.public_id])
    assert f'action="{action}"' in page and "Unduh PDF" in page
