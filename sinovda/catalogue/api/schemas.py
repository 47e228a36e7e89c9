"""What the open-data API answers, field by field (the descriptions are the field docs in /api/v1/docs).

Only public data has a field here: no person, no draft, no evidence, no reviewer's note, no internal
id (cycle, submission, user). Decimals travel as strings ("72.35") so no client rounds them.
"""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

RegionKind = Literal["provinsi", "kabupaten", "kota"]
SpecialCluster = Literal["tertinggal", "perbatasan", "papua"]
RankingCluster = Literal[
    "provinsi", "kabupaten", "kota", "tertinggal", "perbatasan", "papua", "kabkota"
]
ResultSource = Literal["bskdn", "sinovda", "sintetis"]
Format = Literal["json", "csv"]

CURSOR_DOC = (
    "Kursor halaman berikutnya, persis seperti dalam tautan `next`. Kosong: halaman pertama."
)
LIMIT_DOC = "Jumlah baris per halaman (1–100)."
FORMAT_DOC = "`json` (bawaan) atau `csv` (text/csv dengan baris judul)."


def decimal_text(value: Decimal | None) -> str | None:
    """72.35 -> "72.35": exactly the stored digits, never a float."""
    return None if value is None else format(value, "f")


class Problem(Schema):
    detail: str = Field(description="Apa yang salah dan cara memperbaikinya.")
    errors: list[dict] | None = Field(
        None, description="Rincian per parameter (input tidak valid)."
    )


class ListParams(Schema):
    cursor: str | None = Field(None, description=CURSOR_DOC)
    limit: int = Field(50, ge=1, le=100, description=LIMIT_DOC)
    format: Format = Field("json", description=FORMAT_DOC)


class FormatParams(Schema):
    format: Format = Field("json", description=FORMAT_DOC)


# --- Regions -------------------------------------------------------------------------------------


class RegionFilters(Schema):
    kind: RegionKind | None = Field(None, description="Jenis Pemda.")
    province: str | None = Field(
        None, max_length=13, description="Kode provinsi: provinsi itu dan kabupaten/kotanya."
    )
    cluster: SpecialCluster | None = Field(
        None, description="Klaster khusus: Pemda dalam daftar klaster yang berlaku pada `year`."
    )
    year: int | None = Field(
        None,
        ge=2000,
        le=2100,
        description="Tahun edisi untuk daftar klaster (bawaan: tahun ini).",
    )


class RegionOut(Schema):
    code: str = Field(description="Kode Kemendagri, mis. `16.10`.")
    name: str = Field(description="Nama resmi menurut sumber data wilayah.")
    kind: RegionKind = Field(description="`provinsi`, `kabupaten` atau `kota`.")
    province_code: str | None = Field(description="Kode provinsi; kosong untuk provinsi.")
    clusters: list[SpecialCluster] = Field(
        description="Klaster khusus yang daftarnya berlaku pada tahun yang diminta dan memuat Pemda ini."
    )


class ClusterListOut(Schema):
    cluster: SpecialCluster
    title: str = Field(description="Judul sumber daftar (peraturan/keputusan).")
    publisher: str
    published_on: datetime.date | None
    url: str
    confidence: str = Field(description="`confirmed`, `reported`, `transcribed` atau `inferred`.")
    valid_from: int | None = Field(description="Berlaku mulai tahun edisi (kosong: terbuka).")
    valid_to: int | None = Field(description="Berlaku sampai tahun edisi (kosong: terbuka).")


class RegionDetail(RegionOut):
    year: int = Field(description="Tahun edisi yang dipakai untuk klaster.")
    cluster_lists: list[ClusterListOut] = Field(
        description="Daftar klaster yang berlaku pada tahun itu dan memuat Pemda ini, dengan sumbernya."
    )


class RegionPage(Schema):
    items: list[RegionOut]
    next: str | None = Field(description="URL halaman berikutnya; kosong di halaman terakhir.")


# --- Results -------------------------------------------------------------------------------------


class ResultFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100, description="Tahun edisi.")
    region: str | None = Field(None, max_length=13, description="Kode Kemendagri Pemda.")
    province: str | None = Field(
        None, max_length=13, description="Kode provinsi: provinsi itu dan kabupaten/kotanya."
    )
    source: ResultSource | None = Field(
        None,
        description="Hanya hasil dari sumber ini (per Pemda dan tahun: yang terbaru dari sumber itu).",
    )
    all: bool = Field(
        False,
        description="`true`: juga hasil yang digantikan (satu baris per hasil, bukan per Pemda-tahun).",
    )


class Citation(Schema):
    title: str
    publisher: str
    date: datetime.date | None
    url: str


class ResultOut(Schema):
    region_code: str
    region_name: str
    year: int = Field(description="Tahun edisi IGA.")
    iid: str = Field(
        description="Indeks Inovasi Daerah 0–100, desimal sebagai teks (mis. `72.35`)."
    )
    predicate: str = Field(description="Predikat.")
    spd: str | None = Field(description="Skor SPD (indikator Pemda), desimal sebagai teks.")
    sid: str | None = Field(description="Skor SID (indikator inovasi), desimal sebagai teks.")
    n: int | None = Field(description="Jumlah inovasi yang dilaporkan.")
    source: ResultSource = Field(
        description="`bskdn` diumumkan BSKDN, `sinovda` dihitung Sinovda, `sintetis` data sintetis."
    )
    source_label: str
    citation: Citation | None = Field(
        description="Sumber yang dikutip (judul, penerbit, tanggal, tautan)."
    )
    edition_digest: str = Field(
        description="Sidik dokumen pedoman yang dipakai menghitung (hanya sumber `sinovda`)."
    )
    taken_at: datetime.datetime = Field(description="Kapan hasil ini dicatat di Sinovda.")
    standing: bool = Field(
        description="Hasil yang berlaku untuk Pemda dan tahun itu (BSKDN, lalu Sinovda, lalu sintetis)."
    )
    synthetic: bool = Field(description="`true`: data sintetis untuk uji, BUKAN hasil nyata.")


class ResultPage(Schema):
    items: list[ResultOut]
    next: str | None = Field(description="URL halaman berikutnya; kosong di halaman terakhir.")


class ResultHistory(Schema):
    region_code: str
    region_name: str
    items: list[ResultOut] = Field(
        description="Hasil yang berlaku per tahun, tahun terlama dahulu."
    )


# --- Rankings ------------------------------------------------------------------------------------


class RankingFilters(Schema):
    cluster: RankingCluster = Field(
        "kabupaten",
        description="Klaster peringkat; `kabkota`: kabupaten dan kota bersama (halaman provinsi).",
    )
    province: str | None = Field(
        None, max_length=13, description="Kode provinsi: peringkat di dalam provinsi itu."
    )
    format: Format = Field("json", description=FORMAT_DOC)


class PredicateCount(Schema):
    predicate: str
    count: int


class RankingRowOut(Schema):
    rank: int | None = Field(description="Peringkat; kosong untuk Pemda yang belum ada datanya.")
    region_code: str
    region_name: str
    iid: str | None
    predicate: str | None
    previous_iid: str | None = Field(description="IID tahun sebelumnya.")
    change: str | None = Field(description="Perubahan IID terhadap tahun sebelumnya.")
    n: int | None
    source: ResultSource | None
    synthetic: bool


class ClusterSource(Schema):
    title: str
    publisher: str
    published_on: datetime.date | None
    url: str
    confidence: str


class RankingOut(Schema):
    year: int
    cluster: RankingCluster
    province_code: str | None
    cluster_list: ClusterSource | None = Field(
        description="Daftar klaster yang berlaku (klaster khusus saja)."
    )
    list_missing: bool = Field(
        description="`true`: klaster khusus tanpa daftar untuk tahun itu (peringkat kosong)."
    )
    predicate_counts: list[PredicateCount]
    rows: list[RankingRowOut] = Field(
        description="Baris berperingkat dahulu, lalu Pemda yang belum ada data (rank kosong)."
    )


# --- Innovations ---------------------------------------------------------------------------------


class InnovationFilters(Schema):
    q: str | None = Field(None, max_length=200, description="Kata pencarian (bahasa Indonesia).")
    region: str | None = Field(None, max_length=13, description="Kode Kemendagri Pemda.")
    province: str | None = Field(
        None, max_length=13, description="Kode provinsi: provinsi itu dan kabupaten/kotanya."
    )
    agency: int | None = Field(None, ge=1, description="Nomor OPD (`agency.id`).")
    form: str | None = Field(None, max_length=40, description="Kode bentuk.")
    kind: str | None = Field(None, max_length=40, description="Kode jenis.")
    affair: str | None = Field(None, max_length=120, description="Urusan pemerintahan.")
    theme: str | None = Field(None, max_length=120, description="Tematik.")
    stage: str | None = Field(None, max_length=40, description="Kode tahapan.")
    year: int | None = Field(None, ge=2000, le=2100, description="Tahun laporan.")
    predicate: str | None = Field(
        None, max_length=40, description="Predikat Pemda pada tahun laporan (hasil yang berlaku)."
    )


class Coded(Schema):
    code: str
    label: str = Field(description="Label bahasa Indonesia.")


class RegionRef(Schema):
    code: str
    name: str


class AgencyRef(Schema):
    id: int
    name: str
    short_name: str


class ProfileRow(Schema):
    code: str = Field(description="Kode kolom profil menurut pedoman.")
    label: str
    value: str


class InnovationOut(Schema):
    public_id: str = Field(description="Pengenal publik yang tetap (dipakai di URL).")
    name: str
    region: RegionRef
    agency: AgencyRef
    year: int = Field(description="Tahun laporan yang diterbitkan.")
    stage: Coded | None = Field(description="Tahapan.")
    kind: Coded | None = Field(description="Jenis (digital / non-digital).")
    form: Coded | None = Field(description="Bentuk.")
    main_affair: str = Field(description="Urusan utama.")
    affairs: list[str] = Field(description="Urusan utama lalu urusan irisan.")
    theme: str = Field(description="Tematik.")
    implementation_date: datetime.date | None = Field(description="Tanggal penerapan.")
    maturity: str = Field(
        description="Kematangan (jumlah skor indikator SID), desimal sebagai teks."
    )
    maturity_max: str = Field(description="Kematangan tertinggi yang mungkin pada edisi itu.")
    summary: str
    url: str = Field(description="Halaman publik inovasi ini.")
    published_at: datetime.datetime = Field(description="Kapan koordinator menerbitkannya.")


class InnovationDetail(InnovationOut):
    profile: list[ProfileRow] = Field(description="Profil inovasi dalam urutan formulir nasional.")


class InnovationPage(Schema):
    items: list[InnovationOut]
    next: str | None = Field(description="URL halaman berikutnya; kosong di halaman terakhir.")
