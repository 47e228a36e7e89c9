"""The dashboard's rendered parts, kept in the default cache under the data version of its cycle.

Building the dashboard reads every answer of the cycle and runs the engine and the advisor; for 900
reports that is ~0.2 s of CPU (bench/web.py), and every koordinator, verifier and pimpinan opening
the page paid it again. The rendered parts are stored under a key made of everything they are drawn from, so a
reader either gets the parts of the current data or builds them:

    the cycle and its earlier cycles    dates, edition row (pk, updated_at)          (1 query)
    their reports                       count per state, newest updated_at, sum of
                                        versions, per cycle                          (1 query)
    their answers                       count, sums of the levels, count pending,
                                        per cycle                                    (1 query)
    their SPD answers                   count, sums of the levels and versions       (1 query)
    the region's OPDs                   pk, name, short name, active                 (1 query)
    and                                 region name, unreviewed policy, language, today's date

Why this covers every write: a report's `version` grows and its `updated_at` moves on every change
of the report or of one of its answers (optimistic locking: innovations/actions.py `_bump`; the
Excel import does the same), a new or deleted report or answer changes a count, and the sums of the
levels and states move with any write that skips the actions (a script, the admin) unless two rows
change in opposite directions at once. Earlier cycles are included because the year-over-year line
reads the previous cycle's result; today's date because the countdown counts days. The answers are
summed in the database (a few milliseconds for 18,000 rows) instead of being read into Python
(tens of milliseconds), which is what made even an unchanged page costly.

The version is read *before* the data, as the catalogue does (catalogue/versions.py): parts built
from data read after a newer write can only be stored under an older version, which no later reader
asks for, so a write is never hidden by what was cached before it.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone, translation

from sinovda.cycles.models import Cycle
from sinovda.innovations.models import Answer, RegionAnswer, ReviewState, State, Submission
from sinovda.regions.models import Agency

from .bridge import unreviewed_policy

# Entries are never wrong (the key is the data), so the timeout only frees memory; a day also
# drops yesterday's countdowns.
TIMEOUT = 24 * 60 * 60
PREFIX = "dashboard:v1"


_generation = 0  # moved by forget(): keys of this process made before it are never asked for


def forget() -> None:
    """Stop using every part this process cached (tests and the benchmark measure a cold page)."""
    global _generation
    _generation += 1


def _per_cycle(rows) -> list[tuple]:
    return sorted(tuple(row.values()) for row in rows)


def data_version(cycle: Cycle) -> str:
    """A digest of everything the dashboard of `cycle` is drawn from (5 small queries)."""
    cycles = list(
        Cycle.objects.filter(region_id=cycle.region_id, edition__year__lte=cycle.year)
        .order_by("pk")
        .values_list(
            "pk",
            "opens_on",
            "submit_deadline",
            "review_deadline",
            "edition_id",
            "edition__updated_at",
        )
    )
    pks = [row[0] for row in cycles]
    states = {state: Count("pk", filter=Q(state=state)) for state in State.values}
    reports = Submission.objects.filter(cycle_id__in=pks).values("cycle_id")
    reports = reports.annotate(last=Max("updated_at"), versions=Sum("version"), **states)
    answers = Answer.objects.filter(submission__cycle_id__in=pks).values("submission__cycle_id")
    spd = RegionAnswer.objects.filter(cycle_id__in=pks).values("cycle_id")
    levels = {
        "n": Count("pk"),
        "claimed": Sum("claimed_level"),
        "verified": Sum("verified_level"),
        "with_verified": Count("verified_level"),
        "pending": Count("pk", filter=Q(review_state=ReviewState.PENDING)),
        "rejected": Count("pk", filter=Q(review_state=ReviewState.REJECTED)),
    }
    agencies = list(
        Agency.objects.filter(region_id=cycle.region_id)
        .order_by("pk")
        .values_list("pk", "name", "short_name", "is_active")
    )
    parts = (
        cycles,
        _per_cycle(reports),
        _per_cycle(answers.annotate(**levels)),
        _per_cycle(spd.annotate(versions=Sum("version"), **levels)),
        agencies,
        cycle.region.name,
        unreviewed_policy(),
    )
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def key(cycle: Cycle, version: str) -> str:
    language = translation.get_language() or ""
    today = timezone.localdate().isoformat()
    return f"{PREFIX}:{_generation}:{cycle.pk}:{language}:{today}:{version}"


def get_or_render(cycle: Cycle, render) -> dict[str, str]:
    """The cached parts of this cycle's dashboard, or `render()`'s, stored for the next reader."""
    name = key(cycle, data_version(cycle))  # before any data is read: see the module docstring
    parts = cache.get(name)
    if parts is None:
        parts = render()
        cache.set(name, parts, TIMEOUT)
    return parts
