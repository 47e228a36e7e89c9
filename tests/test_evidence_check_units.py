"""The automatic evidence checks one by one, on small texts (the labelled set tests them together)."""

import datetime

import pytest

from sinovda.evidence.checks import Status, dates, names, reuse, signer, video
from sinovda.evidence.checks.extract import ocr_page_numbers


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Ditetapkan di Indralaya pada tanggal 27 Juli 2023", "2023-07-27"),
        ("pada tanggal 27 JULI 2023", "2023-07-27"),
        ("Tanggal 1 Agustus 2022", "2022-08-01"),
        ("tgl. 5 Agt 2021", "2021-08-05"),
        ("Indralaya, 17 Nopember 2021", "2021-11-17"),
        ("Ditetapkan di Indralaya pada tanggal 27-07-2023", "2023-07-27"),
        ("Ditetapkan di Indralaya pada tanggal 27/07/2023", "2023-07-27"),
        ("dibuat 27.07.2023", "2023-07-27"),
        ("2023-07-27", "2023-07-27"),
        ("Palembang, 3 Pebruari 2020", "2020-02-03"),
        ("27Juli2023", "2023-07-27"),
    ],
)
def test_indonesian_date_formats(text, expected):
    assert dates.document_date(text).date.isoformat() == expected


@pytest.mark.parametrize(
    "text",
    [
        "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
        "Nomor 188.4/12/07/2023",  # a nomor, not a date
        "31 Februari 2022",  # no such day
        "27 Juli 1890",  # out of range
        "persiapan Juli 2023",  # no day
    ],
)
def test_numbers_that_are_not_dates(text):
    assert dates.document_date(text) is None


def test_the_set_date_wins_over_other_dates():
    text = (
        "Indralaya, 2 Januari 2022. Kegiatan pada tanggal 5 Januari 2020. "
        "Ditetapkan di Indralaya pada tanggal 28 Desember 2022 BUPATI OGAN ILIR "
        "Diundangkan di Indralaya pada tanggal 2 Januari 2023 SEKRETARIS DAERAH"
    )
    assert dates.document_date(text).date == datetime.date(2022, 12, 28)


def test_date_window_outcomes():
    window = dates.Window(datetime.date(2021, 1, 1), datetime.date(2022, 12, 31), True, "aturan")
    fallback = dates.Window(window.start, window.end, False, "jendela")
    inside = "pada tanggal 27 Juli 2022"
    outside = "pada tanggal 27 Juli 2019"
    assert dates.check(inside, window).status == Status.OK
    assert dates.check(outside, window).status == Status.PROBLEM
    assert dates.check(outside, fallback).status == Status.WARNING
    late = dates.check(inside, window, uploaded_on=datetime.date(2022, 7, 1))
    assert late.status == Status.PROBLEM and "sesudah tanggal unggah" in late.message
    assert dates.check("tanpa tanggal", window).status == Status.WARNING
    assert dates.check("", window).status == Status.UNKNOWN
    typed = dates.check("tanpa tanggal", window, metadata_date=datetime.date(2022, 1, 3))
    assert typed.status == Status.OK and typed.details["origin"] == "metadata"
    open_start = dates.Window(None, datetime.date(2024, 12, 31), True, "aturan")
    assert dates.check("pada tanggal 4 Maret 2001", open_start).status == Status.OK
    assert "paling lambat 31 Desember 2024" in dates.check("tgl 1 Mei 2025", open_start).message


def test_names_are_normalised():
    assert names.normalise("Kab. Ogan Ilir & Dinkes") == "kabupaten ogan ilir dinas kesehatan"
    assert names.normalise("Pelayanan Éfektif—Cepat!") == "pelayanan efektif cepat"
    assert names.variants("SIPANDAI (Sistem Pelayanan Desa)") == [
        "sipandai sistem pelayanan desa",
        "sipandai",
        "sistem pelayanan desa",
    ]


@pytest.mark.parametrize(
    "name,text,status",
    [
        ("SIPANDAI", "KEPUTUSAN BUPATI tentang inovasi SI-PANDAI", Status.OK),
        ("Si Pandai", "KEPUTUSAN BUPATI tentang inovasi SIPANDAI", Status.OK),
        ("Layanan Kab. Ogan Ilir", "KEPUTUSAN tentang Layanan Kabupaten Ogan Ilir", Status.OK),
        ("SIPANDAY", "KEPUTUSAN BUPATI tentang inovasi SIPANDAI", Status.WARNING),
        ("SIMPATIK", "KEPUTUSAN BUPATI tentang inovasi SIPANDAI", Status.PROBLEM),
        # An acronym is a whole word: "SIAP" is not in "persiapan".
        ("SIAP", "KEPUTUSAN tentang persiapan pelaksanaan", Status.PROBLEM),
        ("SIAP", "KEPUTUSAN tentang inovasi SIAP", Status.OK),
    ],
)
def test_name_matching(name, text, status):
    assert names.check(name, text, required=True).status == status


def test_the_name_is_looked_for_only_where_asked():
    assert names.check("SIPANDAI", "Laporan kegiatan", required=None) is None  # not a decree
    assert names.check("SIPANDAI", "KEPUTUSAN BUPATI ...", required=None).status == Status.PROBLEM
    assert names.check("SIPANDAI", "KEPUTUSAN BUPATI ...", required=False) is None  # a Perda


def test_the_signature_block_decides_the_signer():
    opd = (
        "KEPUTUSAN KEPALA DINAS KESEHATAN. Mengingat Peraturan Bupati Ogan Ilir Nomor 5. "
        "Ditetapkan di Indralaya pada tanggal 1 Mei 2022 KEPALA DINAS KESEHATAN, dr. X "
        "Tembusan: Bupati Ogan Ilir"
    )
    assert signer.signers_in(signer.signature_block(opd)) == {"kepala_opd"}
    regent = (
        "Ditetapkan di Indralaya pada tanggal 1 Mei 2022 BUPATI OGAN ILIR, ttd X "
        "Salinan sesuai dengan aslinya KEPALA BAGIAN HUKUM"
    )
    assert signer.signers_in(signer.signature_block(regent)) == {"kepala_daerah"}
    deputy = "Ditetapkan di Indralaya pada tanggal 1 Mei 2022 WAKIL BUPATI OGAN ILIR, ttd"
    assert signer.signers_in(signer.signature_block(deputy)) == set()
    assert signer.check(opd, "kepala_daerah", level=2, source="s").status == Status.PROBLEM
    assert signer.check(regent, "kepala_opd", level=1, source="s").status == Status.WARNING
    assert signer.check(deputy, "kepala_daerah", level=2, source="s").status == Status.WARNING
    on_behalf = "Ditetapkan di X pada tanggal 1 Mei 2022 a.n. BUPATI OGAN ILIR KEPALA DINAS X"
    assert signer.check(on_behalf, "kepala_daerah", level=1, source="s").status == Status.OK
    assert signer.check(on_behalf, "kepala_opd", level=1, source="s").status == Status.OK
    assert signer.check("", "kepala_daerah", level=2, source="s").status == Status.UNKNOWN
    assert signer.check(opd, "", level=1, source="s") is None


@pytest.mark.parametrize(
    "url,kind,well_formed",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube", True),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=10s", "youtube", True),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", True),
        ("https://youtube.com/shorts/dQw4w9WgXcQ", "youtube", True),
        ("https://www.youtube.com/@dinkes", "youtube", False),
        ("https://www.youtube.com/playlist?list=PL123", "youtube", False),
        ("https://www.youtube.com/watch?v=short", "youtube", False),
        ("https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing", "drive", True),
        ("https://drive.google.com/drive/folders/1AbCdEfGh", "drive", False),
        ("https://www.tiktok.com/@dinkes/video/7234567890123456789", "tiktok", True),
        ("https://www.instagram.com/reel/Cx1y2z3/", "instagram", True),
        ("ftp://youtu.be/dQw4w9WgXcQ", "youtube", False),
        ("https://example.org/video.mp4", "", False),
    ],
)
def test_link_shapes(url, kind, well_formed):
    assert video.link_kind(url) == (kind, well_formed)


def test_link_outcomes():
    both = ("youtube", "drive")
    assert video.check_link("https://youtu.be/dQw4w9WgXcQ", both, source="s").status == Status.OK
    assert video.check_link("https://youtube.com/@x", both, source="s").status == Status.PROBLEM
    other = video.check_link("https://example.org/v", both, source="s")
    assert other.status == Status.WARNING and "YouTube, Google Drive" in other.message
    assert video.check_link("https://example.org/v", (), source="s") is None  # no rule
    tiktok = "https://www.tiktok.com/@a/video/1"
    assert video.check_link(tiktok, both, source="s").status == Status.WARNING
    assert video.check_link("", both, source="s") is None


def test_video_length():
    assert video.check_duration(299.6, 300, source="s").status == Status.OK
    longer = video.check_duration(301, 300, source="s")
    assert longer.status == Status.PROBLEM and "5 menit 1 detik" in longer.message
    assert video.check_duration(1000, None, source="s").status == Status.OK
    assert video.check_duration(None, 300, source="s").status == Status.UNKNOWN


def test_reuse_message_lists_names_and_years():
    uses = [reuse.Use("Posyandu", 2023, "16"), reuse.Use("SIPANDAI", 2022, "16")]
    result = reuse.check(uses, year=2023)
    assert result.status == Status.WARNING
    assert "“Posyandu”" in result.message and "“SIPANDAI” (2022)" in result.message
    assert reuse.check([], year=2023).status == Status.OK


def test_ocr_reads_the_first_pages_and_the_last():
    assert ocr_page_numbers(1) == [0]
    assert ocr_page_numbers(3) == [0, 1, 2]
    assert ocr_page_numbers(12) == [0, 1, 11]
