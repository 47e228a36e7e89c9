"""Published results from a CSV file: read the file safely, check every row, say what an import does.

Nothing here writes: `snapshot_actions.import_results` writes what `plan_import` approved, in one
transaction. The file comes from a national admin, but it is still untrusted input (a spreadsheet
export, a hand-edited file, or something hostile), so its size and row count are capped, it must be
UTF-8 (a BOM is allowed, as spreadsheets write one), and every problem is reported by row and column
so the whole file can be fixed in one go.

Columns (docs/results.md): code, year, iid, predikat, source (required) and source_publisher,
source_date, source_url, n (optional). The delimiter is a comma or a semicolon (spreadsheets in an
Indonesian locale write semicolons, and then a decimal comma in the IID).
"""

import csv
import datetime
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from sinovda.editions.models import Edition
from sinovda.regions.models import Region

from .models import ResultSnapshot, Source
from .snapshots import pick

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
FIRST_YEAR, LAST_YEAR = 2018, 2100
REQUIRED = ("code", "year", "iid", "predikat", "source")
OPTIONAL = ("source_publisher", "source_date", "source_url", "n")
COLUMNS = REQUIRED + OPTIONAL
MAX_LENGTH = {
    "predikat": ResultSnapshot._meta.get_field("predicate").max_length,
    "source": ResultSnapshot._meta.get_field("citation_title").max_length,
    "source_publisher": ResultSnapshot._meta.get_field("citation_publisher").max_length,
    "source_url": ResultSnapshot._meta.get_field("citation_url").max_length,
}
MAX_INNOVATIONS = 100_000
_IID = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,2})?")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
_url = URLValidator(schemes=["http", "https"])


class FileRejected(Exception):
    """The file as a whole cannot be read (too big, not UTF-8, no header...): nothing was checked."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int  # the line in the file (the header is line 1); 0 for the file as a whole
    column: str
    message: str


@dataclass(frozen=True)
class PlannedResult:
    """One checked row: the snapshot it would create."""

    row: int
    region: Region
    year: int
    iid: Decimal
    predicate: str
    innovations: int | None
    citation_title: str
    citation_publisher: str
    citation_date: datetime.date | None
    citation_url: str
    # The announced figure standing now for this Pemda and year, if any (a correction replaces it).
    current: ResultSnapshot | None = None

    def same_as(self, snap: ResultSnapshot | None) -> bool:
        return snap is not None and (
            snap.iid,
            snap.predicate,
            snap.innovations,
            snap.citation_title,
            snap.citation_publisher,
            snap.citation_date,
            snap.citation_url,
        ) == (
            self.iid,
            self.predicate,
            self.innovations,
            self.citation_title,
            self.citation_publisher,
            self.citation_date,
            self.citation_url,
        )

    def snapshot(self, *, acting_user, taken_at) -> ResultSnapshot:
        return ResultSnapshot(
            region=self.region,
            year=self.year,
            source=Source.ANNOUNCED,
            iid=self.iid,
            predicate=self.predicate,
            innovations=self.innovations,
            citation_title=self.citation_title,
            citation_publisher=self.citation_publisher,
            citation_date=self.citation_date,
            citation_url=self.citation_url,
            taken_at=taken_at,
            created_by=acting_user,
        )


@dataclass
class ImportPlan:
    """What importing the rows would do: create (new figures and corrections), skip (already
    standing, identical), or nothing at all when there is any error."""

    rows: int = 0
    create: list[PlannedResult] = field(default_factory=list)
    skip: list[PlannedResult] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new(self) -> list[PlannedResult]:
        return [p for p in self.create if p.current is None]

    @property
    def corrections(self) -> list[PlannedResult]:
        return [p for p in self.create if p.current is not None]


# --- reading the file ---------------------------------------------------------------------------


def read_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """(line number, {column: text}) per data row; raises FileRejected for an unreadable file."""
    if len(data) > MAX_BYTES:
        raise FileRejected(
            _("Berkas terlalu besar (paling besar %(mb)s MB). Bagi menjadi beberapa berkas.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(
            _(
                "Berkas bukan teks UTF-8. Simpan ulang dari aplikasi lembar kerja sebagai "
                "“CSV UTF-8”, lalu unggah lagi."
            )
        ) from None
    if "\x00" in text:
        raise FileRejected(_("Berkas ini bukan berkas CSV (berisi karakter biner)."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise FileRejected(_("Berkas kosong. Baris pertama harus berisi judul kolom."))
        names = [cell.strip().lower() for cell in header]
        _check_header(names)
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, as spreadsheets leave at the end
            if len(rows) >= MAX_ROWS:
                raise FileRejected(
                    _("Berkas berisi lebih dari %(max)s baris data. Bagi menjadi beberapa berkas.")
                    % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
                )
            row = {
                name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(names)
            }
            if len(cells) > len(names) and any(c.strip() for c in cells[len(names) :]):
                row[""] = "extra"  # reported by plan_import, with the row number
            rows.append((reader.line_num, row))
    except csv.Error as error:
        raise FileRejected(
            _("Berkas CSV tidak dapat dibaca pada baris %(line)s: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return rows


def _check_header(names: list[str]) -> None:
    missing = [c for c in REQUIRED if c not in names]
    unknown = [n for n in names if n and n not in COLUMNS]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    problems = []
    if missing:
        problems.append(_("Kolom wajib tidak ada: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(_("Kolom tidak dikenal: %(columns)s.") % {"columns": ", ".join(unknown)})
    if repeated:
        problems.append(
            _("Kolom ditulis lebih dari sekali: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    if problems:
        problems.append(
            _("Judul kolom yang dipakai: %(columns)s (pemisah koma atau titik koma).")
            % {"columns": ",".join(COLUMNS)}
        )
        raise FileRejected(" ".join(problems))


# --- checking the rows --------------------------------------------------------------------------


def numbered(rows: Iterable) -> list[tuple[int, Mapping[str, str]]]:
    """Rows as (line, mapping): plain mappings are numbered as lines of a file after its header."""
    out = []
    for i, row in enumerate(rows):
        out.append((i + 2, row) if isinstance(row, Mapping) else row)
    return out


def plan_import(rows: Iterable, source_defaults: Mapping | None = None) -> ImportPlan:
    """Check every row (all errors, not the first) and say what importing them would do."""
    rows = numbered(rows)
    defaults = _defaults(source_defaults or {})
    plan = ImportPlan(rows=len(rows))
    codes = {_cell(row, "code") for _line, row in rows}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes - {""})}
    checked, first_line = [], {}
    for line, row in rows:
        values = _check_row(line, row, defaults, regions, plan.errors)
        region, year = values["region"], values["year"]
        if region is not None and year is not None:
            if (region.pk, year) in first_line:
                plan.errors.append(
                    RowError(
                        line,
                        "code",
                        _(
                            "Kode %(code)s tahun %(year)s sudah ada di baris %(first)s; satu Pemda "
                            "hanya boleh satu baris per tahun."
                        )
                        % {"code": region.code, "year": year, "first": first_line[region.pk, year]},
                    )
                )
            else:
                first_line[region.pk, year] = line
        checked.append((line, values))
    _check_predicates(checked, plan.errors)
    if plan.errors:
        plan.errors.sort(
            key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else -1)
        )
        return plan
    standing = _standing_announcements({(r["region"].pk, r["year"]) for _line, r in checked})
    for line, r in checked:
        planned = PlannedResult(row=line, current=standing.get((r["region"].pk, r["year"])), **r)
        (plan.skip if planned.same_as(planned.current) else plan.create).append(planned)
    return plan


def _defaults(source_defaults: Mapping) -> dict[str, str]:
    date = source_defaults.get("date")
    return {
        "source_publisher": (source_defaults.get("publisher") or "").strip(),
        "source_date": date.isoformat() if isinstance(date, datetime.date) else (date or ""),
        "source_url": (source_defaults.get("url") or "").strip(),
    }


def _cell(row: Mapping, column: str) -> str:
    value = row.get(column)
    return value.strip() if isinstance(value, str) else ""


def _check_row(line, row, defaults, regions, errors) -> dict:
    """The row's values, parsed (None where a value cannot be used); problems go to `errors`."""

    def error(column, message):
        errors.append(RowError(line, column, message))

    if row.get(""):
        error("", _("Baris ini berisi lebih banyak kolom daripada judul kolom."))
    code = _cell(row, "code")
    region = regions.get(code)
    if not code:
        error("code", _("Kode wilayah wajib diisi (kode Kemendagri, misalnya 16.10)."))
    elif region is None:
        error(
            "code",
            _("Kode wilayah %(code)s tidak dikenal; pakai kode Kemendagri seperti 16.10.")
            % {"code": code[:20]},
        )
    year = _year(_cell(row, "year"), error)
    iid = _iid(_cell(row, "iid"), error)
    predicate = _cell(row, "predikat")
    if not predicate:
        error("predikat", _("Predikat wajib diisi (misalnya Sangat Inovatif)."))
    title = _cell(row, "source")
    if not title:
        error(
            "source",
            _("Sumber wajib diisi: judul pengumuman atau dokumen tempat angka ini diterbitkan."),
        )
    publisher = _cell(row, "source_publisher") or defaults["source_publisher"]
    for column, value in (
        ("predikat", predicate),
        ("source", title),
        ("source_publisher", publisher),
    ):
        if len(value) > MAX_LENGTH[column]:
            error(
                column,
                _("Isian terlalu panjang (paling banyak %(max)s karakter).")
                % {"max": MAX_LENGTH[column]},
            )
    date = _date(_cell(row, "source_date") or defaults["source_date"], error)
    url = _source_url(_cell(row, "source_url") or defaults["source_url"], error)
    innovations = _count(_cell(row, "n"), error)
    return {
        "region": region,
        "year": year,
        "iid": iid,
        "predicate": predicate,
        "innovations": innovations,
        "citation_title": title,
        "citation_publisher": publisher,
        "citation_date": date,
        "citation_url": url,
    }


def _year(text, error) -> int | None:
    if not text:
        error("year", _("Tahun wajib diisi."))
        return None
    if not re.fullmatch(r"[0-9]{4}", text) or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        error(
            "year",
            _("Tahun harus bilangan bulat antara %(first)s dan %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
        return None
    return int(text)


def _iid(text, error) -> Decimal | None:
    if not text:
        error("iid", _("IID wajib diisi."))
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as Indonesian spreadsheets write it
    if not _IID.fullmatch(text) or not Decimal(0) <= Decimal(text) <= Decimal(100):
        error(
            "iid",
            _(
                "IID harus angka antara 0 dan 100 dengan paling banyak dua angka di belakang "
                "koma (misalnya 61.16)."
            ),
        )
        return None
    return Decimal(text).quantize(Decimal("0.01"))


def _date(text, error) -> datetime.date | None:
    if not text:
        return None
    for fmt in _DATE_FORMATS:
        try:
            value = datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if value > timezone.localdate():
            error("source_date", _("Tanggal sumber tidak boleh di masa depan."))
            return None
        return value
    error(
        "source_date",
        _("Tanggal sumber tidak dikenali; tulis sebagai TTTT-BB-HH, misalnya 2024-12-19."),
    )
    return None


def _source_url(text, error) -> str:
    if not text:
        return ""
    try:
        if len(text) > MAX_LENGTH["source_url"]:
            raise ValidationError("too long")
        _url(text)
    except ValidationError:
        error(
            "source_url",
            _(
                "Tautan sumber harus alamat lengkap yang diawali http:// atau https:// "
                "(paling banyak %(max)s karakter)."
            )
            % {"max": MAX_LENGTH["source_url"]},
        )
        return ""
    return text


def _count(text, error) -> int | None:
    if not text:
        return None
    if not re.fullmatch(r"[0-9]{1,6}", text) or int(text) > MAX_INNOVATIONS:
        error("n", _("Jumlah inovasi (n) harus bilangan bulat 0 atau lebih, atau dikosongkan."))
        return None
    return int(text)


def _check_predicates(checked, errors) -> None:
    """Where a published edition of the year exists, the predikat must be its band for the IID
    (compared without regard to case; the edition's spelling is stored). Checked on every row whose
    year, IID and predikat could be read, whatever else is wrong with it."""
    years = {r["year"] for _line, r in checked if r["year"] is not None}
    specs = {e.year: e.spec() for e in Edition.objects.published().filter(year__in=years)}
    for line, r in checked:
        spec = specs.get(r["year"])
        if spec is None or r["iid"] is None or not r["predicate"]:
            continue
        try:
            band = spec.predicate_for(r["iid"]).label
        except ValueError:
            continue  # the edition's bands leave a gap: nothing to compare with
        if r["predicate"].casefold() == band.casefold():
            r["predicate"] = band
        else:
            errors.append(
                RowError(
                    line,
                    "predikat",
                    _(
                        "Predikat “%(given)s” tidak sesuai dengan IID %(iid)s: menurut edisi "
                        "%(year)s predikatnya “%(band)s”."
                    )
                    % {"given": r["predicate"], "iid": r["iid"], "year": r["year"], "band": band},
                )
            )


def _standing_announcements(keys) -> dict[tuple[int, int], ResultSnapshot]:
    """The announced (BSKDN) figure standing now for each (region id, year), in one query."""
    if not keys:
        return {}
    snaps = ResultSnapshot.objects.standing().filter(
        source=Source.ANNOUNCED,
        region_id__in={k[0] for k in keys},
        year__in={k[1] for k in keys},
    )
    grouped: dict[tuple[int, int], list[ResultSnapshot]] = {}
    for snap in snaps:
        grouped.setdefault((snap.region_id, snap.year), []).append(snap)
    return {key: pick(group) for key, group in grouped.items() if key in keys}
