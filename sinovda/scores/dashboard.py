"""The region dashboard of one cycle: the engine's numbers, the advisor's plan, progress per OPD.

Everything comes from a fixed number of queries whatever the size of the cycle:

    1 annotated query   OPDs of the region with their submissions of this cycle counted per state
    3 queries           bridge.region_input: reported submissions (with OPD and public id), answers,
                        SPD answers
    1 query             the region's most recent earlier cycle (year-over-year)
    3 queries           region_input of that earlier cycle, when there is one

The engine runs twice (claimed view; advisor on the verified view, whose `Advice.current` *is* the
verified result, so the verified view is not scored a second time). The advisor is the costly part
(~0.2 s for 900 innovations), so its result is memoised in-process keyed by the exact input: the
edition row (pk, updated_at), the unreviewed-answers policy and every level, name, urusan and
rejection of the region input. Any change to the data gives a different key; the memo only saves
recomputing the same answer for the next reader.
"""

from __future__ import annotations

import datetime
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from sinovda import methodology
from sinovda.cycles.models import Cycle
from sinovda.innovations import affairs
from sinovda.innovations.models import REPORTED_STATES, State, Submission
from sinovda.regions.models import Agency

from . import dashboard_cache
from .bridge import region_input, unreviewed_policy

TWO_PLACES = Decimal("0.01")
TOP_CHANGES = 10
TOP_INDICATORS = 10
TOP_AGENCIES = 10
STATE_ORDER = [
    State.DRAFT,
    State.SUBMITTED,
    State.RETURNED,
    State.VERIFIED,
    State.REJECTED,
    State.WITHDRAWN,
]


# --- the memo ---------------------------------------------------------------------------------

_MEMO_SIZE = 16
_memo: OrderedDict = OrderedDict()
_memo_lock = threading.Lock()


def _levels_key(levels):
    return None if levels is None else tuple(levels.items())


def input_key(region: methodology.RegionInput) -> tuple:
    """Everything the engine reads from a region input, as a hashable value (exact, no digest)."""
    return (
        tuple(
            (
                i.id,
                i.name,
                i.rejected,
                tuple(sorted(i.urusan)),
                tuple(i.claimed.items()),
                _levels_key(i.verified),
            )
            for i in region.innovations
        ),
        _levels_key(region.spd_levels),
        _levels_key(region.spd_verified),
        region.name,
    )


def scored(edition_row, spec, region, policy):
    """(claimed RegionResult, verified Advice), memoised on the exact input."""
    key = (edition_row.pk, edition_row.updated_at, policy, input_key(region))
    with _memo_lock:
        hit = _memo.get(key)
        if hit is not None:
            _memo.move_to_end(key)
            return hit
    claimed = methodology.score(spec, region, "claimed", policy)
    advice = methodology.advise(spec, region, "verified", policy)
    value = (claimed, advice)
    with _memo_lock:
        _memo[key] = value
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return value


def clear_memo() -> None:
    """Forget every dashboard computed by this process: the engine's memo and the rendered parts
    in the cache (tests and the benchmark measure the first reader after a change)."""
    with _memo_lock:
        _memo.clear()
    dashboard_cache.forget()


# --- the data shown ---------------------------------------------------------------------------


def _two(value) -> Decimal:
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _attr(value) -> str:
    """A number for an HTML attribute (never localised: "12.50", not "12,50")."""
    return f"{_two(value):.2f}"


@dataclass(frozen=True)
class Gap:
    """The distance from an IID to the next predicate band."""

    next_predicate: str | None  # None: already in the top band
    target: Decimal | None
    points: Decimal | None


def gap_to_next(spec: methodology.Edition, iid: Decimal) -> Gap:
    bands = sorted(spec.predicates, key=lambda p: p.min)
    higher = [b for b in bands if b.min > iid]
    if not higher:
        return Gap(None, None, None)
    target = higher[0]
    return Gap(target.label, target.min, _two(target.min - iid))


@dataclass(frozen=True)
class Bar:
    """One line of the chart: a score out of a maximum, in both views."""

    code: str
    name: str
    claimed: Decimal
    verified: Decimal
    max: Decimal
    level: str  # "aspect" | "variable" | "count"

    @property
    def claimed_attr(self) -> str:
        return _attr(self.claimed)

    @property
    def verified_attr(self) -> str:
        return _attr(self.verified)

    @property
    def max_attr(self) -> str:
        return _attr(self.max)


@dataclass
class AgencyRow:
    pk: int
    name: str
    short_name: str
    is_active: bool
    counts: dict[str, int]
    reported: int = 0
    claimed_sum: Decimal = Decimal(0)
    verified_sum: Decimal = Decimal(0)
    rank_reported: int | None = None
    rank_maturity: int | None = None

    @property
    def state_counts(self) -> list[tuple[str, int]]:
        """(state label, count) in STATE_ORDER."""
        return [(State(s).label, self.counts[s]) for s in STATE_ORDER]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def avg_claimed(self) -> Decimal | None:
        return _two(self.claimed_sum / self.reported) if self.reported else None

    @property
    def avg_verified(self) -> Decimal | None:
        return _two(self.verified_sum / self.reported) if self.reported else None


@dataclass(frozen=True)
class Coverage:
    urusan: str
    claimed: int  # reported innovations serving it
    verified: int  # of which not rejected (what the verified view counts)


@dataclass(frozen=True)
class PlanRow:
    kind: str
    gain: Decimal
    innovation_id: str | None
    innovation_name: str | None
    public_id: str | None
    indicator_code: str | None
    indicator_name: str | None
    from_level: int | None
    to_level: int | None
    urusan: str | None


@dataclass(frozen=True)
class Previous:
    year: int
    iid: Decimal
    predicate: str
    change: Decimal


@dataclass(frozen=True)
class Deadline:
    phase: str
    days_to_open: int
    days_to_submit: int
    days_to_review: int


@dataclass
class Dashboard:
    cycle: Cycle
    spec: methodology.Edition
    policy: str
    claimed: methodology.RegionResult
    verified: methodology.RegionResult
    advice: methodology.Advice
    gap_claimed: Gap
    gap_verified: Gap
    bars: list[Bar]
    pending_answers: int
    plan: list[PlanRow]
    plan_total: int
    by_indicator: list[tuple[str, str, Decimal]]
    add_innovation_gain: Decimal | None
    agencies: list[AgencyRow]
    top_reported: list[AgencyRow]
    top_maturity: list[AgencyRow]
    totals: list[tuple[str, int]]  # (state label, submissions), in STATE_ORDER
    coverage: list[Coverage]
    gate_applies: bool
    gate_required: int
    gate_listed_by_edition: bool
    covered_claimed: int
    covered_verified: int
    deadline: Deadline
    previous: Previous | None
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (name, public_id)


def _bars(spec, claimed, verified) -> list[Bar]:
    bars: list[Bar] = []
    for ca, va in zip(claimed.breakdown, verified.breakdown, strict=True):
        bars.append(Bar(ca.code, ca.name, ca.score, va.score, ca.max_score, "aspect"))
        for cv, vv in zip(ca.variables, va.variables, strict=True):
            bars.append(Bar(cv.code, cv.name, cv.score, vv.score, cv.max_score, "variable"))
    bars.append(
        Bar(
            "count",
            "",
            claimed.count_score,
            verified.count_score,
            spec.count_rule.max_score,
            "count",
        )
    )
    return bars


def _agencies(cycle, reported, claimed, verified) -> list[AgencyRow]:
    in_cycle = Q(innovations__submissions__cycle=cycle)
    counts = {
        state.value: Count(
            "innovations__submissions",
            filter=in_cycle & Q(innovations__submissions__state=state),
        )
        for state in STATE_ORDER
    }
    rows = {
        a["pk"]: AgencyRow(
            a["pk"],
            a["name"],
            a["short_name"],
            a["is_active"],
            {s.value: a[s.value] for s in STATE_ORDER},
        )
        for a in Agency.objects.filter(region=cycle.region)
        .annotate(**counts)
        .values("pk", "name", "short_name", "is_active", *counts)
        .order_by("short_name")
    }
    claimed_by_id = {i.id: i.maturity for i in claimed.innovations}
    verified_by_id = {i.id: i.maturity for i in verified.innovations}
    for s in reported:
        row = rows.get(s["agency_id"])
        if row is None:  # an innovation of another region's OPD cannot be in this cycle
            continue
        key = str(s["pk"])
        row.reported += 1
        row.claimed_sum += claimed_by_id[key]
        row.verified_sum += verified_by_id[key]
    return [r for r in rows.values() if r.is_active or r.total]


def _rank(rows: list[AgencyRow], value, attr: str) -> list[AgencyRow]:
    """Competition ranking (1, 1, 3) of the OPDs with at least one reported innovation."""
    ranked = sorted((r for r in rows if r.reported), key=lambda r: (-value(r), r.short_name))
    previous, rank = None, 0
    for position, row in enumerate(ranked, start=1):
        if value(row) != previous:
            rank, previous = position, value(row)
        setattr(row, attr, rank)
    return ranked


def _coverage(spec, region) -> tuple[list[Coverage], bool]:
    listed = list(spec.count_rule.basic_services_urusan)
    by_edition = bool(listed)
    if not listed:
        listed = list(affairs.BASIC_SERVICES)  # the law's list (UU 23/2014 Pasal 12 ayat 1)
    rows = []
    for name in listed:
        fold = name.casefold()
        serving = [i for i in region.innovations if fold in {u.casefold() for u in i.urusan}]
        rows.append(Coverage(name, len(serving), sum(1 for i in serving if not i.rejected)))
    return rows, by_edition


def _plan(spec, advice, names) -> list[PlanRow]:
    row_names = {r.code: r.name for r in (*spec.spd_rows, *spec.sid_rows)}
    out = []
    for change in advice.plan[:TOP_CHANGES]:
        name, public_id = names.get(change.innovation_id, (None, None))
        out.append(
            PlanRow(
                change.kind,
                change.gain,
                change.innovation_id,
                name,
                public_id,
                change.indicator_code,
                row_names.get(change.indicator_code),
                change.from_level,
                change.to_level,
                change.urusan,
            )
        )
    return out


def _pending(claimed, verified) -> int:
    """Answers with a claimed level that nobody has reviewed yet."""
    verified = verified or {}
    return sum(1 for code, level in claimed.items() if level is not None and code not in verified)


def _deadline(cycle, today) -> Deadline:
    return Deadline(
        cycle.phase(today),
        (cycle.opens_on - today).days,
        (cycle.submit_deadline - today).days,
        (cycle.review_deadline - today).days,
    )


def _previous(cycle, policy, verified) -> Previous | None:
    before = (
        Cycle.objects.filter(region=cycle.region, edition__year__lt=cycle.edition.year)
        .select_related("edition", "region")
        .order_by("-edition__year")
        .first()
    )
    if before is None:
        return None
    result = methodology.score(before.edition.spec(), region_input(before), "verified", policy)
    return Previous(before.edition.year, result.iid, result.predicate, verified.iid - result.iid)


def build(cycle: Cycle, today: datetime.date | None = None) -> Dashboard:
    """Everything the dashboard shows for one cycle (fetched with select_related('edition'))."""
    today = today or timezone.localdate()
    spec = cycle.edition.spec()
    policy = unreviewed_policy()
    reported = list(
        Submission.objects.filter(cycle=cycle, state__in=REPORTED_STATES)
        .values(
            "pk",
            "name",
            "state",
            "main_affair",
            "other_affairs",
            agency_id=F("innovation__agency_id"),
            public_id=F("innovation__public_id"),
        )
        .order_by("pk")
    )
    region = region_input(cycle, reported)
    claimed, advice = scored(cycle.edition, spec, region, policy)
    verified = advice.current
    names = {str(s["pk"]): (s["name"], s["public_id"]) for s in reported}

    agencies = _agencies(cycle, reported, claimed, verified)
    top_reported = _rank(agencies, lambda r: r.reported, "rank_reported")[:TOP_AGENCIES]
    top_maturity = _rank(agencies, lambda r: r.avg_verified, "rank_maturity")[:TOP_AGENCIES]
    totals = [(State(s).label, sum(a.counts[s] for a in agencies)) for s in STATE_ORDER]

    coverage, by_edition = _coverage(spec, region)
    add_gain = next((s.gain for s in advice.stakes if s.kind == "add_innovation"), None)
    pending = _pending(region.spd_levels, region.spd_verified) + sum(
        _pending(i.claimed, i.verified) for i in region.innovations
    )
    return Dashboard(
        cycle=cycle,
        spec=spec,
        policy=policy,
        claimed=claimed,
        verified=verified,
        advice=advice,
        gap_claimed=gap_to_next(spec, claimed.iid),
        gap_verified=gap_to_next(spec, verified.iid),
        bars=_bars(spec, claimed, verified),
        pending_answers=pending,
        plan=_plan(spec, advice, names),
        plan_total=len(advice.plan),
        by_indicator=list(advice.by_indicator[:TOP_INDICATORS]),
        add_innovation_gain=add_gain,
        agencies=agencies,
        top_reported=top_reported,
        top_maturity=top_maturity,
        totals=totals,
        coverage=coverage,
        gate_applies=spec.count_rule.has_gate,
        gate_required=spec.count_rule.basic_services_min,
        gate_listed_by_edition=by_edition,
        covered_claimed=sum(1 for c in coverage if c.claimed),
        covered_verified=sum(1 for c in coverage if c.verified),
        deadline=_deadline(cycle, today),
        previous=_previous(cycle, policy, verified),
        names=names,
    )
