"""ETag and Last-Modified for every answer, from a cheap data version instead of the data itself.

A version is the catalogue's version row for publications (catalogue.versions) and a handful of
aggregates over the other, small, tables an answer reads (row counts, newest change times): when
none of them moved, the answer cannot have changed, so a client's copy is confirmed with 304
before any page is built. The ETag also covers the path and the query
string, so every page, filter and format has its own.

Regions and OPD carry no change time, so a renamed Pemda or OPD would not move a version. Validators
therefore also roll over once a day (UTC): a rename reaches revalidating clients within a day.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from sinovda.catalogue import versions
from sinovda.catalogue.models import Publication
from sinovda.regions.models import ClusterList, Region
from sinovda.scores.models import ResultSnapshot

CACHE_CONTROL = "public, max-age=60"


@dataclass(frozen=True)
class Stamp:
    parts: tuple  # what identifies the data's state (compared, never shown)
    modified: datetime.datetime | None  # the newest change the tables record


def combine(*stamps: Stamp) -> Stamp:
    times = [s.modified for s in stamps if s.modified is not None]
    return Stamp(tuple(s.parts for s in stamps), max(times, default=None))


def regions() -> Stamp:
    region = Region.objects.aggregate(n=Count("pk"), top=Max("pk"))
    lists = ClusterList.objects.aggregate(n=Count("pk"), changed=Max("updated_at"))
    members = ClusterList.regions.through.objects.count()
    return Stamp(
        ("regions", region["n"], region["top"], lists["n"], lists["changed"], members),
        lists["changed"],
    )


def results() -> Stamp:
    # Snapshots are immutable except for a withdrawal, which sets withdrawn_at to its time.
    snap = ResultSnapshot.objects.aggregate(
        n=Count("pk"), taken=Max("taken_at"), withdrawn=Max("withdrawn_at"), top=Max("pk")
    )
    times = [t for t in (snap["taken"], snap["withdrawn"]) if t is not None]
    return Stamp(
        ("results", snap["n"], snap["top"], snap["taken"], snap["withdrawn"]),
        max(times, default=None),
    )


def publications() -> Stamp:
    # The catalogue's version row (catalogue.versions): moved in the same transaction as every
    # publish, refresh and unpublish, and read by primary key (no aggregate over publications).
    stamp, changed = versions.current()
    return Stamp(("publications", stamp), changed)


def publication(row: Publication) -> Stamp:
    return Stamp(("publication", row.pk, row.updated_at), row.updated_at)


class Validators:
    """The ETag and Last-Modified of one request's answer, and the 304 they allow."""

    def __init__(self, request, stamp: Stamp):
        today = timezone.now().astimezone(datetime.UTC).date()
        midnight = datetime.datetime.combine(today, datetime.time(), tzinfo=datetime.UTC)
        modified = max(stamp.modified or midnight, midnight)
        query = sorted(request.GET.lists())
        digest = hashlib.sha256(
            repr((stamp.parts, today.isoformat(), request.path, query)).encode()
        ).hexdigest()[:32]
        # Weak: the same data in an equivalent form (e.g. the host in absolute links may differ).
        self.etag = f'W/"{digest}"'
        self.last_modified = int(modified.timestamp())

    def not_modified(self, request):
        """A 304 when the client's copy is current (or 412 for a failed If-Match), else None."""
        response = get_conditional_response(
            request, etag=self.etag, last_modified=self.last_modified
        )
        return self.apply(response) if response is not None else None

    def apply(self, response):
        response["ETag"] = self.etag
        response["Last-Modified"] = http_date(self.last_modified)
        response["Cache-Control"] = CACHE_CONTROL
        return response
