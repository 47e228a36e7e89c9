"""Check every row of an import file into a `Plan`: what is created, changed, left alone, and every
problem by row and column.

Values are checked by the profile form's own fields (ProfileForm, AnswerForm), so a cell is
accepted exactly when typing it into the form would be; so are the form's cross-field rules
(implementation not before the trial; the main urusan not also an overlapping one). Only what the
form and the actions check applies: a draft may be incomplete, so the rules for *sending* a report
(required fields, minimum words, mandatory indicators) are not checked here; they are checked when
the report is sent, as for a report typed by hand.

The rules of the actions are checked for each row too, so the preview shows them instead of the
confirmation failing: the operator only imports for their own OPD; a row with an ID must be a
draft or returned report of this Pemda's cycle; a name is unique in the cycle; the cycle's dates.

Rows are matched to reports by ID, else by the exact name within the OPD in this cycle, so
importing the same file twice changes nothing the second time. A cell that says what is stored
is unchanged even when the form would no longer accept it (e.g. a level carried from last year).

Everything is read with a fixed number of queries whatever the number of rows.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel

from sinovda.evidence.models import Document
from sinovda.regions.models import Agency

from .. import affairs, profile, windows
from ..forms import AnswerForm, ProfileForm
from ..models import EDITABLE_STATES, Answer, Innovation, State, Submission
from . import layout
from .plan import CHANGE, CREATE, SAME, Change, Entry, Plan, Problem
from .reader import FileRefused, Sheet, not_ours_message

SHOWN_CHARACTERS = 300  # of a long text in the preview
UNIQUE_KINDS = {"text", "longtext", "url"}  # cells that rarely repeat: not worth remembering


def validate(sheet: Sheet, access, cycle, *, file_name: str = "") -> Plan:
    """The plan for `sheet` (reader.read) in `cycle`, as `access` (the uploader) may do it.

    A file that is not a template for this cycle, or whose header is not the template's, is
    refused as a whole (`FileRefused`); every other problem is listed in the plan."""
    edition = cycle.edition.spec()
    scope = _check_info(sheet.info, access, cycle)
    columns = _map_headers(sheet.headers, edition, region_wide=scope is None)
    plan = Plan(
        cycle_id=cycle.pk,
        agency_id=scope.pk if scope else None,
        digest=layout.edition_digest(cycle.edition),
        file_name=file_name,
    )
    _Rows(access, cycle, edition, scope, columns, plan).check(sheet.rows)
    plan.problems.sort(key=lambda p: p.row)
    return plan


# --- the file as a whole -------------------------------------------------------------------------


def _check_info(info: dict, access, cycle) -> Agency | None:
    """The template's scope (its OPD, or None for the whole Pemda) once the Info sheet says the
    file was made for this Pemda's cycle, under the same edition document, in this format."""
    if str(info.get(layout.INFO_FORMAT) or "") != layout.FORMAT:
        raise FileRefused(not_ours_message())
    found = str(info.get(layout.INFO_VERSION) or "")
    if found != str(layout.FORMAT_VERSION):
        raise FileRefused(
            _(
                "Templat ini dibuat dengan format impor versi %(found)s, sedangkan Sinovda "
                "sekarang memakai versi %(current)s. Unduh templat baru lalu salin isinya."
            )
            % {"found": found or "?", "current": layout.FORMAT_VERSION}
        )
    if str(info.get(layout.INFO_REGION) or "") != cycle.region.code:
        raise FileRefused(
            _(
                "Templat ini dibuat untuk Pemda lain (kode %(code)s). Unduh templat dari "
                "halaman impor %(name)s."
            )
            % {"code": info.get(layout.INFO_REGION) or "?", "name": cycle.region.name}
        )
    year = cycle.edition.year
    if str(info.get(layout.INFO_CYCLE) or "") != str(year) or str(
        info.get(layout.INFO_EDITION) or ""
    ) != str(year):
        raise FileRefused(
            _(
                "Templat ini untuk siklus %(found)s, bukan siklus %(year)s. Unduh templat "
                "siklus %(year)s lalu salin isinya."
            )
            % {"found": info.get(layout.INFO_CYCLE) or "?", "year": year}
        )
    if str(info.get(layout.INFO_DIGEST) or "") != layout.edition_digest(cycle.edition):
        raise FileRefused(
            _(
                "Pedoman %(year)s sudah diubah sejak templat ini diunduh, sehingga kolomnya "
                "mungkin tidak lagi sesuai. Unduh templat baru lalu salin isinya."
            )
            % {"year": year}
        )
    agency_id = str(info.get(layout.INFO_AGENCY) or "").strip()
    if not agency_id:
        return None
    agency = None
    if agency_id.isdigit():
        agency = Agency.objects.filter(pk=int(agency_id), region=cycle.region).first()
    if agency is None:
        raise FileRefused(not_ours_message())
    own = access.agency
    if not access.can_manage and (own is None or own.pk != agency.pk):
        raise FileRefused(
            _(
                "Templat ini untuk OPD %(name)s. Anda hanya dapat mengimpor inovasi OPD Anda "
                "sendiri; unduh templat OPD Anda dari halaman ini."
            )
            % {"name": agency.short_name}
        )
    return agency


def _map_headers(headers: list[str], edition, *, region_wide: bool) -> list[layout.Column]:
    """The column of each header, by position; a header the template does not have, a blank or
    repeated one, or a missing name (or OPD) column refuses the file."""
    known = layout.columns_by_header(edition, region_wide=region_wide)
    mapped: list[layout.Column] = []
    problems = []
    seen: dict[str, str] = {}
    for index, header in enumerate(headers, start=1):
        letter = get_column_letter(index)
        column = known.get(layout.header_key(header))
        if not header:
            problems.append(
                _(
                    "Kolom %(letter)s tidak berjudul. Hapus kolom itu atau kembalikan judulnya "
                    "seperti di templat."
                )
                % {"letter": letter}
            )
        elif column is None:
            problems.append(
                _(
                    "Judul kolom %(letter)s “%(header)s” tidak dikenal. Kembalikan judulnya "
                    "seperti di templat, atau hapus kolom itu."
                )
                % {"letter": letter, "header": header}
            )
        elif column.key in seen:
            problems.append(
                _("Kolom %(letter)s mengulang kolom %(other)s “%(header)s”. Hapus salah satunya.")
                % {"letter": letter, "other": seen[column.key], "header": header}
            )
        else:
            seen[column.key] = letter
        if column is not None:
            mapped.append(column)
    required = ["name"] + ([layout.AGENCY] if region_wide else [])
    for column in layout.columns(edition, region_wide=region_wide):
        if column.key in required and column.key not in seen:
            problems.append(
                _("Kolom “%(header)s” tidak ada. Pakai templat yang diunduh dari Sinovda.")
                % {"header": column.header}
            )
    if problems:
        raise FileRefused(
            _("Judul kolom di lembar Inovasi tidak sesuai dengan templat."), details=problems
        )
    return mapped


# --- the rows ------------------------------------------------------------------------------------


def _name_key(name: str) -> str:
    return (name or "").strip().casefold()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value or value.isspace()
    return isinstance(value, list) and not value


def _same(before, after) -> bool:
    if _empty(before) and _empty(after):
        return True
    if isinstance(before, str) and isinstance(after, str):
        return layout.clean_text(before).strip() == layout.clean_text(after).strip()
    return before == after


def _short(text: str) -> str:
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return text[: SHOWN_CHARACTERS - 1].rstrip() + "…"


class _Fields:
    """The form fields that judge a cell: the profile form's and each indicator's level field."""

    def __init__(self, edition):
        none = Document.objects.none()
        self.edition = edition
        self.profile = ProfileForm(edition=edition, documents=none).fields
        self.levels = {
            row.code: AnswerForm(row=row, documents=none).fields["level"]
            for row in edition.sid_rows
        }
        self.choices = {}
        for pf in edition.profile_fields:
            if pf.type == "choice":
                options = layout.choice_options(edition, pf)
                self.choices[pf.code] = {
                    **{layout.header_key(label): value for value, label in options},
                    **{layout.header_key(value): value for value, _label in options},
                }
        self.affairs = {layout.header_key(a): a for a in affairs.ALL}
        self.yes_no = {
            layout.header_key(label): value for value, label in profile.YES_NO_LABELS.items()
        }
        self.known: dict[tuple, tuple] = {}

    def parse(self, column: layout.Column, raw):
        """The cell as the form would clean it, or ValidationError with the form's message.

        Cleaning depends on the cell alone, so in the columns whose cells repeat (levels,
        choices, dates, numbers, urusan) each distinct value is cleaned once per file."""
        if column.kind in UNIQUE_KINDS:
            return self.clean(column, raw)
        key = (column.key, type(raw), raw)
        found = self.known.get(key)
        if found is None:
            try:
                found = (True, self.clean(column, raw))
            except ValidationError as error:
                found = (False, error.messages)
            self.known[key] = found
        ok, value = found
        if not ok:
            raise ValidationError(value)
        return list(value) if isinstance(value, list) else value

    def clean(self, column: layout.Column, raw):
        kind = column.kind
        if kind == layout.LEVEL:
            return self.levels[column.row.code].clean(_text(raw))
        formfield = self.profile[column.key]
        pf = column.field
        if kind == "choice":
            text = _text(raw)
            mapping = self.choices.get(pf.code) or {}
            if text and mapping:
                value = mapping.get(layout.header_key(text))
                if value is None:
                    raise ValidationError(
                        _("Pilih tematik dari daftar pedoman.")
                        if pf.options_from == "tematik"
                        else _("Pilih “%(label)s” dari daftar.") % {"label": pf.title}
                    )
                text = value
            return formfield.clean(text)
        if kind == "yesno":
            if isinstance(raw, bool):
                return "ya" if raw else "tidak"
            text = _text(raw)
            return formfield.clean(self.yes_no.get(layout.header_key(text), text))
        if kind == layout.MAIN_AFFAIR:
            text = _text(raw)
            if text and layout.header_key(text) not in self.affairs:
                raise ValidationError(_("Pilih urusan utama dari daftar."))
            return formfield.clean(self.affairs.get(layout.header_key(text), ""))
        if kind == layout.OTHER_AFFAIRS:
            names = [n.strip() for n in _text(raw).replace("\n", ";").split(";") if n.strip()]
            unknown = [n for n in names if layout.header_key(n) not in self.affairs]
            if unknown:
                raise ValidationError(
                    _("Urusan “%(name)s” tidak ada dalam daftar urusan pemerintahan.")
                    % {"name": unknown[0]}
                )
            picked = []
            for n in names:
                canonical = self.affairs[layout.header_key(n)]
                if canonical not in picked:
                    picked.append(canonical)
            return formfield.clean(picked)
        if kind == "date":
            if isinstance(raw, datetime.datetime):
                raw = raw.date()
            elif isinstance(raw, int | float) and not isinstance(raw, bool):
                raw = from_excel(raw).date() if 10000 < raw < 80000 else str(raw)
            return formfield.clean(raw if isinstance(raw, datetime.date) else _text(raw))
        return formfield.clean(_text(raw))


class _Rows:
    """Checks the rows against the cycle's reports, loaded once."""

    def __init__(self, access, cycle, edition, scope, columns, plan):
        self.access, self.cycle, self.edition = access, cycle, edition
        self.scope, self.columns, self.plan = scope, columns, plan
        self.fields = _Fields(edition)
        self.by_key = {c.key: c for c in columns}
        # The columns a row's values come from (the ID, OPD and name are read first).
        self.value_columns = [c for c in columns if c.key not in (layout.ID, layout.AGENCY, "name")]
        self.agencies = list(Agency.objects.filter(region=cycle.region))
        self.agency_by_name = {}
        for agency in self.agencies:
            self.agency_by_name.setdefault(layout.header_key(agency.name), agency)
        for agency in self.agencies:  # a short name wins over a full name
            self.agency_by_name[layout.header_key(agency.short_name)] = agency
        reports = list(Submission.objects.filter(cycle=cycle).select_related("innovation__agency"))
        for report in reports:
            report.cycle = cycle  # spares a query per report in windows and str()
        self.by_public_id = {r.innovation.public_id: r for r in reports}
        self.by_name: dict[str, list[Submission]] = {}
        for report in reports:
            if report.state != State.WITHDRAWN:
                self.by_name.setdefault(_name_key(report.name), []).append(report)
        self.levels: dict[int, dict[str, int | None]] = {}
        answers = Answer.objects.filter(submission__cycle=cycle).values_list(
            "submission_id", "indicator_code", "claimed_level"
        )
        for submission_id, code, level in answers:
            self.levels.setdefault(submission_id, {})[code] = level
        self.create_refusal = windows.create_refusal(cycle)
        self.seen_reports: dict[int, int] = {}
        self.seen_names: dict[str, int] = {}
        self.elsewhere: set[str] = set()  # IDs of this Pemda's innovations without a report here

    # --- helpers ---

    def problem(self, row: int, column, message) -> None:
        header = column.header if isinstance(column, layout.Column) else (column or "")
        self.plan.problems.append(Problem(row, header, str(message)))

    def column(self, key):
        return self.by_key.get(key)

    # --- the rows ---

    def check(self, rows) -> None:
        id_at = next((i for i, c in enumerate(self.columns) if c.key == layout.ID), None)
        if id_at is not None:
            asked = {_text(values[id_at]) for _n, values in rows if id_at < len(values)}
            unknown = asked - set(self.by_public_id) - {""}
            self.elsewhere = set(
                Innovation.objects.filter(
                    region=self.cycle.region, public_id__in=unknown
                ).values_list("public_id", flat=True)
            )
        for number, values in rows:
            cells = {column.key: value for column, value in zip(self.columns, values, strict=False)}
            before = len(self.plan.problems)
            entry = self.row(number, cells)
            if entry is not None and len(self.plan.problems) == before:
                self.plan.entries.append(entry)

    def row(self, number: int, cells: dict) -> Entry | None:
        public_id = _text(cells.get(layout.ID))
        agency = self.agency_of(number, cells)
        name_cell = cells.get("name")
        try:
            name = self.fields.parse(self.column("name"), name_cell)
        except ValidationError as error:
            self.problem(number, self.column("name"), " ".join(error.messages))
            name = ""
        if agency is None:
            return None
        report = self.target(number, public_id, name, agency)
        if report is False:
            return None
        if report is None:
            return self.create(number, cells, name, agency)
        return self.change(number, cells, name, report)

    def agency_of(self, number, cells) -> Agency | None:
        """The row's OPD: the template's, or the one named in the OPD column."""
        own = self.access.agency
        if self.scope is not None:
            return self.scope
        column = self.column(layout.AGENCY)
        text = _text(cells.get(layout.AGENCY))
        if not text:
            self.problem(number, column, _("Isi singkatan OPD pemilik inovasi, dari daftar."))
            return None
        agency = self.agency_by_name.get(layout.header_key(text))
        if agency is None:
            self.problem(
                number,
                column,
                _("OPD “%(value)s” tidak ada di Pemda ini. Pilih singkatan OPD dari daftar.")
                % {"value": text},
            )
            return None
        if not self.access.can_manage and (own is None or own.pk != agency.pk):
            self.problem(
                number,
                column,
                _("Anda hanya dapat mengimpor inovasi OPD Anda sendiri (%(name)s).")
                % {"name": own.short_name if own else "—"},
            )
            return None
        return agency

    def target(self, number, public_id, name, agency):
        """The report the row changes, None for a new one, False when the row cannot be used."""
        id_column = self.column(layout.ID)
        if public_id:
            report = self.by_public_id.get(public_id)
            if report is None:
                exists = public_id in self.elsewhere
                self.problem(
                    number,
                    id_column,
                    _(
                        "Inovasi dengan ID ini belum punya laporan di siklus %(year)s. Bawa "
                        "laporannya dari tahun lalu dulu, atau kosongkan ID untuk inovasi baru."
                    )
                    % {"year": self.cycle.edition.year}
                    if exists
                    else _(
                        "ID “%(id)s” tidak dikenal di Pemda ini. Kosongkan ID untuk inovasi baru; "
                        "ID inovasi yang sudah ada jangan diubah."
                    )
                    % {"id": public_id},
                )
                return False
            owner = report.innovation.agency
            if owner.pk != agency.pk:
                if self.scope is not None or not self.access.can_manage:
                    message = _("Inovasi dengan ID ini milik OPD lain (%(name)s).") % {
                        "name": owner.short_name
                    }
                    self.problem(number, id_column, message)
                else:
                    self.problem(
                        number,
                        self.column(layout.AGENCY),
                        _(
                            "OPD inovasi tidak dapat diubah lewat impor. Tulis %(name)s, OPD "
                            "pemilik inovasi ini."
                        )
                        % {"name": owner.short_name},
                    )
                return False
            return self.editable(number, id_column, report)
        matches = self.by_name.get(_name_key(name), []) if name else []
        own = [r for r in matches if r.innovation.agency_id == agency.pk]
        if own:
            return self.editable(number, self.column("name"), own[0])
        if matches:
            self.problem(
                number,
                self.column("name"),
                _(
                    "Inovasi dengan nama ini sudah dilaporkan di siklus ini. Gunakan nama lain "
                    "atau buka laporan yang ada."
                ),
            )
            return False
        return None

    def editable(self, number, column, report):
        if report.state not in EDITABLE_STATES:
            self.problem(
                number,
                column,
                _(
                    "Laporan “%(name)s” berstatus %(state)s dan tidak dapat diubah lewat impor. "
                    "Hanya draf dan laporan yang dikembalikan yang dapat diubah."
                )
                % {"name": report.name, "state": report.get_state_display().lower()},
            )
            return False
        refusal = windows.edit_refusal(report)
        if refusal:
            self.problem(number, "", refusal)
            return False
        if report.pk in self.seen_reports:
            self.problem(
                number,
                column,
                _("Baris ini dan baris %(row)s mengubah inovasi yang sama. Hapus salah satunya.")
                % {"row": self.seen_reports[report.pk]},
            )
            return False
        self.seen_reports[report.pk] = number
        return report

    def unique_name(self, number, name, report=None) -> None:
        key = _name_key(name)
        if not key:
            return  # the empty name is already a problem of its own
        if key in self.seen_names:
            self.problem(
                number,
                self.column("name"),
                _(
                    "Nama “%(name)s” juga dipakai di baris %(row)s. Nama inovasi harus berbeda "
                    "dalam satu siklus."
                )
                % {"name": name, "row": self.seen_names[key]},
            )
            return
        self.seen_names[key] = number
        others = [r for r in self.by_name.get(key, []) if report is None or r.pk != report.pk]
        if others:
            self.problem(
                number,
                self.column("name"),
                _(
                    "Inovasi dengan nama ini sudah dilaporkan di siklus ini. Gunakan nama lain "
                    "atau buka laporan yang ada."
                ),
            )

    # --- a new report ---

    def create(self, number, cells, name, agency) -> Entry | None:
        if self.create_refusal:
            self.problem(number, "", self.create_refusal)
            return None
        if not agency.is_active:
            self.problem(
                number,
                self.column(layout.AGENCY),
                _("OPD %(name)s sudah tidak aktif; inovasi baru tidak dapat ditambahkan untuknya.")
                % {"name": agency.short_name},
            )
            return None
        self.unique_name(number, name)
        values, levels = {}, {}
        for column in self.value_columns:
            raw = cells.get(column.key)
            if raw is None or _empty(raw):
                continue
            value = self.parsed(number, column, raw)
            if value is _INVALID or value is None or _empty(value):
                continue
            if column.kind == layout.LEVEL:
                levels[column.row.code] = value
            else:
                values[column.key] = value
        self.cross_field(number, values, {})
        return Entry(
            row=number,
            action=CREATE,
            name=name,
            agency_id=agency.pk,
            agency=agency.short_name,
            profile=values,
            levels=levels,
        )

    # --- an existing report ---

    def change(self, number, cells, name, report) -> Entry | None:
        current = profile.form_initial(report, self.edition)
        levels_now = self.levels.get(report.pk, {})
        values, levels, changes = {}, {}, []
        if not _same(report.name, name):
            self.unique_name(number, name, report)
            values["name"] = name
            changes.append(Change(self.column("name").header, report.name, name))
        else:
            self.seen_names.setdefault(_name_key(report.name), number)
        for column in self.columns:
            if column.key in (layout.ID, layout.AGENCY, "name"):
                continue
            raw = cells.get(column.key)
            is_level = column.kind == layout.LEVEL
            before = levels_now.get(column.row.code) if is_level else current.get(column.key)
            if layout.same_cell(raw, layout.cell_value(self.edition, column, before)):
                continue
            value = self.parsed(number, column, raw)
            if value is _INVALID or _same(before, value):
                continue
            if column.kind == layout.LEVEL:
                levels[column.row.code] = value
            else:
                values[column.key] = value
            changes.append(
                Change(
                    column.header,
                    _short(layout.display(self.edition, column, before)),
                    _short(layout.display(self.edition, column, value)),
                )
            )
        if set(values) - {"name"}:
            self.cross_field(number, values, current)
        return Entry(
            row=number,
            action=CHANGE if changes else SAME,
            name=name,
            agency_id=report.innovation.agency_id,
            agency=report.innovation.agency.short_name,
            public_id=report.innovation.public_id,
            submission_id=report.pk,
            version=report.version,
            profile=values,
            levels=levels,
            changes=changes,
        )

    def parsed(self, number, column, raw):
        try:
            return self.fields.parse(column, raw)
        except ValidationError as error:
            self.problem(number, column, " ".join(error.messages))
            return _INVALID

    def cross_field(self, number, values: dict, current: dict) -> None:
        """The profile form's own cross-field rules, on the values the report will hold."""
        merged = {**current, **values}
        trial, start = merged.get("trial_date"), merged.get("implementation_date")
        if trial and start and start < trial:
            self.problem(
                number,
                self.column("implementation_date") or self.column("trial_date"),
                _("Tanggal penerapan tidak boleh sebelum tanggal uji coba."),
            )
        main = merged.get(layout.MAIN_AFFAIR)
        others = merged.get(layout.OTHER_AFFAIRS) or []
        if (
            main
            and main in others
            and (layout.MAIN_AFFAIR in values or layout.OTHER_AFFAIRS in values)
        ):
            values[layout.OTHER_AFFAIRS] = [a for a in others if a != main]


_INVALID = object()  # a cell the form refused (the problem is already listed)
