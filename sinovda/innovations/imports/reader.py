"""Read an uploaded import file, refusing early and clearly what is not a plain xlsx of ours.

The checks, in order, each with its own Indonesian message:

- size: at most MAX_BYTES (an upload handler stops receiving the file beyond it);
- the bytes: a ZIP archive whose `[Content_Types].xml` names an xlsx workbook (an old .xls, a
  password-protected file, a macro workbook or anything else is refused by name), with at most
  MAX_PARTS parts, MAX_UNPACKED bytes unpacked, and no encrypted part;
- XML: no part may declare a document type. Entities (the "billion laughs" expansion, external
  entities that read files or URLs) can only be declared there, and no spreadsheet program writes
  one, so a DTD is refused before anything is parsed. This check is the guarantee; as a second
  line, openpyxl parses the workbook, styles, shared strings and the Info sheet with defusedxml,
  and the data sheet's own reader (sheetxml.py, five times faster than openpyxl's cells) refuses
  a DTD, an entity declaration or an external reference with defusedxml's exceptions;
- formulas: cells are read as stored, never evaluated (`data_only=False`); a cell holding a
  formula, or an Excel error such as #REF!, is refused with its address;
- rows: at most MAX_ROWS filled data rows below the header row.
"""

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

import openpyxl
from defusedxml import DefusedXmlException
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from . import layout, sheetxml

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 200
MAX_PARTS = 500
MAX_UNPACKED = 150 * 1024 * 1024
XML_HEAD = 64 * 1024  # how much of a part its prolog may take
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_MAIN = b"application/vnd.ms-excel.sheet.macroenabled.main+xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
SHOWN_CELLS = 10  # cell addresses named in a message

OVERSIZE_ATTRIBUTE = "import_oversize"


class FileRefused(Exception):
    """The file cannot be imported; `message` says why and how to fix it (Indonesian)."""

    def __init__(self, message: str, details=()):
        super().__init__(message)
        self.message = message
        self.details = list(details)


@dataclass
class Sheet:
    """What the file holds: the Info sheet's values, the header texts (index 0 = column A) and
    the filled data rows as (Excel row number, values)."""

    info: dict
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)


class ImportSizeLimit(FileUploadHandler):
    """Stop receiving an upload beyond MAX_BYTES (nothing is written to disk) and mark the
    request so the page can say why."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_BYTES:
            setattr(self.request, OVERSIZE_ATTRIBUTE, True)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler (Django's) keeps the file


def too_big_message() -> str:
    return _(
        "Berkas lebih besar dari %(mb)s MB. Bagi isinya menjadi beberapa berkas (misalnya per "
        "OPD) lalu unggah satu per satu."
    ) % {"mb": MAX_BYTES // (1024 * 1024)}


def not_ours_message() -> str:
    return _(
        "Berkas ini bukan templat impor Sinovda. Unduh templat dari halaman ini, isi, lalu "
        "unggah lagi."
    )


def read(upload) -> Sheet:
    """Read an uploaded file (a Django UploadedFile or any binary file object)."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileRefused(too_big_message())
    _check_package(data)
    try:
        book = openpyxl.load_workbook(
            io.BytesIO(data), read_only=True, data_only=False, keep_links=False
        )
    except DefusedXmlException:
        raise FileRefused(_entity_message()) from None
    except Exception:  # a hostile or broken file can make the parser fail in many ways
        logger.info("import file could not be opened", exc_info=True)
        raise FileRefused(_unreadable_message()) from None
    try:
        return _read_book(book)
    except FileRefused:
        raise
    except DefusedXmlException:
        raise FileRefused(_entity_message()) from None
    except Exception:
        logger.info("import file could not be read", exc_info=True)
        raise FileRefused(_unreadable_message()) from None
    finally:
        book.close()


# --- the package -------------------------------------------------------------------------------


def _unreadable_message() -> str:
    return _(
        "Berkas ini tidak dapat dibaca sebagai berkas Excel (.xlsx). Buka templatnya di Excel "
        "atau LibreOffice, simpan sebagai Excel Workbook (.xlsx), lalu unggah lagi."
    )


def _entity_message() -> str:
    return _(
        "Berkas ini memuat deklarasi XML (DOCTYPE/ENTITY) yang tidak pernah ditulis oleh "
        "program spreadsheet dan dapat dipakai untuk menyerang server. Berkas ditolak; simpan "
        "ulang templatnya dengan Excel atau LibreOffice lalu unggah lagi."
    )


def _check_package(data: bytes) -> None:
    if not data:
        raise FileRefused(_("Berkas ini kosong (0 byte). Periksa berkasnya lalu unggah lagi."))
    if data.startswith(OLE_MAGIC):
        raise FileRefused(
            _(
                "Berkas ini berformat Excel lama (.xls) atau dilindungi kata sandi. Buka di "
                "Excel, hapus kata sandinya bila ada, simpan sebagai Excel Workbook (.xlsx), "
                "lalu unggah lagi."
            )
        )
    if not data.startswith(ZIP_MAGIC):
        raise FileRefused(
            _(
                "Berkas ini bukan berkas Excel (.xlsx). Unggah templat impor yang sudah diisi, "
                "disimpan sebagai Excel Workbook (.xlsx)."
            )
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileRefused(_unreadable_message()) from None
    if len(parts) > MAX_PARTS or sum(p.file_size for p in parts) > MAX_UNPACKED:
        raise FileRefused(
            _(
                "Isi berkas ini terlalu besar setelah dibuka. Hapus lembar, gambar atau baris "
                "yang tidak perlu, atau bagi menjadi beberapa berkas."
            )
        )
    if any(p.flag_bits & 0x1 for p in parts):
        raise FileRefused(_unreadable_message())
    with archive:
        names = {p.filename for p in parts}
        if "[Content_Types].xml" not in names:
            raise FileRefused(_unreadable_message())
        for part in parts:
            if part.filename.lower().endswith((".xml", ".rels", ".vml")):
                with archive.open(part) as stream:
                    declares = _declares_dtd(stream.read(XML_HEAD))
                if declares is None:
                    raise FileRefused(_unreadable_message())
                if declares:
                    raise FileRefused(_entity_message())
        types = archive.read("[Content_Types].xml").lower()
    if MACRO_MAIN in types:
        raise FileRefused(
            _(
                "Berkas ini berisi makro (.xlsm). Simpan sebagai Excel Workbook (.xlsx) tanpa "
                "makro lalu unggah lagi."
            )
        )
    if XLSX_MAIN not in types:
        raise FileRefused(
            _(
                "Berkas ini bukan buku kerja Excel (.xlsx). Unggah templat impor yang sudah "
                "diisi, disimpan sebagai Excel Workbook (.xlsx)."
            )
        )


_SPACE = re.compile(rb"[ \t\r\n]*")


def _declares_dtd(head: bytes) -> bool | None:
    """Whether an XML part's prolog holds a document type declaration (where entities are
    declared); None when the start is not UTF-8 XML at all (spreadsheet programs write UTF-8)."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    position = 0
    while True:
        position = _SPACE.match(head, position).end()
        if head.startswith(b"<?", position):
            end = head.find(b"?>", position)
            if end < 0:
                return None
            position = end + 2
        elif head.startswith(b"<!--", position):
            end = head.find(b"-->", position)
            if end < 0:
                return None
            position = end + 3
        elif head.startswith(b"<!", position):
            return True
        elif head.startswith(b"<", position):
            return False
        else:
            return None


# --- the sheets --------------------------------------------------------------------------------


def _read_book(book) -> Sheet:
    if layout.INFO_SHEET not in book.sheetnames or layout.DATA_SHEET not in book.sheetnames:
        raise FileRefused(not_ours_message())
    info = _read_info(book[layout.INFO_SHEET])
    rows = sheetxml.rows(book[layout.DATA_SHEET])
    try:
        return _read_data(info, rows)
    finally:
        rows.close()  # the zip member, when a refusal stops the reading early


def _read_data(info: dict, rows) -> Sheet:
    first = next(rows, None)
    header_cells = first[1] if first is not None and first[0] == 1 else []
    _refuse_formulas(1, [c for c in header_cells if c[0] <= MAX_COLUMNS + 1])
    headers = [""] * max((c[0] for c in header_cells if c[0] <= MAX_COLUMNS + 1), default=0)
    for column, value, _flagged in header_cells:
        if column <= MAX_COLUMNS + 1:
            headers[column - 1] = _text(value)
    while headers and not headers[-1]:
        headers.pop()
    if len(headers) > MAX_COLUMNS:
        raise FileRefused(
            _(
                "Lembar Inovasi punya lebih dari %(n)s kolom. Pakai templat yang diunduh dari Sinovda."
            )
            % {"n": MAX_COLUMNS}
        )
    if not headers:
        raise FileRefused(not_ours_message())
    sheet = Sheet(info=info, headers=headers)
    width = len(headers)
    formulas: list[str] = []
    last_allowed = MAX_ROWS + 1
    for number, cells in rows:
        values = [None] * width
        filled = False
        for column, value, flagged in cells:
            if value is None or column > width:
                continue
            if flagged:
                formulas.append(f"{get_column_letter(column)}{number}")
            if isinstance(value, str) and not value.strip():
                continue
            filled = True
            values[column - 1] = value
        if not filled:
            continue
        if number > last_allowed or len(sheet.rows) >= MAX_ROWS:
            raise FileRefused(_too_many_rows_message())
        sheet.rows.append((number, values))
    if formulas:
        raise FileRefused(_formula_message(formulas))
    return sheet


def _read_info(sheet) -> dict:
    info = {}
    for number, cells in enumerate(sheet.iter_rows(min_row=1, max_row=30, max_col=2), start=1):
        if len(cells) < 2:
            continue
        _refuse_formulas(
            number,
            [
                (column, cell.value, cell.data_type in ("f", "e"))
                for column, cell in enumerate(cells, start=1)
            ],
        )
        key = _text(cells[0].value)
        if key:
            info[key] = cells[1].value
    return info


def _refuse_formulas(row, cells) -> None:
    """Refuse the file if one of `cells` ((column, value, flagged) from sheetxml) holds a formula
    or an Excel error."""
    found = [
        f"{get_column_letter(column)}{row}"
        for column, value, flagged in cells
        if value is not None and flagged
    ]
    if found:
        raise FileRefused(_formula_message(found))


def _formula_message(cells: list[str]) -> str:
    shown = ", ".join(cells[:SHOWN_CELLS])
    more = len(cells) - SHOWN_CELLS
    message = _("Sel %(cells)s berisi rumus atau galat Excel.") % {"cells": shown}
    if more > 0:
        message += " " + _("Ada %(n)s sel lain yang juga berisi rumus.") % {"n": more}
    return (
        message
        + " "
        + _(
            "Impor hanya menerima nilai, bukan rumus. Salin selnya lalu tempel sebagai nilai "
            "(Tempel Spesial → Nilai), simpan, lalu unggah lagi."
        )
    )


def _too_many_rows_message() -> str:
    return _(
        "Berkas ini berisi lebih dari %(n)s baris inovasi. Bagi menjadi beberapa berkas "
        "(misalnya per OPD) lalu unggah satu per satu."
    ) % {"n": f"{MAX_ROWS:,}".replace(",", ".")}


def _text(value) -> str:
    return "" if value is None else str(value).strip()
