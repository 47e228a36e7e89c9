"""The catalogue's filters, shared by the public pages and the open-data API.

Every value arrives as typed in a URL. A value that names nothing (an unknown code, a year that is
not a number) gives an empty result rather than an error or a silently ignored filter.
"""

import json

from django.db import connection
from django.db.models import Q

from sinovda.scores import snapshots

# Bounds of a meaningful number (larger values overflow a database integer).
MAX_ID = 2**63 - 1
YEARS = (1900, 2999)


def _as_int(value, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def _given(value) -> bool:
    return value is not None and str(value).strip() != ""


def affair_q(affair: str) -> Q:
    """The urusan as the main one or one of the overlapping ones."""
    if connection.vendor == "postgresql":
        others = Q(other_affairs__contains=[affair])  # jsonb containment
    else:
        # The stored JSON list's text holds each urusan as a JSON string.
        others = Q(other_affairs__icontains=json.dumps(affair))
    return Q(main_affair=affair) | others


def _years(queryset) -> list[int]:
    return list(queryset.order_by().values_list("year", flat=True).distinct())


def _predicate_q(queryset, predicate: str, year: int | None) -> Q:
    """Publications whose region's standing result in the publication's year (or `year`) has
    this predikat, read through the scores app's snapshots (one query per year)."""
    wanted = predicate.strip().casefold()
    years = [year] if year is not None else _years(queryset)
    condition = Q(pk__in=[])
    for each in sorted(set(years)):
        regions = [
            region_id
            for region_id, snapshot in snapshots.standing(each).items()
            if snapshot is not None and snapshot.predicate.casefold() == wanted
        ]
        if regions:
            condition |= Q(year=each, region_id__in=regions)
    return condition


def apply_filters(
    queryset,
    *,
    region=None,
    province=None,
    agency=None,
    form=None,
    kind=None,
    affair=None,
    theme=None,
    stage=None,
    year=None,
    predicate=None,
):
    """Narrow Publication rows. region/province: Kemendagri codes (a province covers its own
    innovations and its kab/kota's); agency: an OPD id; form/kind/stage: the codes stored on the
    report; affair/theme: the urusan and tematik as written; predicate: the predikat label of the
    region's standing result that year."""
    if _given(region):
        queryset = queryset.filter(region__code=str(region).strip())
    if _given(province):
        code = str(province).strip()
        queryset = queryset.filter(Q(region__code=code) | Q(region__province__code=code))
    if _given(agency):
        agency_id = _as_int(agency, 1, MAX_ID)
        if agency_id is None:
            return queryset.none()
        queryset = queryset.filter(agency_id=agency_id)
    for field, value in (("form", form), ("kind", kind), ("stage", stage), ("theme", theme)):
        if _given(value):
            queryset = queryset.filter(**{field: str(value).strip()})
    if _given(affair):
        queryset = queryset.filter(affair_q(str(affair).strip()))
    year_number = None
    if _given(year):
        year_number = _as_int(year, *YEARS)
        if year_number is None:
            return queryset.none()
        queryset = queryset.filter(year=year_number)
    if _given(predicate):
        queryset = queryset.filter(_predicate_q(queryset, str(predicate), year_number))
    return queryset
