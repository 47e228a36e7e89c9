"""The hand-off pack for the national IID application: one ZIP with what the koordinator re-types.

The national application has no import, so the koordinator copies every verified report by hand.
The pack lays each report out in the national form's order (`innovations.profile.profile_rows`),
gives every evidence file the name of the indicator it backs, lists what the national application
will still miss (checklist) and what changed since the previous pack (changes.csv).

    checklist.xlsx, checklist.csv   per innovation: what is missing, entered or not
    changes.csv                     per innovation: new / changed / unchanged since the last pack
    README.txt                      what this is and how to use it (Indonesian)
    SPD/spd.xlsx + evidence         the Pemda's SPD indicators
    01-<innovation>/profil.xlsx     profile (No., Isian, Nilai) and section 2, the SID indicators
    01-<innovation>/<code>-<indicator>-<n>.<ext>   its evidence, renamed

Streaming: the ZIP is written straight into `out`; evidence files are copied into it a chunk at a
time (`zf.open(info, "w")`), stored without compression (PDF, JPG, PNG and MP4 are compressed
already), so memory does not grow with the evidence: only one chunk, one small workbook and the
list of ZIP entries are held at a time (bench/outputs_handoff.py measures it).
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font

from sinovda.audit.models import record
from sinovda.evidence.models import Document
from sinovda.innovations.models import Answer, RegionAnswer, State
from sinovda.innovations.profile import ProfileRow
from sinovda.lib import sheets
from sinovda.scores import bridge

from . import national
from .models import HandoffPack

CHUNK = 1024 * 1024  # bytes copied at a time
REPORT_EVERY = 64 * CHUNK  # progress within a large file
MEDIA_KINDS = {"pdf", "jpg", "png", "mp4"}  # compressed already: stored as they are
FOLDER_NAME_MAX = 50  # characters of an innovation's name in its folder's name
SHORT_NAME_MAX = 40  # characters of an indicator's name in a file's name
CELL_MAX = 32_000  # a spreadsheet cell holds at most 32,767 characters
DATE_FORMAT = "DD/MM/YYYY"
MATURITY_NUMBER = "1.18"
BATCH = 100  # reports whose answers and documents are in memory at a time


def write_handoff(cycle, out, progress, *, job=None) -> HandoffPack:
    """Write the cycle's hand-off pack (a ZIP) to the binary file `out` and remember what it held."""
    with translation.override(settings.LANGUAGE_CODE):
        return _write(cycle, out, progress, job)


# --- names -------------------------------------------------------------------------------------


def safe_name(text: str, limit: int, fallback: str) -> str:
    """ASCII, lower case, hyphens: valid on Windows, macOS and Linux, and in every ZIP tool."""
    slug = slugify(text or "")
    if len(slug) > limit:
        cut = slug[:limit]
        slug = cut.rsplit("-", 1)[0] if "-" in cut[limit // 2 :] else cut
    return slug.strip("-_") or fallback


@dataclass(frozen=True)
class Placed:
    """An evidence document and the name it gets in the pack."""

    document: Document
    name: str


def place(prefix: str, title: str, documents) -> list[Placed]:
    """<prefix>-<short title>-<n>.<ext>, n = 1..k in the documents' order."""
    code = safe_name(prefix, 12, "x")
    short = safe_name(title, SHORT_NAME_MAX, "bukti")
    return [Placed(d, f"{code}-{short}-{n}.{d.kind}") for n, d in enumerate(documents, 1)]


# --- the writer --------------------------------------------------------------------------------


class PackWriter:
    """Adds entries to the ZIP and reports progress by the evidence bytes copied."""

    def __init__(self, zf: zipfile.ZipFile, total_bytes: int, progress):
        self.zf, self.total, self.progress = zf, total_bytes, progress
        self.done = 0
        self.step = ""
        self.stamp = timezone.localtime().timetuple()[:6]

    def _info(self, name: str, compress: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = compress
        info.external_attr = 0o644 << 16
        return info

    def report(self) -> None:
        share = min(self.done / self.total, 1) if self.total else 1
        self.progress(5 + int(85 * share), self.step)

    def copy(self, name: str, document: Document) -> None:
        media = document.kind in MEDIA_KINDS
        info = self._info(name, zipfile.ZIP_STORED if media else zipfile.ZIP_DEFLATED)
        info.file_size = document.size  # lets zipfile choose ZIP64 for a very large file
        since_report = 0
        with document.file.open("rb") as source, self.zf.open(info, "w") as target:
            while chunk := source.read(CHUNK):
                target.write(chunk)
                self.done += len(chunk)
                since_report += len(chunk)
                if since_report >= REPORT_EVERY:
                    since_report = 0
                    self.report()
        self.report()

    def add_bytes(self, name: str, data: bytes) -> None:
        self.zf.writestr(self._info(name, zipfile.ZIP_DEFLATED), data)

    def add_workbook(self, name: str, workbook: Workbook) -> None:
        buffer = io.BytesIO()  # one innovation's sheet: kilobytes, whatever its evidence weighs
        workbook.save(buffer)
        self.add_bytes(name, buffer.getvalue())

    def add_csv(self, name: str, rows) -> None:
        raw = self.zf.open(self._info(name, zipfile.ZIP_DEFLATED), "w")
        # utf-8-sig: Excel opens it as UTF-8 (Indonesian names keep their letters).
        with io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
            writer = csv.writer(text)
            for row in rows:
                writer.writerow(sheets.row(row))


# --- spreadsheet helpers ----------------------------------------------------------------------

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _value(value):
    value = sheets.cell(value)
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if len(value) > CELL_MAX:
            value = value[:CELL_MAX] + " […]"
    return value if value != "" else None


def _number_format(value) -> str | None:
    if isinstance(value, datetime.datetime):
        return DATE_FORMAT + " HH:MM"
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    if isinstance(value, Decimal):
        return "#,##0"
    return None


def put(ws, values, *, bold=False, formats=None) -> None:
    """One row of typed, wrapped cells (a number format per column where `formats` says)."""
    cells = []
    for column, value in enumerate(values):
        cell = WriteOnlyCell(ws, value=_value(value))
        if isinstance(cell.value, str) and (len(cell.value) > 40 or "\n" in cell.value):
            cell.alignment = WRAP  # styles cost time per cell: only where text wraps
        if bold:
            cell.font = BOLD
        number_format = (formats or {}).get(column) or _number_format(cell.value)
        if number_format:
            cell.number_format = number_format
        cells.append(cell)
    ws.append(cells)


def workbook(title: str, column_widths, *, freeze: str | None = None):
    """A write-only workbook (rows go to a temporary file as they come, not into memory).
    Widths and frozen rows must be set before the first row."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    for letter, width in zip("ABCDEFGHIJKL", column_widths, strict=False):
        ws.column_dimensions[letter].width = width
    if freeze:
        ws.freeze_panes = freeze
    return wb, ws


def table(title: str, header, rows, column_widths) -> Workbook:
    wb, ws = workbook(title, column_widths, freeze="A2")
    put(ws, header, bold=True)
    for row in rows:
        put(ws, row)
    return wb


# --- content ---------------------------------------------------------------------------------


def option_text(row, level) -> str:
    """The national application's wording of the verified level (Informasi)."""
    if level is None:
        return ""
    if level == 0:
        return _("Tidak ada / tidak terbukti")
    return row.options[level - 1].label


def evidence_text(placed: list[Placed], link: str = "") -> str:
    lines = []
    for item in placed:
        d = item.document
        lines.append(
            _("%(file)s — Nomor: %(number)s; Tanggal: %(date)s; Tentang: %(subject)s")
            % {
                "file": item.name,
                "number": d.number or "-",
                "date": formats.date_format(d.date, "j F Y") if d.date else "-",
                "subject": d.subject or "-",
            }
        )
    if link:
        lines.append(_("Tautan: %(link)s") % {"link": link})
    return "\n".join(lines)


def typed(submission, row: ProfileRow):
    """The row's value as a spreadsheet should hold it: dates and amounts typed, the rest text."""
    if row.kind not in {"date", "number"}:
        return row.value
    raw = getattr(submission, row.code, None)
    if raw is None:  # an edition's own field, kept by code (dates as ISO text)
        raw = (getattr(submission, "profile_extra", None) or {}).get(row.code)
    if row.kind == "date" and isinstance(raw, str):
        try:
            raw = datetime.date.fromisoformat(raw)
        except ValueError:
            return row.value
    if isinstance(raw, datetime.date | int | Decimal) and not isinstance(raw, bool):
        return raw
    return row.value


def _number_key(number: str):
    try:
        return tuple(int(part) for part in number.split("."))
    except ValueError:
        return None


def with_maturity(rows: list[ProfileRow], maturity) -> list[ProfileRow]:
    """The profile with 1.18 Skor Kematangan (the verified maturity) in its national place."""
    if maturity is None or any(r.number == MATURITY_NUMBER for r in rows):
        return rows
    score = ProfileRow(
        code="maturity",
        number=MATURITY_NUMBER,
        label="Skor Kematangan",
        value=formats.number_format(maturity, 2),
        kind="number",
    )
    key = _number_key(MATURITY_NUMBER)
    for index, row in enumerate(rows):
        number = _number_key(row.number)
        if number is not None and number > key:
            return [*rows[:index], score, *rows[index:]]
    return [*rows, score]


def entered_text(status: str) -> str:
    if status == national.Status.NOT_ENTERED:
        return _("Belum dimasukkan")
    if status == national.Status.CHANGED:
        return _("Berubah sejak dimasukkan")
    return _("Sudah dimasukkan")


@dataclass
class Innovation:
    """One verified report in the pack."""

    snapshot: national.Snapshot
    folder: str
    maturity: Decimal | None
    evidence: dict  # SID row code -> list[Placed]
    profile_files: dict  # profile row number/label -> list[Placed]

    @property
    def submission(self):
        return self.snapshot.submission

    @property
    def placed(self) -> list[Placed]:
        return [
            p for items in (*self.profile_files.values(), *self.evidence.values()) for p in items
        ]


def profile_sheet(cycle, spec, item: Innovation) -> Workbook:
    wb, ws = workbook(_("Profil"), (8, 45, 60, 60, 70))
    entry = item.snapshot.entry
    put(ws, ["", "Pemerintah Daerah", cycle.region.name], bold=True)
    put(ws, ["", "Nomor Registrasi", entry.registration_number if entry else ""], bold=True)
    ws.append([])
    put(ws, [_("No."), _("Isian"), _("Nilai")], bold=True)
    submission = item.submission
    for row in with_maturity(item.snapshot.rows, item.maturity):
        if row.code == "maturity":
            value = item.maturity
        elif row.documents:
            value = evidence_text(item.profile_files.get(national.field_key(row), []))
        else:
            value = typed(submission, row)
        put(
            ws,
            [row.number, row.label, value],
            formats={2: "0.00"} if row.code == "maturity" else None,
        )
    ws.append([])
    put(ws, ["2", _("Indikator Satuan Inovasi Daerah (SID)")], bold=True)
    put(ws, [_("No."), _("Indikator"), _("Tingkat"), _("Informasi"), _("Bukti dukung")], bold=True)
    for row in spec.sid_rows:
        indicator = item.snapshot.indicators[row.code]
        put(
            ws,
            [
                row.code,
                row.name,
                indicator.level,
                option_text(row, indicator.level),
                evidence_text(item.evidence[row.code], indicator.link),
            ],
        )
    return wb


def spd_rows(spec, answers, levels, placed):
    for row in spec.spd_rows:
        answer = answers.get(row.code)
        level = levels.get(row.code)
        yield [
            row.code,
            row.name,
            _("Ya") if row.mandatory else _("Tidak"),
            level,
            option_text(row, level),
            evidence_text(placed[row.code], answer.link if answer else ""),
        ]


def required_fields(spec) -> set[str]:
    """The profile fields the edition's national form requires (by field code)."""
    return {f.code for f in spec.profile_fields if f.required}


def missing(spec, item: Innovation):
    """(mandatory rows without a verified level, mandatory rows without evidence, empty fields)."""
    no_level, no_evidence = [], []
    for row in spec.sid_rows:
        if not row.mandatory:
            continue
        indicator = item.snapshot.indicators[row.code]
        if not indicator.level:
            no_level.append(f"{row.code} {row.name}")
        if not indicator.documents and not indicator.link:
            no_evidence.append(f"{row.code} {row.name}")
    required = required_fields(spec)
    empty = [
        national.field_title(r)
        for r in item.snapshot.rows
        if r.code in required and not r.value and not r.documents
    ]
    return no_level, no_evidence, empty


def checklist_header() -> list:
    return [
        _("No."),
        _("Inovasi"),
        _("OPD"),
        _("Folder"),
        _("Status aplikasi nasional"),
        _("Nomor registrasi"),
        _("Dimasukkan pada"),
        _("Indikator wajib tanpa tingkat terverifikasi"),
        _("Indikator wajib tanpa bukti dukung"),
        _("Isian profil wajib yang kosong"),
        _("Siap dimasukkan"),
    ]


def checklist_row(spec, number: int, item: Innovation) -> list:
    snapshot = item.snapshot
    entry = snapshot.entry
    status = national.status_for(entry, snapshot.hash)
    no_level, no_evidence, empty = missing(spec, item)
    ready = not (no_level or no_evidence or empty)
    return [
        number,
        item.submission.name,
        item.submission.innovation.agency.name,
        item.folder,
        entered_text(status),
        entry.registration_number if entry else "",
        entry.entered_at if entry else None,
        "; ".join(no_level),
        "; ".join(no_evidence),
        "; ".join(empty),
        _("Ya") if ready else _("Belum"),
    ]


def spd_checklist_row(no_level: list[str], no_evidence: list[str]) -> list:
    ready = not (no_level or no_evidence)
    return [
        "",
        _("SPD (indikator Pemda)"),
        "",
        "SPD/",
        "",
        "",
        None,
        "; ".join(no_level),
        "; ".join(no_evidence),
        "",
        _("Ya") if ready else _("Belum"),
    ]


def changes(previous: HandoffPack | None, manifest: dict, spec, labels: dict) -> tuple[list, list]:
    """Per innovation: new, changed (which fields and indicators) or unchanged since `previous`.
    `labels` names the profile fields by their key ("1.16" -> "1.16 Tujuan Inovasi")."""
    header = [
        _("Inovasi"),
        _("ID publik"),
        _("Perubahan"),
        _("Isian yang berubah"),
        _("Indikator yang berubah"),
    ]
    before_all = previous.manifest if previous is not None else {}
    order = [r.code for r in spec.sid_rows]
    rows = []
    for public_id, now in manifest.items():
        before = before_all.get(public_id)
        if before is None:
            rows.append([now["name"], public_id, _("baru"), "", ""])
            continue
        if before.get("hash") == now["hash"]:
            rows.append([now["name"], public_id, _("tidak berubah"), "", ""])
            continue
        old_fields, new_fields = before.get("fields", {}), now["fields"]
        keys = [*new_fields, *(k for k in old_fields if k not in new_fields)]
        fields = [labels.get(k, k) for k in keys if old_fields.get(k) != new_fields.get(k)]
        old_ind, new_ind = before.get("indicators", {}), now["indicators"]
        codes = [*order, *sorted(c for c in {*old_ind, *new_ind} if c not in order)]
        indicators = [c for c in codes if old_ind.get(c) != new_ind.get(c)]
        rows.append(
            [now["name"], public_id, _("berubah"), "; ".join(fields), "; ".join(indicators)]
        )
    for public_id, before in before_all.items():
        if public_id not in manifest:
            rows.append([before.get("name", ""), public_id, _("tidak lagi dalam paket"), "", ""])
    return header, rows


def readme(cycle, count: int, previous, created) -> str:
    values = {
        "region": cycle.region.name,
        "year": cycle.edition.year,
        "count": count,
        "created": formats.date_format(timezone.localtime(created), "j F Y H:i"),
    }
    paragraphs = [
        _("Paket aplikasi nasional IID %(year)s — %(region)s") % values,
        _(
            "Dibuat oleh Sinovda pada %(created)s. Berisi %(count)s inovasi yang sudah terverifikasi."
        )
        % values,
        _(
            "Paket ini membantu koordinator memasukkan laporan inovasi ke aplikasi Indeks Inovasi "
            "Daerah nasional. Aplikasi nasional tidak dapat menerima berkas ini secara langsung: "
            "salin setiap isian dan unggah setiap bukti dukung satu per satu."
        ),
        _("Isi paket:"),
        _(
            "- checklist.xlsx dan checklist.csv: per inovasi, apa yang masih kurang untuk aplikasi "
            "nasional (indikator wajib tanpa tingkat terverifikasi atau tanpa bukti dukung, isian "
            "profil wajib yang kosong) dan apakah inovasi itu sudah dimasukkan."
        ),
        _(
            "- changes.csv: per inovasi, apakah baru, berubah atau tidak berubah sejak paket "
            "sebelumnya, dan isian serta indikator mana yang berubah."
        ),
        _(
            "- SPD/spd.xlsx: indikator Satuan Pemerintah Daerah dengan tingkat terverifikasi dan "
            "bukti dukungnya, yang ada di folder yang sama."
        ),
        _(
            "- Satu folder per inovasi (nomor urut dan nama inovasi). profil.xlsx berisi profil "
            "inovasi dengan nomor dan label yang sama dengan formulir aplikasi nasional, lalu "
            "bagian 2: satu baris per indikator dengan informasi sesuai tingkat terverifikasi dan "
            "bukti dukungnya."
        ),
        _(
            "- Bukti dukung diberi nama <kode indikator>-<nama singkat indikator>-<urutan>.<jenis "
            "berkas>. Satu dokumen yang mendukung beberapa indikator disalin sekali untuk setiap "
            "indikator."
        ),
        _(
            "Tingkat dan informasi indikator adalah hasil verifikasi, bukan klaim OPD. Inovasi yang "
            "belum terverifikasi tidak masuk paket ini."
        ),
        _(
            "Setelah satu inovasi dimasukkan ke aplikasi nasional, tandai di Sinovda pada halaman "
            "Aplikasi nasional (dengan nomor registrasi bila ada). Bila laporan berubah setelah "
            "itu, Sinovda menandainya sebagai berubah sejak dimasukkan."
        ),
    ]
    if previous is not None:
        when = formats.date_format(timezone.localtime(previous.created_at), "j F Y H:i")
        paragraphs.append(
            _("Perubahan dibandingkan dengan paket yang dibuat pada %(when)s.") % {"when": when}
        )
    else:
        paragraphs.append(
            _("Ini paket pertama siklus ini: semua inovasi tercatat sebagai baru di changes.csv.")
        )
    # CRLF: Notepad on older Windows shows a LF-only file as one long line.
    return "\r\n\r\n".join(paragraphs) + "\r\n"


# --- the pack ----------------------------------------------------------------------------------


def _spd(cycle):
    documents = Prefetch("documents", queryset=Document.objects.order_by("pk"))
    answers = RegionAnswer.objects.filter(cycle=cycle).prefetch_related(documents)
    return {a.row_code: a for a in answers}


def _evidence_bytes(cycle) -> int:
    """What the pack will copy (each document once per indicator it backs), for the progress."""
    sid = Answer.documents.through.objects.filter(
        answer__submission__cycle=cycle, answer__submission__state=State.VERIFIED
    ).aggregate(total=Sum("document__size"))["total"]
    spd = RegionAnswer.documents.through.objects.filter(regionanswer__cycle=cycle).aggregate(
        total=Sum("document__size")
    )["total"]
    return (sid or 0) + (spd or 0)


def _innovation(spec, snapshot, folder: str, maturity) -> Innovation:
    return Innovation(
        snapshot=snapshot,
        folder=folder,
        maturity=maturity,
        evidence={
            row.code: place(row.code, row.name, snapshot.indicators[row.code].documents)
            for row in spec.sid_rows
        },
        profile_files={
            national.field_key(r): place("profil", r.label, r.documents)
            for r in snapshot.rows
            if r.documents
        },
    )


def _write(cycle, out, progress, job) -> HandoffPack:
    progress(0, _("Mengumpulkan data laporan terverifikasi"))
    spec = cycle.edition.spec()
    previous = HandoffPack.objects.filter(cycle=cycle).order_by("-created_at", "-pk").first()
    maturities = {r.id: r.maturity for r in bridge.cycle_scores(cycle).verified.innovations}
    submissions = list(national.verified_submissions(cycle))
    width = max(2, len(str(len(submissions))))
    manifest, checklist_rows, labels = {}, [], {}

    with zipfile.ZipFile(out, "w", allowZip64=True) as zf:
        pack = PackWriter(zf, _evidence_bytes(cycle), progress)
        number = 0
        # A batch at a time: memory holds one batch's answers and documents, not the cycle's.
        for start in range(0, len(submissions), BATCH):
            for snapshot in national.snapshots(cycle, submissions[start : start + BATCH]):
                number += 1
                submission = snapshot.submission
                name = safe_name(submission.name, FOLDER_NAME_MAX, "inovasi")
                item = _innovation(
                    spec,
                    snapshot,
                    f"{number:0{width}d}-{name}/",
                    maturities.get(str(submission.pk)),
                )
                pack.step = _("Menyalin bukti dukung: %(name)s") % {"name": submission.name}
                pack.report()
                pack.add_workbook(item.folder + "profil.xlsx", profile_sheet(cycle, spec, item))
                for placed in item.placed:
                    pack.copy(item.folder + placed.name, placed.document)
                checklist_rows.append(checklist_row(spec, number, item))
                manifest[submission.innovation.public_id] = snapshot.manifest()
                labels.update(
                    (national.field_key(r), national.field_title(r)) for r in snapshot.rows
                )

        pack.step = _("Menyalin bukti dukung SPD")
        pack.report()
        spd_answers = _spd(cycle)
        spd_levels = bridge.region_input(cycle).spd_verified or {}
        spd_placed = {
            row.code: place(
                row.code,
                row.name,
                spd_answers[row.code].documents.all() if row.code in spd_answers else (),
            )
            for row in spec.spd_rows
        }
        header = [
            _("Kode"),
            _("Indikator"),
            _("Wajib"),
            _("Tingkat terverifikasi"),
            _("Informasi"),
            _("Bukti dukung"),
        ]
        rows = list(spd_rows(spec, spd_answers, spd_levels, spd_placed))
        pack.add_workbook("SPD/spd.xlsx", table("SPD", header, rows, (8, 45, 8, 12, 60, 70)))
        for placed in (p for items in spd_placed.values() for p in items):
            pack.copy("SPD/" + placed.name, placed.document)

        progress(92, _("Menyusun daftar periksa dan daftar perubahan"))
        mandatory = [r for r in spec.spd_rows if r.mandatory]
        checklist_rows.append(
            spd_checklist_row(
                [f"{r.code} {r.name}" for r in mandatory if not spd_levels.get(r.code)],
                [
                    f"{r.code} {r.name}"
                    for r in mandatory
                    if not (spd_placed[r.code] or getattr(spd_answers.get(r.code), "link", ""))
                ],
            )
        )
        header = checklist_header()
        pack.add_workbook(
            "checklist.xlsx",
            table(
                _("Daftar periksa"),
                header,
                checklist_rows,
                (6, 40, 30, 30, 22, 20, 18, 45, 45, 45, 12),
            ),
        )
        pack.add_csv("checklist.csv", [header, *checklist_rows])
        header, rows = changes(previous, manifest, spec, labels)
        pack.add_csv("changes.csv", [header, *rows])
        text = readme(cycle, len(submissions), previous, timezone.now())
        pack.add_bytes("README.txt", text.encode("utf-8"))

    made = record_pack(cycle, manifest, job=job)
    progress(100, "")
    return made


@transaction.atomic
def record_pack(cycle, manifest: dict, *, job=None) -> HandoffPack:
    """Remember what a pack held, so the next one can say what changed since."""
    pack = HandoffPack.objects.create(cycle=cycle, job=job, manifest=manifest)
    record(
        "handoff.pack",
        actor=job.requested_by if job is not None else None,
        obj=pack,
        region=cycle.region,
        after={"innovations": len(manifest), "job": str(job.pk) if job is not None else None},
    )
    return pack
