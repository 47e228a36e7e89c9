"""The predicate-path advisor: what is at stake, and the fewest changes to the next predicate.

Model. A change is one of
  * raise SID indicator X of innovation Y to level L (one change, whatever the jump),
  * raise SPD row Z to level L,
  * add an innovation (a template innovation, by default every SID indicator at level 2),
  * cover another basic-services urusan (add a template innovation serving that urusan).

With the number of added innovations fixed, MAX(D, n) is fixed and raises are independent and
additive, so the r changes that gain most are the r largest raises, each taken to level 3. The
search therefore tries every number of added innovations (0 … up to the count-score cap), with and
without the covering innovations the basic-services gate still needs, takes the shortest list that
reaches the next band (exactly, in integer arithmetic, with the engine's ROUND_HALF_UP rule), and
finally lowers each raise to the lowest level that still reaches the band. Adding innovations is
judged exactly too: below D it costs nothing; from D on, a weaker-than-average innovation lowers the
average maturity and may still pay through the count score.

The plan is verified by re-scoring it with the engine (`Advice.projected`); each change's `gain` is
what the plan would lose without it (leave-one-out, in IID points).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from .engine import (
    InnovationInput,
    RegionInput,
    RegionResult,
    Unreviewed,
    View,
    effective_levels,
    score,
    tables,
)
from .spec import AnswerRow, Edition

ChangeKind = Literal["raise_sid", "raise_spd", "add_innovation", "cover_urusan"]
FOUR_PLACES = Decimal("0.0001")


def _points(value: Fraction) -> Decimal:
    """A Fraction of IID points as a 4-decimal Decimal for display."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        FOUR_PLACES, rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    description: str
    gain: Decimal = Decimal(0)  # IID points the plan would lose without this change
    innovation_id: str | None = None
    indicator_code: str | None = None
    from_level: int | None = None
    to_level: int | None = None
    urusan: str | None = None
    levels: Mapping[str, int] | None = None  # levels of an added innovation


@dataclass(frozen=True)
class Stake:
    """IID points gained by one step: an indicator to its next level, or one more innovation."""

    kind: ChangeKind
    gain: Decimal
    gain_exact: Fraction
    innovation_id: str | None = None
    indicator_code: str | None = None
    level: int | None = None
    next_level: int | None = None
    urusan: str | None = None


@dataclass(frozen=True)
class Advice:
    view: View
    current: RegionResult
    next_predicate: str | None  # None when already in the top band
    target_iid: Decimal | None
    stakes: tuple[Stake, ...]  # ordered by gain, largest first
    by_indicator: tuple[tuple[str, str, Decimal], ...]  # (code, name, Σ next-level gains)
    plan: tuple[Change, ...]  # ordered by gain, largest first
    reaches_target: bool
    projected: RegionResult | None  # the engine's score of the region with the plan applied
    new_innovation_levels: Mapping[str, int] = field(default_factory=dict)


@dataclass
class _Raise:
    kind: ChangeKind
    row: AnswerRow
    level: int  # current effective level (0 for unanswered)
    innovation_id: str | None
    gain_full: int  # hundredths, to level 3

    def gain_to(self, level: int) -> int:
        return _cents(self.row, level) - _cents(self.row, self.level)


def _cents(row: AnswerRow, level: int | None) -> int:
    return int(row.score_of(level) * 100)


def apply_changes(
    region: RegionInput, changes: Sequence[Change], view: View = "claimed"
) -> RegionInput:
    """The region with the changes made. In the verified view a raise sets both the claimed and
    the verified level (the operator claims it with evidence and the reviewer accepts it)."""
    verified_view = view == "verified"
    spd = dict(region.spd_levels)
    spd_verified = dict(region.spd_verified) if region.spd_verified is not None else None
    by_id = {inn.id: inn for inn in region.innovations}
    claimed: dict[str, dict] = {}
    verified: dict[str, dict] = {}
    added: list[InnovationInput] = []
    for change in changes:
        if change.kind == "raise_spd":
            spd[change.indicator_code] = change.to_level
            if verified_view:
                spd_verified = spd_verified if spd_verified is not None else {}
                spd_verified[change.indicator_code] = change.to_level
        elif change.kind == "raise_sid":
            inn = by_id[change.innovation_id]
            claimed.setdefault(inn.id, dict(inn.claimed))[change.indicator_code] = change.to_level
            if verified_view:
                verified.setdefault(inn.id, dict(inn.verified or {}))[change.indicator_code] = (
                    change.to_level
                )
        else:
            levels = dict(change.levels or {})
            number = len(added) + 1
            added.append(
                InnovationInput(
                    id=f"baru-{number}",
                    name=f"Inovasi baru {number}",
                    claimed=levels,
                    verified=dict(levels) if verified_view else None,
                    urusan=frozenset([change.urusan]) if change.urusan else frozenset(),
                )
            )
    innovations = [
        replace(
            inn,
            claimed=claimed.get(inn.id, inn.claimed),
            verified=verified.get(inn.id, inn.verified),
        )
        for inn in region.innovations
    ]
    return RegionInput(
        innovations=[*innovations, *added],
        spd_levels=spd,
        spd_verified=spd_verified,
        name=region.name,
    )


def advise(
    edition: Edition,
    region: RegionInput,
    view: View = "verified",
    unreviewed: Unreviewed = "claimed",
    new_innovation_levels: Mapping[str, int] | None = None,
) -> Advice:
    """Points at stake per indicator and the shortest plan to the next predicate."""
    t = tables(edition)
    current = score(edition, region, view, unreviewed)
    template = dict(new_innovation_levels or {row.code: 2 for row in t.sid_rows})
    template_cents = sum(_cents(row, template.get(row.code)) for row in t.sid_rows)
    max_total = t.max_total

    # --- candidates ---------------------------------------------------------------------------
    spd_levels = effective_levels(region.spd_levels, region.spd_verified, view, unreviewed)
    spd_raises = [
        _Raise("raise_spd", row, spd_levels.get(row.code) or 0, None, 0) for row in t.spd_rows
    ]
    sid_raises: list[_Raise] = []
    for inn in region.innovations:
        if view == "verified" and inn.rejected:
            continue  # a rejected innovation scores 0 whatever its levels
        levels = effective_levels(inn.claimed, inn.verified, view, unreviewed)
        for row in t.sid_rows:
            sid_raises.append(_Raise("raise_sid", row, levels.get(row.code) or 0, inn.id, 0))
    for candidate in (*spd_raises, *sid_raises):
        candidate.gain_full = candidate.gain_to(3)
    spd_raises = sorted((c for c in spd_raises if c.gain_full > 0), key=lambda c: -c.gain_full)
    sid_raises = sorted((c for c in sid_raises if c.gain_full > 0), key=lambda c: -c.gain_full)

    # --- exact state, in hundredths -------------------------------------------------------------
    spd_now = int(current.spd * 100)
    maturity_now = int(current.maturity_sum * 100)
    n = current.n
    missing_basic = [
        name
        for name in edition.count_rule.basic_services_urusan
        if name not in current.basic_services_covered
    ]
    needed_cover = max(0, t.gate_min - len(current.basic_services_covered)) if t.gate_min else 0

    def state(added: int, covered_gate: bool) -> tuple[int, int]:
        """(numerator N over 100·den, den) with `added` template innovations."""
        n2 = n + added
        den = max(t.divisor_min, n2)
        gate = current.count_gate_met or covered_gate
        count = t.count_points * min(n2, t.count_cap) if gate else 0
        return (spd_now + count) * den + maturity_now + added * template_cents, den

    def iid_of(numerator: int, den: int) -> Fraction:
        return Fraction(numerator * 100, den * max_total)

    # --- stakes -------------------------------------------------------------------------------
    base_n, base_den = state(0, False)
    stakes: list[Stake] = []
    for c in (*spd_raises, *sid_raises):
        nxt = c.level + 1
        delta = c.gain_to(nxt) * (base_den if c.kind == "raise_spd" else 1)
        exact = iid_of(delta, base_den)
        stakes.append(
            Stake(c.kind, _points(exact), exact, c.innovation_id, c.row.code, c.level, nxt)
        )
    add_n, add_den = state(1, False)
    add_gain = iid_of(add_n, add_den) - iid_of(base_n, base_den)
    stakes.append(Stake("add_innovation", _points(add_gain), add_gain))
    if missing_basic and t.gate_min and not current.count_gate_met:
        cover_n, cover_den = state(1, needed_cover == 1)
        cover_gain = iid_of(cover_n, cover_den) - iid_of(base_n, base_den)
        stakes.append(
            Stake("cover_urusan", _points(cover_gain), cover_gain, urusan=missing_basic[0])
        )
    stakes.sort(key=lambda s: -s.gain_exact)
    by_indicator: dict[str, Fraction] = {}
    for s in stakes:
        if s.kind == "raise_sid":
            by_indicator[s.indicator_code] = by_indicator.get(s.indicator_code, 0) + s.gain_exact
    indicator_totals = tuple(
        sorted(
            (
                (code, edition.indicator(code).name, _points(Fraction(g)))
                for code, g in by_indicator.items()
            ),
            key=lambda x: -x[2],
        )
    )

    # --- target ---------------------------------------------------------------------------------
    iid_h = int(current.iid * 100)
    bands = sorted(edition.predicates, key=lambda p: p.min)
    higher = [b for b in bands if int(b.min * 100) > iid_h]
    if not higher:
        return Advice(
            view, current, None, None, tuple(stakes), indicator_totals, (), True, current, template
        )
    target = higher[0]
    target_h = int(target.min * 100)

    def needed(den: int) -> int:
        """Smallest numerator N (over 100·den) whose rounded IID reaches the target band."""
        q = den * max_total
        # round_half_up(N·10⁴ / q) ≥ T  ⇔  2·N·10⁴ + q ≥ 2·q·T
        return -(-(2 * q * target_h - q) // (2 * 10_000))

    def shortest(gap: int, den: int) -> list[_Raise] | None:
        chosen: list[_Raise] = []
        i = j = 0
        while gap > 0:
            spd_value = spd_raises[i].gain_full * den if i < len(spd_raises) else -1
            sid_value = sid_raises[j].gain_full if j < len(sid_raises) else -1
            if spd_value < 0 and sid_value < 0:
                return None
            if spd_value >= sid_value:
                chosen.append(spd_raises[i])
                gap -= spd_value
                i += 1
            else:
                chosen.append(sid_raises[j])
                gap -= sid_value
                j += 1
        return chosen

    best: tuple[int, int, bool, list[_Raise]] | None = None  # (changes, added, cover, raises)
    max_added = max(0, max(t.count_cap, t.divisor_min) - n) + (needed_cover or 0)
    cover_options = [False] + (
        [True] if needed_cover and needed_cover <= len(missing_basic) else []
    )
    for added in range(0, max_added + 1):
        if best is not None and added >= best[0]:
            break
        for cover in cover_options:
            if cover and added < needed_cover:
                continue
            numerator, den = state(added, cover)
            raises = shortest(needed(den) - numerator, den)
            if raises is None:
                continue
            total_changes = added + len(raises)
            if best is None or total_changes < best[0]:
                best = (total_changes, added, cover, raises)

    if best is None:  # unreachable: propose everything that gains, and say so
        plan_raises = [*spd_raises, *sid_raises]
        added, cover = 0, False
        reaches = False
    else:
        _, added, cover, plan_raises = best
        reaches = True

    # lower each raise to the lowest level that still reaches the band
    targets = {id(c): 3 for c in plan_raises}
    if reaches:
        numerator, den = state(added, cover)
        need = needed(den) - numerator

        def worth(c: _Raise, level: int) -> int:
            return c.gain_to(level) * (den if c.kind == "raise_spd" else 1)

        surplus = sum(worth(c, 3) for c in plan_raises) - need
        for c in sorted(plan_raises, key=lambda c: c.gain_full):
            for level in range(c.level + 1, 3):
                loss = worth(c, 3) - worth(c, level)
                if loss <= surplus:
                    surplus -= loss
                    targets[id(c)] = level
                    break

    changes: list[Change] = []
    cover_names = missing_basic[:needed_cover] if cover else []
    for name in cover_names:
        changes.append(
            Change(
                "cover_urusan",
                f"Tambahkan inovasi baru pada urusan {name} (urusan wajib pelayanan dasar)",
                urusan=name,
                levels=template,
            )
        )
    for _ in range(added - len(cover_names)):
        changes.append(Change("add_innovation", "Tambahkan satu inovasi baru", levels=template))
    names = {inn.id: inn.name or inn.id for inn in region.innovations}
    for c in plan_raises:
        level = targets[id(c)]
        if c.kind == "raise_spd":
            text = f"Naikkan indikator SPD {c.row.code} ({c.row.name}) ke tingkat {level}"
        else:
            text = (
                f"Naikkan indikator {c.row.code} ({c.row.name}) pada inovasi "
                f"{names[c.innovation_id]} ke tingkat {level}"
            )
        changes.append(
            Change(
                c.kind,
                text,
                innovation_id=c.innovation_id,
                indicator_code=c.row.code,
                from_level=c.level,
                to_level=level,
            )
        )

    # verify with the engine and measure each change's leave-one-out gain
    projected = score(edition, apply_changes(region, changes, view), view, unreviewed)
    with_gains = []
    for index, change in enumerate(changes):
        others = changes[:index] + changes[index + 1 :]
        without = score(edition, apply_changes(region, others, view), view, unreviewed)
        gain = projected.iid_exact - without.iid_exact
        with_gains.append(replace(change, gain=_points(gain)))
    with_gains.sort(key=lambda c: -c.gain)
    return Advice(
        view=view,
        current=current,
        next_predicate=target.label,
        target_iid=target.min,
        stakes=tuple(stakes),
        by_indicator=indicator_totals,
        plan=tuple(with_gains),
        reaches_target=reaches and projected.iid >= target.min,
        projected=projected,
        new_innovation_levels=template,
    )
