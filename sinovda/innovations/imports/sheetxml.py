"""The cells of one worksheet, read straight from its XML part with expat.

openpyxl builds a dict and a cell object per cell and an object tree per inline string; for the
data sheet of a 5,000-row import that is most of the preview's time (some 5 s of 8). This reader
walks the same XML once with expat callbacks and gives each cell's value exactly as openpyxl's
reader would (numbers, dates by the cell's number format, shared and inline strings, booleans),
plus whether the cell holds a formula or an Excel error, which is all the import needs. The
workbook structure, the styles and the shared strings still come from openpyxl (read_only).

Safety: `reader` refuses any part whose prolog declares a document type before this runs, and
entities can only be declared there. As a second line, as defusedxml does for openpyxl, this
parser raises defusedxml's own exceptions on any DTD, entity declaration or external reference
instead of reading it.
"""

import xml.parsers.expat as expat

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROW, _CELL, _VALUE, _FORMULA, _INLINE, _TEXT, _PHONETIC = (
    f"{MAIN} {name}" for name in ("row", "c", "v", "f", "is", "t", "rPh")
)
CHUNK = 256 * 1024
_DIGITS = "0123456789"


class Book:
    """What the cell values of a sheet depend on, from an openpyxl read-only worksheet."""

    def __init__(self, sheet):
        # openpyxl keeps these for its own sheet parser (reader/excel.py, styles/stylesheet.py,
        # worksheet/_read_only.py); uv.lock pins the version, and the import tests compare this
        # reader with openpyxl's on every kind of cell.
        workbook = sheet.parent
        self.shared_strings = sheet._shared_strings  # not workbook.shared_strings (for writing)
        self.epoch = workbook.epoch
        self.date_formats = workbook._date_formats
        self.timedelta_formats = workbook._timedelta_formats


def _refuse_dtd(name, sysid, pubid, _has_internal_subset):
    raise DTDForbidden(name, sysid, pubid)


def _refuse_entity(name, _is_parameter, value, base, sysid, pubid, notation):
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _refuse_external(context, base, sysid, pubid):
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def rows(sheet):
    """(row number, [(column number, value, flagged), …]) for each row element of `sheet` (an
    openpyxl ReadOnlyWorksheet), in file order; `flagged` is true for a formula or an Excel error.
    Empty cells give value None. A row number not above the previous one is skipped, as openpyxl
    does. Stops reading when the caller stops iterating."""
    with sheet._get_source() as source:  # the zip member, as openpyxl opens it
        yield from _parse(source, Book(sheet))


def _parse(source, book: Book):  # noqa: C901 - one state machine, kept in one place for speed
    shared = book.shared_strings
    date_formats, timedelta_formats, epoch = book.date_formats, book.timedelta_formats, book.epoch
    done: list = []  # finished rows, handed out after each chunk
    row_number = last_number = column = 0
    cells: list = []
    # The current cell: its type, column, style, formula, <v> text and inline string pieces.
    kind, cell_column, style, formula, raw, inline = "n", 0, 0, False, None, None
    text: list[str] = []
    capture = phonetic = False  # inside <v> or an inline string's <t> / a phonetic run

    def start(name, attrs):
        nonlocal row_number, column, cells, kind, cell_column, style, formula, raw, inline
        nonlocal capture, phonetic
        if name == _CELL:
            reference = attrs.get("r")  # "AB12"; a cell without one follows the previous
            column = (
                column_index_from_string(reference.rstrip(_DIGITS)) if reference else column + 1
            )
            cell_column = column
            kind = attrs.get("t", "n")
            style = attrs.get("s")
            style = int(style) if style else 0
            formula, raw, inline = False, None, None
        elif name == _VALUE:
            text.clear()
            capture = True
        elif name == _INLINE:
            inline = []
        elif name == _TEXT:
            if inline is not None and not phonetic:
                text.clear()
                capture = True
        elif name == _ROW:
            number = attrs.get("r")
            if number is None:
                row_number += 1
            else:
                try:
                    row_number = int(number)
                except ValueError:
                    as_float = float(number)
                    if not as_float.is_integer():
                        raise ValueError(f"{number} is not a valid row number") from None
                    row_number = int(as_float)
            column = 0
            cells = []
        elif name == _FORMULA:
            formula = True
        elif name == _PHONETIC:
            phonetic = True

    def end(name):
        nonlocal last_number, raw, capture, phonetic
        if name == _CELL:
            cells.append(value())
        elif name == _VALUE:
            capture = False
            raw = "".join(text) or None
        elif name == _TEXT:
            if capture:
                capture = False
                inline.append("".join(text))
        elif name == _ROW:
            if row_number > last_number:
                done.append((row_number, cells))
                last_number = row_number
        elif name == _PHONETIC:
            phonetic = False

    def characters(data):
        if capture:
            text.append(data)

    def value():
        """The current cell as openpyxl's WorkSheetParser.parse_cell reads it."""
        if formula:
            return (cell_column, "=", True)
        if raw is None or kind == "inlineStr":  # openpyxl ignores a <v> in an inline string
            if kind == "inlineStr" and inline is not None:
                return (cell_column, "".join(inline), False)
            return (cell_column, None, False)
        if kind == "n":
            number = float(raw) if ("." in raw or "E" in raw or "e" in raw) else int(raw)
            if style in date_formats:
                try:
                    number = from_excel(number, epoch, timedelta=style in timedelta_formats)
                except (OverflowError, ValueError):
                    return (cell_column, "#VALUE!", True)  # openpyxl: an error cell
            return (cell_column, number, False)
        if kind == "s":
            return (cell_column, shared[int(raw)], False)
        if kind == "b":
            return (cell_column, bool(int(raw)), False)
        if kind == "d":
            return (cell_column, from_ISO8601(raw), False)
        if kind == "e":
            return (cell_column, raw, True)
        return (cell_column, raw, False)  # "str" (a formula's text result) and anything else

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    parser.buffer_text = True
    parser.buffer_size = CHUNK
    while True:
        chunk = source.read(CHUNK)
        parser.Parse(chunk, not chunk)
        if done:
            yield from done
            done.clear()
        if not chunk:
            return
