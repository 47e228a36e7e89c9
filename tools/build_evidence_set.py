"""Build the labelled test set of the automatic evidence checks (tests/evidence_set).

    python3 -m uv run python tools/build_evidence_set.py [--out DIR]

Writes generated bukti dukung into DIR (default tests/evidence_set/files) and the labels into
tests/evidence_set/labels.csv: for every file the answer it backs (edition, indicator, claimed level,
innovation name, upload day) and the outcome each check should give (ok, warning, problem, unknown;
empty = the check does not apply). Text PDFs are made with WeasyPrint from Indonesian decrees (SK
Bupati, SK Kepala Dinas, Peraturan Bupati, Surat Tugas); scans are those pages rendered with
pypdfium2, turned a little, blurred, noised and saved as image-only PDFs with Pillow; pictures are
drawn with Pillow; MP4s are hand-made boxes (ftyp + moov/mvhd) with the duration mutagen reads;
broken files are cut or scrambled. Everything is seeded: the same files every run.
"""

import argparse
import csv
import io
import random
import struct
import sys
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SET_DIR = ROOT / "tests" / "evidence_set"
CHECKS = ("readable", "text", "date", "name", "signer", "video")
FIELDS = (
    "file",
    "kind",
    "edition",
    "indicator",
    "level",
    "innovation",
    "uploaded_on",
    *CHECKS,
    "case",
)

REGION = "Kabupaten Ogan Ilir"
CAPITAL = "Indralaya"
BUPATI = "PANCA WIJAYA AKBAR"
KADIS = "dr. H. ANDI WIJAYA, M.Kes"
NIP = "NIP. 19750512 200212 1 003"
CSS = """
@page { size: A4; margin: 2.2cm 2.4cm; }
body { font-family: 'DejaVu Serif', serif; font-size: 11.5pt; line-height: 1.45; }
h1, h2 { text-align: center; font-size: 12.5pt; margin: 0.2em 0; }
p { margin: 0.35em 0; text-align: justify; }
.sign { margin-left: 50%; margin-top: 1.5em; }
.sign p { text-align: left; margin: 0.1em 0; }
.gap { height: 2.2em; }
.page { page-break-before: always; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #000; padding: 3px 5px; font-size: 10.5pt; }
"""


@dataclass
class Decree:
    """What a generated decree says. `issuer`: bupati (SK Bupati), kadis (SK Kepala Dinas),
    perbup (Peraturan Bupati), an (SK signed by the Kepala Dinas a.n. Bupati), st (Surat Tugas)."""

    issuer: str
    innovation: str  # as written in the decree
    date: str  # as written, e.g. "27 Juli 2022" ("" = no date)
    year: int
    opd: str = "Dinas Kesehatan"
    team_pages: int = 1  # lampiran pages listing the team
    name_in_lampiran_only: bool = False
    copy_note: bool = True  # "Salinan sesuai dengan aslinya" by the legal office
    extra_pages: int = 0  # filler pages (a long decree)
    promulgated: str = ""  # a Peraturan: "Diundangkan ... pada tanggal" (after it was set)
    signer_prefix: str = ""  # "Plt. ", "PENJABAT "


def _issuer_title(decree: Decree) -> str:
    if decree.issuer in ("bupati", "perbup"):
        return f"BUPATI {REGION.upper().removeprefix('KABUPATEN ')}"
    return f"KEPALA {decree.opd.upper()} {REGION.upper()}"


def decree_html(decree: Decree) -> str:
    """An Indonesian decree in the usual order: heading, considerations, legal basis, decision,
    signature, copy note, lampiran."""
    regent = f"BUPATI {REGION.upper().removeprefix('KABUPATEN ')}"
    kind = {
        "bupati": f"KEPUTUSAN {regent}",
        "an": f"KEPUTUSAN {regent}",
        "kadis": f"KEPUTUSAN KEPALA {decree.opd.upper()} {REGION.upper()}",
        "perbup": f"PERATURAN {regent}",
        "st": f"SURAT TUGAS KEPALA {decree.opd.upper()} {REGION.upper()}",
    }[decree.issuer]
    number = {
        "bupati": f"188.4/{100 + decree.year % 97}/KEP/BAPPEDA/{decree.year}",
        "an": f"188.4/{120 + decree.year % 89}/KEP/BAPPEDA/{decree.year}",
        "kadis": f"800/{200 + decree.year % 83}/DINKES/{decree.year}",
        "perbup": f"{10 + decree.year % 29} TAHUN {decree.year}",
        "st": f"094/{300 + decree.year % 71}/DINKES/{decree.year}",
    }[decree.issuer]
    named = "" if decree.name_in_lampiran_only else f" {escape(decree.innovation)}"
    about = f"PENETAPAN INOVASI DAERAH{named} PADA {decree.opd.upper()} {REGION.upper()}"
    if decree.issuer == "st":
        about = f"PENUGASAN TIM PENGELOLA INOVASI DAERAH{named}"
    head_org = (
        f"<h1>{regent}</h1><h2>PROVINSI SUMATERA SELATAN</h2>"
        if decree.issuer in ("bupati", "perbup", "an")
        else f"<h1>PEMERINTAH {REGION.upper()}</h1><h2>{decree.opd.upper()}</h2>"
        f"<p style='text-align:center'>Jalan Lintas Timur KM 35 {CAPITAL} 30662</p>"
    )
    parts = [
        head_org,
        f"<h2>{kind}</h2><h2>NOMOR {number}</h2><h2>TENTANG</h2><h2>{about}</h2>",
        "<h2>DENGAN RAHMAT TUHAN YANG MAHA ESA</h2>" if decree.issuer != "st" else "",
        f"<h2>{_issuer_title(decree) if decree.issuer != 'an' else regent},</h2>",
        "<p>Menimbang : a. bahwa dalam rangka meningkatkan kinerja penyelenggaraan pemerintahan "
        "daerah perlu dilakukan inovasi daerah sesuai ketentuan peraturan perundang-undangan; "
        "b. bahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan "
        "keputusan tentang penetapan inovasi daerah;</p>",
        "<p>Mengingat : 1. Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah; "
        "2. Peraturan Pemerintah Nomor 38 Tahun 2017 tentang Inovasi Daerah; 3. Peraturan Menteri "
        "Dalam Negeri Nomor 104 Tahun 2018 tentang Penilaian dan Pemberian Penghargaan dan/atau "
        f"Insentif Inovasi Daerah; 4. Peraturan Bupati Ogan Ilir Nomor 5 Tahun {decree.year - 2} "
        "tentang Tata Cara Pengelolaan Inovasi Daerah;</p>",
        "<h2>MEMUTUSKAN:</h2>",
    ]
    if decree.name_in_lampiran_only:
        parts.append(
            "<p>Menetapkan : KESATU : Inovasi daerah pada "
            f"{decree.opd} {REGION} sebagaimana tercantum dalam Lampiran yang merupakan bagian "
            "tidak terpisahkan dari Keputusan ini.</p>"
        )
    else:
        parts.append(
            f"<p>Menetapkan : KESATU : Inovasi daerah “{escape(decree.innovation)}” pada "
            f"{decree.opd} {REGION} sebagai inovasi daerah yang diterapkan dan dikembangkan.</p>"
        )
    parts.append(
        "<p>KEDUA : Tim pengelola inovasi sebagaimana dimaksud dalam diktum KESATU bertugas "
        "menyusun rencana kerja, melaksanakan, memantau dan melaporkan penerapan inovasi kepada "
        "pimpinan secara berkala.</p><p>KETIGA : Segala biaya yang timbul akibat ditetapkannya "
        "Keputusan ini dibebankan pada Anggaran Pendapatan dan Belanja Daerah.</p>"
        "<p>KEEMPAT : Keputusan ini mulai berlaku pada tanggal ditetapkan.</p>"
    )
    for page in range(decree.extra_pages):
        parts.append(
            "<div class='page'>"
            + "".join(
                f"<p>Pasal {page * 6 + i + 1}. Pelaksanaan kegiatan inovasi dilakukan secara "
                "terpadu oleh perangkat daerah dengan melibatkan masyarakat, akademisi, dunia "
                "usaha dan media, serta dievaluasi setiap triwulan berdasarkan indikator kinerja "
                "yang telah disepakati bersama dalam rapat koordinasi.</p>"
                for i in range(6)
            )
            + "</div>"
        )
    if decree.date:
        parts.append(
            f"<div class='sign'><p>Ditetapkan di {CAPITAL}</p><p>pada tanggal {decree.date}</p>"
        )
    else:
        parts.append(f"<div class='sign'><p>Ditetapkan di {CAPITAL}</p>")
    if decree.issuer == "an":
        parts.append(
            f"<p>a.n. {regent}</p><p>KEPALA {decree.opd.upper()},</p><div class='gap'></div>"
            f"<p>{KADIS}</p><p>{NIP}</p></div>"
        )
    elif decree.issuer in ("bupati", "perbup"):
        parts.append(
            f"<p>{decree.signer_prefix}{regent},</p><div class='gap'></div><p>{BUPATI}</p></div>"
        )
    else:
        parts.append(
            f"<p>KEPALA {decree.opd.upper()}</p><p>{REGION.upper()},</p><div class='gap'></div>"
            f"<p>{KADIS}</p><p>{NIP}</p></div>"
        )
    if decree.promulgated:
        parts.append(
            f"<p>Diundangkan di {CAPITAL}</p><p>pada tanggal {decree.promulgated}</p>"
            f"<p>SEKRETARIS DAERAH {REGION.upper()},</p><p>ttd</p><p>H. MUHAMMAD SAPRI</p>"
            f"<p>BERITA DAERAH {REGION.upper()} TAHUN {decree.year} NOMOR {decree.year % 40}</p>"
        )
    if decree.copy_note and decree.issuer in ("bupati", "perbup", "an"):
        parts.append(
            "<p>Salinan sesuai dengan aslinya</p><p>KEPALA BAGIAN HUKUM SETDA "
            f"{REGION.upper()},</p><p>ttd</p><p>RUDI HARTONO, S.H.</p>"
        )
    for page in range(decree.team_pages):
        rows = "".join(
            f"<tr><td>{i + 1}</td><td>Anggota Tim {page * 12 + i + 1}</td>"
            f"<td>{decree.opd}</td><td>{'Ketua' if i == 0 else 'Anggota'}</td></tr>"
            for i in range(12)
        )
        parts.append(
            f"<div class='page'><p>LAMPIRAN {kind}</p><p>NOMOR : {number}</p>"
            + (f"<p>TANGGAL : {decree.date}</p>" if decree.date else "")
            + f"<h2>SUSUNAN TIM PENGELOLA INOVASI {escape(decree.innovation.upper())}</h2>"
            "<table><tr><th>No</th><th>Nama</th><th>Unsur</th><th>Jabatan dalam Tim</th></tr>"
            f"{rows}</table></div>"
        )
    return f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>{''.join(parts)}</body></html>"


def letter_html(*, written: str, event: str, about: str) -> str:
    """An invitation letter of an OPD: dated at the top ("Indralaya, 12 Maret 2022"), the event's
    day in the body, signed by the head of the OPD."""
    return (
        f"<html><head><meta charset='utf-8'><style>{CSS}</style></head><body>"
        f"<h1>PEMERINTAH {REGION.upper()}</h1><h2>DINAS KESEHATAN</h2>"
        f"<p style='text-align:right'>{CAPITAL}, {written}</p>"
        "<p>Nomor : 005/412/DINKES/2022</p><p>Lampiran : -</p><p>Perihal : Undangan</p>"
        "<p>Kepada Yth. Bapak/Ibu (daftar terlampir) di Tempat</p>"
        f"<p>Dengan hormat, kami mengundang Bapak/Ibu untuk menghadiri rapat koordinasi {about} "
        "bersama akademisi, dunia usaha, komunitas dan media, yang akan dilaksanakan pada:</p>"
        f"<p>Hari/Tanggal : Senin, {event}</p><p>Waktu : 09.00 WIB s.d. selesai</p>"
        "<p>Tempat : Aula Dinas Kesehatan</p><p>Demikian undangan ini, atas perhatian dan "
        "kehadirannya diucapkan terima kasih.</p>"
        f"<div class='sign'><p>KEPALA DINAS KESEHATAN</p><p>{REGION.upper()},</p>"
        f"<div class='gap'></div><p>{KADIS}</p><p>{NIP}</p></div></body></html>"
    )


def letter_pdf(**kwargs) -> bytes:
    from weasyprint import HTML

    return HTML(string=letter_html(**kwargs)).write_pdf()


def pdf_of(decree: Decree) -> bytes:
    from weasyprint import HTML

    return HTML(string=decree_html(decree)).write_pdf()


# --- scans and pictures -----------------------------------------------------------------------


def _noise(size, rng):
    """Uniform grey noise from the seeded generator (Pillow's own noise is not seeded)."""
    from PIL import Image

    return Image.frombytes("L", size, rng.randbytes(size[0] * size[1]))


def scan_of(
    pdf: bytes,
    *,
    seed: int,
    readable: bool = True,
    pages: int | None = 1,
    dpi: int = 150,
    turn: float = 1.6,
) -> bytes:
    """The PDF as a scanner makes it: each page a picture (turned, noised, JPEG), no text layer."""
    import pypdfium2
    from PIL import Image, ImageFilter

    rng = random.Random(seed)
    document = pypdfium2.PdfDocument(pdf)
    count = len(document) if pages is None else min(pages, len(document))
    images = []
    for index in range(count):
        page = document[index]
        image = page.render(scale=(dpi if readable else 36) / 72, grayscale=True)
        image = image.to_pil().convert("L")
        page.close()
        if not readable:
            image = image.filter(ImageFilter.GaussianBlur(2.5))
            image = image.resize((image.width * 2, image.height * 2))
        angle = rng.uniform(-turn, turn) if readable else rng.uniform(-6, 6)
        image = image.rotate(angle, expand=True, fillcolor=255, resample=Image.BICUBIC)
        image = Image.blend(image, _noise(image.size, rng), 0.12 if readable else 0.4)
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=40 if readable else 30)
        images.append(Image.open(io.BytesIO(buffer.getvalue())))
    document.close()
    out = io.BytesIO()
    images[0].save(
        out, "PDF", save_all=True, append_images=images[1:], resolution=dpi if readable else 72
    )
    return out.getvalue()


def photo(seed: int, fmt: str) -> bytes:
    """An activity photo: shapes and noise, no words."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (900, 600), (rng.randrange(120, 200),) * 3)
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(900), rng.randrange(600)
        size = rng.randrange(20, 160)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x, y, x + size, y + size), fill=colour)
    image = Image.blend(image, _noise((900, 600), rng).convert("RGB"), 0.2)
    out = io.BytesIO()
    image.save(out, "JPEG" if fmt == "jpg" else "PNG", quality=70)
    return out.getvalue()


def screenshot(decree: Decree) -> bytes:
    """A PNG picture of a decree's first page (a phone photo of a screen, but straight)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf_of(decree))
    page = document[0]
    image = page.render(scale=110 / 72, grayscale=True).to_pil().convert("L")
    page.close()
    document.close()
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def mp4(seconds: float, *, moov: bool = True) -> bytes:
    """A tiny MP4: ftyp, a moov with an mvhd holding the duration, and a little mdat."""

    def box(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", 8 + len(payload)) + kind + payload

    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    timescale = 1000
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = box(
        b"mvhd",
        struct.pack(">I", 0)  # version 0, flags
        + struct.pack(">IIII", 0, 0, timescale, int(seconds * timescale))
        + struct.pack(">IH", 0x10000, 0x100)
        + b"\x00" * 10
        + matrix
        + b"\x00" * 24
        + struct.pack(">I", 2),
    )
    body = ftyp + (box(b"moov", mvhd) if moov else b"") + box(b"mdat", bytes(range(256)) * 4)
    return body


# --- the cases --------------------------------------------------------------------------------


@dataclass
class Case:
    file: str
    make: object  # () -> bytes
    innovation: str
    expected: dict
    edition: int = 2023
    indicator: str = "16"
    level: int | None = 2
    uploaded_on: str = ""
    case: str = ""
    kind: str = "pdf"
    extra: dict = field(default_factory=dict)


def _ok(**overrides):
    base = {"readable": "ok", "text": "ok", "date": "ok", "name": "ok", "signer": "ok", "video": ""}
    return {**base, **overrides}


def cases() -> list[Case]:
    sipandai = "SIPANDAI (Sistem Pelayanan Administrasi Desa Terintegrasi)"
    jempol = "JEMPOL MAS (Jemput Bola Layanan Masyarakat)"
    si_cantik = "Si Cantik (Sistem Informasi Cegah Stunting Terintegrasi dan Kolaboratif)"
    gerbang = "Gerakan Bersama Bangun Desa Sehat"
    lapor = "LAPOR CEPAT Kab. Ogan Ilir"
    tabe = "TABE (Tanggap Bencana Berbasis Desa)"
    out: list[Case] = []

    def text(file, decree, innovation, expected, **kw):
        out.append(Case(file, lambda d=decree: pdf_of(d), innovation, expected, **kw))

    # -- correct decrees, 2023 (window 2021-2022; SK Kepala PD at 1, Kepala Daerah at 2 and 3) ---
    text(
        "ok_sk_bupati.pdf",
        Decree("bupati", sipandai, "27 Juli 2022", 2022),
        sipandai,
        _ok(),
        case="SK Bupati, tingkat 2, dalam jendela",
    )
    text(
        "ok_sk_kadis.pdf",
        Decree("kadis", jempol, "14 Maret 2022", 2022),
        jempol,
        _ok(),
        level=1,
        case="SK Kepala Dinas, tingkat 1",
    )
    text(
        "ok_perbup.pdf",
        Decree("perbup", si_cantik, "3 Januari 2022", 2022, promulgated="5 Januari 2022"),
        si_cantik,
        _ok(),
        level=3,
        case="Peraturan Bupati, tingkat 3",
    )
    text(
        "ok_date_dash.pdf",
        Decree("bupati", gerbang, "05-11-2021", 2021),
        gerbang,
        _ok(),
        case="tanggal 05-11-2021",
    )
    text(
        "ok_date_slash.pdf",
        Decree("bupati", tabe, "27/07/2021", 2021),
        tabe,
        _ok(),
        case="tanggal 27/07/2021",
    )
    text(
        "ok_date_caps.pdf",
        Decree("kadis", lapor, "1 AGUSTUS 2022", 2022),
        lapor,
        _ok(),
        level=1,
        case="tanggal huruf besar, singkatan Kab.",
    )
    text(
        "ok_hyphen_name.pdf",
        Decree(
            "bupati",
            "SI-PANDAI (Sistem Pelayanan Administrasi Desa Terintegrasi)",
            "9 Juni 2022",
            2022,
        ),
        "SIPANDAI",
        _ok(),
        case="SI-PANDAI vs SIPANDAI",
    )
    text(
        "ok_acronym_only.pdf",
        Decree("bupati", "JEMPOL MAS", "21 Oktober 2022", 2022),
        jempol,
        _ok(),
        case="hanya akronim di SK",
    )
    text(
        "ok_name_in_lampiran.pdf",
        Decree("bupati", si_cantik, "2 Mei 2022", 2022, name_in_lampiran_only=True),
        si_cantik,
        _ok(),
        case="nama hanya di lampiran",
    )
    text(
        "ok_long_decree.pdf",
        Decree("bupati", gerbang, "30 Desember 2022", 2022, extra_pages=6, team_pages=2),
        gerbang,
        _ok(),
        case="SK panjang 10 halaman",
    )
    text(
        "ok_no_copy_note_kadis.pdf",
        Decree("kadis", tabe, "18 Februari 2021", 2021, opd="Badan Penanggulangan Bencana Daerah"),
        tabe,
        _ok(),
        level=1,
        case="SK Kepala Badan",
    )
    text(
        "ok_st_ind24.pdf",
        Decree("st", jempol, "12 April 2022", 2022),
        jempol,
        _ok(signer=""),
        indicator="24",
        level=2,
        case="Surat Tugas tim, indikator 24",
    )
    text(
        "ok_ind23_kadis.pdf",
        Decree("kadis", sipandai, "8 Agustus 2021", 2021),
        sipandai,
        _ok(),
        indicator="23",
        level=2,
        case="indikator 23 tingkat 2, SK Kepala Dinas",
    )
    # 2025: level 1 asks an SK of the head of region (an OPD head may sign a.n.); Perkada and Perda
    # must be set before 2025 (..T-1); a Perda need not name the innovation.
    text(
        "ok_2025_sk_bupati.pdf",
        Decree("bupati", si_cantik, "15 Februari 2024", 2024),
        si_cantik,
        _ok(),
        edition=2025,
        level=1,
        uploaded_on="2025-06-10",
        case="2025 SK Bupati tingkat 1",
    )
    text(
        "ok_2025_an_bupati.pdf",
        Decree("an", jempol, "2 September 2023", 2023),
        jempol,
        _ok(),
        edition=2025,
        level=1,
        uploaded_on="2025-06-10",
        case="2025 SK a.n. Bupati",
    )
    text(
        "ok_2025_perbup_old.pdf",
        Decree(
            "perbup", "Pengelolaan Inovasi Daerah", "4 Maret 2020", 2020, promulgated="4 Maret 2020"
        ),
        gerbang,
        _ok(name=""),
        edition=2025,
        level=3,
        uploaded_on="2025-06-10",
        case="2025 Perda/Perkada lama tetap berlaku; nama tidak wajib",
    )
    # -- dates outside the window ------------------------------------------------------------
    text(
        "date_too_old.pdf",
        Decree("bupati", sipandai, "27 Juli 2019", 2019),
        sipandai,
        _ok(date="problem"),
        case="SK 2019, jendela 2021-2022",
    )
    text(
        "date_too_new.pdf",
        Decree("bupati", jempol, "3 Maret 2023", 2023),
        jempol,
        _ok(date="problem"),
        case="SK 2023, sesudah jendela",
    )
    text(
        "date_old_dash.pdf",
        Decree("kadis", tabe, "31-12-2020", 2020),
        tabe,
        _ok(date="problem"),
        level=1,
        case="31-12-2020, sehari sebelum jendela",
    )
    text(
        "date_old_slash.pdf",
        Decree("bupati", gerbang, "10/06/2018", 2018),
        gerbang,
        _ok(date="problem"),
        case="10/06/2018",
    )
    text(
        "date_after_upload.pdf",
        Decree("bupati", lapor, "20 Agustus 2023", 2023),
        lapor,
        _ok(date="problem"),
        case="tanggal sesudah unggah",
    )
    text(
        "date_2025_perkada_new.pdf",
        Decree("perbup", si_cantik, "7 Januari 2025", 2025, promulgated="8 Januari 2025"),
        si_cantik,
        _ok(date="problem"),
        edition=2025,
        level=2,
        uploaded_on="2025-06-10",
        case="2025 Perkada ditetapkan 2025 (harus sebelum 2025)",
    )
    text(
        "date_ind23_old.pdf",
        Decree("kadis", jempol, "2 Mei 2020", 2020),
        jempol,
        _ok(date="problem"),
        indicator="23",
        level=2,
        case="indikator 23, 2020",
    )
    text(
        "date_missing.pdf",
        Decree("bupati", sipandai, "", 2022),
        sipandai,
        _ok(date="warning"),
        case="tanpa tanggal penetapan",
    )
    # -- wrong or misspelt names -------------------------------------------------------------
    text(
        "name_other.pdf",
        Decree(
            "bupati",
            "SIMPATIK (Sistem Informasi Manajemen Pelayanan Terpadu Kependudukan)",
            "27 Juli 2022",
            2022,
        ),
        sipandai,
        _ok(name="problem"),
        case="SK inovasi lain",
    )
    text(
        "name_other2.pdf",
        Decree("kadis", "Posyandu Remaja Ceria", "11 Mei 2022", 2022),
        gerbang,
        _ok(name="problem"),
        level=1,
        case="SK inovasi lain (2)",
    )
    text(
        "name_other3.pdf",
        Decree("bupati", "Kampung KB Berseri", "6 Juni 2021", 2021),
        tabe,
        _ok(name="problem"),
        case="SK inovasi lain (3)",
    )
    text(
        "name_typo.pdf",
        Decree(
            "bupati",
            "SIPANDAY (Sistem Pelayanan Administrasi Desa Terintergrasi)",
            "27 Juli 2022",
            2022,
        ),
        "SIPANDAI",
        _ok(name="warning"),
        case="salah eja SIPANDAY",
    )
    text(
        "name_typo2.pdf",
        Decree("bupati", "Gerakan Bersama Bangun Desa Sehat", "1 Juli 2022", 2022),
        "Gerakan Bersma Bangunn Desa Sehatt",
        _ok(name="warning"),
        case="salah eja di laporan",
    )
    text(
        "name_other_ind24.pdf",
        Decree("st", "Posyandu Remaja Ceria", "12 April 2022", 2022),
        jempol,
        _ok(name="problem", signer=""),
        indicator="24",
        level=2,
        case="Surat Tugas inovasi lain",
    )
    # -- signer against the claimed level ----------------------------------------------------
    text(
        "signer_kadis_for_kd.pdf",
        Decree("kadis", sipandai, "27 Juli 2022", 2022),
        sipandai,
        _ok(signer="problem"),
        level=2,
        case="tingkat 2 (SK Kepala Daerah) tetapi SK Kepala Dinas",
    )
    text(
        "signer_kadis_for_perkada.pdf",
        Decree("kadis", gerbang, "9 Mei 2022", 2022),
        gerbang,
        _ok(signer="problem"),
        level=3,
        case="tingkat 3 tetapi SK Kepala Dinas",
    )
    text(
        "signer_kd_for_opd.pdf",
        Decree("bupati", jempol, "14 Maret 2022", 2022),
        jempol,
        _ok(signer="warning"),
        level=1,
        case="tingkat 1 tetapi SK Bupati (klaim terlalu rendah)",
    )
    text(
        "signer_2025_kadis.pdf",
        Decree("kadis", si_cantik, "15 Februari 2024", 2024),
        si_cantik,
        _ok(signer="problem"),
        edition=2025,
        level=1,
        uploaded_on="2025-06-10",
        case="2025 tingkat 1 tanpa a.n. Kepala Daerah",
    )
    text(
        "signer_ind23_kadis_for_kd.pdf",
        Decree("kadis", tabe, "8 Agustus 2021", 2021),
        tabe,
        _ok(signer="problem"),
        indicator="23",
        level=3,
        case="indikator 23 tingkat 3, SK Kadis",
    )
    # -- harder, closer to real papers ------------------------------------------------------------
    text(
        "hard_perbup_promulgated_later.pdf",
        Decree("perbup", tabe, "28 Desember 2022", 2022, promulgated="2 Januari 2023"),
        tabe,
        _ok(),
        level=3,
        case="Perbup ditetapkan 2022, diundangkan 2023: tanggal penetapan yang dihitung",
    )
    text(
        "hard_plt_bupati.pdf",
        Decree("bupati", jempol, "6 September 2022", 2022, signer_prefix="Plt. "),
        jempol,
        _ok(),
        case="ditandatangani Plt. Bupati",
    )
    text(
        "hard_extra_word.pdf",
        Decree(
            "bupati",
            "SIPANDAI (Sistem Pelayanan Administrasi Desa yang Terintegrasi)",
            "27 Juli 2022",
            2022,
        ),
        "Sistem Pelayanan Administrasi Desa Terintegrasi",
        _ok(),
        case="nama di SK dengan satu kata tambahan (yang)",
    )
    out.append(
        Case(
            "hard_letter_ind22.pdf",
            lambda: letter_pdf(
                written="12 Maret 2022", event="21 Maret 2022", about=f"inovasi {jempol}"
            ),
            jempol,
            _ok(name="", signer=""),
            indicator="22",
            level=2,
            case="surat undangan: tanggal surat di atas, tanggal acara di isi",
        )
    )

    # -- scans ----------------------------------------------------------------------------------
    def scan(file, decree, innovation, expected, *, readable=True, seed, dpi=150, turn=1.6, **kw):
        out.append(
            Case(
                file,
                lambda d=decree, r=readable, s=seed, q=dpi, t=turn: scan_of(
                    pdf_of(d), seed=s, readable=r, dpi=q, turn=t
                ),
                innovation,
                expected,
                **kw,
            )
        )

    short = {"team_pages": 0, "copy_note": False}
    scan(
        "scan_ok_bupati.pdf",
        Decree("bupati", sipandai, "27 Juli 2022", 2022, **short),
        sipandai,
        _ok(),
        seed=1,
        case="pindaian SK Bupati terbaca",
    )
    scan(
        "scan_ok_kadis.pdf",
        Decree("kadis", jempol, "14 Maret 2022", 2022, **short),
        jempol,
        _ok(),
        level=1,
        seed=2,
        case="pindaian SK Kepala Dinas terbaca",
    )
    scan(
        "scan_date_old.pdf",
        Decree("bupati", tabe, "27 Juli 2019", 2019, **short),
        tabe,
        _ok(date="problem"),
        seed=3,
        case="pindaian, tanggal 2019",
    )
    scan(
        "scan_signer_wrong.pdf",
        Decree("kadis", gerbang, "9 Mei 2022", 2022, **short),
        gerbang,
        _ok(signer="problem"),
        level=2,
        seed=4,
        case="pindaian, penanda tangan salah",
    )
    scan(
        "hard_scan_lowres_turned.pdf",
        Decree("bupati", si_cantik, "2 Mei 2022", 2022, **short),
        si_cantik,
        _ok(),
        seed=11,
        dpi=100,
        turn=4.0,
        case="pindaian 100 dpi, miring hingga 4 derajat",
    )
    unread = {
        "readable": "ok",
        "text": "problem",
        "date": "unknown",
        "name": "unknown",
        "signer": "unknown",
        "video": "",
    }
    scan(
        "scan_unreadable.pdf",
        Decree("bupati", sipandai, "27 Juli 2022", 2022, **short),
        sipandai,
        unread,
        readable=False,
        seed=5,
        case="pindaian buram, tidak terbaca",
    )
    scan(
        "scan_unreadable2.pdf",
        Decree("kadis", jempol, "14 Maret 2022", 2022, **short),
        jempol,
        unread,
        readable=False,
        level=1,
        seed=6,
        case="pindaian buram (2)",
    )
    # -- pictures ------------------------------------------------------------------------------
    picture = {
        "readable": "ok",
        "text": "unknown",
        "date": "",
        "name": "",
        "signer": "",
        "video": "",
    }
    out.append(
        Case(
            "photo_activity.jpg",
            lambda: photo(7, "jpg"),
            jempol,
            picture,
            kind="jpg",
            indicator="25",
            level=1,
            case="foto kegiatan tanpa teks",
        )
    )
    out.append(
        Case(
            "screenshot_sk.png",
            lambda: screenshot(Decree("bupati", si_cantik, "2 Mei 2022", 2022, **short)),
            si_cantik,
            {**picture, "text": "ok", "date": "ok", "name": "ok"},
            kind="png",
            level=2,
            case="tangkapan layar SK (gambar), tanpa pemeriksaan penanda tangan",
        )
    )
    # -- broken files --------------------------------------------------------------------------
    broken = {"readable": "problem", "text": "", "date": "", "name": "", "signer": "", "video": ""}
    good = Decree("bupati", sipandai, "27 Juli 2022", 2022, extra_pages=2)
    out.append(
        Case(
            "broken_truncated.pdf",
            lambda: pdf_of(good)[:1500],
            sipandai,
            broken,
            case="PDF terpotong",
        )
    )
    out.append(
        Case(
            "broken_garbage.pdf",
            lambda: b"%PDF-1.4\n" + random.Random(9).randbytes(6000),
            sipandai,
            broken,
            case="PDF rusak (isi acak)",
        )
    )
    out.append(
        Case(
            "broken_truncated.jpg",
            lambda: photo(8, "jpg")[:9000],
            jempol,
            broken,
            kind="jpg",
            indicator="25",
            level=1,
            case="JPG terpotong",
        )
    )
    # -- video (indicator 35: at most 5 minutes in 2023) --------------------------------------
    video = {"readable": "ok", "text": "", "date": "", "name": "", "signer": ""}
    out.append(
        Case(
            "video_3min.mp4",
            lambda: mp4(185.0),
            jempol,
            {**video, "video": "ok"},
            kind="mp4",
            indicator="35",
            level=3,
            case="video 3 menit 5 detik",
        )
    )
    out.append(
        Case(
            "video_5min.mp4",
            lambda: mp4(300.0),
            jempol,
            {**video, "video": "ok"},
            kind="mp4",
            indicator="35",
            level=3,
            case="tepat 5 menit",
        )
    )
    out.append(
        Case(
            "video_7min.mp4",
            lambda: mp4(421.5),
            jempol,
            {**video, "video": "problem"},
            kind="mp4",
            indicator="35",
            level=3,
            case="video 7 menit",
        )
    )
    out.append(
        Case(
            "video_broken.mp4",
            lambda: mp4(100.0, moov=False),
            jempol,
            {**broken},
            kind="mp4",
            indicator="35",
            level=3,
            case="MP4 tanpa moov",
        )
    )
    for c in out:
        c.uploaded_on = c.uploaded_on or ("2023-06-15" if c.edition == 2023 else "2025-06-10")
    return out


def build(out_dir: Path = SET_DIR / "files", labels: Path = SET_DIR / "labels.csv") -> list[Case]:
    out_dir.mkdir(parents=True, exist_ok=True)
    made = cases()
    for case in made:
        (out_dir / case.file).write_bytes(case.make())
    with labels.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for case in made:
            writer.writerow(
                {
                    "file": case.file,
                    "kind": case.kind,
                    "edition": case.edition,
                    "indicator": case.indicator,
                    "level": case.level or "",
                    "innovation": case.innovation,
                    "uploaded_on": case.uploaded_on,
                    **{check: case.expected.get(check, "") for check in CHECKS},
                    "case": case.case,
                }
            )
    return made


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SET_DIR / "files")
    parser.add_argument("--labels", type=Path, default=SET_DIR / "labels.csv")
    args = parser.parse_args(argv)
    made = build(args.out, args.labels)
    size = sum((args.out / c.file).stat().st_size for c in made)
    print(f"{len(made)} files, {size / 1024:.0f} KB in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
