"""Rankings by cluster: the standing results of one edition year, side by side (docs/rankings.md).

Clusters provinsi, kabupaten and kota follow from Region.kind; tertinggal, perbatasan and papua from
the `ClusterList` in force for the year (the list whose years cover it with the latest `valid_from`).
Results come from `snapshots.standing` only, so a ranking shows exactly what the public pages and
reports read: announced by BSKDN first, then computed by Sinovda, then synthetic.

The rule, the same everywhere:
- IID descending; equal IIDs (to 2 decimals) share a rank (standard competition ranking 1, 2, 2, 4)
  and are listed by Kemendagri code;
- Pemda of the scope without a standing result follow the ranked ones as "belum ada data" (rank
  None), by code; they are never dropped;
- `change` is the IID minus the standing IID of the year before (None when either is missing).

A ranking costs a fixed handful of queries whatever the number of Pemda, and is cached per process
under a key holding a cheap version of the data it reads, so a new, withdrawn or corrected result, a
changed list or new regions make a new key.
"""

import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sinovda.editions.models import Edition
from sinovda.regions.models import Cluster, ClusterList, Region

from . import snapshots
from .models import ResultSnapshot, Source

CLUSTERS = ["provinsi", "kabupaten", "kota", "tertinggal", "perbatasan", "papua"]
# Every kabupaten and kota: the scope of a province's own page (not a national tab).
KABKOTA = "kabkota"
CLUSTER_LABELS = {
    "provinsi": _("Provinsi"),
    "kabupaten": _("Kabupaten"),
    "kota": _("Kota"),
    "tertinggal": Cluster.TERTINGGAL.label,
    "perbatasan": Cluster.PERBATASAN.label,
    "papua": Cluster.PAPUA.label,
    KABKOTA: _("Kabupaten/kota"),
}
LISTED = {c.value for c in Cluster}
BY_KIND = {Region.Kind.PROVINCE.value, Region.Kind.REGENCY.value, Region.Kind.CITY.value}
CACHE_SECONDS = 15 * 60
CENT = Decimal("0.01")
SOURCE_LABELS = dict(Source.choices)


@dataclass(frozen=True, slots=True)
class Place:
    """What a ranking shows of a Pemda (plain values: cheap to build, pickle and cache)."""

    pk: int
    code: str
    name: str
    kind: str
    province: "Place | None" = None  # the province of a kab/kota (code and name only)


@dataclass(frozen=True, slots=True)
class Standing:
    """What a ranking shows of a standing result snapshot (scores.snapshots picks it)."""

    pk: int
    region_id: int
    year: int
    source: str
    iid: Decimal
    predicate: str
    innovations: int | None
    citation_title: str
    citation_publisher: str
    citation_date: object  # datetime.date | None
    citation_url: str

    def get_source_display(self) -> str:
        return str(SOURCE_LABELS.get(self.source, self.source))


@dataclass(frozen=True)
class RankingRow:
    rank: int | None  # None: "belum ada data"
    region: Place
    snapshot: Standing | None
    previous_iid: Decimal | None  # the standing IID of the year before
    change: Decimal | None  # vs the year before


@dataclass(frozen=True)
class Ranking:
    year: int
    cluster: str
    province: Region | None
    rows: list[RankingRow]  # ranked rows first, then "belum ada data" rows (rank None)
    cluster_list: ClusterList | None  # the list in force (special clusters)
    list_missing: bool  # special cluster with no list (or an empty one) for that year
    predicate_counts: list[tuple[str, int]]  # the edition's band order

    @property
    def ranked(self) -> list[RankingRow]:
        return [row for row in self.rows if row.rank is not None]

    @property
    def missing(self) -> list[RankingRow]:
        return [row for row in self.rows if row.rank is None]

    def row_of(self, code: str) -> RankingRow | None:
        return next((row for row in self.rows if row.region.code == code), None)


@dataclass(frozen=True)
class Position:
    """A Pemda's place among its own kind nationally, and among its province's kab/kota."""

    rank: int
    ranked: int  # Pemda of that kind with a result that year
    scope_label: str  # e.g. "Kabupaten"
    province_rank: int | None = None  # None for a province
    province_ranked: int | None = None


def label(cluster: str) -> str:
    return str(CLUSTER_LABELS[cluster])


def is_cluster(value) -> bool:
    return value in CLUSTER_LABELS


# --- the data version and the cache -------------------------------------------------------------


def data_version() -> str:
    """A short digest of what rankings read, in one query: it changes when a result is added or
    withdrawn, a list or its members change, regions are loaded or an edition is edited."""
    quote = connection.ops.quote_name
    tables = {
        "snap": quote(ResultSnapshot._meta.db_table),
        "list": quote(ClusterList._meta.db_table),
        "member": quote(ClusterList.regions.through._meta.db_table),
        "region": quote(Region._meta.db_table),
        "edition": quote(Edition._meta.db_table),
    }
    # Scalar subqueries make it one round trip; the table names come from the models, never from
    # input. Portable SQL (SQLite and PostgreSQL).
    sql = (  # noqa: S608
        "SELECT (SELECT COUNT(*) FROM {snap}), (SELECT MAX(id) FROM {snap}), "
        "(SELECT MAX(taken_at) FROM {snap}), (SELECT COUNT(withdrawn_at) FROM {snap}), "
        "(SELECT MAX(withdrawn_at) FROM {snap}), "
        "(SELECT COUNT(*) FROM {list}), (SELECT MAX(updated_at) FROM {list}), "
        "(SELECT COUNT(*) FROM {member}), (SELECT MAX(id) FROM {member}), "
        "(SELECT COUNT(*) FROM {region}), (SELECT MAX(id) FROM {region}), "
        "(SELECT MAX(updated_at) FROM {edition})"
    ).format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        values = cursor.fetchone()
    return hashlib.sha256(repr(values).encode()).hexdigest()[:16]


# Set by `one_version()`: the data version every ranking inside the block is read under.
_pinned: ContextVar[str | None] = ContextVar("sinovda_rankings_version", default=None)


@contextmanager
def one_version():
    """Within the block, rankings and years read under one data version, asked once: a page that
    shows several rankings costs one version query and shows one state of the data."""
    token = _pinned.set(data_version())
    try:
        yield
    finally:
        _pinned.reset(token)


def current_version() -> str:
    """The version pages are read under: the one pinned by `one_version()`, else asked now. Pages
    key their cached parts with it (catalogue.fragments)."""
    return _pinned.get() or data_version()


# The last few rankings of this process, unpickled: Django's cache (shared between processes when it
# is Redis or the database) pickles, and unpickling a national ranking on every request costs tens
# of milliseconds. A local entry is used only while the shared cache still holds its token, so
# clearing the shared cache (an operator, a test) clears these too; entries also expire with it.
# Values are only ever read.
_LOCAL: OrderedDict[str, tuple[str, float, object]] = (
    OrderedDict()
)  # key -> (token, expires, value)
_LOCAL_SIZE = 32
_LOCAL_LOCK = threading.Lock()


def _cached(kind: str, args: tuple, compute):
    version = _pinned.get() or data_version()
    key = "sinovda:rankings:{}:{}:{}".format(
        version, kind, ":".join("-" if a is None else str(a) for a in args)
    )
    token = cache.get(key + ":token")
    now = time.monotonic()
    with _LOCAL_LOCK:
        entry = _LOCAL.get(key)
        if entry is not None and token is not None and entry[0] == token and entry[1] > now:
            _LOCAL.move_to_end(key)
            return entry[2]
    value = cache.get(key) if token is not None else None
    if value is None:
        value = compute()
        token = secrets.token_hex(8)
        cache.set_many({key: value, key + ":token": token}, CACHE_SECONDS)
    with _LOCAL_LOCK:
        _LOCAL[key] = (token, now + CACHE_SECONDS, value)
        while len(_LOCAL) > _LOCAL_SIZE:
            _LOCAL.popitem(last=False)
    return value


def clear_local_cache() -> None:
    """Forget this process's unpickled rankings (clearing the shared cache is usually enough)."""
    with _LOCAL_LOCK:
        _LOCAL.clear()


# --- scopes ---------------------------------------------------------------------------------------


def list_in_force(cluster: str, year: int) -> ClusterList | None:
    """The special cluster's list for the edition year (one query)."""
    return ClusterList.in_force(ClusterList.objects.filter(cluster=cluster), year)


def _scope(cluster: str, province: Region | None, cluster_list: ClusterList | None):
    """The Pemda a ranking covers, as a queryset (None: a special cluster without a list)."""
    regions = Region.objects.all()
    if cluster in BY_KIND:
        regions = regions.filter(kind=cluster)
    elif cluster == KABKOTA:
        regions = regions.exclude(kind=Region.Kind.PROVINCE)
    elif cluster_list is None:
        return None
    else:
        regions = regions.filter(cluster_lists=cluster_list)
    if province is not None:
        regions = regions.filter(Q(province=province) | Q(pk=province.pk))
    return regions


def _check(cluster: str) -> None:
    if cluster not in CLUSTER_LABELS:
        raise ValueError(f"unknown cluster {cluster!r}")


# --- rankings -------------------------------------------------------------------------------------


def _band_order(year: int) -> list[str]:
    """The edition's predikat labels, highest first (only the predicate list is read, not the
    edition's whole document)."""
    bands = (
        Edition.objects.filter(year=year).order_by("pk").values_list("data__predicates", flat=True)
    ).first()
    return [band.get("label", "") for band in bands or [] if isinstance(band, dict)]


_PLACE = ("pk", "code", "name", "kind", "province__code", "province__name")


def _places(scope) -> list[Place]:
    places = []
    for pk, code, name, kind, province_code, province_name in scope.order_by("code").values_list(
        *_PLACE
    ):
        province = None if province_code is None else Place(0, province_code, province_name, "")
        places.append(Place(pk, code, name, kind, province))
    return places


def _standings(years: list[int], region_ids) -> dict[int, dict[int, Standing]]:
    """year -> region_id -> the standing result (one query for all the years; the same rule as
    snapshots.standing, over plain values)."""
    rows = snapshots.standing_values(years, regions=region_ids)
    by_year: dict[int, dict[int, Standing]] = {year: {} for year in years}
    for row in rows:
        by_year[row["year"]][row["region_id"]] = Standing(
            pk=row["id"],
            region_id=row["region_id"],
            year=row["year"],
            source=row["source"],
            iid=row["iid"],
            predicate=row["predicate"],
            innovations=row["innovations"],
            citation_title=row["citation_title"],
            citation_publisher=row["citation_publisher"],
            citation_date=row["citation_date"],
            citation_url=row["citation_url"],
        )
    return by_year


def _compute(year: int, cluster: str, province: Region | None) -> Ranking:
    """A cache miss: the scope's Pemda, the standing results of the year and the year before
    (one query), the edition's predikat order, and plain Python (no model instances)."""
    cluster_list = list_in_force(cluster, year) if cluster in LISTED else None
    scope = _scope(cluster, province, cluster_list)
    regions = _places(scope) if scope is not None else []
    # A list with no member at all is a list not loaded yet (perbatasan ships empty); a province
    # without members of a loaded list simply has none.
    list_missing = cluster in LISTED and (
        cluster_list is None or not (regions if province is None else cluster_list.regions.exists())
    )
    if list_missing:
        return Ranking(year, cluster, province, [], cluster_list, True, [])
    ids = scope.values("pk") if scope is not None else Region.objects.none()
    found = _standings([year, year - 1], ids) if regions else {year: {}, year - 1: {}}
    now, before = found[year], found[year - 1]

    def iid(snap):
        return snap.iid.quantize(CENT) if snap is not None else None

    ranked = sorted((r for r in regions if r.pk in now), key=lambda r: (-iid(now[r.pk]), r.code))
    rows: list[RankingRow] = []
    previous = None
    for position, region in enumerate(ranked, start=1):
        snap, old = now[region.pk], before.get(region.pk)
        rank = rows[-1].rank if previous is not None and iid(snap) == previous else position
        previous = iid(snap)
        change = iid(snap) - iid(old) if old is not None else None
        rows.append(RankingRow(rank, region, snap, iid(old), change))
    for region in regions:
        if region.pk not in now:
            old = before.get(region.pk)
            rows.append(RankingRow(None, region, None, iid(old), None))

    counts: dict[str, int] = dict.fromkeys(_band_order(year), 0)
    for row in rows:
        if row.snapshot is not None:
            counts[row.snapshot.predicate] = counts.get(row.snapshot.predicate, 0) + 1
    return Ranking(year, cluster, province, rows, cluster_list, False, list(counts.items()))


def ranking(year: int, cluster: str, province: Region | None = None) -> Ranking:
    """The cluster's ranking for the edition year, nationally or among one province's Pemda.

    With a province: the cluster's Pemda in that province (for `KABKOTA`, its kab/kota; for
    "provinsi", the province alone). Raises ValueError for an unknown cluster."""
    _check(cluster)
    return _cached(
        "ranking",
        (year, cluster, province.pk if province else None),
        lambda: _compute(year, cluster, province),
    )


def _years(cluster: str | None, province: Region | None) -> list[int]:
    if cluster is None:
        cluster = KABKOTA if province is not None else None
    if cluster is None:
        return snapshots.years_with_results()
    if cluster not in LISTED:
        return snapshots.years_with_results(regions=_scope(cluster, province, None).values("pk"))
    # A special cluster's members depend on the year: a year counts when the list in force that
    # year has a member with a result. One query per list of the cluster (a handful), none per Pemda.
    lists = list(ClusterList.objects.filter(cluster=cluster))
    found: set[int] = set()
    for lst in lists:
        candidates = snapshots.years_with_results(
            regions=_scope(cluster, province, lst).values("pk")
        )
        found.update(y for y in candidates if ClusterList.in_force(lists, y) == lst)
    return sorted(found, reverse=True)


def years(cluster: str | None = None, province: Region | None = None) -> list[int]:
    """Edition years in which the cluster (every Pemda when None) has a standing result, newest
    first; with a province, among that province's Pemda (its kab/kota when cluster is None)."""
    if cluster is not None:
        _check(cluster)
    return _cached(
        "years",
        (cluster, province.pk if province else None),
        lambda: _years(cluster, province),
    )


def position(region: Region, year: int) -> Position | None:
    """The region's rank among its own kind nationally (and, for a kab/kota, among its province's
    kab/kota) for the year; None when it has no standing result that year."""
    kind = ranking(year, region.kind)
    national = kind.row_of(region.code)
    if national is None or national.rank is None:
        return None
    ranked = len(kind.ranked)
    if region.is_province:
        return Position(national.rank, ranked, label(region.kind))
    local = ranking(year, KABKOTA, region.province)
    own = local.row_of(region.code)
    return Position(
        national.rank,
        ranked,
        label(region.kind),
        province_rank=own.rank if own else None,
        province_ranked=len(local.ranked),
    )
