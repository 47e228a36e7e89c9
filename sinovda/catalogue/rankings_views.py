"""Public rankings: the nation by cluster, and the kab/kota of one province (docs/rankings.md).

Everything shown comes from `scores.rankings` (standing result snapshots only). Bad query values (a
year that is not a number, an unknown cluster or code) fall back to the defaults, never an error.
"""

import csv
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from sinovda.editions.models import Edition
from sinovda.lib.downloads import as_attachment
from sinovda.lib.sheets import row as sheet_row
from sinovda.regions.access import public_view, user_memberships
from sinovda.regions.models import Region
from sinovda.scores import rankings
from sinovda.scores.models import Source

from . import fragments
from .rankings_chart import dot_plot
from .rankings_table import highlight_options, table_rows

# The tab a visitor lands on: the largest cluster, where most Pemda are.
DEFAULT_CLUSTER = "kabupaten"
FIRST_YEAR, LAST_YEAR = 2000, 2100
CODE = re.compile(r"^[0-9]{2}(?:\.[0-9]{2})?$")
CSV_HEADER = [
    "peringkat",
    "kode",
    "pemda",
    "provinsi",
    "tahun",
    "iid",
    "predikat",
    "iid_tahun_lalu",
    "perubahan",
    "n",
    "sumber",
    "judul_sumber",
    "penerbit_sumber",
    "tanggal_sumber",
    "tautan_sumber",
    "keterangan",
]


@dataclass(frozen=True)
class Citation:
    """One readable source of the table's results, listed once under the table."""

    number: int
    source: str
    source_label: str
    title: str
    publisher: str
    date: datetime.date | None
    url: str
    year: int

    @property
    def synthetic(self) -> bool:
        return self.source == Source.SYNTHETIC


@dataclass(frozen=True)
class Line:
    """A ranking row as the page shows it."""

    row: rankings.RankingRow
    citation: Citation | None
    direction: str  # "up", "down", "same", or "" when there is no change to show
    amount: Decimal | None  # the change without its sign
    highlighted: bool


def _source_labels() -> dict[str, str]:
    """Source -> its label in the active language, once per page (not a lazy lookup per row)."""
    return {source.value: str(source.label) for source in Source}


def _citations(ranking: rankings.Ranking) -> dict[tuple, Citation]:
    labels = _source_labels()
    found: dict[tuple, Citation] = {}
    for row in ranking.rows:
        snap = row.snapshot
        if snap is None:
            continue
        key = _citation_key(snap)
        if key not in found:
            found[key] = Citation(
                number=len(found) + 1,
                source=snap.source,
                source_label=labels[snap.source],
                title=snap.citation_title,
                publisher=snap.citation_publisher,
                date=snap.citation_date,
                url=snap.citation_url
                if snap.citation_url.startswith(("https://", "http://"))
                else "",
                year=snap.year,
            )
    return found


def _citation_key(snap) -> tuple:
    return (
        snap.source,
        snap.citation_title,
        snap.citation_publisher,
        snap.citation_date,
        snap.citation_url,
        snap.year,
    )


def _lines(ranking: rankings.Ranking, citations, highlight: str | None) -> list[Line]:
    lines = []
    for row in ranking.rows:
        citation = citations.get(_citation_key(row.snapshot)) if row.snapshot else None
        direction, amount = _change(row.change)
        lines.append(Line(row, citation, direction, amount, row.region.code == highlight))
    return lines


def _change(change: Decimal | None) -> tuple[str, Decimal | None]:
    """("up" | "down" | "same" | "", the change without its sign) for showing it with an arrow."""
    if change is None:
        return "", None
    return ("up" if change > 0 else "down" if change < 0 else "same"), abs(change)


def _year(request, years: list[int]) -> int:
    """The requested edition year if it is a sensible number; else the latest year with results,
    else the latest edition's year."""
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        year = None
    if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
        return year
    if years:
        return years[0]
    latest = Edition.objects.order_by("-year").values_list("year", flat=True).first()
    return latest or datetime.date.today().year


def _highlight(request, ranking: rankings.Ranking) -> str | None:
    """The Pemda to mark: `?sorot=<code>`, else the signed-in person's own region if it is listed."""
    listed = {row.region.code for row in ranking.rows}
    wanted = request.GET.get("sorot", "")
    if CODE.match(wanted) and wanted in listed:
        return wanted
    for membership in user_memberships(request.user):
        if membership.region.code in listed:
            return membership.region.code
    return None


def _provinces() -> list[Region]:
    return list(Region.objects.filter(kind=Region.Kind.PROVINCE).order_by("code"))


def _page(request, template, ranking, years, extra):
    highlight = _highlight(request, ranking)
    citations = _citations(ranking)
    lines = _lines(ranking, citations, highlight)
    if request.GET.get("format") == "csv":
        return _csv(ranking, lines, extra["csv_name"])
    context = {
        "ranking": ranking,
        "lines": lines,
        "year": ranking.year,
        "previous_year": ranking.year - 1,
        **extra,
    }
    # The main content (table, chart, controls) is the same for everyone with the same data
    # version, language, query and highlighted Pemda: rendered once and cached (fragments).
    key = fragments.key("ranking", request, rankings.current_version(), highlight)
    content_template = template.replace("/national.html", "/_national_content.html").replace(
        "/province.html", "/_province_content.html"
    )
    context["content"] = fragments.cached(
        key,
        lambda: render_to_string(
            content_template, _content_context(context, ranking, years, citations, highlight)
        ),
    )
    return render(request, template, context)


def _content_context(context, ranking, years, citations, highlight) -> dict:
    lines = context["lines"]
    query = {"tahun": ranking.year}
    if context.get("cluster_param"):
        query["klaster"] = context["cluster_param"]
    return {
        **context,
        "ranked_count": len(ranking.ranked),
        "missing_count": len(ranking.missing),
        "synthetic_count": sum(
            1 for row in ranking.rows if row.snapshot and row.snapshot.source == Source.SYNTHETIC
        ),
        "citations": list(citations.values()),
        "years": sorted(set(years) | {ranking.year}, reverse=True),
        "table_rows": table_rows(
            lines, previous_year=ranking.year - 1, show_province=context["show_province"]
        ),
        "highlight_options": highlight_options(lines, highlight),
        "chart": dot_plot(ranking, highlight),
        "highlight": ranking.row_of(highlight) if highlight else None,
        "csv_url": "?" + urlencode({**query, "format": "csv"}),
        "provinces": _provinces(),
    }


def _csv(ranking: rankings.Ranking, lines: list[Line], filename: str) -> HttpResponse:
    """The table's rows as CSV: numbers as numbers, text made formula-safe (lib.sheets)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    labels = _source_labels()
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for line in lines:
        row, snap = line.row, line.row.snapshot
        note = (
            "belum ada data"
            if snap is None
            else "data sintetis"
            if snap.source == Source.SYNTHETIC
            else ""
        )
        writer.writerow(
            sheet_row(
                [
                    row.rank,
                    row.region.code,
                    row.region.name,
                    row.region.province.name if row.region.province else "",
                    ranking.year,
                    snap.iid if snap else None,
                    snap.predicate if snap else "",
                    row.previous_iid,
                    row.change,
                    snap.innovations if snap else None,
                    labels[snap.source] if snap else "",
                    snap.citation_title if snap else "",
                    snap.citation_publisher if snap else "",
                    snap.citation_date.isoformat() if snap and snap.citation_date else "",
                    snap.citation_url if snap else "",
                    note,
                ]
            )
        )
    return as_attachment(response, filename)


@public_view
@require_safe
def ranking_national(request):
    """Every Pemda of one cluster, ranked by IID for an edition year."""
    with rankings.one_version():
        return _national(request)


def _national(request):
    province_code = request.GET.get("provinsi", "")
    if CODE.match(province_code):
        province = Region.objects.filter(code=province_code, kind=Region.Kind.PROVINCE).first()
        if province is not None:
            target = reverse("ranking_province", args=[province.code])
            year = request.GET.get("tahun", "")
            return redirect(target + (f"?{urlencode({'tahun': year})}" if year.isdigit() else ""))
    cluster = request.GET.get("klaster", "")
    if cluster not in rankings.CLUSTERS:
        cluster = DEFAULT_CLUSTER
    years = rankings.years(cluster)
    year = _year(request, years)
    ranking = rankings.ranking(year, cluster)
    tabs = [(value, rankings.label(value)) for value in rankings.CLUSTERS]
    return _page(
        request,
        "catalogue/rankings/national.html",
        ranking,
        years,
        {
            "cluster": cluster,
            "cluster_label": rankings.label(cluster),
            "cluster_param": cluster,
            "tabs": tabs,
            "is_listed": cluster in rankings.LISTED,
            "show_province": True,
            "csv_name": f"peringkat-iid-{year}-{cluster}.csv",
        },
    )


@public_view
@require_safe
def ranking_province(request, region_code):
    """The kab/kota of one province, ranked by IID for an edition year, under the province's own
    result."""
    province = Region.objects.filter(code=region_code, kind=Region.Kind.PROVINCE).first()
    if province is None:
        raise Http404
    with rankings.one_version():
        return _province(request, province)


def _province(request, province):
    # Years of the kab/kota's results, and of the province's own shown above them.
    years = sorted(
        set(rankings.years(rankings.KABKOTA, province))
        | set(rankings.years(Region.Kind.PROVINCE.value, province)),
        reverse=True,
    )
    year = _year(request, years)
    ranking = rankings.ranking(year, rankings.KABKOTA, province)
    provinces = rankings.ranking(year, Region.Kind.PROVINCE.value)
    own = provinces.row_of(province.code)
    own_direction, own_amount = _change(own.change if own else None)
    return _page(
        request,
        "catalogue/rankings/province.html",
        ranking,
        years,
        {
            "province": province,
            "own": own,
            "own_direction": own_direction,
            "own_amount": own_amount,
            "provinces_ranked": len(provinces.ranked),
            "show_province": False,
            "csv_name": f"peringkat-iid-{year}-{province.code}.csv",
        },
    )
