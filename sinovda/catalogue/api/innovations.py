"""GET /innovations and /innovations/{public_id}: published innovations only.

The public reads `Publication` rows, the frozen copy a koordinator makes when publishing a verified
report; drafts, reports, evidence and review notes are different tables this module never touches.
Search and filters are the catalogue's own (catalogue.search, catalogue.filters), so the API and
the catalogue page find the same innovations; the API's order is stable (newest year, then name)
rather than by relevance, because a cursor needs a fixed order.
"""

import json
import re

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.responses import NinjaJSONEncoder

from sinovda.catalogue import filters as catalogue_filters
from sinovda.catalogue import fragments, search
from sinovda.catalogue.models import Publication
from sinovda.innovations.models import Form, Kind, Stage

from . import conditional, paging
from .schemas import (
    InnovationDetail,
    InnovationFilters,
    InnovationPage,
    ListParams,
    Problem,
    decimal_text,
)
from .tables import csv_response

router = Router(tags=["Inovasi"])

KEYSET = paging.Keyset(
    "innovations",
    [
        paging.Key("year", int, descending=True),
        paging.Key("name", str),
        paging.Key("id", int),
    ],
    # List pages read plain values (dicts); other callers may pass a Publication.
    value_of=lambda pub: (
        (pub["year"], pub["name"], pub["id"])
        if isinstance(pub, dict)
        else (pub.year, pub.name, pub.id)
    ),
)
COLUMNS = [
    "public_id",
    "name",
    "region_code",
    "region_name",
    "agency_id",
    "agency_name",
    "agency_short_name",
    "year",
    "stage",
    "stage_label",
    "kind",
    "kind_label",
    "form",
    "form_label",
    "main_affair",
    "affairs",
    "theme",
    "implementation_date",
    "maturity",
    "maturity_max",
    "summary",
    "url",
    "published_at",
]
LABELS = {"stage": dict(Stage.choices), "kind": dict(Kind.choices), "form": dict(Form.choices)}


def _coded(field: str, code: str) -> dict | None:
    label = LABELS[field].get(code)
    return {"code": code, "label": str(label)} if label is not None else None


def _row(request, pub: Publication) -> dict:
    page = reverse("catalogue_innovation", kwargs={"public_id": pub.innovation.public_id})
    return {
        "public_id": pub.innovation.public_id,
        "name": pub.name,
        "region": {"code": pub.region.code, "name": pub.region.name},
        "agency": {
            "id": pub.agency.id,
            "name": pub.agency.name,
            "short_name": pub.agency.short_name,
        },
        "year": pub.year,
        "stage": _coded("stage", pub.stage),
        "kind": _coded("kind", pub.kind),
        "form": _coded("form", pub.form),
        "main_affair": pub.main_affair,
        "affairs": [a for a in [pub.main_affair, *pub.other_affairs] if a],
        "theme": pub.theme,
        "implementation_date": pub.implementation_date,
        "maturity": decimal_text(pub.maturity),
        "maturity_max": decimal_text(pub.maturity_max),
        "summary": pub.summary,
        "url": request.build_absolute_uri(page),
        "published_at": pub.published_at,
    }


# What a list page reads: plain values, no model instances (one dict a row, straight into JSON).
_LIST_VALUES = (
    "id",
    "name",
    "year",
    "stage",
    "kind",
    "form",
    "main_affair",
    "other_affairs",
    "theme",
    "implementation_date",
    "maturity",
    "maturity_max",
    "summary",
    "published_at",
    "innovation__public_id",
    "region__code",
    "region__name",
    "agency_id",
    "agency__name",
    "agency__short_name",
)
_PLAIN_ID = re.compile(r"^[A-Za-z0-9_-]+$")
_ID_MARK = "0sinovdaid0"


class _Links:
    """Absolute catalogue links of a page's rows: the URL pattern reversed and the host read once,
    not per row (an id that would need quoting goes through reverse())."""

    def __init__(self, request):
        self.request = request
        self.origin = request.build_absolute_uri("/")[:-1]
        self.pattern = reverse("catalogue_innovation", kwargs={"public_id": _ID_MARK})

    def __call__(self, public_id: str) -> str:
        if _PLAIN_ID.match(public_id):
            return self.origin + self.pattern.replace(_ID_MARK, public_id)
        page = reverse("catalogue_innovation", kwargs={"public_id": public_id})
        return self.request.build_absolute_uri(page)


def _list_row(link, v: dict) -> dict:
    """`_row` of a list page's values (the same keys, order and values)."""
    public_id = v["innovation__public_id"]
    return {
        "public_id": public_id,
        "name": v["name"],
        "region": {"code": v["region__code"], "name": v["region__name"]},
        "agency": {
            "id": v["agency_id"],
            "name": v["agency__name"],
            "short_name": v["agency__short_name"],
        },
        "year": v["year"],
        "stage": _coded("stage", v["stage"]),
        "kind": _coded("kind", v["kind"]),
        "form": _coded("form", v["form"]),
        "main_affair": v["main_affair"],
        "affairs": [a for a in [v["main_affair"], *v["other_affairs"]] if a],
        "theme": v["theme"],
        "implementation_date": v["implementation_date"],
        "maturity": decimal_text(v["maturity"]),
        "maturity_max": decimal_text(v["maturity_max"]),
        "summary": v["summary"],
        "url": link(public_id),
        "published_at": v["published_at"],
    }


def _flat(row: dict) -> dict:
    flat = {**row}
    flat.update(region_code=row["region"]["code"], region_name=row["region"]["name"])
    flat.update({f"agency_{k}": v for k, v in row["agency"].items()})
    for field in ("stage", "kind", "form"):
        coded = row[field] or {"code": "", "label": ""}
        flat[field], flat[f"{field}_label"] = coded["code"], coded["label"]
    return flat


def _text(value) -> str:
    return "" if value is None else str(value)


def _public():
    return Publication.objects.select_related("innovation", "region", "agency")


def _listed():
    """Rows for a list page: the long texts stay in the database."""
    return _public().defer("profile", "search_text")


@router.get(
    "/innovations",
    response={200: InnovationPage, 304: None, 400: Problem, 429: Problem},
    summary="Inovasi yang diterbitkan",
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def list_innovations(
    request, response: HttpResponse, filters: Query[InnovationFilters], params: Query[ListParams]
):
    """Inovasi yang sudah diterbitkan koordinator Pemda, dengan pencarian dan saringan katalog."""
    validators = conditional.Validators(
        request, conditional.combine(conditional.publications(), conditional.results())
    )
    if (cached := validators.not_modified(request)) is not None:
        return cached
    # The page's rows, cached under the validators' ETag (the data versions, read before any
    # data, the day, the path and every query parameter) and the host of the absolute links.
    key = fragments.key("api-innovations", request, validators.etag)
    try:
        rows, next_url, body = fragments.cached(key, lambda: _list_page(request, filters, params))
    except paging.BadCursor as exc:
        raise HttpError(400, str(exc)) from None
    if params.format == "csv":
        flat_rows = [_flat(row) for row in rows]
        return validators.apply(csv_response(COLUMNS, flat_rows, "sinovda-inovasi.csv", next_url))
    # The page's JSON, written once with the page: validating 50 rows against the schema on every
    # answer cost as much as the rest of it. The rows are built here in the schema's shape and
    # order (InnovationPage; tests and the schema-driven fuzz run check the answers).
    return validators.apply(HttpResponse(body, content_type="application/json; charset=utf-8"))


def _list_page(request, filters, params) -> tuple[list[dict], str | None, str]:
    publications = catalogue_filters.apply_filters(
        _listed(),
        region=filters.region,
        province=filters.province,
        agency=filters.agency,
        form=filters.form,
        kind=filters.kind,
        affair=filters.affair,
        theme=filters.theme,
        stage=filters.stage,
        year=filters.year,
        predicate=filters.predicate,
    )
    if filters.q and filters.q.strip():
        publications = search.matching(publications, filters.q.strip())
    page = paging.page(publications.values(*_LIST_VALUES), KEYSET, params.cursor, params.limit)
    link = _Links(request)
    rows = [_list_row(link, values) for values in page.rows]
    next_url = paging.next_url(request, page.next_cursor)
    body = json.dumps({"items": rows, "next": next_url}, cls=NinjaJSONEncoder)
    return rows, next_url, body


@router.get(
    "/innovations/{public_id}",
    response={200: InnovationDetail, 304: None, 400: Problem, 404: Problem, 429: Problem},
    summary="Satu inovasi yang diterbitkan",
)
def get_innovation(request, response: HttpResponse, public_id: str):
    """Satu inovasi yang diterbitkan, dengan profilnya dalam urutan formulir nasional."""
    pub = _public().filter(innovation__public_id=public_id).first()
    if pub is None:
        raise HttpError(404, _("Tidak ada inovasi terbit dengan pengenal itu."))
    validators = conditional.Validators(request, conditional.publication(pub))
    if (cached := validators.not_modified(request)) is not None:
        return cached
    validators.apply(response)
    profile = [
        {
            "code": _text(item.get("code")),
            "label": _text(item.get("label")),
            "value": _text(item.get("value")),
        }
        for item in pub.profile
        if isinstance(item, dict)
    ]
    return {**_row(request, pub), "profile": profile}
