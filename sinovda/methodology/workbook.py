"""Reading answers from a coordinator's workbook (XLSX) or JSON, and writing the template.

Every problem found is collected with its place (sheet, row, column — or the JSON path) so the
coordinator can fix the whole file at once. Messages are in Indonesian.

Workbook layout (see docs/cli.md):
  Petunjuk    instructions; cell B1 holds the edition year
  SPD         Kode | Indikator | Tingkat klaim | Tingkat verifikasi
  Inovasi     ID | Nama | Urusan | Ditolak | 16 | 17 | … | 35   (claimed levels)
  Verifikasi  ID | 16 | 17 | … | 35                              (verified levels; optional)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine import InnovationInput, InputError, RegionInput
from .spec import Edition

SHEET_INFO = "Petunjuk"
SHEET_SPD = "SPD"
SHEET_INNOVATIONS = "Inovasi"
SHEET_VERIFIED = "Verifikasi"
INNOVATION_COLUMNS = ("ID", "Nama", "Urusan", "Ditolak")
YES = {"ya", "y", "yes", "true", "1", "benar", "ditolak"}
NO = {"", "tidak", "t", "no", "false", "0", "salah"}


@dataclass(frozen=True)
class InputProblem:
    place: str  # "sheet 'Inovasi', baris 5, kolom F" or "innovations[2].claimed.37"
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class WorkbookError(ValueError):
    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _level(value: Any) -> int | None:
    """A level cell: blank → None; 0–3 → int; anything else raises ValueError(message)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(f"bukan angka: {value!r}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(f"tingkat harus bilangan bulat 0–3, ditemukan {value!r}")
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            raise ValueError(f"bukan angka: {value!r}")
        value = int(text)
    if not isinstance(value, int):
        raise ValueError(f"bukan angka: {value!r}")
    if not 0 <= value <= 3:
        raise ValueError(f"tingkat {value} di luar rentang 0–3")
    return value


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"isi 'ya' atau 'tidak', bukan {value!r}")


def _urusan(value: Any) -> frozenset[str]:
    if value is None:
        return frozenset()
    parts = str(value).replace("\n", ";").split(";")
    return frozenset(p.strip() for p in parts if p.strip())


# --- XLSX -------------------------------------------------------------------------------------


def read_workbook(path: str | Path, edition: Edition) -> RegionInput:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        book = load_workbook(Path(path), read_only=True, data_only=True)
    except FileNotFoundError:
        raise WorkbookError([InputProblem(str(path), "berkas tidak ditemukan")]) from None
    except Exception as exc:  # openpyxl raises several kinds for a non-XLSX file
        raise WorkbookError(
            [InputProblem(str(path), f"bukan berkas XLSX yang bisa dibaca ({exc})")]
        ) from None

    problems: list[InputProblem] = []

    def place(sheet: str, row: int, column: int) -> str:
        return f"sheet '{sheet}', baris {row}, kolom {get_column_letter(column)}"

    for sheet in (SHEET_SPD, SHEET_INNOVATIONS):
        if sheet not in book.sheetnames:
            problems.append(
                InputProblem(f"sheet '{sheet}'", "sheet tidak ditemukan (lihat templat)")
            )
    if problems:
        raise WorkbookError(problems)

    spd_codes = {r.code for r in edition.spd_rows}
    sid_codes = {r.code for r in edition.sid_rows}

    # SPD
    spd_claimed: dict[str, int | None] = {}
    spd_verified: dict[str, int | None] = {}
    for row_number, row in enumerate(book[SHEET_SPD].iter_rows(values_only=True), start=1):
        if row_number == 1 or not row or all(v is None for v in row):
            continue
        code = _code(row[0])
        if code is None:
            continue
        if code not in spd_codes:
            problems.append(
                InputProblem(
                    place(SHEET_SPD, row_number, 1),
                    f"kode indikator SPD {code!r} tidak dikenal di edisi {edition.year}",
                )
            )
            continue
        for column, target in ((3, spd_claimed), (4, spd_verified)):
            value = row[column - 1] if len(row) >= column else None
            try:
                level = _level(value)
            except ValueError as exc:
                problems.append(InputProblem(place(SHEET_SPD, row_number, column), str(exc)))
                continue
            if level is not None or target is spd_claimed:
                target[code] = level

    # innovations
    innovations: dict[str, dict[str, Any]] = {}
    rows = list(book[SHEET_INNOVATIONS].iter_rows(values_only=True))
    header = [_code(v) for v in (rows[0] if rows else ())]
    columns = _header(header, SHEET_INNOVATIONS, sid_codes, problems, place, with_profile=True)
    for row_number, row in enumerate(rows[1:], start=2):
        if not row or all(v is None for v in row):
            continue
        ident = _code(row[0]) if row else None
        if not ident:
            problems.append(InputProblem(place(SHEET_INNOVATIONS, row_number, 1), "ID kosong"))
            continue
        if ident in innovations:
            problems.append(
                InputProblem(place(SHEET_INNOVATIONS, row_number, 1), f"ID {ident!r} ganda")
            )
            continue
        record: dict[str, Any] = {"id": ident, "claimed": {}}
        for column, key in columns.items():
            value = row[column - 1] if len(row) >= column else None
            try:
                if key == "Nama":
                    record["name"] = "" if value is None else str(value).strip()
                elif key == "Urusan":
                    record["urusan"] = _urusan(value)
                elif key == "Ditolak":
                    record["rejected"] = _flag(value)
                elif key != "ID":
                    record["claimed"][key] = _level(value)
            except ValueError as exc:
                problems.append(
                    InputProblem(place(SHEET_INNOVATIONS, row_number, column), str(exc))
                )
        innovations[ident] = record

    if SHEET_VERIFIED in book.sheetnames:
        rows = list(book[SHEET_VERIFIED].iter_rows(values_only=True))
        header = [_code(v) for v in (rows[0] if rows else ())]
        columns = _header(header, SHEET_VERIFIED, sid_codes, problems, place, with_profile=False)
        for row_number, row in enumerate(rows[1:], start=2):
            if not row or all(v is None for v in row):
                continue
            ident = _code(row[0])
            if ident not in innovations:
                problems.append(
                    InputProblem(
                        place(SHEET_VERIFIED, row_number, 1),
                        f"ID {ident!r} tidak ada di sheet '{SHEET_INNOVATIONS}'",
                    )
                )
                continue
            verified: dict[str, int | None] = {}
            for column, key in columns.items():
                if key == "ID":
                    continue
                value = row[column - 1] if len(row) >= column else None
                try:
                    level = _level(value)
                except ValueError as exc:
                    problems.append(
                        InputProblem(place(SHEET_VERIFIED, row_number, column), str(exc))
                    )
                    continue
                if level is not None:
                    verified[key] = level
            innovations[ident]["verified"] = verified
    book.close()
    if problems:
        raise WorkbookError(problems)
    return _region(innovations.values(), spd_claimed, spd_verified or None)


def _code(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _header(header, sheet, sid_codes, problems, place, *, with_profile: bool) -> dict[int, str]:
    """Map column number → key ('ID', 'Nama', … or an SID code); report unknown columns."""
    columns: dict[int, str] = {}
    known = {c.casefold(): c for c in (INNOVATION_COLUMNS if with_profile else ("ID",))}
    for column, name in enumerate(header, start=1):
        if name is None:
            continue
        if name.casefold() in known:
            columns[column] = known[name.casefold()]
        elif name in sid_codes:
            columns[column] = name
        else:
            problems.append(
                InputProblem(
                    place(sheet, 1, column),
                    f"kolom {name!r} bukan kode indikator SID yang dikenal (16–35)",
                )
            )
    if "ID" not in columns.values():
        problems.append(InputProblem(f"sheet '{sheet}', baris 1", "kolom 'ID' tidak ditemukan"))
    return columns


def _region(records, spd_claimed, spd_verified) -> RegionInput:
    try:
        innovations = [
            InnovationInput(
                id=r["id"],
                name=r.get("name", ""),
                claimed=r.get("claimed", {}),
                verified=r.get("verified"),
                urusan=r.get("urusan", frozenset()),
                rejected=r.get("rejected", False),
            )
            for r in records
        ]
        return RegionInput(innovations, spd_claimed, spd_verified)
    except InputError as exc:
        raise WorkbookError([InputProblem("masukan", str(exc))]) from None


# --- JSON -------------------------------------------------------------------------------------


def read_json(path: str | Path, edition: Edition) -> RegionInput:
    """JSON input: {"spd": {code: level | {"claimed": l, "verified": l}}, "innovations": [{"id",
    "name", "urusan": [...], "rejected": bool, "claimed": {code: level}, "verified": {...}}]}."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WorkbookError([InputProblem(str(path), "berkas tidak ditemukan")]) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise WorkbookError([InputProblem(str(path), f"JSON tidak valid: {exc}")]) from None
    problems: list[InputProblem] = []
    if not isinstance(data, dict):
        raise WorkbookError([InputProblem("$", "harus berupa objek JSON")])
    for key in data:
        if key not in ("edition", "spd", "innovations"):
            problems.append(InputProblem(key, "kunci tidak dikenal"))
    spd_codes = {r.code for r in edition.spd_rows}
    sid_codes = {r.code for r in edition.sid_rows}

    def level_at(value: Any, where: str) -> int | None:
        if isinstance(value, str):
            problems.append(InputProblem(where, f"bukan angka: {value!r}"))
            return None
        try:
            return _level(value)
        except ValueError as exc:
            problems.append(InputProblem(where, str(exc)))
            return None

    spd_claimed: dict[str, int | None] = {}
    spd_verified: dict[str, int | None] = {}
    spd = data.get("spd", {})
    if not isinstance(spd, dict):
        problems.append(InputProblem("spd", "harus berupa objek {kode: tingkat}"))
        spd = {}
    for code, value in spd.items():
        where = f"spd.{code}"
        if code not in spd_codes:
            problems.append(
                InputProblem(where, f"kode indikator SPD tidak dikenal di edisi {edition.year}")
            )
            continue
        if isinstance(value, dict):
            spd_claimed[code] = level_at(value.get("claimed"), f"{where}.claimed")
            if value.get("verified") is not None:
                spd_verified[code] = level_at(value["verified"], f"{where}.verified")
        else:
            spd_claimed[code] = level_at(value, where)

    records = []
    raw_innovations = data.get("innovations", [])
    if not isinstance(raw_innovations, list):
        problems.append(InputProblem("innovations", "harus berupa daftar"))
        raw_innovations = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_innovations):
        where = f"innovations[{index}]"
        if not isinstance(raw, dict) or not raw.get("id"):
            problems.append(InputProblem(where, "harus berupa objek dengan 'id'"))
            continue
        ident = str(raw["id"])
        if ident in seen:
            problems.append(InputProblem(f"{where}.id", f"ID {ident!r} ganda"))
        seen.add(ident)
        record: dict[str, Any] = {
            "id": ident,
            "name": str(raw.get("name", "")),
            "rejected": bool(raw.get("rejected", False)),
            "urusan": frozenset(raw.get("urusan", [])),
        }
        for key in ("claimed", "verified"):
            levels = raw.get(key)
            if levels is None:
                continue
            if not isinstance(levels, dict):
                problems.append(InputProblem(f"{where}.{key}", "harus berupa objek"))
                continue
            record[key] = {}
            for code, value in levels.items():
                if code not in sid_codes:
                    problems.append(
                        InputProblem(
                            f"{where}.{key}.{code}",
                            f"kode indikator SID tidak dikenal di edisi {edition.year}",
                        )
                    )
                    continue
                record[key][code] = level_at(value, f"{where}.{key}.{code}")
        records.append(record)
    if problems:
        raise WorkbookError(problems)
    return _region(records, spd_claimed, spd_verified or None)


def edition_in_file(path: str | Path) -> int | None:
    """The edition year written in the input file (Petunjuk!B1 or JSON "edition"), if any."""
    path = Path(path)
    try:
        if path.suffix.lower() == ".json":
            value = json.loads(path.read_text(encoding="utf-8")).get("edition")
        else:
            from openpyxl import load_workbook

            book = load_workbook(path, read_only=True, data_only=True)
            value = book[SHEET_INFO]["B1"].value if SHEET_INFO in book.sheetnames else None
            book.close()
        return int(value) if value is not None else None
    except Exception:
        return None


# --- template ---------------------------------------------------------------------------------


def write_template(path: str | Path, edition: Edition) -> None:
    """Write the documented template workbook for an edition."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    bold = Font(bold=True)
    book = Workbook()
    info = book.active
    info.title = SHEET_INFO
    info["A1"], info["B1"] = "Edisi", edition.year
    info["A1"].font = bold
    lines = [
        "",
        f"Templat sinovda-score untuk {edition.label}.",
        "Isi tingkat 1–3 untuk setiap indikator; 0 = tidak terbukti; kosong = belum diisi "
        "(keduanya bernilai 0).",
        f"Sheet '{SHEET_SPD}': satu baris per indikator SPD (atau sub-baris), kolom C = tingkat "
        "klaim, kolom D = tingkat verifikasi (kosong = belum diverifikasi).",
        f"Sheet '{SHEET_INNOVATIONS}': satu baris per inovasi. ID unik; Urusan dipisah titik koma "
        "(;) dan ditulis persis seperti daftar urusan; Ditolak = ya/tidak; kolom 16–35 = tingkat "
        "klaim.",
        f"Sheet '{SHEET_VERIFIED}' (boleh dihapus): tingkat hasil verifikasi per inovasi, ID sama "
        f"dengan sheet '{SHEET_INNOVATIONS}'; sel kosong = belum diverifikasi.",
        "Jalankan: sinovda-score berkas.xlsx  (atau --json untuk keluaran mesin).",
        "",
        "Urusan wajib pelayanan dasar:",
        *(f"  - {u}" for u in edition.count_rule.basic_services_urusan or _basic_default()),
        "",
        "Indikator SID:",
        *(f"  {r.code}: {r.name} (bobot {r.weight})" for r in edition.sid_rows),
    ]
    for offset, line in enumerate(lines, start=2):
        info.cell(row=offset, column=1, value=line)
    info.column_dimensions["A"].width = 110

    level_rule = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="3",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Tingkat tidak valid",
        error="Isi 0, 1, 2 atau 3 (atau kosongkan).",
    )

    spd = book.create_sheet(SHEET_SPD)
    spd.append(["Kode", "Indikator", "Tingkat klaim", "Tingkat verifikasi"])
    for row in edition.spd_rows:
        spd.append([row.code, row.name, None, None])
    spd.add_data_validation(level_rule)
    level_rule.add(f"C2:D{len(edition.spd_rows) + 1}")
    spd.column_dimensions["B"].width = 70
    for cell in spd[1]:
        cell.font = bold

    codes = [r.code for r in edition.sid_rows]
    sheet = book.create_sheet(SHEET_INNOVATIONS)
    sheet.append([*INNOVATION_COLUMNS, *codes])
    example = edition.count_rule.basic_services_urusan or _basic_default()
    sheet.append(
        ["contoh-1", "Contoh inovasi (hapus baris ini)", example[1], "tidak"] + [2] * len(codes)
    )
    inno_rule = DataValidation(
        type="whole", operator="between", formula1="0", formula2="3", allow_blank=True
    )
    sheet.add_data_validation(inno_rule)
    inno_rule.add(f"E2:{_column(4 + len(codes))}1000")
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 40
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(horizontal="center")

    verified = book.create_sheet(SHEET_VERIFIED)
    verified.append(["ID", *codes])
    for cell in verified[1]:
        cell.font = bold
    book.save(Path(path))


def _column(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


def _basic_default() -> list[str]:
    return [
        "Pendidikan",
        "Kesehatan",
        "Pekerjaan Umum dan Penataan Ruang",
        "Perumahan Rakyat dan Kawasan Permukiman",
        "Ketenteraman, Ketertiban Umum, dan Pelindungan Masyarakat",
        "Sosial",
    ]
