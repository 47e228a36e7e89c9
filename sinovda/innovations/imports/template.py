"""The import template: a workbook generated from the edition in force for the cycle.

Sheets: "Inovasi" (one row per innovation, the header of each column carries the field's hint or
the indicator's wording and levels as a comment; coded fields and levels have dropdowns),
"Petunjuk" (how to fill it in), "Kode" (hidden: the dropdowns' lists) and "Info" (very hidden and
protected: what the template is for, see layout.py). The data sheet is prefilled with the draft
and returned reports the OPD (or the whole Pemda) may still edit, so importing the downloaded
file unchanged changes nothing.
"""

import datetime
import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from sinovda.regions.models import Agency

from .. import affairs, profile
from ..models import EDITABLE_STATES, Submission
from . import layout
from .reader import MAX_ROWS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
# Long texts get wide columns; the rest fit their header.
WIDTHS = {"longtext": 60, "text": 30, "url": 30, layout.LEVEL: 14, layout.ID: 14}


def editable_reports(cycle, agency=None):
    """The reports a template is prefilled with: the cycle's drafts and returned reports, of one
    OPD or of the whole Pemda, with their answers."""
    reports = (
        Submission.objects.filter(cycle=cycle, state__in=EDITABLE_STATES)
        .select_related("innovation__agency")
        .prefetch_related("answers")
        .order_by("innovation__agency__short_name", "name", "pk")
    )
    if agency is not None:
        reports = reports.filter(innovation__agency=agency)
    return reports


def filename(cycle, agency=None) -> str:
    scope = agency.short_name if agency is not None else "semua-opd"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in scope)
    return f"impor-inovasi-{cycle.region.code}-{cycle.edition.year}-{safe}.xlsx"


def build(cycle, agency: Agency | None = None) -> bytes:
    """The template for one OPD (`agency`) or, without it, for every OPD of the Pemda."""
    edition = cycle.edition.spec()
    region_wide = agency is None
    columns = layout.columns(edition, region_wide=region_wide)
    book = Workbook()
    data = book.active
    data.title = layout.DATA_SHEET
    guide = book.create_sheet(layout.GUIDE_SHEET)
    codes = book.create_sheet(layout.CODES_SHEET)
    info = book.create_sheet(layout.INFO_SHEET)

    _write_header(data, edition, columns)
    _write_rows(data, edition, columns, editable_reports(cycle, agency))
    lists = _write_codes(codes, edition, columns, cycle, region_wide)
    _add_dropdowns(data, columns, lists)
    _write_guide(guide, cycle, agency)
    _write_info(info, cycle, agency)
    codes.sheet_state = "hidden"
    info.sheet_state = "veryHidden"
    info.protection.sheet = True
    book.active = 0

    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write_header(sheet, edition, columns):
    bold = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font, cell.fill = bold, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        note = _note(edition, column)
        if note:
            comment = Comment(note, "Sinovda")
            comment.width, comment.height = 420, min(60 + 16 * note.count("\n"), 400)
            cell.comment = comment
        width = WIDTHS.get(column.kind, 22)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "B2"
    sheet.row_dimensions[1].height = 48


def _note(edition, column) -> str:
    """The comment on a header: what to type and, for an indicator, its wording and levels."""
    if column.kind == layout.ID:
        return _(
            "Diisi Sinovda. Kosongkan untuk inovasi baru; jangan ubah ID inovasi yang sudah ada."
        )
    if column.kind == layout.AGENCY:
        return _("Singkatan OPD pemilik inovasi, dipilih dari daftar.")
    if column.kind == layout.LEVEL:
        row = column.row
        indicator = edition.indicator(row.indicator_code)
        lines = [f"{row.code}. {row.name}"]
        if indicator.definition and indicator.definition != row.name:
            lines.append(indicator.definition)
        for option in row.options:
            lines.append(
                _("Tingkat %(level)s: %(label)s (%(score)s poin)")
                % {"level": option.level, "label": option.label, "score": option.score}
            )
        if row.mandatory:
            lines.append(_("Indikator wajib: harus diisi sebelum laporan dikirim."))
        lines.append(_("Kosongkan bila belum diisi."))
        return "\n".join(lines)
    pf = column.field
    lines = [pf.help] if pf.help else []
    if column.kind == "date":
        lines.append(_("Tanggal, misalnya 15-03-2022."))
    elif column.kind == "number":
        lines.append(_("Angka saja tanpa titik atau Rp, misalnya 25000000."))
    elif column.kind == "yesno":
        lines.append(_("Ya atau Tidak."))
    elif column.kind == layout.OTHER_AFFAIRS:
        lines.append(_("Boleh lebih dari satu urusan, dipisahkan titik koma (;)."))
    elif column.kind in ("choice", layout.MAIN_AFFAIR):
        lines.append(_("Pilih dari daftar."))
    if pf.required:
        lines.append(_("Wajib diisi sebelum laporan dikirim (draf boleh kosong)."))
    return "\n".join(lines)


def _write_rows(sheet, edition, columns, reports):
    for row_number, report in enumerate(reports, start=2):
        values = profile.form_initial(report, edition)
        levels = {a.indicator_code: a.claimed_level for a in report.answers.all()}
        for index, column in enumerate(columns, start=1):
            if column.kind == layout.ID:
                value = report.innovation.public_id
            elif column.kind == layout.AGENCY:
                value = report.innovation.agency.short_name
            elif column.kind == layout.LEVEL:
                value = layout.cell_value(edition, column, levels.get(column.row.code))
            else:
                value = layout.cell_value(edition, column, values.get(column.key))
            _put(sheet, row_number, index, value)


def _put(sheet, row, column, value):
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        # Text that looks like a formula stays text (never evaluated, read back as typed).
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime.date):
        cell.number_format = "DD-MM-YYYY"


def _write_codes(sheet, edition, columns, cycle, region_wide) -> dict[str, str]:
    """One list per coded column on the hidden sheet; returns each column key's range."""
    lists: dict[str, list[str]] = {}
    if region_wide:
        agencies = Agency.objects.active().filter(region=cycle.region).order_by("short_name")
        lists[layout.AGENCY] = [a.short_name for a in agencies]
    for column in columns:
        if column.kind == "choice":
            options = [label for _value, label in layout.choice_options(edition, column.field)]
            if options:
                lists[column.key] = options
        elif column.kind == "yesno":
            lists[column.key] = list(profile.YES_NO_LABELS.values())
        elif column.kind == layout.MAIN_AFFAIR:
            lists[column.key] = list(affairs.ALL)
    ranges = {}
    for index, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=key)
        for row, value in enumerate(values, start=2):
            _put(sheet, row, index, value)
        last = max(len(values) + 1, 2)
        ranges[key] = f"{quote_sheetname(layout.CODES_SHEET)}!${letter}$2:${letter}${last}"
    return ranges


def _add_dropdowns(sheet, columns, lists):
    last_row = MAX_ROWS + 1
    for index, column in enumerate(columns, start=1):
        if column.kind == layout.LEVEL:
            levels = ",".join(str(o.level) for o in column.row.options)
            formula = f'"{levels}"'
        elif column.key in lists:
            formula = lists[column.key]
        else:
            continue
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        validation.error = _("Pilih dari daftar.")
        validation.errorTitle = column.header[:32]
        validation.showErrorMessage = True
        letter = get_column_letter(index)
        validation.add(f"{letter}2:{letter}{last_row}")
        sheet.add_data_validation(validation)


def _write_guide(sheet, cycle, agency):
    lines = [
        _("Templat impor inovasi Sinovda"),
        "",
        _("1. Isi satu baris per inovasi di lembar Inovasi. Baris pertama adalah judul kolom."),
        _(
            "2. Kolom ID Sinovda: biarkan kosong untuk inovasi baru. Baris yang sudah ada "
            "berisi laporan draf atau yang dikembalikan; jangan ubah ID-nya."
        ),
        _(
            "3. Kolom berdaftar pilihan (tahapan, jenis, bentuk, inisiator, urusan, tingkat "
            "indikator) diisi dari daftar. Arahkan ke judul kolom untuk membaca petunjuk dan "
            "uraian tingkat indikator."
        ),
        _("4. Isi nilai saja. Rumus Excel tidak diterima; salin lalu tempel sebagai nilai."),
        _("5. Bukti dukung dan dokumen profil tidak diimpor: unggah dan pilih di halaman laporan."),
        _(
            "6. Unggah berkas ini di halaman Impor dari Excel. Sinovda menampilkan pratinjau "
            "perubahan dan semua masalah per baris sebelum apa pun disimpan."
        ),
        _(
            "7. Jangan ubah nama lembar dan judul kolom. Templat ini hanya untuk siklus dan "
            "pedoman yang tertulis di bawah; unduh templat baru bila pedoman berubah."
        ),
        "",
        _("Pemda: %(name)s") % {"name": cycle.region.name},
        _("Siklus: %(year)s") % {"year": cycle.edition.year},
        _("OPD: %(name)s") % {"name": agency.name if agency else _("semua OPD")},
    ]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=line)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120


def _write_info(sheet, cycle, agency):
    values = [
        (layout.INFO_FORMAT, layout.FORMAT),
        (layout.INFO_VERSION, layout.FORMAT_VERSION),
        (layout.INFO_EDITION, cycle.edition.year),
        (layout.INFO_DIGEST, layout.edition_digest(cycle.edition)),
        (layout.INFO_REGION, cycle.region.code),
        (layout.INFO_CYCLE, cycle.edition.year),
        (layout.INFO_AGENCY, agency.pk if agency else ""),
        (layout.INFO_AGENCY_NAME, agency.short_name if agency else ""),
        (layout.INFO_MADE, timezone.now().isoformat(timespec="seconds")),
    ]
    for row, (key, value) in enumerate(values, start=1):
        sheet.cell(row=row, column=1, value=key)
        _put(sheet, row, 2, value)
