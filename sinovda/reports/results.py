"""The results report of one cycle: an A4 PDF for the Bupati's results meeting.

Every number comes from the region dashboard (`sinovda.scores.dashboard.build`), so the report and
the page can never disagree: IID and predikat in both views, the year-over-year change, the
breakdown, the SPD rows, maturity per innovation, OPD progress and leaderboards, basic services and
the advisor's plan. The province rank comes from the standing results (`scores.snapshots`), as the
ranking pages read them.

The page is HTML (templates/reports/pdf/) and CSS (pdf.css beside this module) turned into a PDF by
WeasyPrint. The charts are SVG drawn here and put inline. WeasyPrint fetches nothing: its URL
fetcher serves only the files it is given (the region's emblem from private storage) and refuses
every other URL, so a name typed by an operator can never make the server open a web address or a
local file. The fonts are Debian's (Liberation Sans, DejaVu Sans), found through fontconfig.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sinovda.innovations.models import REPORTED_STATES, State, Submission
from sinovda.regions.models import Region
from sinovda.scores import dashboard, snapshots
from sinovda.scores.models import Source

from .pdf import EMBLEM_URL, Progress, emblem_files, render_pdf

TWO_PLACES = Decimal("0.01")


# --- charts: small pure functions returning SVG -----------------------------------------------

FONT = "Liberation Sans, DejaVu Sans, sans-serif"
INK, MUTED, TRACK = "#1b1f23", "#555d66", "#e3e8ee"
CLAIMED_COLOUR, VERIFIED_COLOUR = "#8ea3bb", "#0b5394"
BAND_COLOURS = ["#eef2f6", "#d7e1ec", "#b9cbe0", "#9db7d5", "#80a2c9"]


def decimal_text(value) -> str:
    """A number as an Indonesian reader writes it: two decimals after a comma (61,16)."""
    return f"{Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP):.2f}".replace(".", ",")


def tick_text(value) -> str:
    """A scale mark: 35, 60,01, 100 (no ",00" on whole numbers)."""
    return decimal_text(value).removesuffix(",00")


def _n(value: float) -> str:
    return f"{value:.1f}"


def _text(x, y, text, *, size=11, anchor="start", weight="normal", fill=INK) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}">{escape(str(text))}</text>'
    )


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    # Every text in `body` went through escape(); the title through escape() too.
    return mark_safe(  # noqa: S308 - built only from escaped text and numbers
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family={quoteattr(FONT)} role="img">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


@dataclass(frozen=True)
class ChartBar:
    label: str
    claimed: Decimal
    verified: Decimal
    maximum: Decimal
    strong: bool = False  # an aspect (a heading) rather than a variable


def bars_svg(
    bars: Sequence[ChartBar], *, title: str, claimed_label: str, verified_label: str, width=640
) -> SafeString:
    """Horizontal bars, claimed above verified, each as a share of its own maximum (the numbers
    are in the table printed with it). WeasyPrint lays SVG text out glyph by glyph, which is slow,
    so the chart carries only the names and the legend."""
    left, bar_height, item_height, legend = 232, 8, 26, 22
    bar_width = width - left - 4
    body = [
        f'<rect x="{left}" y="4" width="10" height="10" fill="{CLAIMED_COLOUR}"/>',
        _text(left + 14, 13, claimed_label, size=10, fill=MUTED),
        f'<rect x="{_n(left + 30 + len(claimed_label) * 6)}" y="4" width="10" height="10" '
        f'fill="{VERIFIED_COLOUR}"/>',
        _text(left + 44 + len(claimed_label) * 6, 13, verified_label, size=10, fill=MUTED),
    ]
    height = legend + len(bars) * item_height
    for quarter in (0.25, 0.5, 0.75, 1.0):
        x = left + bar_width * quarter
        body.append(
            f'<line x1="{_n(x)}" y1="{legend - 2}" x2="{_n(x)}" y2="{height}" '
            f'stroke="{TRACK}" stroke-width="0.8"/>'
        )
    for index, bar in enumerate(bars):
        top = legend + index * item_height
        body.append(
            _text(0, top + 13, bar.label, size=10, weight="bold" if bar.strong else "normal")
        )
        for row, (value, colour) in enumerate(
            [(bar.claimed, CLAIMED_COLOUR), (bar.verified, VERIFIED_COLOUR)]
        ):
            y = top + 4 + row * (bar_height + 2)
            share = float(value / bar.maximum) if bar.maximum else 0.0
            share = max(0.0, min(share, 1.0))
            body.append(
                f'<rect x="{left}" y="{_n(y)}" width="{_n(bar_width)}" height="{bar_height}" '
                f'fill="{TRACK}" fill-opacity="0.6"/>'
            )
            if share:
                body.append(
                    f'<rect x="{left}" y="{_n(y)}" width="{_n(bar_width * share)}" '
                    f'height="{bar_height}" fill="{colour}"/>'
                )
    return _svg(width, height, title, body)


@dataclass(frozen=True)
class Band:
    label: str
    minimum: Decimal
    maximum: Decimal


def band_scale_svg(
    bands: Sequence[Band],
    *,
    verified: Decimal,
    claimed: Decimal | None,
    title: str,
    verified_label: str,
    claimed_label: str,
    width=640,
    top=100,
) -> SafeString:
    """The predikat bands on a 0–`top` scale, with the verified IID marked above the scale and the
    claimed IID below it."""
    pad = 24
    scale = width - 2 * pad
    bar_y, bar_height = 38, 22

    def x(value) -> float:
        return pad + scale * max(0.0, min(float(value) / top, 1.0))

    def anchor(position: float) -> str:
        if position < pad + 70:
            return "start"
        if position > width - pad - 70:
            return "end"
        return "middle"

    ordered = sorted((b for b in bands if b.maximum > b.minimum), key=lambda b: b.minimum)
    body = []
    for index, band in enumerate(ordered):
        start = x(band.minimum) if index else x(0)
        end = x(ordered[index + 1].minimum) if index + 1 < len(ordered) else x(band.maximum)
        colour = BAND_COLOURS[min(index, len(BAND_COLOURS) - 1)]
        body.append(
            f'<rect x="{_n(start)}" y="{bar_y}" width="{_n(end - start)}" height="{bar_height}" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="1"/>'
        )
        size = 10 if len(band.label) * 5.6 < end - start - 4 else 8
        body.append(_text((start + end) / 2, bar_y + 15, band.label, size=size, anchor="middle"))
    ticks = [Decimal(0), *(b.minimum for b in ordered[1:]), *(b.maximum for b in ordered[-1:])]
    for tick in ticks:
        body.append(
            _text(
                x(tick),
                bar_y + bar_height + 12,
                tick_text(tick),
                size=8,
                anchor="middle",
                fill=MUTED,
            )
        )
    # The verified IID: a filled triangle above the scale, its value above it.
    vx = x(verified)
    body.append(
        f'<path d="M{_n(vx - 6)} {bar_y - 9} L{_n(vx + 6)} {bar_y - 9} L{_n(vx)} {bar_y - 1} Z" '
        f'fill="{VERIFIED_COLOUR}"/>'
        f'<line x1="{_n(vx)}" y1="{bar_y}" x2="{_n(vx)}" y2="{bar_y + bar_height}" '
        f'stroke="{VERIFIED_COLOUR}" stroke-width="2"/>'
    )
    body.append(
        _text(
            vx,
            bar_y - 14,
            f"{verified_label} {decimal_text(verified)}",
            size=11,
            anchor=anchor(vx),
            weight="bold",
            fill=VERIFIED_COLOUR,
        )
    )
    height = bar_y + bar_height + 20
    if claimed is not None:
        cx = x(claimed)
        y = bar_y + bar_height + 16
        body.append(
            f'<path d="M{_n(cx)} {y - 1} L{_n(cx + 6)} {y + 8} L{_n(cx - 6)} {y + 8} Z" '
            f'fill="#ffffff" stroke="{MUTED}" stroke-width="1.5"/>'
        )
        body.append(
            _text(
                cx,
                y + 21,
                f"{claimed_label} {decimal_text(claimed)}",
                size=10,
                anchor=anchor(cx),
                fill=MUTED,
            )
        )
        height = y + 26
    return _svg(width, height, title, body)


# --- the report's data ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceRank:
    year: int
    rank: int
    ranked: int  # kab/kota of the province with a standing result that year
    regencies: int  # kab/kota of the province
    province: str
    iid: Decimal
    synthetic: bool  # some of the compared values are synthetic (demo data)


def province_rank(region: Region, year: int) -> ProvinceRank | None:
    """The region's place among its province's kab/kota by their standing results of the year
    (`scores.snapshots.standing`, as the rankings read them); equal IIDs share a place. None when
    the region has no standing result."""
    if region.province_id is None:
        return None
    regencies = Region.objects.filter(province_id=region.province_id)
    standing = snapshots.standing(year, regions=regencies)
    own = standing.get(region.pk)
    if own is None:
        return None
    return ProvinceRank(
        year=year,
        rank=1 + sum(1 for snap in standing.values() if snap.iid > own.iid),
        ranked=len(standing),
        regencies=regencies.count(),
        province=region.province.name,
        iid=own.iid,
        synthetic=any(snap.source == Source.SYNTHETIC for snap in standing.values()),
    )


@dataclass(frozen=True)
class SpdLine:
    code: str
    name: str
    claimed_level: int | None
    claimed_score: Decimal
    verified_level: int | None
    verified_score: Decimal
    max_score: Decimal


def _spd_rows(result) -> dict:
    return {
        row.code: row
        for aspect in result.breakdown
        if aspect.code == "SPD"
        for variable in aspect.variables
        for indicator in variable.indicators
        for row in indicator.rows
    }


def spd_lines(board: dashboard.Dashboard) -> list[SpdLine]:
    """Each SPD row with the level and score that counted in each view (the engine's breakdown)."""
    claimed, verified = _spd_rows(board.claimed), _spd_rows(board.verified)
    lines = []
    for row in board.spec.spd_rows:
        c, v = claimed.get(row.code), verified.get(row.code)
        lines.append(
            SpdLine(
                code=row.code,
                name=row.name,
                claimed_level=c.level if c else None,
                claimed_score=c.score if c else Decimal(0),
                verified_level=v.level if v else None,
                verified_score=v.score if v else Decimal(0),
                max_score=row.max_score,
            )
        )
    return lines


@dataclass(frozen=True)
class InnovationLine:
    name: str
    state: str
    state_label: str
    reported: bool
    claimed: Decimal | None  # maturity; None when not reported (draft, withdrawn)
    verified: Decimal | None


@dataclass(frozen=True)
class AgencyGroup:
    name: str
    short_name: str
    lines: list[InnovationLine]


def innovation_groups(board: dashboard.Dashboard) -> list[AgencyGroup]:
    """Every report of the cycle by OPD, with the maturity the engine gave it in each view."""
    claimed = {i.id: i.maturity for i in board.claimed.innovations}
    verified = {i.id: i.maturity for i in board.verified.innovations}
    by_agency = defaultdict(list)
    for s in (
        Submission.objects.filter(cycle=board.cycle)
        .values("pk", "name", "state", agency_id=F("innovation__agency_id"))
        .order_by("name", "pk")
    ):
        key = str(s["pk"])
        reported = s["state"] in REPORTED_STATES
        by_agency[s["agency_id"]].append(
            InnovationLine(
                name=s["name"],
                state=s["state"],
                state_label=State(s["state"]).label,
                reported=reported,
                claimed=claimed.get(key) if reported else None,
                verified=verified.get(key) if reported else None,
            )
        )
    agencies = sorted(board.agencies, key=lambda a: a.name)
    return [AgencyGroup(a.name, a.short_name, by_agency[a.pk]) for a in agencies if by_agency[a.pk]]


def chart_bars(board: dashboard.Dashboard) -> list[ChartBar]:
    count_label = _("Skor jumlah inovasi")
    return [
        ChartBar(
            count_label if bar.level == "count" else bar.name,
            bar.claimed,
            bar.verified,
            bar.max,
            strong=bar.level == "aspect",
        )
        for bar in board.bars
    ]


def report_context(cycle, today=None) -> dict:
    """Everything the results template shows, read from the dashboard and the published indices."""
    board = dashboard.build(cycle, today=today)
    spec = board.spec
    claimed_label, verified_label = _("Klaim"), _("Terverifikasi")
    bands = [Band(p.label, p.min, p.max) for p in spec.predicates]
    region = cycle.region
    return {
        "cycle": cycle,
        "region": region,
        "year": cycle.edition.year,
        "d": board,
        "today": today or timezone.localdate(),
        "rank": province_rank(region, cycle.edition.year),
        "spd": spd_lines(board),
        "groups": innovation_groups(board),
        "max_maturity": spec.maxima.sid_per_innovation,
        "has_emblem": bool(emblem_files(region)),
        "emblem_url": EMBLEM_URL,
        "scale_svg": band_scale_svg(
            bands,
            verified=board.verified.iid,
            claimed=board.claimed.iid,
            title=_("Posisi IID pada rentang predikat"),
            verified_label=verified_label,
            claimed_label=claimed_label,
        ),
        "bars_svg": bars_svg(
            chart_bars(board),
            title=_("Nilai klaim dan terverifikasi per aspek dan variabel"),
            claimed_label=claimed_label,
            verified_label=verified_label,
        ),
    }


def render_html(cycle, today=None) -> str:
    return render_to_string("reports/pdf/results.html", report_context(cycle, today))


def write_results_report(cycle, out, progress: Progress) -> None:
    """The results report of `cycle` as a PDF, written to the binary file object `out`."""
    # Made by a worker with no request: the installation's language (Indonesian) decides the
    # words, the dates (4 Desember 2023) and the decimal comma (61,16).
    with translation.override(settings.LANGUAGE_CODE):
        progress(5, _("Menghitung nilai IID"))
        context = report_context(cycle)
        progress(30, _("Menyusun halaman laporan"))
        html = render_to_string("reports/pdf/results.html", context)
        progress(45, _("Membuat PDF"))
        render_pdf(html, out, files=emblem_files(cycle.region), progress=progress)
        progress(100, _("Selesai"))
