"""GET /results and /results/{code}: stored results (snapshots), never live drafts.

Which snapshot stands for a Pemda and year is decided by scores.snapshots.pick (BSKDN, then Sinovda,
then synthetic; the newest of that source), never re-implemented here: a page walks (year, Pemda)
pairs in SQL, then fetches those pairs' snapshots in one query and lets `pick` choose. Withdrawn
snapshots are never listed.
"""

import operator
from functools import reduce

from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from sinovda.regions.models import Region
from sinovda.scores import snapshots
from sinovda.scores.models import ResultSnapshot, Source

from . import conditional, paging
from .schemas import (
    FormatParams,
    ListParams,
    Problem,
    ResultFilters,
    ResultHistory,
    ResultPage,
    decimal_text,
)
from .tables import csv_response

router = Router(tags=["Hasil IID"])

# One row per (year, Pemda): newest year first, then by code.
PAIRS = paging.Keyset(
    "results",
    [paging.Key("year", int, descending=True), paging.Key("region__code", str)],
    value_of=lambda pair: (pair["year"], pair["region__code"]),
)
# all=true: one row per snapshot.
SNAPSHOTS = paging.Keyset(
    "results-all",
    [
        paging.Key("year", int, descending=True),
        paging.Key("region__code", str),
        paging.Key("id", int),
    ],
    value_of=lambda snap: (snap.year, snap.region.code, snap.id),
)
COLUMNS = [
    "region_code",
    "region_name",
    "year",
    "iid",
    "predicate",
    "spd",
    "sid",
    "n",
    "source",
    "source_label",
    "citation_title",
    "citation_publisher",
    "citation_date",
    "citation_url",
    "edition_digest",
    "taken_at",
    "standing",
    "synthetic",
]


def result_row(snap: ResultSnapshot, *, standing: bool) -> dict:
    has_citation = any(
        [snap.citation_title, snap.citation_publisher, snap.citation_date, snap.citation_url]
    )
    return {
        "region_code": snap.region.code,
        "region_name": snap.region.name,
        "year": snap.year,
        "iid": decimal_text(snap.iid),
        "predicate": snap.predicate,
        "spd": decimal_text(snap.spd),
        "sid": decimal_text(snap.sid),
        "n": snap.innovations,
        "source": snap.source,
        "source_label": str(snap.get_source_display()),
        "citation": {
            "title": snap.citation_title,
            "publisher": snap.citation_publisher,
            "date": snap.citation_date,
            "url": snap.citation_url,
        }
        if has_citation
        else None,
        "edition_digest": snap.edition_digest,
        "taken_at": snap.taken_at,
        "standing": standing,
        "synthetic": snap.source == Source.SYNTHETIC,
    }


def flat(row: dict) -> dict:
    citation = row["citation"] or {}
    return {**row, **{f"citation_{k}": v for k, v in citation.items()}}


def _filtered(filters: ResultFilters):
    snaps = ResultSnapshot.objects.standing()
    if filters.year:
        snaps = snaps.filter(year=filters.year)
    if filters.region:
        snaps = snaps.filter(region__code=filters.region)
    if filters.province:
        # As in the catalogue: a province covers itself and its kab/kota.
        snaps = snaps.filter(
            Q(region__code=filters.province) | Q(region__province__code=filters.province)
        )
    if filters.source:
        snaps = snaps.filter(source=filters.source)
    return snaps


def _key(snap: ResultSnapshot) -> tuple[int, str]:
    return (snap.year, snap.region.code)


def _snapshots_of(pairs) -> dict[tuple[int, str], list[ResultSnapshot]]:
    """(year, region code) -> its snapshots not withdrawn, every source (one query)."""
    codes_by_year: dict[int, set[str]] = {}
    for year, code in pairs:
        codes_by_year.setdefault(year, set()).add(code)
    if not codes_by_year:
        return {}
    condition = reduce(
        operator.or_,
        [Q(year=year, region__code__in=codes) for year, codes in codes_by_year.items()],
    )
    grouped: dict[tuple[int, str], list[ResultSnapshot]] = {}
    for snap in ResultSnapshot.objects.standing().filter(condition).select_related("region"):
        grouped.setdefault(_key(snap), []).append(snap)
    return grouped


def _page_rows(filters: ResultFilters, params: ListParams):
    if filters.all:
        page = paging.page(
            _filtered(filters).select_related("region"), SNAPSHOTS, params.cursor, params.limit
        )
        grouped = _snapshots_of(_key(snap) for snap in page.rows)
        rows = [
            result_row(snap, standing=snapshots.pick(grouped.get(_key(snap), [snap])) == snap)
            for snap in page.rows
        ]
        return rows, page.next_cursor
    pairs = _filtered(filters).values("year", "region__code").distinct()
    page = paging.page(pairs, PAIRS, params.cursor, params.limit)
    keys = [(pair["year"], pair["region__code"]) for pair in page.rows]
    grouped = _snapshots_of(keys)
    rows = []
    for key in keys:
        group = grouped.get(key, [])  # empty only if withdrawn between the two queries
        standing = snapshots.pick(group)
        # With a source filter: that source's newest result, which may not be the standing one.
        chosen = snapshots.pick([s for s in group if s.source == filters.source]) or standing
        if chosen is not None:
            rows.append(result_row(chosen, standing=chosen == standing))
    return rows, page.next_cursor


@router.get(
    "/results",
    response={200: ResultPage, 304: None, 400: Problem, 429: Problem},
    summary="Hasil IID",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def list_results(
    request, response: HttpResponse, filters: Query[ResultFilters], params: Query[ListParams]
):
    """Hasil IID yang tersimpan: satu baris per Pemda dan tahun (hasil yang berlaku), atau dengan
    `all=true` setiap hasil yang tidak ditarik, termasuk yang sudah digantikan."""
    validators = conditional.Validators(request, conditional.results())
    if (cached := validators.not_modified(request)) is not None:
        return cached
    try:
        rows, cursor = _page_rows(filters, params)
    except paging.BadCursor as exc:
        raise HttpError(400, str(exc)) from None
    next_url = paging.next_url(request, cursor)
    if params.format == "csv":
        flat_rows = [flat(row) for row in rows]
        return validators.apply(csv_response(COLUMNS, flat_rows, "sinovda-hasil.csv", next_url))
    validators.apply(response)
    return {"items": rows, "next": next_url}


@router.get(
    "/results/{code}",
    response={200: ResultHistory, 304: None, 400: Problem, 404: Problem, 429: Problem},
    summary="Riwayat hasil satu Pemda",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def region_results(request, response: HttpResponse, code: str, params: Query[FormatParams]):
    """Hasil yang berlaku untuk satu Pemda per tahun edisi, tahun terlama dahulu."""
    validators = conditional.Validators(request, conditional.results())
    if (cached := validators.not_modified(request)) is not None:
        return cached
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise HttpError(404, _("Pemda dengan kode itu tidak ada."))
    history = snapshots.history(region)
    for snap in history:
        snap.region = region  # the same row: spares a query per year
    rows = [result_row(snap, standing=True) for snap in history]
    if params.format == "csv":
        filename = f"sinovda-hasil-{region.code}.csv"
        return validators.apply(csv_response(COLUMNS, [flat(r) for r in rows], filename))
    validators.apply(response)
    return {"region_code": region.code, "region_name": region.name, "items": rows}
