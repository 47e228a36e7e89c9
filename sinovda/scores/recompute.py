"""Every Pemda's verified result for one edition year, from the database, in five queries.

`bridge.cycle_scores` scores one cycle with three queries; a national recompute that way would be
3 × 546 queries. Here the same rows are read once for the whole year: the year's cycles, its
edition, the reported submissions, their SPD answers, and one streamed fetch of every answer of those
submissions ordered by cycle, so each cycle is scored as soon as its last answer has arrived and
only one cycle's answers are held at a time. Inputs are built exactly as `bridge.region_input`
builds them (tests/web/test_nation.py compares the two), so the IID is the same to the last digit.
"""

import gc
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import itemgetter

from django.db.models import TextField
from django.db.models.functions import Cast

from sinovda import methodology
from sinovda.cycles.models import Cycle
from sinovda.editions.models import Edition
from sinovda.innovations.models import (
    REPORTED_STATES,
    Answer,
    RegionAnswer,
    ReviewState,
    State,
    Submission,
)

from .bridge import unreviewed_policy

# Rows per round trip of the streamed answer fetch (a server-side cursor on PostgreSQL).
CHUNK_SIZE = 20_000
PENDING = ReviewState.PENDING.value
REJECTED = State.REJECTED.value
NO_AFFAIRS = "[]"


@dataclass(frozen=True)
class RegionResultSummary:
    """One Pemda's verified result for the year, as the engine gives it (only the IID rounded)."""

    region_id: int
    cycle_id: int
    edition_id: int
    iid: Decimal
    predicate: str
    spd: Decimal
    sid: Decimal
    n: int


def answer_rows(cycle_ids):
    """The streamed fetch: (submission id, indicator, claimed, verified, review state) of every
    answer of the cycles' reported submissions, ordered by cycle, then submission.

    The benchmark iterates this same query without scoring anything (bench/recompute.py)."""
    return (
        Answer.objects.filter(
            submission__cycle_id__in=cycle_ids, submission__state__in=REPORTED_STATES
        )
        .order_by("submission__cycle_id", "submission_id")
        .values_list(
            "submission_id", "indicator_code", "claimed_level", "verified_level", "review_state"
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )


def recompute_year(year: int, regions=None) -> dict[int, RegionResultSummary]:
    """region_id -> the verified result of the region's cycle in that edition year, for every cycle
    of the year (optionally only some regions' cycles). Five queries whatever the number of Pemda.

    The engine gets what `bridge.region_input` gives it, except the innovations' names (they only
    label warnings, which a summary does not carry)."""
    # A national recompute makes ~100,000 small dicts, tuples and frozensets that all live until
    # the end and hold no cycles: the cyclic garbage collector would scan them again and again for
    # nothing (a quarter of the time, measured). Reference counting still frees what is dropped.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _recompute_year(year, regions)
    finally:
        if enabled:
            gc.enable()


def _recompute_year(year, regions):
    cycles = Cycle.objects.filter(edition__year=year)
    if regions is not None:
        cycles = cycles.filter(region__in=regions)
    # cycle id -> (region id, edition id). The edition (one per year) is read once, not once per
    # cycle: its document is large, and decoding it 546 times took a second.
    cycles = {pk: (r, e) for pk, r, e in cycles.values_list("pk", "region_id", "edition_id")}
    if not cycles:
        return {}
    ids = list(cycles)
    specs = {
        e.pk: e.spec() for e in Edition.objects.filter(pk__in={e for _r, e in cycles.values()})
    }
    policy = unreviewed_policy()

    # Urusan irisan as JSON text, decoded only when there are some (most reports have none).
    submissions = defaultdict(list)  # cycle id -> [(id, rejected, urusan)]
    cycle_of = {}  # submission id -> cycle id
    for pk, cycle_id, state, main, others in (
        Submission.objects.filter(cycle_id__in=ids, state__in=REPORTED_STATES)
        .annotate(others=Cast("other_affairs", TextField()))
        .order_by()
        .values_list("pk", "cycle_id", "state", "main_affair", "others")
    ):
        affairs = (main, *json.loads(others)) if others and others != NO_AFFAIRS else (main,)
        submissions[cycle_id].append((pk, state == REJECTED, frozenset(filter(None, affairs))))
        cycle_of[pk] = cycle_id

    spd = defaultdict(lambda: ({}, {}))  # cycle id -> (claimed, verified)
    for cycle_id, code, claim, proof, state in (
        RegionAnswer.objects.filter(cycle_id__in=ids)
        .order_by()
        .values_list("cycle_id", "row_code", "claimed_level", "verified_level", "review_state")
    ):
        claimed, verified = spd[cycle_id]
        claimed[code] = claim
        if state != PENDING:
            verified[code] = proof

    results = {}

    def finish(cycle_id, levels):
        region_id, edition_id = cycles.pop(cycle_id)
        innovations = []
        for pk, rejected, urusan in submissions.get(cycle_id, ()):
            claimed, verified = levels.get(pk) or ({}, {})
            innovations.append(
                methodology.InnovationInput(
                    id=str(pk), claimed=claimed, verified=verified, urusan=urusan, rejected=rejected
                )
            )
        spd_claimed, spd_verified = spd.get(cycle_id) or ({}, {})
        region = methodology.RegionInput(
            innovations=innovations, spd_levels=spd_claimed, spd_verified=spd_verified
        )
        result = methodology.score(specs[edition_id], region, "verified", policy)
        results[region_id] = RegionResultSummary(
            region_id=region_id,
            cycle_id=cycle_id,
            edition_id=edition_id,
            iid=result.iid,
            predicate=result.predicate,
            spd=result.spd,
            sid=result.sid,
            n=result.n,
        )

    # One group of rows per submission; a cycle is scored when the next one starts. Columns are
    # split with zip (C speed) rather than row by row.
    current, levels = None, {}
    for submission_id, group in groupby(answer_rows(ids), key=_SUBMISSION):
        cycle_id = cycle_of.get(submission_id)
        if cycle_id is None:
            continue  # became reported between the two reads: scored with the next recompute
        if cycle_id != current:
            if current is not None:
                finish(current, levels)
            current, levels = cycle_id, {}
        _ids, codes, claims, proofs, states = zip(*group, strict=True)
        if PENDING in states:
            verified = {c: p for c, p, s in zip(codes, proofs, states, strict=True) if s != PENDING}
        else:
            verified = dict(zip(codes, proofs, strict=True))
        levels[submission_id] = (dict(zip(codes, claims, strict=True)), verified)
    if current is not None:
        finish(current, levels)
    for cycle_id in list(cycles):  # cycles without any answer
        finish(cycle_id, {})
    return results


_SUBMISSION = itemgetter(0)
