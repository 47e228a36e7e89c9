"""The rekap: a cycle's innovations, claims and scores as a spreadsheet, and the national one.

Every number is the scores app's, never recomputed here. The cycle rekap reads the dashboard's own
result (`scores.dashboard.build`), so its maturities, SPD rows and OPD averages are the ones the
dashboard (and the results report) shows; a report the cycle does not count (draft, withdrawn) is
listed without a maturity. The national rekap scores each cycle with `bridge.cycle_scores`.

Every value goes through `sheets.cell`: text can never run as a formula, numbers and dates stay
typed. Workbooks are written in openpyxl's write-only mode, so rows stream to a temporary file and
memory stays flat whatever the size (the national rekap holds one cycle at a time).
"""

import csv
import datetime
import itertools
from collections import defaultdict
from decimal import Decimal
from operator import itemgetter

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sinovda.cycles.models import Cycle
from sinovda.editions.models import Edition
from sinovda.innovations.models import (
    REPORTED_STATES,
    Answer,
    RegionAnswer,
    ReviewState,
    State,
    Submission,
)
from sinovda.innovations.profile import profile_rows
from sinovda.lib.sheets import cell, row
from sinovda.scores import bridge, dashboard

CHUNK = 2000  # rows fetched per round trip by the national rekap
BOLD = Font(bold=True)


# --- writing ----------------------------------------------------------------------------------


class Sheet:
    """One write-only worksheet: bold header rows, panes frozen below them, an autofilter on the
    last header row. openpyxl writes the panes and column widths with the first row, so they are
    set here, before anything is appended; the autofilter is written when the workbook is saved."""

    def __init__(self, workbook, title, headers, widths=(), freeze_column="A"):
        self.ws = workbook.create_sheet(title)
        for index, width in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = width
        self.header_rows = len(headers)
        self.columns = max(len(h) for h in headers)
        self.ws.freeze_panes = f"{freeze_column}{self.header_rows + 1}"
        for values in headers:
            self.ws.append([self._bold(v) for v in values])
        self.rows = 0

    def _bold(self, value):
        header = WriteOnlyCell(self.ws, value=cell(value))
        header.font = BOLD
        return header

    def append(self, values) -> None:
        self.ws.append(row(values))
        self.rows += 1

    def finish(self) -> None:
        """Set the autofilter over the rows written (call once, after the last row)."""
        last = get_column_letter(self.columns)
        self.ws.auto_filter.ref = f"A{self.header_rows}:{last}{self.header_rows + self.rows}"


def _local(moment: datetime.datetime | None) -> datetime.datetime | None:
    """A stored (aware) time as the installation's wall-clock time: spreadsheets have no zones."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(tzinfo=None)


def _state_labels() -> dict[str, str]:
    return {state.value: str(state.label) for state in State}


# --- the cycle rekap --------------------------------------------------------------------------


class CycleRekap:
    """What the cycle's sheets are made of, read once: every report of the cycle (drafts too, in
    OPD then name order), their answers, and the dashboard's result."""

    def __init__(self, cycle):
        self.cycle = cycle
        self.board = dashboard.build(cycle)
        self.spec = self.board.spec
        self.submissions = list(
            Submission.objects.filter(cycle=cycle)
            .select_related("innovation__agency")
            .order_by("innovation__agency__name", "name", "pk")
        )
        for submission in self.submissions:
            submission.cycle = cycle  # the already-fetched cycle and edition
        self.claimed = {i.id: i.maturity for i in self.board.claimed.innovations}
        self.verified = {i.id: i.maturity for i in self.board.verified.innovations}
        self.levels, self.proofs = self._answers()

    def _answers(self):
        """{submission pk: {code: level}} claimed, and verified for the answers reviewed so far."""
        levels, proofs = defaultdict(dict), defaultdict(dict)
        answers = Answer.objects.filter(submission__cycle=self.cycle).values_list(
            "submission_id", "indicator_code", "claimed_level", "verified_level", "review_state"
        )
        for pk, code, claim, proof, state in answers:
            levels[pk][code] = claim
            if state != ReviewState.PENDING:
                proofs[pk][code] = proof
        return levels, proofs

    def maturities(self, submission):
        """(claimed, verified) maturity as the engine gave it; None for a report the cycle does not
        count (draft, withdrawn), as on the dashboard and in the results report."""
        key = str(submission.pk)
        return self.claimed.get(key), self.verified.get(key)

    # --- the sheets' content ---

    def innovation_table(self):
        """(header, rows) of the "Inovasi" sheet, shared by the workbook and the CSV."""
        profiles = [profile_rows(s) for s in self.submissions]
        labels = {}  # code -> label, in the order the rows first appear
        for rows in profiles:
            for profile_row in rows:
                labels.setdefault(profile_row.code, profile_row.label)
        header = [
            _("No."),
            _("OPD"),
            _("Nama inovasi"),
            _("Status"),
            *labels.values(),
            _("Kematangan klaim"),
            _("Kematangan terverifikasi"),
            _("Dikirim pada"),
            _("Diputuskan pada"),
        ]
        states = _state_labels()

        def rows():
            for number, (submission, profile) in enumerate(
                zip(self.submissions, profiles, strict=True), start=1
            ):
                values = {r.code: _profile_value(submission, r) for r in profile}
                claimed, verified = self.maturities(submission)
                yield [
                    number,
                    submission.innovation.agency.name,
                    submission.name,
                    states[submission.state],
                    *(values.get(code) for code in labels),
                    claimed,
                    verified,
                    _local(submission.submitted_at),
                    _local(submission.decided_at),
                ]

        return header, rows()

    def matrix_rows(self, levels):
        codes = [r.code for r in self.spec.sid_rows]
        for number, submission in enumerate(self.submissions, start=1):
            mine = levels.get(submission.pk, {})
            yield [
                number,
                submission.innovation.agency.name,
                submission.name,
                *(mine.get(code) for code in codes),
            ]

    def spd_rows(self):
        """Each SPD row of the edition with the level and score that counted in each view."""
        states = {s.value: str(s.label) for s in ReviewState}
        reviews = dict(
            RegionAnswer.objects.filter(cycle=self.cycle).values_list("row_code", "review_state")
        )
        claimed = _spd_scores(self.board.claimed)
        verified = _spd_scores(self.board.verified)
        for spd_row in self.spec.spd_rows:
            code = spd_row.code
            state = reviews.get(code)
            yield [
                code,
                spd_row.name,
                *claimed[code],
                *verified[code],
                states[state] if state else _("Belum diisi"),
            ]

    def agency_rows(self):
        for agency in self.board.agencies:
            yield [
                agency.name,
                agency.short_name,
                agency.reported,
                agency.counts[State.VERIFIED],
                agency.counts[State.RETURNED],
                agency.counts[State.DRAFT],
                agency.avg_claimed,
                agency.avg_verified,
            ]


def _profile_value(submission, profile_row):
    """A profile value typed when it is a date or a number on the report itself, else its text."""
    if profile_row.kind in ("date", "number"):
        raw = getattr(submission, profile_row.code, None)
        if isinstance(raw, int | float | Decimal | datetime.date):
            return raw
    return profile_row.value


def _spd_scores(result) -> dict[str, tuple[int | None, Decimal]]:
    """{row code: (level, score)} of the SPD rows, from the engine's breakdown."""
    out = {}
    for aspect in result.breakdown:
        if aspect.code != "SPD":
            continue
        for variable in aspect.variables:
            for indicator in variable.indicators:
                for score_row in indicator.rows:
                    out[score_row.code] = (score_row.level, score_row.score)
    return out


def write_rekap(cycle, out, progress) -> None:
    """The cycle's rekap workbook: innovations, both level matrices, SPD and the OPD summary."""
    progress(0, _("Menghitung skor"))
    rekap = CycleRekap(cycle)
    workbook = Workbook(write_only=True)

    progress(30, _("Menulis daftar inovasi"))
    header, rows = rekap.innovation_table()
    profile_columns = len(header) - 8  # between the 4 leading and the 4 trailing columns
    widths = [5, 30, 40, 16, *[24] * profile_columns, 14, 14, 18, 18]
    sheet = Sheet(workbook, _("Inovasi"), [header], widths, "D")
    for values in rows:
        sheet.append(values)
    sheet.finish()

    progress(60, _("Menulis matriks tingkat"))
    sid_rows = rekap.spec.sid_rows
    codes = [r.code for r in sid_rows]
    names = [r.name for r in sid_rows]
    for title, levels in (
        (_("Matriks klaim"), rekap.levels),
        (_("Matriks terverifikasi"), rekap.proofs),
    ):
        headers = [[_("No."), _("OPD"), _("Nama inovasi"), *codes], [None, None, None, *names]]
        sheet = Sheet(workbook, title, headers, [5, 30, 40, *[12] * len(codes)], "D")
        for values in rekap.matrix_rows(levels):
            sheet.append(values)
        sheet.finish()

    progress(80, _("Menulis SPD dan ringkasan OPD"))
    header = [
        _("Kode"),
        _("Indikator"),
        _("Tingkat klaim"),
        _("Skor klaim"),
        _("Tingkat terverifikasi"),
        _("Skor terverifikasi"),
        _("Status pemeriksaan"),
    ]
    sheet = Sheet(workbook, _("SPD"), [header], [8, 60, 12, 12, 12, 12, 20], "C")
    for values in rekap.spd_rows():
        sheet.append(values)
    sheet.finish()

    header = [
        _("OPD"),
        _("Singkatan"),
        _("Dilaporkan"),
        _("Terverifikasi"),
        _("Dikembalikan"),
        _("Draf"),
        _("Rata-rata kematangan klaim"),
        _("Rata-rata kematangan terverifikasi"),
    ]
    sheet = Sheet(workbook, _("Ringkasan OPD"), [header], [40, 14, 12, 12, 12, 12, 16, 16], "C")
    for values in rekap.agency_rows():
        sheet.append(values)
    sheet.finish()

    progress(95, _("Menyimpan berkas"))
    workbook.save(out)
    progress(100, "")


def write_rekap_csv(cycle, out_text) -> None:
    """The "Inovasi" sheet as CSV, for a text file object. UTF-8 with a byte-order mark, so Excel
    reads the names right; the text is escaped as in the workbook."""
    header, rows = CycleRekap(cycle).innovation_table()
    out_text.write("\ufeff")
    writer = csv.writer(out_text)
    writer.writerow(row(header))
    for values in rows:
        writer.writerow(row(values))


# --- the national rekap -----------------------------------------------------------------------


def _cycles_with_rows(cycles, rows):
    """Pair each cycle with its rows; both are in region-code order, so one pass over the stream
    (grouped by cycle) matches them. A cycle without reported innovations gets no rows."""
    groups = itertools.groupby(rows, key=itemgetter(0))
    pending = next(groups, None)
    for cycle in cycles:
        mine = []
        if pending is not None and pending[0] == cycle.pk:
            mine = list(pending[1])
            pending = next(groups, None)
        yield cycle, mine
    if pending is not None:
        raise RuntimeError("national rekap: submissions and cycles are not in the same order")


def write_national_rekap(year, out, progress) -> int:
    """Every reported innovation of every Pemda in the edition year, and each Pemda's IID (claimed
    and verified) as the dashboard computes it. Returns the number of innovation rows."""
    progress(0, _("Membaca siklus"))
    edition = Edition.objects.get(year=year)
    cycles = list(
        Cycle.objects.filter(edition=edition)
        .select_related("region__province")
        .order_by("region__code")
    )
    for cycle in cycles:
        cycle.edition = edition  # one parsed spec (and the engine's tables) for every cycle
    rows = (
        Submission.objects.filter(cycle__edition=edition, state__in=REPORTED_STATES)
        .order_by("cycle__region__code", "innovation__agency__name", "name", "pk")
        .values_list("cycle_id", "pk", "name", "state", "innovation__agency__name")
        .iterator(chunk_size=CHUNK)
    )
    states = _state_labels()

    workbook = Workbook(write_only=True)
    header = [
        _("Kode Pemda"),
        _("Nama Pemda"),
        _("Provinsi"),
        _("OPD"),
        _("Nama inovasi"),
        _("Status"),
        _("Kematangan klaim"),
        _("Kematangan terverifikasi"),
    ]
    innovations = Sheet(workbook, _("Inovasi"), [header], [10, 30, 26, 36, 44, 16, 14, 14], "D")
    header = [
        _("Kode Pemda"),
        _("Nama Pemda"),
        _("Provinsi"),
        _("Jumlah inovasi dilaporkan"),
        _("IID klaim"),
        _("Predikat klaim"),
        _("IID terverifikasi"),
        _("Predikat terverifikasi"),
    ]
    regions = Sheet(workbook, _("Pemda"), [header], [10, 30, 26, 14, 12, 18, 12, 18], "C")

    total = len(cycles) or 1
    for done, (cycle, reported) in enumerate(_cycles_with_rows(cycles, rows)):
        if done % 20 == 0:
            progress(95 * done // total, _("Menghitung dan menulis Pemda"))
        region = cycle.region
        province = region.province.name if region.province_id else region.name
        views = bridge.cycle_scores(cycle)
        claimed = {i.id: i.maturity for i in views.claimed.innovations}
        verified = {i.id: i.maturity for i in views.verified.innovations}
        for _cycle, pk, name, state, agency_name in reported:
            key = str(pk)
            innovations.append(
                [
                    region.code,
                    region.name,
                    province,
                    agency_name,
                    name,
                    states[state],
                    claimed[key],
                    verified[key],
                ]
            )
        regions.append(
            [
                region.code,
                region.name,
                province,
                views.verified.n,
                views.claimed.iid,
                views.claimed.predicate,
                views.verified.iid,
                views.verified.predicate,
            ]
        )
    innovations.finish()
    regions.finish()
    progress(95, _("Menyimpan berkas"))
    workbook.save(out)
    progress(100, "")
    return innovations.rows
