"""Which stored result stands for a Pemda and year: the one rankings, reports and the public read."""

from collections.abc import Iterable

from .models import SOURCE_PRECEDENCE, ResultSnapshot

_RANK = {source: i for i, source in enumerate(SOURCE_PRECEDENCE)}


def pick(snapshots: Iterable[ResultSnapshot]) -> ResultSnapshot | None:
    """The standing result among one Pemda's snapshots of one year: the best source first
    (announced by BSKDN, then computed by Sinovda, then synthetic), then the newest of that source."""
    best = None
    for snap in snapshots:
        if snap.withdrawn_at is not None:
            continue
        key = (_RANK[snap.source], -snap.taken_at.timestamp(), -snap.pk)
        if best is None or key < best[0]:
            best = (key, snap)
    return best[1] if best else None


def standing(year: int, regions=None) -> dict[int, ResultSnapshot]:
    """region_id -> standing snapshot for the edition year (one query), optionally for some regions."""
    qs = ResultSnapshot.objects.standing().filter(year=year)
    if regions is not None:
        qs = qs.filter(region__in=regions)
    by_region: dict[int, list[ResultSnapshot]] = {}
    for snap in qs:
        by_region.setdefault(snap.region_id, []).append(snap)
    return {region_id: pick(snaps) for region_id, snaps in by_region.items()}


def history(region) -> list[ResultSnapshot]:
    """The region's standing result per year, oldest first (one query)."""
    by_year: dict[int, list[ResultSnapshot]] = {}
    for snap in ResultSnapshot.objects.standing().filter(region=region):
        by_year.setdefault(snap.year, []).append(snap)
    return [pick(by_year[year]) for year in sorted(by_year)]


def years_with_results(regions=None) -> list[int]:
    """Edition years that have at least one standing result, newest first."""
    qs = ResultSnapshot.objects.standing()
    if regions is not None:
        qs = qs.filter(region__in=regions)
    return list(qs.values_list("year", flat=True).distinct().order_by("-year"))


# The fields a ranking shows of a standing result, plus what picking it needs.
STANDING_VALUES = (
    "id",
    "region_id",
    "year",
    "source",
    "iid",
    "predicate",
    "innovations",
    "citation_title",
    "citation_publisher",
    "citation_date",
    "citation_url",
    "taken_at",
)


def standing_values(years: list[int], regions=None) -> list[dict]:
    """The standing result per Pemda and year for these years, as dicts of STANDING_VALUES (one
    query, no model instances: rankings read hundreds). Same rule as `pick`."""
    qs = ResultSnapshot.objects.standing().filter(year__in=years).order_by()
    if regions is not None:
        qs = qs.filter(region__in=regions)
    best: dict[tuple[int, int], tuple[tuple, dict]] = {}
    for row in qs.values(*STANDING_VALUES):
        key = (_RANK[row["source"]], -row["taken_at"].timestamp(), -row["id"])
        slot = (row["region_id"], row["year"])
        if slot not in best or key < best[slot][0]:
            best[slot] = (key, row)
    return [row for _key, row in best.values()]
