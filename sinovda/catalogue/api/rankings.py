"""GET /rankings/{year}: a cluster's ranking as scores.rankings computes it for the public pages.

Not paginated: a ranking is one table of at most every Pemda of a kind (415 kabupaten), and its
ranks, "belum ada data" rows and predikat counts only mean something whole.
"""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router
from ninja.errors import HttpError

from sinovda.regions.models import Region
from sinovda.scores import rankings
from sinovda.scores.models import Source

from . import conditional
from .schemas import Problem, RankingFilters, RankingOut, decimal_text
from .tables import csv_response

router = Router(tags=["Peringkat"])

COLUMNS = [
    "rank",
    "region_code",
    "region_name",
    "iid",
    "predicate",
    "previous_iid",
    "change",
    "n",
    "source",
    "synthetic",
]


def _row(row: "rankings.RankingRow") -> dict:
    snap = row.snapshot
    return {
        "rank": row.rank,
        "region_code": row.region.code,
        "region_name": row.region.name,
        "iid": decimal_text(snap.iid) if snap else None,
        "predicate": snap.predicate if snap else None,
        "previous_iid": decimal_text(row.previous_iid),
        "change": decimal_text(row.change),
        "n": snap.innovations if snap else None,
        "source": snap.source if snap else None,
        "synthetic": bool(snap and snap.source == Source.SYNTHETIC),
    }


@router.get(
    "/rankings/{year}",
    response={200: RankingOut, 304: None, 400: Problem, 404: Problem, 429: Problem},
    summary="Peringkat per klaster",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def get_ranking(
    request,
    response: HttpResponse,
    filters: Query[RankingFilters],
    year: int = Path(..., ge=2000, le=2100, description="Tahun edisi."),
):
    """Peringkat nasional atau per provinsi menurut klaster, dengan Pemda yang belum ada datanya."""
    # rankings.data_version covers everything a ranking reads (results, lists, regions, editions);
    # the results' times give Last-Modified.
    stamp = conditional.Stamp(("rankings", rankings.data_version()), None)
    validators = conditional.Validators(request, conditional.combine(stamp, conditional.results()))
    if (cached := validators.not_modified(request)) is not None:
        return cached
    province = None
    if filters.province:
        # With cluster=provinsi this is the province alone: a table of one, but not an error.
        province = Region.objects.filter(code=filters.province, kind=Region.Kind.PROVINCE).first()
        if province is None:
            raise HttpError(404, _("Provinsi dengan kode itu tidak ada."))
    result = rankings.ranking(year, filters.cluster, province)
    rows = [_row(row) for row in result.rows]
    if filters.format == "csv":
        scope = province.code if province else "nasional"
        filename = f"sinovda-peringkat-{year}-{filters.cluster}-{scope}.csv"
        return validators.apply(csv_response(COLUMNS, rows, filename))
    validators.apply(response)
    listed = result.cluster_list
    return {
        "year": result.year,
        "cluster": result.cluster,
        "province_code": province.code if province else None,
        "cluster_list": {
            "title": listed.title,
            "publisher": listed.publisher,
            "published_on": listed.published_on,
            "url": listed.url,
            "confidence": listed.confidence,
        }
        if listed
        else None,
        "list_missing": result.list_missing,
        "predicate_counts": [
            {"predicate": predicate, "count": count} for predicate, count in result.predicate_counts
        ],
        "rows": rows,
    }
