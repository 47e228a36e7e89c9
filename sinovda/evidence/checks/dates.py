"""The document's date, found in its text, and whether it lies in the window the edition asks for.

Indonesian dates are written "27 Juli 2023", "27 JULI 2023", "1 Agt 2022", "27-07-2023",
"27/07/2023", "27.07.2023" (day first) or "2023-07-27". A decree carries many numbers (its nomor, the
laws it rests on: "Nomor 23 Tahun 2014") but one date it was set: "Ditetapkan di ... pada tanggal
...". A letter dates itself "Indralaya, 27 Juli 2023". We take the date after "ditetapkan"/"tanggal"
when there is one (the last such: the signature comes after the text; "ditetapkan" before
"diundangkan", the later promulgation of a Peraturan), else a "place, date", else the last full
date in the text.
"""

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import Result, Status

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "pebruari": 2,
    "feb": 2,
    "peb": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agust": 8,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nopember": 11,
    "nov": 11,
    "nop": 11,
    "desember": 12,
    "des": 12,
}
MONTH_NAMES = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
_MONTH_ALTERNATION = "|".join(sorted(MONTHS, key=len, reverse=True))
_WORDY = re.compile(
    rf"(?<!\d)(\d{{1,2}})\s*(?:[.,]\s*)?({_MONTH_ALTERNATION})(?![^\W\d_])\.?\s*,?\s*(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4})(?![\d/.-])")
_ISO = re.compile(r"(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d/.-])")
# What stands just before a date says what the date is.
_SET_ON = re.compile(r"(ditetapkan|pada\s+tanggal|tanggal|tgl\.?)\s*[:.]?\s*$", re.IGNORECASE)
_DECIDED = re.compile(r"\bditetapkan\b", re.IGNORECASE)
_PLACE = re.compile(r"\b[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+)?\s*,\s*$")
LOOK_BEHIND = 60
EARLIEST, LATEST = 1945, 2100


@dataclass(frozen=True)
class FoundDate:
    date: datetime.date
    start: int
    end: int
    matched: str
    rank: int  # 3: after "ditetapkan", 2: after "tanggal", 1: after "Place,", 0: anywhere


def _make(year, month, day) -> datetime.date | None:
    try:
        value = datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if EARLIEST <= value.year <= LATEST else None


def find_dates(text: str) -> list[FoundDate]:
    """Every full date in the text (day, month and year), in order."""
    found = []
    for match in _WORDY.finditer(text):
        value = _make(match.group(3), MONTHS[match.group(2).casefold()], match.group(1))
        if value:
            found.append((value, match))
    for match in _NUMERIC.finditer(text):
        value = _make(match.group(4), match.group(3), match.group(1))
        if value:
            found.append((value, match))
    for match in _ISO.finditer(text):
        value = _make(match.group(1), match.group(2), match.group(3))
        if value:
            found.append((value, match))
    out = []
    for value, match in found:
        before = text[max(0, match.start() - LOOK_BEHIND) : match.start()]
        before = " ".join(before.split()[-6:])  # what stands right before, spaces collapsed
        if _SET_ON.search(before):
            # "Ditetapkan di X pada tanggal" beats "Diundangkan di X pada tanggal" (a Peraturan
            # is promulgated after it is set) and any other "tanggal".
            rank = 3 if _DECIDED.search(before) else 2
        else:
            rank = 1 if _PLACE.search(before) else 0
        out.append(
            FoundDate(value, match.start(), match.end(), " ".join(match.group(0).split()), rank)
        )
    return sorted(out, key=lambda f: f.start)


def document_date(text: str) -> FoundDate | None:
    """The date the document was set or signed, as far as the text tells."""
    dates = find_dates(text)
    if not dates:
        return None
    best = max(f.rank for f in dates)
    return [f for f in dates if f.rank == best][-1]


def format_date(value: datetime.date) -> str:
    """27 Juli 2023 (Indonesian month names, whatever the server's locale)."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def describe_window(start: datetime.date | None, end: datetime.date | None) -> str:
    if start and end:
        return _("antara %(start)s dan %(end)s") % {
            "start": format_date(start),
            "end": format_date(end),
        }
    if end:
        return _("paling lambat %(end)s") % {"end": format_date(end)}
    if start:
        return _("paling awal %(start)s") % {"start": format_date(start)}
    return ""


@dataclass(frozen=True)
class Window:
    """When the document must be dated, and where that rule comes from."""

    start: datetime.date | None
    end: datetime.date | None
    from_rule: bool  # True: the indicator's own rule; False: the edition's general window
    source: str  # "pedoman 2023, indikator 16, tingkat 2" or "jendela penerapan pedoman 2023"


def check(
    text: str,
    window: Window | None,
    *,
    uploaded_on: datetime.date | None = None,
    metadata_date: datetime.date | None = None,
) -> Result:
    found = document_date(text) if text else None
    details: dict = {}
    if window is not None:
        details["window"] = [
            window.start.isoformat() if window.start else None,
            window.end.isoformat() if window.end else None,
        ]
        details["rule"] = window.source
    if found is None:
        if metadata_date is None:
            return Result(
                "date",
                Status.WARNING if text else Status.UNKNOWN,
                _(
                    "Tanggal dokumen tidak ditemukan dalam teks. Pastikan halaman yang memuat "
                    "tanggal penetapan ikut diunggah."
                )
                if text
                else _("Tanggal dokumen tidak dapat diperiksa karena teksnya tidak terbaca."),
                details,
            )
        value, shown = metadata_date, _("tanggal yang diisi pengunggah")
        details.update(found=value.isoformat(), origin="metadata")
    else:
        value, shown = found.date, _("tertulis “%(text)s”") % {"text": found.matched}
        details.update(found=value.isoformat(), matched=found.matched, origin="text")
        if metadata_date and metadata_date != value:
            details["metadata_date"] = metadata_date.isoformat()
    values = {"date": format_date(value), "shown": shown}
    if uploaded_on and value > uploaded_on:
        return Result(
            "date",
            Status.PROBLEM,
            _(
                "Tanggal dokumen %(date)s (%(shown)s) sesudah tanggal unggah %(uploaded)s. "
                "Periksa tanggalnya."
            )
            % {**values, "uploaded": format_date(uploaded_on)},
            details,
        )
    if window is None or (window.start is None and window.end is None):
        return Result(
            "date", Status.OK, _("Tanggal dokumen %(date)s (%(shown)s).") % values, details
        )
    inside = (window.start is None or window.start <= value) and (
        window.end is None or value <= window.end
    )
    values.update(window=describe_window(window.start, window.end), source=window.source)
    if inside:
        return Result(
            "date",
            Status.OK,
            _("Tanggal dokumen %(date)s (%(shown)s), di dalam jendela %(window)s (%(source)s).")
            % values,
            details,
        )
    return Result(
        "date",
        Status.PROBLEM if window.from_rule else Status.WARNING,
        _(
            "Tanggal dokumen %(date)s (%(shown)s) di luar jendela %(window)s (%(source)s). "
            "Verifikator biasanya mengembalikan bukti dengan tanggal di luar jendela ini."
        )
        % values,
        details,
    )
