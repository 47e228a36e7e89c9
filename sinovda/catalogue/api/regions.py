"""GET /regions and /regions/{code}: every Pemda with its special clusters for an edition year."""

from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from sinovda.regions.models import Cluster, ClusterList, Region
from sinovda.scores import rankings

from . import conditional, paging
from .schemas import ListParams, Problem, RegionDetail, RegionFilters, RegionPage
from .tables import csv_response

router = Router(tags=["Pemda"])

KEYSET = paging.Keyset(
    "regions",
    [paging.Key("code", str), paging.Key("id", int)],
    value_of=lambda region: (region.code, region.id),
)
COLUMNS = ["code", "name", "kind", "province_code", "clusters"]


def lists_in_force(year: int) -> dict[str, ClusterList]:
    """cluster -> the list in force for the edition year, chosen as the rankings choose it."""
    found = {cluster: rankings.list_in_force(cluster, year) for cluster in Cluster.values}
    return {cluster: listed for cluster, listed in found.items() if listed is not None}


def _membership(lists: dict[str, ClusterList], regions) -> dict[int, list[ClusterList]]:
    """region id -> the lists in force that hold it (one query for the page)."""
    by_id = {lst.pk: lst for lst in lists.values()}
    through = ClusterList.regions.through.objects.filter(
        clusterlist_id__in=by_id, region_id__in=[r.pk for r in regions]
    )
    held: dict[int, list[ClusterList]] = {}
    for region_id, list_id in through.values_list("region_id", "clusterlist_id"):
        held.setdefault(region_id, []).append(by_id[list_id])
    for lists_of_region in held.values():
        lists_of_region.sort(key=lambda lst: lst.cluster)
    return held


def _row(region: Region, held: list[ClusterList]) -> dict:
    return {
        "code": region.code,
        "name": region.name,
        "kind": region.kind,
        "province_code": region.province.code if region.province_id else None,
        "clusters": [lst.cluster for lst in held],
    }


@router.get(
    "/regions",
    response={200: RegionPage, 304: None, 400: Problem, 429: Problem},
    summary="Daftar Pemda",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def list_regions(
    request, response: HttpResponse, filters: Query[RegionFilters], params: Query[ListParams]
):
    """Provinsi, kabupaten dan kota menurut kode Kemendagri, dengan klaster khususnya."""
    validators = conditional.Validators(request, conditional.regions())
    if (cached := validators.not_modified(request)) is not None:
        return cached
    year = filters.year or timezone.localdate().year
    lists = lists_in_force(year)
    regions = Region.objects.select_related("province")
    if filters.kind:
        regions = regions.filter(kind=filters.kind)
    if filters.province:
        # As in the catalogue: a province covers itself and its kab/kota.
        regions = regions.filter(Q(code=filters.province) | Q(province__code=filters.province))
    if filters.cluster:
        in_force = lists.get(filters.cluster)
        regions = regions.filter(cluster_lists=in_force) if in_force else regions.none()
    try:
        page = paging.page(regions, KEYSET, params.cursor, params.limit)
    except paging.BadCursor as exc:
        raise HttpError(400, str(exc)) from None
    held = _membership(lists, page.rows)
    rows = [_row(region, held.get(region.pk, [])) for region in page.rows]
    next_url = paging.next_url(request, page.next_cursor)
    if params.format == "csv":
        return validators.apply(csv_response(COLUMNS, rows, "sinovda-pemda.csv", next_url))
    validators.apply(response)
    return {"items": rows, "next": next_url}


@router.get(
    "/regions/{code}",
    response={200: RegionDetail, 304: None, 400: Problem, 404: Problem, 429: Problem},
    summary="Satu Pemda",
)
def get_region(
    request,
    response: HttpResponse,
    code: str,
    year: int | None = Query(None, ge=2000, le=2100, description="Tahun edisi untuk klaster."),
):
    """Satu Pemda dengan klaster khususnya dan sumber daftar klasternya."""
    validators = conditional.Validators(request, conditional.regions())
    if (cached := validators.not_modified(request)) is not None:
        return cached
    region = Region.objects.select_related("province").filter(code=code).first()
    if region is None:
        raise HttpError(404, _("Pemda dengan kode itu tidak ada."))
    year = year or timezone.localdate().year
    held = _membership(lists_in_force(year), [region]).get(region.pk, [])
    validators.apply(response)
    return {
        **_row(region, held),
        "year": year,
        "cluster_lists": [
            {
                "cluster": lst.cluster,
                "title": lst.title,
                "publisher": lst.publisher,
                "published_on": lst.published_on,
                "url": lst.url,
                "confidence": lst.confidence,
                "valid_from": lst.valid_from,
                "valid_to": lst.valid_to,
            }
            for lst in held
        ],
    }
