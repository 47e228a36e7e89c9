"""Public rankings: the nation by cluster, and the kab/kota of one province (docs/rankings.md).

Everything shown comes from `scores.rankings` (standing result snapshots only). Bad query values (a
year that is not a number, an unknown cluster or code) fall back to the defaults, never an error.
"""

import csv
import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
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
# Page bodies are keyed by the data version, so they never go stale; kept long, and written again by
# the warm task (rankings_warm) well before they expire.
BODY_SECONDS = 6 * 60 * 60
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


def _provinces() -> list[Region]:
    return list(Region.objects.filter(kind=Region.Kind.PROVINCE).order_by("code"))


@dataclass(frozen=True)
class Page:
    """One ranking page: a national cluster (province None) or one province's kab/kota, for a year.
    Its body (title, controls, table, chart) depends on nothing else but the data version, the
    language and the highlighted Pemda."""

    year: int
    years: tuple[int, ...]  # years offered in the year selector
    cluster: str = ""  # national pages
    province: Region | None = None  # province pages

    @property
    def name(self) -> str:
        return f"p:{self.province.code}" if self.province is not None else f"n:{self.cluster}"

    def ranking(self) -> rankings.Ranking:
        if self.province is not None:
            return rankings.ranking(self.year, rankings.KABKOTA, self.province)
        return rankings.ranking(self.year, self.cluster)

    def frame(self) -> dict:
        """What the page around the body shows (its title)."""
        if self.province is not None:
            return {"province": self.province, "year": self.year}
        return {
            "cluster": self.cluster,
            "cluster_label": rankings.label(self.cluster),
            "year": self.year,
        }

    def extra(self) -> dict:
        if self.province is None:
            return {
                **self.frame(),
                "cluster_param": self.cluster,
                "tabs": [(value, rankings.label(value)) for value in rankings.CLUSTERS],
                "is_listed": self.cluster in rankings.LISTED,
                "show_province": True,
                "csv_name": f"peringkat-iid-{self.year}-{self.cluster}.csv",
            }
        provinces = rankings.ranking(self.year, Region.Kind.PROVINCE.value)
        own = provinces.row_of(self.province.code)
        own_direction, own_amount = _change(own.change if own else None)
        return {
            **self.frame(),
            "own": own,
            "own_direction": own_direction,
            "own_amount": own_amount,
            "provinces_ranked": len(provinces.ranked),
            "show_province": False,
            "csv_name": f"peringkat-iid-{self.year}-{self.province.code}.csv",
        }


def _highlight(request, page: Page) -> str | None:
    """The Pemda to mark: `?sorot=<code>`, else the signed-in person's own region if it is listed.
    The ranking is read only when there is a candidate (an anonymous visitor without `sorot` needs
    none: the cached body answers alone)."""
    wanted = request.GET.get("sorot", "")
    candidates = [wanted] if CODE.match(wanted) else []
    candidates += [membership.region.code for membership in user_memberships(request.user)]
    if not candidates:
        return None
    listed = {row.region.code for row in page.ranking().rows}
    return next((code for code in candidates if code in listed), None)


def body_key(page: Page, version: str, highlight: str | None) -> str:
    """The cache key of a page body: data version, language, page, year, highlighted Pemda. The
    body holds only relative links, so host and scheme do not matter."""
    return "sinovda:rankings:body:{}:{}:{}:{}:{}".format(
        version, translation.get_language(), page.name, page.year, highlight or "-"
    )


def render_body(page: Page, highlight: str | None = None) -> str:
    """The page body, rendered (a cache miss, or the warm task: rankings_warm)."""
    ranking = page.ranking()
    citations = _citations(ranking)
    lines = _lines(ranking, citations, highlight)
    context = {
        "ranking": ranking,
        "lines": lines,
        "year": ranking.year,
        "previous_year": ranking.year - 1,
        **page.extra(),
    }
    template = (
        "catalogue/rankings/_province_content.html"
        if page.province is not None
        else "catalogue/rankings/_national_content.html"
    )
    return render_to_string(
        template, _content_context(context, ranking, page.years, citations, highlight)
    )


def body(page: Page, highlight: str | None = None, *, refresh: bool = False) -> str:
    """The cached body; `refresh` renders and stores it again (the warm task). Bodies without a
    highlight are the ones the warm task pre-renders and keeps for BODY_SECONDS; highlighted ones
    (one per Pemda) are kept as long as other page parts."""
    key = body_key(page, rankings.current_version(), highlight)
    content = None if refresh else cache.get(key)
    if content is None:
        content = render_body(page, highlight)
        cache.set(key, content, BODY_SECONDS if highlight is None else fragments.CACHE_SECONDS)
    return content


def _page(request, template, page: Page):
    if request.GET.get("format") == "csv":
        ranking = page.ranking()
        highlight = _highlight(request, page)
        lines = _lines(ranking, _citations(ranking), highlight)
        return _csv(ranking, lines, page.extra()["csv_name"])
    content = body(page, _highlight(request, page))
    return render(request, template, {**page.frame(), "content": content})


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
    return _page(request, "catalogue/rankings/national.html", national_page(cluster, request))


def national_page(cluster: str, request=None, year: int | None = None) -> Page:
    """The national page of a cluster, for the requested year (or the given one)."""
    years = tuple(rankings.years(cluster))
    return Page(year=year or _year(request, years), years=years, cluster=cluster)


def province_page(province: Region, request=None, year: int | None = None) -> Page:
    """A province's page: years of the kab/kota's results, and of the province's own shown above."""
    years = tuple(
        sorted(
            set(rankings.years(rankings.KABKOTA, province))
            | set(rankings.years(Region.Kind.PROVINCE.value, province)),
            reverse=True,
        )
    )
    return Page(year=year or _year(request, years), years=years, province=province)


@public_view
@require_safe
def ranking_province(request, region_code):
    """The kab/kota of one province, ranked by IID for an edition year, under the province's own
    result."""
    province = Region.objects.filter(code=region_code, kind=Region.Kind.PROVINCE).first()
    if province is None:
        raise Http404
    with rankings.one_version():
        return _page(request, "catalogue/rankings/province.html", province_page(province, request))
