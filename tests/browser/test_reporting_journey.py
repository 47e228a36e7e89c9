"""The year's main journey in a real browser: an operator reports an innovation with evidence, a
verifier lowers one claim and returns it, the operator fixes it and sends it again, the verifier
verifies it, and the region's dashboard shows the new verified IID."""

import re

import pytest
from playwright.sync_api import expect

from sinovda.innovations.models import Answer, State, Submission
from sinovda.regions.models import Role
from sinovda.scores.bridge import cycle_scores
from tests import factories

pytestmark = pytest.mark.browser

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def fill_indicator(page, code, level):
    page.get_by_role("row").filter(has=page.locator(f"td >> text='{code}'")).get_by_role(
        "link"
    ).first.click()
    page.get_by_label(re.compile(rf"Tingkat {level}:")).check()
    page.get_by_role("button", name="Simpan indikator").click()
    expect(page.locator(".messages[role=status]")).to_contain_text(f"Indikator {code} disimpan.")


def test_report_review_fix_verify_and_dashboard(page, new_page, log_in, live_server, tmp_path):
    region = factories.region(code="16.10", name="Kabupaten Ogan Ilir")
    cycle = factories.cycle(region, 2023)
    agency = factories.agency(
        region, name="Dinas Kependudukan dan Pencatatan Sipil", short_name="Disdukcapil"
    )
    operator = factories.member(region, Role.OPERATOR, agency=agency, username="operator.capil")
    verifier = factories.member(region, Role.VERIFIER, username="verifikator.uji")
    koordinator = factories.member(region, Role.COORDINATOR, username="koordinator.uji")
    mandatory = [row.code for row in cycle.edition.spec().sid_rows if row.mandatory]

    # --- The operator creates the innovation, fills the profile and the mandatory indicators.
    log_in(page, operator.username, factories.PASSWORD)
    page.goto(live_server.url + f"/r/{region.code}/siklus/2023/inovasi/")
    page.get_by_role("link", name="Tambah inovasi").click()
    page.get_by_label("Nama inovasi").fill("Sanjo Barokah")
    page.get_by_role("button", name="Buat draf").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sanjo Barokah")

    page.get_by_role("link", name="Ubah profil").click()
    page.get_by_label("Tahapan").select_option(label="Penerapan")
    page.get_by_label("1.4 Inisiator Inovasi Daerah").select_option(label="OPD")
    page.get_by_label("Nama inisiator").fill("Kepala Disdukcapil")
    page.get_by_label("Jenis").select_option(label="Non Digital")
    page.get_by_label("Bentuk").select_option(label="Inovasi Pelayanan Publik")
    page.get_by_label("Urusan utama").select_option(
        "Administrasi Kependudukan dan Pencatatan Sipil"
    )
    page.get_by_label("Waktu Penerapan Inovasi Daerah").fill("2021-03-01")
    page.get_by_label("Rancang bangun").fill(
        "Layanan jemput bola dokumen kependudukan bagi lansia, orang sakit dan ODGJ. " * 10
    )
    page.get_by_label("Tujuan").fill("Semua warga rentan memiliki dokumen kependudukan.")
    page.get_by_label("Manfaat").fill("Warga tidak perlu datang ke kantor.")
    page.get_by_label("Hasil inovasi").fill("Ratusan dokumen diantar ke rumah warga.")
    page.get_by_role("button", name="Simpan profil").click()
    expect(page.locator(".messages[role=status]")).to_contain_text("Profil inovasi disimpan.")

    # Evidence for the first indicator, uploaded from the indicator page and ticked on return.
    evidence = tmp_path / "perbup-sanjo-barokah.pdf"
    evidence.write_bytes(MINIMAL_PDF)
    first = mandatory[0]
    page.get_by_role("row").filter(has=page.locator(f"td >> text='{first}'")).get_by_role(
        "link"
    ).first.click()
    page.get_by_role("link", name="Unggah bukti dukung baru").click()
    page.get_by_label("Berkas").set_input_files(str(evidence))
    page.get_by_label("Tentang").fill("Perbup Sanjo Barokah")
    page.get_by_role("button", name="Unggah", exact=True).click()
    page.get_by_label(re.compile(r"Tingkat 3:")).check()
    expect(page.get_by_label(re.compile("Perbup Sanjo Barokah"))).to_be_checked()
    page.get_by_role("button", name="Simpan indikator").click()
    for code in mandatory[1:]:
        fill_indicator(page, code, 3)

    page.get_by_role("button", name="Kirim untuk diverifikasi").click()
    expect(page.locator(".messages[role=status]")).to_contain_text(
        "Laporan dikirim untuk diverifikasi."
    )
    submission = Submission.objects.get(name="Sanjo Barokah")
    assert submission.state == State.SUBMITTED
    assert Answer.objects.get(submission=submission, indicator_code=first).documents.count() == 1

    # --- The verifier lowers one claim with a note and returns the report.
    reviewer = new_page()
    log_in(reviewer, verifier.username, factories.PASSWORD)
    reviewer.goto(live_server.url + f"/r/{region.code}/siklus/2023/verifikasi/")
    reviewer.get_by_role("link", name="Sanjo Barokah").click()
    card = reviewer.locator(f"#indikator-{first}")
    card.get_by_label("Turunkan tingkat").check()
    card.get_by_label("Tingkat terverifikasi (bila diturunkan)").select_option("2")
    card.get_by_label(re.compile("Catatan untuk operator")).fill(
        "Perbup belum ditandatangani bupati."
    )
    card.get_by_role("button", name="Simpan keputusan").click()
    expect(reviewer.locator(".messages[role=status]")).to_contain_text(
        f"Keputusan untuk indikator {first} disimpan."
    )
    reviewer.get_by_label("Apa yang harus diperbaiki OPD").fill(
        "Unggah Perbup yang sudah ditandatangani."
    )
    reviewer.get_by_role("button", name="Kembalikan untuk perbaikan").click()
    expect(reviewer.locator(".messages[role=status]")).to_contain_text("dikembalikan")

    # --- The operator reads the note, answers it, and sends the report again.
    page.reload()
    expect(page.get_by_text("Perbup belum ditandatangani bupati.")).to_be_visible()
    page.get_by_role("row").filter(has=page.locator(f"td >> text='{first}'")).get_by_role(
        "link"
    ).first.click()
    page.get_by_label("Tanggapan atas catatan verifikator").fill(
        "Perbup bertanda tangan sudah diunggah."
    )
    page.get_by_label(re.compile(r"Tingkat 2:")).check()
    page.get_by_role("button", name="Simpan indikator").click()
    page.get_by_role("button", name="Kirim untuk diverifikasi").click()
    expect(page.locator(".messages[role=status]")).to_contain_text(
        "Laporan dikirim untuk diverifikasi."
    )

    # --- The verifier accepts every claim and verifies.
    reviewer.goto(live_server.url + f"/r/{region.code}/siklus/2023/verifikasi/")
    reviewer.get_by_role("link", name="Sanjo Barokah").click()
    for code in mandatory:
        card = reviewer.locator(f"#indikator-{code}")
        card.get_by_label("Terima", exact=True).check()
        card.get_by_role("button", name="Simpan keputusan").click()
    reviewer.get_by_role("button", name="Verifikasi laporan").click()
    expect(reviewer.locator(".messages[role=status]")).to_contain_text("Laporan terverifikasi.")
    submission.refresh_from_db()
    assert submission.state == State.VERIFIED

    # --- The koordinator's dashboard shows the verified IID the engine computes.
    expected = cycle_scores(cycle).verified.iid
    assert expected > 0
    board = new_page()
    log_in(board, koordinator.username, factories.PASSWORD)
    board.goto(live_server.url + f"/r/{region.code}/siklus/2023/dasbor/")
    shown = f"{expected:.2f}".replace(".", ",")  # Indonesian decimal comma
    expect(board.get_by_text(shown).first).to_be_visible()
