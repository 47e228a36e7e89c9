"""The import template's columns, as the edition in force for the cycle defines them.

One row per innovation. The columns are: the report's Sinovda id (empty for a new innovation),
the OPD's short name (only in the template for the whole Pemda), every profile field an operator
types (documents are picked from uploaded evidence, so they are not in the sheet; the urusan
takes two columns, the main one and the overlapping ones), and one column per SID answer row with
the claimed level.

The header texts identify the columns when a file comes back, so they are built here and only
here. A template also names its version in a hidden "Info" sheet: the format, the edition year and
a digest of the edition document; a file made for another edition, another Pemda or another
version of this format is refused before any row is read.
"""

import datetime
import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from sinovda.methodology.spec import AnswerRow, ProfileField

from .. import profile

FORMAT = "sinovda-impor-inovasi"
FORMAT_VERSION = 1
DATA_SHEET = "Inovasi"
CODES_SHEET = "Kode"
INFO_SHEET = "Info"
GUIDE_SHEET = "Petunjuk"
# Keys of the Info sheet (column A; the value is in column B).
INFO_FORMAT = "format"
INFO_VERSION = "versi_format"
INFO_EDITION = "edisi"
INFO_DIGEST = "digest_edisi"
INFO_REGION = "pemda"
INFO_CYCLE = "siklus"
INFO_AGENCY = "opd_id"
INFO_AGENCY_NAME = "opd"
INFO_MADE = "dibuat"

ID, AGENCY, LEVEL = "id", "agency", "level"
MAIN_AFFAIR, OTHER_AFFAIRS = "main_affair", "other_affairs"
AFFAIRS_SEPARATOR = "; "

# Characters a spreadsheet cell cannot hold (XML 1.0); openpyxl refuses them.
_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")


def edition_digest(edition_row) -> str:
    """sha256 of the edition document in canonical JSON: any correction of the edition gives
    another digest, so a template made before it is refused."""
    canonical = json.dumps(
        edition_row.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Column:
    """One column of the data sheet.

    `key` is the form field name the value belongs to (a profile field code, main_affair,
    other_affairs), "id", "agency", or "level:<row code>" for an SID answer row."""

    key: str
    header: str
    kind: str  # id, agency, level, main_affair, other_affairs, or the profile field's type
    field: ProfileField | None = None
    row: AnswerRow | None = None

    @property
    def is_profile(self) -> bool:
        return self.field is not None

    @property
    def code(self) -> str:
        """The profile field code or SID row code this column feeds."""
        if self.row is not None:
            return self.row.code
        return self.key


def level_header(row: AnswerRow) -> str:
    return _("Tingkat indikator %(code)s: %(name)s") % {"code": row.code, "name": row.name}


def columns(edition, *, region_wide: bool) -> list[Column]:
    """The data sheet's columns, in order, for `edition` (a methodology.Edition)."""
    out = [Column(ID, _("ID Sinovda"), ID)]
    if region_wide:
        out.append(Column(AGENCY, _("OPD (singkatan)"), AGENCY))
    for pf in profile.editable_fields(edition):
        if pf.type == "document":
            continue  # picked from uploaded evidence on the report's page
        if pf.type == "urusan":
            out.append(
                Column(
                    MAIN_AFFAIR,
                    _("%(field)s: urusan utama") % {"field": pf.title},
                    MAIN_AFFAIR,
                    field=pf,
                )
            )
            out.append(
                Column(
                    OTHER_AFFAIRS,
                    _("%(field)s: urusan lain yang beririsan") % {"field": pf.title},
                    OTHER_AFFAIRS,
                    field=pf,
                )
            )
        else:
            out.append(Column(pf.code, pf.title, pf.type, field=pf))
    for row in edition.sid_rows:
        out.append(Column(f"{LEVEL}:{row.code}", level_header(row), LEVEL, row=row))
    return out


def header_key(text) -> str:
    """Headers compare without case and extra spaces (a retyped header still matches)."""
    return " ".join(str(text or "").split()).casefold()


def columns_by_header(edition, *, region_wide: bool) -> dict[str, Column]:
    """Every column by its header in each language of the site: a template downloaded in one
    language is read back whatever language the person uses now."""
    found: dict[str, Column] = {}
    languages = [code for code, _name in settings.LANGUAGES]
    for language in [translation.get_language(), *languages]:
        with translation.override(language):
            for column in columns(edition, region_wide=region_wide):
                found.setdefault(header_key(column.header), column)
    return found


def choice_options(edition, pf: ProfileField) -> list[tuple[str, str]]:
    """(value, label) of a choice field: its own options, or the edition's tematik list (empty
    when the edition has none: the field is then free text)."""
    if pf.options:
        return [(o.value, o.label) for o in pf.options]
    if pf.options_from == "tematik" and edition.tematik:
        return [(t, t) for t in edition.tematik.items]
    return []


# --- values as cells -----------------------------------------------------------------------------


def clean_text(value) -> str:
    """Text as a cell holds it: Unix line ends, no control characters."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("", text)


def cell_value(edition, column: Column, value):
    """What the template writes for a stored value (form values, see profile.form_initial)."""
    if value in (None, "", []):
        return None
    kind = column.kind
    if kind == LEVEL:
        return int(value)
    if kind == "date":
        return value
    if kind == "number":
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "choice":
        labels = dict(choice_options(edition, column.field))
        return clean_text(labels.get(value, value))
    if kind == "yesno":
        return profile.YES_NO_LABELS.get(value, clean_text(value))
    if kind == OTHER_AFFAIRS:
        return AFFAIRS_SEPARATOR.join(value)
    return clean_text(value)


def same_cell(a, b) -> bool:
    """True when two cell values say the same (text compared without surrounding spaces and
    line-end style; numbers and dates as values)."""
    if isinstance(a, datetime.datetime):
        a = a.date()
    if isinstance(b, datetime.datetime):
        b = b.date()
    if isinstance(a, float) and a.is_integer():
        a = int(a)
    if isinstance(b, float) and b.is_integer():
        b = int(b)
    if isinstance(a, str) or isinstance(b, str):
        return _text_key(a) == _text_key(b)
    return a == b


def _text_key(value) -> str:
    if value is None:
        return ""
    return clean_text(value).strip()


def display(edition, column: Column, value) -> str:
    """A value as the preview shows it ("—" when empty)."""
    shown = cell_value(edition, column, value)
    if shown is None:
        return "—"
    if isinstance(shown, datetime.date):
        return shown.strftime("%d-%m-%Y")
    return str(shown)
