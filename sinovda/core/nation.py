"""A synthetic nation for tests and benchmarks (`manage.py generate_nation`).

Every Pemda of the regions data gets 8–20 OPDs, a cycle for every edition year loaded, and — for
SUBMISSION_YEAR, a closed year — innovations with their report, an answer to every SID indicator of
the edition (claimed, and for reviewed reports verified as accepted or lowered), SPD answers, a
share of the verified ones published in the catalogue, and result snapshots for SNAPSHOT_YEARS
(source "sintetis"; the last year is computed from the generated answers). About 40,000 innovations
at scale 1.0; `scale` multiplies the innovations of every Pemda.

Everything is marked synthetic: names of OPDs and innovations, the report texts, the public copies
and the snapshots end with SYNTHETIC_TAG. Nothing is real: names are built from word lists, levels
and review decisions from a random generator with a fixed seed, so the same seed gives the same
nation (one generator per Pemda, so generating one province gives that province's part of the
national data). Running again replaces the previous synthetic data of the same Pemda; the command
refuses to run beside real (untagged) innovations unless forced.

Rows are written in chunks of Pemda, one transaction per chunk, with bulk_create (and COPY for the
~800,000 answers on PostgreSQL), so the nation takes about two minutes (docs/benchmarks.md).
"""

import base64
import datetime
import io
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal

from django.core.management import call_command
from django.db import connection, transaction

from sinovda.catalogue.models import Publication
from sinovda.catalogue.publish import public_copy
from sinovda.catalogue.versions import bump as bump_catalogue_version
from sinovda.cycles.models import Cycle
from sinovda.editions.models import Edition
from sinovda.innovations import affairs
from sinovda.innovations.models import (
    Answer,
    FieldComment,
    Innovation,
    RegionAnswer,
    ReviewState,
    State,
    Submission,
)
from sinovda.regions.models import Agency, Region
from sinovda.scores.models import ResultSnapshot, Source
from sinovda.scores.recompute import recompute_year

SYNTHETIC_TAG = "[Data sintetis]"
SUBMISSION_YEAR = 2025  # the latest edition year whose cycles are closed
SNAPSHOT_YEARS = (2022, 2023, 2024, 2025)
INNOVATIONS_AT_SCALE_1 = 40_000
PEMDA = 546  # rows of sinovda/regions/data/regions.csv: the mean per Pemda follows from it
BATCH_SIZE = 2000
# Pemda are written in chunks of about this many innovations, one transaction each: few commits
# and few INSERT statements, and memory bounded.
CHUNK_INNOVATIONS = 2000
PUBLISHED_SHARE = 0.6  # of the verified reports
CITATION_TITLE = "Data sintetis untuk uji dan benchmark"
CITATION_PUBLISHER = "Sinovda (manage.py generate_nation)"
CENT = Decimal("0.01")

# (name, short name, urusan it serves). The first six are in every Pemda, so the basic services
# are covered; the others are drawn until the Pemda has 8–20 OPDs.
AGENCIES = [
    (
        "Badan Perencanaan Pembangunan, Riset, dan Inovasi Daerah",
        "Bapperida",
        ["Perencanaan", "Penelitian dan Pengembangan"],
    ),
    ("Dinas Pendidikan", "Disdik", ["Pendidikan"]),
    ("Dinas Kesehatan", "Dinkes", ["Kesehatan"]),
    (
        "Dinas Pekerjaan Umum dan Penataan Ruang",
        "Dinas PUPR",
        ["Pekerjaan Umum dan Penataan Ruang"],
    ),
    ("Dinas Sosial", "Dinsos", ["Sosial"]),
    (
        "Dinas Kependudukan dan Pencatatan Sipil",
        "Disdukcapil",
        ["Administrasi Kependudukan dan Pencatatan Sipil"],
    ),
    (
        "Dinas Perumahan dan Kawasan Permukiman",
        "Disperkim",
        ["Perumahan Rakyat dan Kawasan Permukiman"],
    ),
    (
        "Dinas Satuan Polisi Pamong Praja dan Pemadam Kebakaran",
        "Satpol PP Damkar",
        ["Ketenteraman, Ketertiban Umum, dan Pelindungan Masyarakat"],
    ),
    ("Dinas Tenaga Kerja dan Transmigrasi", "Disnakertrans", ["Tenaga Kerja", "Transmigrasi"]),
    (
        "Dinas Pemberdayaan Perempuan dan Perlindungan Anak",
        "DP3A",
        ["Pemberdayaan Perempuan dan Pelindungan Anak"],
    ),
    ("Dinas Ketahanan Pangan", "Diskeppang", ["Pangan"]),
    ("Dinas Lingkungan Hidup", "DLH", ["Lingkungan Hidup"]),
    ("Dinas Pemberdayaan Masyarakat dan Desa", "Dinas PMD", ["Pemberdayaan Masyarakat dan Desa"]),
    (
        "Dinas Pengendalian Penduduk dan Keluarga Berencana",
        "DPPKB",
        ["Pengendalian Penduduk dan Keluarga Berencana"],
    ),
    ("Dinas Perhubungan", "Dishub", ["Perhubungan"]),
    (
        "Dinas Komunikasi dan Informatika",
        "Diskominfo",
        ["Komunikasi dan Informatika", "Statistik", "Persandian"],
    ),
    (
        "Dinas Koperasi dan Usaha Mikro",
        "Dinkop UKM",
        ["Koperasi, Usaha Kecil, dan Menengah"],
    ),
    (
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
        "DPMPTSP",
        ["Penanaman Modal"],
    ),
    ("Dinas Pemuda dan Olahraga", "Dispora", ["Kepemudaan dan Olahraga"]),
    ("Dinas Kebudayaan dan Pariwisata", "Disbudpar", ["Kebudayaan", "Pariwisata"]),
    ("Dinas Perpustakaan dan Kearsipan", "Dispusip", ["Perpustakaan", "Kearsipan"]),
    ("Dinas Pertanian", "Distan", ["Pertanian"]),
    ("Dinas Kelautan dan Perikanan", "Diskanlut", ["Kelautan dan Perikanan"]),
    ("Dinas Perdagangan dan Perindustrian", "Disperindag", ["Perdagangan", "Perindustrian"]),
    ("Dinas Kehutanan dan Perkebunan", "Dishutbun", ["Kehutanan"]),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD", ["Keuangan"]),
    ("Badan Pendapatan Daerah", "Bapenda", ["Keuangan"]),
    (
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        "BKPSDM",
        ["Kepegawaian", "Pendidikan dan Pelatihan"],
    ),
    ("Inspektorat Daerah", "Inspektorat", ["Pengawasan"]),
    ("Sekretariat Daerah", "Setda", ["Kesekretariatan", "Pemerintahan Umum"]),
    ("Rumah Sakit Umum Daerah", "RSUD", ["Kesehatan"]),
]
ALWAYS = 6

# What innovations of each urusan are about (lower case: they are used inside sentences too).
TOPICS = {
    "Pendidikan": [
        "literasi anak",
        "sekolah ramah anak",
        "beasiswa anak nelayan",
        "kelas jauh",
        "rapor digital",
        "bimbingan belajar gratis",
        "anak putus sekolah",
        "numerasi dasar",
    ],
    "Kesehatan": [
        "posyandu",
        "pencegahan stunting",
        "imunisasi anak",
        "ibu hamil risiko tinggi",
        "antrean puskesmas",
        "ambulans desa",
        "kesehatan jiwa",
        "lansia sehat",
        "gizi balita",
        "tuberkulosis",
        "rujukan pasien",
    ],
    "Pekerjaan Umum dan Penataan Ruang": [
        "jalan desa",
        "air bersih",
        "drainase kota",
        "irigasi sawah",
        "izin bangunan",
        "jembatan gantung",
    ],
    "Perumahan Rakyat dan Kawasan Permukiman": [
        "rumah tidak layak huni",
        "sanitasi permukiman",
        "penerangan jalan",
        "kawasan kumuh",
    ],
    "Ketenteraman, Ketertiban Umum, dan Pelindungan Masyarakat": [
        "pemadam kebakaran",
        "tanggap bencana",
        "ketertiban pasar",
        "linmas desa",
        "peringatan dini banjir",
    ],
    "Sosial": [
        "bantuan sosial",
        "penyandang disabilitas",
        "data kemiskinan",
        "anak terlantar",
        "lansia terlantar",
    ],
    "Administrasi Kependudukan dan Pencatatan Sipil": [
        "akta kelahiran",
        "kartu identitas anak",
        "KTP elektronik",
        "dokumen kependudukan",
        "perekaman data penduduk",
    ],
    "Pemberdayaan Perempuan dan Pelindungan Anak": [
        "perlindungan anak",
        "kekerasan terhadap perempuan",
        "perempuan pelaku usaha",
        "pernikahan dini",
    ],
    "Pangan": ["cadangan pangan", "pekarangan pangan", "harga pangan", "pangan lokal"],
    "Lingkungan Hidup": [
        "bank sampah",
        "sampah plastik",
        "kualitas udara",
        "penghijauan",
        "limbah rumah sakit",
    ],
    "Pemberdayaan Masyarakat dan Desa": [
        "dana desa",
        "BUMDes",
        "profil desa",
        "kader desa",
        "desa wisata",
    ],
    "Pengendalian Penduduk dan Keluarga Berencana": [
        "keluarga berencana",
        "kampung KB",
        "remaja berencana",
    ],
    "Perhubungan": ["angkutan sekolah", "uji kendaraan", "parkir", "angkutan desa"],
    "Komunikasi dan Informatika": [
        "satu data",
        "pengaduan warga",
        "internet desa",
        "keterbukaan informasi",
        "tanda tangan elektronik",
    ],
    "Koperasi, Usaha Kecil, dan Menengah": [
        "UMKM",
        "koperasi",
        "produk lokal",
        "pemasaran daring",
    ],
    "Penanaman Modal": ["perizinan berusaha", "investasi", "izin usaha"],
    "Kepemudaan dan Olahraga": ["olahraga masyarakat", "wirausaha muda", "atlet pelajar"],
    "Kebudayaan": ["cagar budaya", "seni tradisi", "bahasa daerah"],
    "Pariwisata": ["desa wisata", "promosi wisata", "pemandu wisata"],
    "Perpustakaan": ["perpustakaan keliling", "taman baca", "minat baca"],
    "Kearsipan": ["arsip digital", "arsip desa"],
    "Pertanian": [
        "pupuk bersubsidi",
        "penyuluhan pertanian",
        "benih unggul",
        "hama tanaman",
        "ternak sapi",
    ],
    "Kelautan dan Perikanan": ["nelayan kecil", "budidaya ikan", "hasil tangkapan"],
    "Perdagangan": ["pasar rakyat", "harga bahan pokok", "tera ulang"],
    "Keuangan": ["pajak daerah", "retribusi", "aset daerah", "belanja daerah"],
    "Kepegawaian": ["kinerja ASN", "presensi pegawai", "kenaikan pangkat"],
    "Pengawasan": ["pengawasan internal", "tindak lanjut temuan", "gratifikasi"],
    "Kesekretariatan": ["persuratan", "rapat tanpa kertas", "protokol"],
    "Pemerintahan Umum": ["layanan kecamatan", "kerja sama daerah", "wawasan kebangsaan"],
}
GENERIC_TOPICS = ["layanan publik", "tata kelola", "pelayanan terpadu"]
PREFIXES = [
    "Gerakan",
    "Sistem Informasi",
    "Layanan",
    "Aplikasi",
    "Program",
    "Klinik",
    "Pojok",
    "Rumah",
    "Jemput Bola",
    "Kampung",
    "Sahabat",
    "Gerai",
    "Sekolah",
    "Forum",
]
DIGITAL_PREFIXES = {"Sistem Informasi", "Aplikasi"}
SUFFIXES = [
    "Terpadu",
    "Keliling",
    "Digital",
    "Berbasis Desa",
    "Satu Pintu",
    "Daring",
    "Bersama Warga",
    "Cepat",
    "Tuntas",
    "Malam",
    "",
    "",
]
THEMES = [
    "Penanggulangan kemiskinan",
    "Percepatan penurunan stunting",
    "Digitalisasi layanan pemerintahan",
    "Kemudahan investasi",
    "Pengendalian inflasi",
    "Mitigasi bencana",
    "Pendidikan",
    "Kesehatan",
    "Pertanian",
    "Tata kelola pemerintahan",
    "Lingkungan hidup",
]
PERSONS = [
    "Nurhayati",
    "Rizki Pratama",
    "Yulia Safitri",
    "Hendra Saputra",
    "Siti Aminah",
    "Fajar Ramadhan",
    "Eka Novianti",
    "Ahmad Zulkarnain",
    "Dian Puspita",
    "Rudi Hartono",
    "Made Wirawan",
    "Maria Lumban",
    "Yohanes Wenda",
    "Andi Makkasau",
]

# Sentences of the profile; {t} is the topic, {d} the Pemda, {o} the OPD, {p} a percentage.
LEGAL = [
    "Peraturan Kepala Daerah {d} tentang inovasi daerah dan Keputusan Kepala {o} tentang tim "
    "pengelola inovasi {t}.",
    "PP Nomor 38 Tahun 2017 tentang Inovasi Daerah dan Surat Keputusan Kepala Daerah {d} tentang "
    "penetapan inovasi {t}.",
]
PROBLEMS = [
    "Warga {d} harus datang berkali-kali ke kantor untuk urusan {t}, sehingga waktu dan biaya "
    "yang dikeluarkan besar.",
    "Data {t} tersebar di beberapa unit dan tidak diperbarui, sehingga sasaran program sering "
    "tidak tepat.",
    "Cakupan layanan {t} di desa terpencil masih rendah karena jarak dan keterbatasan petugas.",
    "Keluhan warga tentang {t} tidak tercatat dan tidak ditindaklanjuti dengan jelas.",
]
ISSUES = [
    "Transformasi digital layanan pemerintahan dan Sistem Pemerintahan Berbasis Elektronik "
    "menjadi prioritas nasional.",
    "Penurunan kemiskinan ekstrem dan stunting menjadi prioritas nasional yang harus didukung "
    "sampai ke desa.",
    "Pelayanan publik yang cepat dan terjangkau tertuang dalam RPJMD {d}.",
]
METHODS = [
    "Petugas {o} mendatangi warga dan mencatat layanan {t} langsung di lokasi.",
    "Layanan {t} dipadukan dalam satu alur dengan formulir daring dan pelacakan status.",
    "Kader desa dilatih untuk mendampingi warga dalam layanan {t}.",
    "Data {t} dihimpun dalam satu basis data yang dipakai bersama oleh perangkat daerah.",
]
NOVELTY = [
    "Pertama kali di {d}: layanan {t} tidak lagi menunggu warga datang.",
    "Menggabungkan tiga layanan yang sebelumnya terpisah menjadi satu layanan {t}.",
    "Memakai data yang sudah ada sehingga tidak memerlukan biaya besar.",
]
STEPS = [
    "Uji coba di dua kecamatan, evaluasi, lalu penerapan di seluruh kecamatan {d}.",
    "Penyusunan SOP, pelatihan petugas, sosialisasi kepada warga, lalu pemantauan bulanan.",
]
GOALS = [
    "Mempercepat layanan {t} bagi warga {d}.",
    "Meningkatkan cakupan layanan {t} di seluruh kecamatan.",
    "Menyediakan data {t} yang akurat dan mutakhir.",
]
GOALS_MEDIUM = [
    "Seluruh desa terlayani dalam tiga tahun.",
    "Layanan {t} menjadi standar di semua unit layanan.",
]
GOALS_LONG = [
    "Layanan {t} yang merata, cepat, dan terpercaya di {d}.",
    "Menurunkan ketimpangan layanan antara kota dan desa.",
]
BENEFITS = [
    "Waktu layanan {t} berkurang dan warga tidak perlu mengeluarkan biaya perjalanan.",
    "Sasaran program {t} lebih tepat karena datanya diperbarui setiap bulan.",
    "Warga di desa terpencil memperoleh layanan {t} yang sama dengan warga kota.",
]
BEFORE = [
    "Sebelum inovasi, layanan {t} memerlukan rata-rata tujuh hari kerja.",
    "Sebelum inovasi, cakupan layanan {t} baru sekitar separuh sasaran.",
]
RESULTS = [
    "Setelah inovasi, cakupan layanan {t} naik menjadi {p} persen sasaran.",
    "Setelah inovasi, waktu layanan {t} turun menjadi satu hari kerja untuk {p} persen permohonan.",
    "Setelah inovasi, {p} persen warga sasaran terlayani dan pengaduan berkurang.",
]
MISSIONS = [
    "Mewujudkan tata kelola pemerintahan yang baik dan pelayanan publik yang berkualitas.",
    "Meningkatkan kualitas sumber daya manusia yang sehat, cerdas, dan berdaya saing.",
    "Memperkuat perekonomian daerah yang berbasis potensi lokal.",
]
LOWERED_NOTES = [
    "Bukti dukung belum lengkap; tingkat disesuaikan.",
    "Dokumen yang diunggah tidak memuat nama inovasi.",
    "Dokumen bertanggal di luar periode penilaian.",
]

# Share of each state among the year's reports: the cycle is closed, so nearly all are decided.
STATES = [
    (State.VERIFIED, 0.86),
    (State.REJECTED, 0.05),
    (State.SUBMITTED, 0.03),
    (State.RETURNED, 0.02),
    (State.WITHDRAWN, 0.03),
    (State.DRAFT, 0.01),
]
REVIEWED_STATES = {State.VERIFIED, State.REJECTED, State.RETURNED}
SENT_STATES = {State.SUBMITTED, State.RETURNED, State.VERIFIED, State.REJECTED, State.WITHDRAWN}


class Refused(Exception):
    """The database holds real data and the caller did not force the generation."""


@dataclass
class Counts:
    regions: int = 0
    agencies: int = 0
    cycles: int = 0
    innovations: int = 0
    submissions: int = 0
    answers: int = 0
    spd_answers: int = 0
    publications: int = 0
    snapshots: int = 0

    def add(self, other: "Counts") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def tagged(text: str) -> str:
    return f"{text} {SYNTHETIC_TAG}"


def real_innovations():
    """Innovations not made by this generator (the demo's and real ones)."""
    return Innovation.objects.exclude(name__endswith=SYNTHETIC_TAG)


def generate(
    *,
    scale: float = 1.0,
    seed: int = 1,
    force: bool = False,
    province: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Counts:
    """Generate (or regenerate) the synthetic nation, or one province of it (its Kemendagri code).

    Raises Refused when real innovations exist and `force` is not set."""
    say = progress or (lambda message: None)
    if scale <= 0:
        raise ValueError("scale must be positive")
    if not force and real_innovations().exists():
        raise Refused(
            "Basis data ini berisi inovasi yang bukan data sintetis; data nasional sintetis "
            "tidak dibuat. Pakai --force bila memang ingin menambahkannya."
        )
    if not Edition.objects.filter(year=SUBMISSION_YEAR).exists():
        call_command("load_editions", verbosity=0, stdout=io.StringIO())
        say("edisi dimuat (load_editions)")
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0, stdout=io.StringIO())
        say("Pemda dimuat (load_regions)")
    regions = Region.objects.order_by("code")
    if province:
        regions = regions.filter(code=province) | regions.filter(province__code=province)
    regions = list(regions)
    if not regions:
        raise ValueError(f"no Pemda with code {province!r}")

    started = time.perf_counter()
    clear(regions)
    say(f"data sintetis lama dihapus ({time.perf_counter() - started:.1f} s)")
    editions = list(Edition.objects.order_by("year"))
    counts = Counts(regions=len(regions))
    counts.cycles = _cycles(regions, editions)
    context = _Context(editions, scale, seed)
    chunk, planned = [], 0
    for number, region in enumerate(regions, 1):
        chunk.append(_plan_region(region, context))
        planned += len(chunk[-1].plans)
        if planned >= CHUNK_INNOVATIONS or number == len(regions):
            with transaction.atomic():
                counts.add(_write(chunk))
            chunk, planned = [], 0
            say(
                f"{number}/{len(regions)} Pemda, {counts.innovations} inovasi, "
                f"{counts.answers} jawaban ({time.perf_counter() - started:.1f} s)"
            )
    with transaction.atomic():
        counts.snapshots = _snapshots(regions, context)
    say(f"selesai dalam {time.perf_counter() - started:.1f} s")
    return counts


@transaction.atomic
def clear(regions) -> None:
    """Remove what a previous run generated for these Pemda.

    Answers are deleted with plain DELETE statements: Django's cascade would load every one of the
    ~800,000 rows into memory first. Reports and innovations go through Django's delete, so rows
    that point at them (output jobs, hand-off entries) are deleted or refused as the models say."""
    innovations = Innovation.objects.filter(region__in=regions, name__endswith=SYNTHETIC_TAG)
    submissions = Submission.objects.filter(innovation__in=innovations)
    using = connection.alias
    Publication.objects.filter(innovation__in=innovations).delete()
    Answer.documents.through.objects.filter(answer__submission__in=submissions)._raw_delete(using)
    Answer.objects.filter(submission__in=submissions)._raw_delete(using)
    FieldComment.objects.filter(submission__in=submissions)._raw_delete(using)
    Submission.objects.filter(pk__in=submissions.values("pk")).only("pk").delete()
    innovations.only("pk").delete()
    spd = RegionAnswer.objects.filter(
        cycle__region__in=regions, review_note__endswith=SYNTHETIC_TAG
    )
    RegionAnswer.documents.through.objects.filter(regionanswer__in=spd)._raw_delete(using)
    spd._raw_delete(using)
    ResultSnapshot.objects.filter(region__in=regions, source=Source.SYNTHETIC).delete()
    Agency.objects.filter(
        region__in=regions,
        name__endswith=SYNTHETIC_TAG,
        innovations=None,
        memberships=None,
        documents=None,
        awards=None,
    ).delete()


class _Context:
    """What every Pemda's generation reads: editions, the existing OPDs and cycles."""

    def __init__(self, editions, scale, seed):
        self.scale, self.seed = scale, seed
        self.edition = next(e for e in editions if e.year == SUBMISSION_YEAR)
        self.spec = self.edition.spec()
        self.sid_rows = self.spec.sid_rows
        self.spd_rows = self.spec.spd_rows
        # The edition is set by hand: select_related would decode its large document per cycle.
        self.cycles = {c.region_id: c for c in Cycle.objects.filter(edition=self.edition)}
        for cycle in self.cycles.values():
            cycle.edition = self.edition
        self.cycles_with_spd = set(
            RegionAnswer.objects.filter(cycle__edition=self.edition)
            .values_list("cycle_id", flat=True)
            .distinct()
        )
        self.agencies = defaultdict(dict)  # region id -> short name -> Agency
        for agency in Agency.objects.all():
            self.agencies[agency.region_id][agency.short_name] = agency
        self.extra_fields = {pf.code for pf in self.spec.profile_fields if not pf.column}
        self.mean = INNOVATIONS_AT_SCALE_1 / PEMDA * scale

    def rng(self, region, purpose=""):
        # A string seed is hashed (SHA-512) by random.Random: stable across runs and platforms.
        return random.Random(f"sinovda-nation:{self.seed}:{region.code}:{purpose}")  # noqa: S311


def _cycles(regions, editions) -> int:
    """A cycle for every Pemda and edition year (dates in that year: closed for past years)."""
    existing = set(Cycle.objects.filter(region__in=regions).values_list("region_id", "edition_id"))
    new = [
        Cycle(
            region=region,
            edition=edition,
            opens_on=datetime.date(edition.year, 6, 1),
            submit_deadline=datetime.date(edition.year, 8, 31),
            review_deadline=datetime.date(edition.year, 10, 31),
        )
        for region in regions
        for edition in editions
        if (region.pk, edition.pk) not in existing
    ]
    Cycle.objects.bulk_create(new, batch_size=BATCH_SIZE)
    return len(new)


@dataclass
class _RegionPlan:
    """Everything one Pemda gets, drawn from its own generator before anything is written."""

    agencies: list  # new Agency rows
    plans: list  # _Plan per innovation
    spd: list  # RegionAnswer rows
    published: list  # the _Plans whose report is published


def _plan_region(region, context) -> _RegionPlan:
    rng = context.rng(region)
    new_agencies = []
    agencies = _agencies(region, context, rng, new_agencies)
    cycle = context.cycles[region.pk]
    cycle.region = region  # the public copy reads the cycle's region and edition
    quality = rng.uniform(0.3, 0.9)
    size = max(1, round(context.mean * rng.lognormvariate(-0.18, 0.6)))
    plans = [_plan(region, agencies, quality, context, rng) for _ in range(size)]
    for plan in plans:
        plan.submission.cycle = cycle
    spd = []
    if cycle.pk not in context.cycles_with_spd:
        spd = _spd_answers(cycle.pk, quality, context, rng)
    published = [
        plan
        for plan in plans
        if plan.submission.state == State.VERIFIED and rng.random() < PUBLISHED_SHARE
    ]
    return _RegionPlan(new_agencies, plans, spd, published)


def _write(region_plans: list[_RegionPlan]) -> Counts:
    """Write the Pemda's rows with a few bulk inserts per table (the caller holds a transaction).
    Rows point at the objects they belong to; bulk_create fills in the keys in order."""
    agencies = [a for r in region_plans for a in r.agencies]
    plans = [p for r in region_plans for p in r.plans]
    Agency.objects.bulk_create(agencies, batch_size=BATCH_SIZE)
    Innovation.objects.bulk_create([p.innovation for p in plans], batch_size=BATCH_SIZE)
    for plan in plans:
        plan.submission.innovation = plan.innovation
    Submission.objects.bulk_create([p.submission for p in plans], batch_size=BATCH_SIZE)
    answers = [(plan.submission.pk, *answer, "", "") for plan in plans for answer in plan.answers]
    _insert_answers(answers)
    spd = [a for r in region_plans for a in r.spd]
    RegionAnswer.objects.bulk_create(spd, batch_size=BATCH_SIZE)
    # After the answers: the public copy reads the report's verified maturity from them. The
    # search index needs nothing more: the database keeps it (catalogue migration 0002).
    published = [_publication(p) for r in region_plans for p in r.published]
    Publication.objects.bulk_create(published, batch_size=BATCH_SIZE)
    bump_catalogue_version()  # bulk_create sends no post_save: cached public pages must move
    return Counts(
        agencies=len(agencies),
        innovations=len(plans),
        submissions=len(plans),
        answers=len(answers),
        spd_answers=len(spd),
        publications=len(published),
    )


def _agencies(region, context, rng, new) -> list[tuple[Agency, list[str]]]:
    """(OPD, urusan it serves) of the Pemda's synthetic OPDs; those to create go to `new`."""
    size = rng.randint(8, 20)
    chosen = AGENCIES[:ALWAYS] + rng.sample(AGENCIES[ALWAYS:], size - ALWAYS)
    existing = context.agencies[region.pk]
    names = {agency.name for agency in existing.values()}
    out = []
    for name, short, urusan in chosen:
        name = tagged(name)
        if short in existing and existing[short].name == name:
            out.append((existing[short], urusan))
            continue
        if short in existing or name in names:  # a real OPD of that name (--force)
            short = f"{short} (sintetis)"
        agency = Agency(region=region, name=name, short_name=short)
        new.append(agency)
        out.append((agency, urusan))
        existing[short] = agency
    return out


@dataclass
class _Plan:
    innovation: Innovation
    submission: Submission
    answers: list


def _pick_state(rng) -> str:
    roll = rng.random()
    for state, share in STATES:
        if roll < share:
            return state
        roll -= share
    return State.VERIFIED


def _date(rng, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _at(day: datetime.date, rng) -> datetime.datetime:
    return datetime.datetime(
        day.year, day.month, day.day, rng.randint(1, 9), rng.randint(0, 59), tzinfo=datetime.UTC
    )


def _plan(region, agencies, quality, context, rng) -> _Plan:
    agency, agency_urusan = rng.choice(agencies)
    main = rng.choice(agency_urusan)
    others = []
    if rng.random() < 0.4:
        others = rng.sample([a for a in affairs.ALL if a != main], rng.choice((1, 1, 2)))
    topic = rng.choice(TOPICS.get(main) or GENERIC_TOPICS)
    prefix, suffix = rng.choice(PREFIXES), rng.choice(SUFFIXES)
    title = " ".join(w for w in (prefix, _title(topic), suffix) if w)
    name = tagged(title)
    quality = min(1.0, max(0.05, quality + rng.gauss(0, 0.18)))
    state = _pick_state(rng)
    words = {"t": topic, "d": region.name, "o": agency.name.removesuffix(f" {SYNTHETIC_TAG}")}

    def say(*pools):
        """Sentences from the pools, the tag at the end (every text is marked synthetic)."""
        text = " ".join(rng.choice(pool).format(p=rng.randint(55, 98), **words) for pool in pools)
        return tagged(text)

    implemented = _date(rng, datetime.date(2023, 1, 1), datetime.date(2024, 12, 31))
    developed = rng.random() < 0.4
    extra = {
        "priority": rng.choice(("Prioritas", "Tidak Prioritas")),
        "mission": say(MISSIONS),
        "developed": "ya" if developed else "tidak",
        "design_legal_basis": say(LEGAL),
        "design_problem": say(PROBLEMS, PROBLEMS),
        "design_strategic_issues": say(ISSUES),
        "design_method": say(METHODS, METHODS),
        "design_novelty": say(NOVELTY),
        "design_steps": say(STEPS),
        "goal_medium": say(GOALS_MEDIUM),
        "goal_long": say(GOALS_LONG),
        "result_before": say(BEFORE),
    }
    initiator = rng.choice(("opd", "opd", "asn", "kepala_daerah", "masyarakat", "anggota_dprd"))
    initiator_name = {
        "opd": words["o"],
        "asn": f"{rng.choice(PERSONS)} (sintetis)",
        "kepala_daerah": f"Kepala Daerah {region.name}",
        "masyarakat": f"Komunitas {topic} {region.name}",
        "anggota_dprd": f"{rng.choice(PERSONS)}, anggota DPRD (sintetis)",
    }[initiator]
    sent_on = _date(
        rng, datetime.date(SUBMISSION_YEAR, 7, 1), datetime.date(SUBMISSION_YEAR, 8, 31)
    )
    submission = Submission(
        state=state,
        name=name,
        stage=rng.choice(("penerapan",) * 16 + ("uji_coba",) * 3 + ("inisiatif",)),
        initiator_kind=initiator,
        initiator_name=initiator_name[:200],
        kind="digital" if prefix in DIGITAL_PREFIXES or rng.random() < 0.35 else "non_digital",
        form=rng.choice(("pelayanan_publik",) * 11 + ("tata_kelola",) * 7 + ("lainnya",) * 2),
        main_affair=main,
        other_affairs=others,
        theme=rng.choice(THEMES),
        trial_date=implemented - datetime.timedelta(days=rng.randint(30, 180)),
        implementation_date=implemented,
        development_date=(
            implemented + datetime.timedelta(days=rng.randint(60, 300)) if developed else None
        ),
        goal=say(GOALS),
        benefit=say(BENEFITS),
        result=say(RESULTS),
        budget=Decimal(rng.randrange(5, 500) * 1_000_000) if rng.random() < 0.7 else None,
        profile_extra={k: v for k, v in extra.items() if k in context.extra_fields},
        submitted_at=_at(sent_on, rng) if state in SENT_STATES else None,
        decided_at=(
            _at(
                _date(
                    rng,
                    datetime.date(SUBMISSION_YEAR, 9, 1),
                    datetime.date(SUBMISSION_YEAR, 10, 31),
                ),
                rng,
            )
            if state in (State.VERIFIED, State.REJECTED)
            else None
        ),
    )
    innovation = Innovation(region=region, agency=agency, name=name, public_id=_public_id(rng))
    answers = _answers(state, quality, context, rng)
    return _Plan(innovation, submission, answers)


def _title(topic: str) -> str:
    """ "antrean puskesmas" -> "Antrean Puskesmas"; acronyms (KTP, BUMDes) stay as they are."""
    return " ".join(w if w != w.lower() else w.capitalize() for w in topic.split())


def _public_id(rng) -> str:
    """Like innovations.models.new_public_id, but from the seeded generator (stable URLs)."""
    return base64.urlsafe_b64encode(rng.randbytes(8)).rstrip(b"=").decode()


def _level(quality, rng, minimum=0) -> int:
    return max(minimum, min(3, round(1 + 2 * quality + rng.gauss(0, 0.6))))


def _answers(state, quality, context, rng) -> list[tuple]:
    """(indicator, claimed, verified, review state, note) for every SID indicator."""
    reviewed = len(context.sid_rows) if state in REVIEWED_STATES else 0
    if state == State.SUBMITTED and rng.random() < 0.5:
        reviewed = rng.randint(1, len(context.sid_rows) - 1)  # a review under way
    answers = []
    for number, row in enumerate(context.sid_rows):
        claimed = _level(quality, rng, 1 if row.mandatory else 0)
        if not row.mandatory and rng.random() < 0.25 * (1 - quality):
            claimed = 0
        if number < reviewed:
            answers.append((row.code, claimed, *_review(claimed, rng)))
        else:
            answers.append((row.code, claimed, None, ReviewState.PENDING.value, ""))
    return answers


def _review(claimed, rng, note_suffix="") -> tuple[int, str, str]:
    """(verified level, review state, note): mostly accepted, sometimes lowered."""
    if claimed and rng.random() < 0.2:
        lowered = max(0, claimed - rng.choice((1, 1, 2)))
        return lowered, ReviewState.LOWERED.value, f"{rng.choice(LOWERED_NOTES)}{note_suffix}"
    return claimed, ReviewState.ACCEPTED.value, note_suffix.strip()


def _spd_answers(cycle_id, quality, context, rng) -> list[RegionAnswer]:
    """Every SPD row, answered and reviewed; the note carries the tag so a rerun finds them."""
    rows = []
    for row in context.spd_rows:
        claimed = _level(quality, rng, 1)
        verified, state, note = _review(claimed, rng, note_suffix=f" {SYNTHETIC_TAG}")
        rows.append(
            RegionAnswer(
                cycle_id=cycle_id,
                row_code=row.code,
                claimed_level=claimed,
                verified_level=verified,
                review_state=state,
                review_note=note,
            )
        )
    return rows


# Answer columns written by _insert_answers, in order; the others keep their empty defaults.
ANSWER_FIELDS = (
    "submission",
    "indicator_code",
    "claimed_level",
    "verified_level",
    "review_state",
    "review_note",
    "reply",
    "link",
)


def _insert_answers(rows: list[tuple]) -> None:
    """Answer rows, as tuples in ANSWER_FIELDS order (the submission as its id).

    The answers are the generator's largest table (~800,000 rows at scale 1). On PostgreSQL they
    are streamed with COPY: bulk_create spent most of the generation preparing twelve values per
    row in Python. Elsewhere (SQLite: tests, small runs) bulk_create."""
    if connection.vendor != "postgresql":
        names = ("submission_id", *ANSWER_FIELDS[1:])
        Answer.objects.bulk_create(
            (Answer(**dict(zip(names, row, strict=True))) for row in rows), batch_size=BATCH_SIZE
        )
        return
    meta = Answer._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in ANSWER_FIELDS)
    statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _publication(plan) -> Publication:
    """The public copy the koordinator's publish action makes (catalogue.publish.public_copy),
    dated a month after the decision. The report's cycle, Pemda, innovation and OPD are the
    objects in memory, so building it reads only the report's answers (for the maturity)."""
    submission = plan.submission
    copy = public_copy(submission)
    return Publication(
        innovation=submission.innovation,
        published_at=submission.decided_at + datetime.timedelta(days=30),
        **copy.fields,
    )


def _cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _snapshots(regions, context) -> int:
    """SNAPSHOT_YEARS for every Pemda: the last year computed from the generated answers, the
    years before it a random walk back from there (plausible, not real)."""
    specs = {e.year: e.spec() for e in Edition.objects.all()}
    computed = recompute_year(SUBMISSION_YEAR, regions=regions)
    snapshots = []
    for region in regions:
        rng = context.rng(region, "history")
        result = computed[region.pk]
        iid, n = result.iid, result.n
        for year in sorted(SNAPSHOT_YEARS, reverse=True):
            spec = specs.get(year) or specs[min(specs, key=lambda y: abs(y - year))]
            when = datetime.datetime(year, 12, 15, 3, tzinfo=datetime.UTC)
            snapshot = ResultSnapshot(
                region=region,
                year=year,
                source=Source.SYNTHETIC,
                citation_title=CITATION_TITLE,
                citation_publisher=CITATION_PUBLISHER,
                citation_date=when.date(),
                note=f"{SYNTHETIC_TAG} seed {context.seed}, skala {context.scale}",
                taken_at=when,
            )
            if year == SUBMISSION_YEAR:
                snapshot.iid, snapshot.spd, snapshot.sid = (
                    _cents(iid),
                    _cents(result.spd),
                    _cents(result.sid),
                )
                snapshot.innovations = n
                snapshot.cycle_id, snapshot.edition_id = result.cycle_id, result.edition_id
            else:
                iid = min(Decimal(95), max(Decimal(5), iid - Decimal(rng.gauss(2.5, 4))))
                n = max(1, round(n * rng.uniform(0.7, 1.05)))
                total = iid * spec.maxima.total / 100
                spd = min(spec.maxima.spd, total * Decimal(rng.uniform(0.3, 0.5)))
                snapshot.iid, snapshot.spd, snapshot.sid = (
                    _cents(iid),
                    _cents(spd),
                    _cents(total - spd),
                )
                snapshot.innovations = n
            snapshot.predicate = spec.predicate_for(snapshot.iid).label
            snapshots.append(snapshot)
    ResultSnapshot.objects.bulk_create(snapshots, batch_size=BATCH_SIZE)
    return len(snapshots)
