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

Speed. The region dashboard calls this on the first read after every change, for up to ~900
innovations (~14,000 stakes), so: the SID candidates are plain ints indexing per-edition score
tables (cached on the edition, like the engine's); the stakes are ordered by an exact integer key
over a common denominator instead of by Fraction; and the leave-one-out gains are integer updates
of the exact state, checked against the engine's score of the whole plan, so the region is scored
twice (as it is, and with the plan) rather than once more per change. Building the `Stake`
objects is most of what remains (bench/advisor.py).
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


# --- per-edition tables -----------------------------------------------------------------------


@dataclass(frozen=True)
class _RowTables:
    """Each answer row's score at levels 0–3, in hundredths, for one edition.

    The advisor looks a score up for every (innovation, SID indicator) — ~18,000 times at 900
    innovations — so, like the engine's `tables`, this is built once and cached on the edition.
    SID cells (see `advise`) index `sid_full` / `sid_step` by `4 × row index + level`.
    """

    spd: tuple[tuple[AnswerRow, tuple[int, ...]], ...]
    sid_rows: tuple[AnswerRow, ...]
    sid_codes: tuple[str, ...]
    sid_cents: tuple[tuple[int, ...], ...]
    sid_full: tuple[int, ...]  # gain from the level to level 3
    sid_step: tuple[int, ...]  # gain from the level to the next one (0 at level 3)


def _level_cents(row: AnswerRow) -> tuple[int, ...]:
    return tuple(_cents(row, level) for level in range(4))


def _row_tables(edition: Edition) -> _RowTables:
    cached = edition._cache.get("advisor_rows")
    if cached is not None:
        return cached
    t = tables(edition)
    sid_cents = tuple(_level_cents(row) for row in t.sid_rows)
    built = _RowTables(
        spd=tuple((row, _level_cents(row)) for row in t.spd_rows),
        sid_rows=t.sid_rows,
        sid_codes=tuple(row.code for row in t.sid_rows),
        sid_cents=sid_cents,
        sid_full=tuple(cents[3] - cents[level] for cents in sid_cents for level in range(4)),
        sid_step=tuple(
            cents[level + 1] - cents[level] if level < 3 else 0
            for cents in sid_cents
            for level in range(4)
        ),
    )
    edition._cache["advisor_rows"] = built
    return built


@dataclass
class _Raise:
    kind: ChangeKind
    row: AnswerRow
    level: int  # current effective level (0 for unanswered)
    innovation_id: str | None
    cents: tuple[int, ...]  # the row's score at levels 0–3, in hundredths

    @property
    def gain_full(self) -> int:
        """Hundredths gained by raising to level 3."""
        return self.cents[3] - self.cents[self.level]

    def gain_to(self, level: int) -> int:
        return self.cents[level] - self.cents[self.level]


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
    # Only the innovations a raise touches are rebuilt (and re-validated); the others are kept as
    # they are — rebuilding all 900 of a large region cost more than scoring it.
    innovations = [
        replace(inn, claimed=claimed[inn.id], verified=verified.get(inn.id, inn.verified))
        if inn.id in claimed
        else inn
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
    rows = _row_tables(edition)
    current = score(edition, region, view, unreviewed)
    template = dict(new_innovation_levels or {row.code: 2 for row in t.sid_rows})
    template_cents = sum(_cents(row, template.get(row.code)) for row in t.sid_rows)
    max_total = t.max_total
    innovations = region.innovations

    # --- candidates ---------------------------------------------------------------------------
    spd_levels = effective_levels(region.spd_levels, region.spd_verified, view, unreviewed)
    spd_raises = [
        _Raise("raise_spd", row, spd_levels.get(row.code) or 0, None, cents)
        for row, cents in rows.spd
    ]
    spd_raises = sorted((c for c in spd_raises if c.gain_full > 0), key=lambda c: -c.gain_full)

    # SID candidates — one per (innovation, indicator) below level 3, ~14,000 at 900 innovations —
    # are plain ints rather than objects: cell = innovation index × span + kind, where
    # kind = 4 × row index + current level indexes the per-edition gain tables. Cells grow in loop
    # order (innovation, then row), so stable sorts keep the order the raises were found in;
    # `_Raise` objects are made only for the few that enter the plan.
    codes, full_of, step_of = rows.sid_codes, rows.sid_full, rows.sid_step
    width = len(codes)
    span = 4 * width
    cells: list[int] = []
    neg_full: list[int] = []
    for i, inn in enumerate(innovations):
        if view == "verified" and inn.rejected:
            continue  # a rejected innovation scores 0 whatever its levels
        get = effective_levels(inn.claimed, inn.verified, view, unreviewed).get
        first = i * span
        for r, code in enumerate(codes):
            kind = 4 * r + (get(code) or 0)
            full = full_of[kind]
            if full > 0:
                cells.append(first + kind)
                neg_full.append(-full)
    by_full = sorted(range(len(cells)), key=neg_full.__getitem__)  # largest gain first, stable
    sid_cells = [cells[p] for p in by_full]
    sid_full = [-neg_full[p] for p in by_full]

    def sid_raise(cell: int) -> _Raise:
        i, kind = divmod(cell, span)
        r, level = divmod(kind, 4)
        return _Raise("raise_sid", rows.sid_rows[r], level, innovations[i].id, rows.sid_cents[r])

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

    def state(
        added: int, covered_gate: bool, spd_gain: int = 0, sid_gain: int = 0
    ) -> tuple[int, int]:
        """(numerator N over 100·den, den) with `added` template innovations and raises worth
        `spd_gain` (SPD) and `sid_gain` (Σ maturities) hundredths."""
        n2 = n + added
        den = max(t.divisor_min, n2)
        gate = current.count_gate_met or covered_gate
        count = t.count_points * min(n2, t.count_cap) if gate else 0
        numerator = (spd_now + spd_gain + count) * den + maturity_now + sid_gain
        return numerator + added * template_cents, den

    def iid_of(numerator: int, den: int) -> Fraction:
        return Fraction(numerator * 100, den * max_total)

    # --- stakes -------------------------------------------------------------------------------
    # Every stake's gain is 100·W / scale for an integer W over one common denominator (the
    # divisor now × the divisor with one more innovation × max total), so the stakes are ordered
    # by W — exactly the order of their Fractions, without ~14,000 Fraction comparisons — and each
    # distinct W is turned into a Fraction and a Decimal once.
    base_n, base_den = state(0, False)
    add_n, add_den = state(1, False)
    scale = base_den * add_den * max_total
    weights = [c.gain_to(c.level + 1) * base_den * add_den for c in spd_raises]
    weights += [step_of[cell % span] * add_den for cell in sid_cells]
    weights.append(add_n * base_den - base_n * add_den)
    if missing_basic and t.gate_min and not current.count_gate_met:
        cover_n, _ = state(1, needed_cover == 1)  # its divisor is add_den: also n + 1
        weights.append(cover_n * base_den - base_n * add_den)
    # the order before sorting is SPD, SID, one more innovation, an urusan (as the stakes are
    # listed); the sort is stable, so equal gains keep it
    neg_weights = [-w for w in weights]
    order = sorted(range(len(weights)), key=neg_weights.__getitem__)

    gains: dict[int, tuple[Fraction, Decimal]] = {}

    def gain_of(w: int) -> tuple[Fraction, Decimal]:
        known = gains.get(w)
        if known is None:
            exact = Fraction(100 * w, scale)
            known = gains[w] = (exact, _points(exact))
        return known

    # What an SID stake needs depends only on its row and level ("kind", cell mod span), so it is
    # looked up once per kind rather than worked out for each of the ~14,000 stakes.
    kinds = [
        (codes[kind // 4], kind % 4, step_of[kind] * add_den, *gain_of(step_of[kind] * add_den))
        for kind in range(span)
    ]
    ids = [inn.id for inn in innovations]
    n_spd, n_sid = len(spd_raises), len(sid_cells)
    stakes: list[Stake] = []
    append = stakes.append
    by_indicator: dict[str, int] = {}  # Σ W per SID indicator, in order of first appearance
    for p in order:
        if n_spd <= p < n_spd + n_sid:
            i, kind = divmod(sid_cells[p - n_spd], span)
            code, level, w, exact, points = kinds[kind]
            append(Stake("raise_sid", points, exact, ids[i], code, level, level + 1))
            by_indicator[code] = by_indicator.get(code, 0) + w
            continue
        exact, points = gain_of(weights[p])
        if p < n_spd:
            c = spd_raises[p]
            append(Stake("raise_spd", points, exact, None, c.row.code, c.level, c.level + 1))
        elif p == n_spd + n_sid:
            append(Stake("add_innovation", points, exact))
        else:
            append(Stake("cover_urusan", points, exact, urusan=missing_basic[0]))
    indicator_totals = tuple(
        sorted(
            (
                (code, edition.indicator(code).name, _points(Fraction(100 * w, scale)))
                for code, w in by_indicator.items()
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

    spd_full = [c.gain_full for c in spd_raises]

    def shortest(gap: int, den: int) -> list[tuple[bool, int]] | None:
        """The largest raises, in order, until they cover `gap`: (is SPD, index) pairs into
        spd_raises / sid_cells (both sorted by full gain, so this merges the two)."""
        chosen: list[tuple[bool, int]] = []
        i = j = 0
        while gap > 0:
            spd_value = spd_full[i] * den if i < n_spd else -1
            sid_value = sid_full[j] if j < n_sid else -1
            if spd_value < 0 and sid_value < 0:
                return None
            if spd_value >= sid_value:
                chosen.append((True, i))
                gap -= spd_value
                i += 1
            else:
                chosen.append((False, j))
                gap -= sid_value
                j += 1
        return chosen

    best: tuple[int, int, bool, list[tuple[bool, int]]] | None = None
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
            picks = shortest(needed(den) - numerator, den)
            if picks is None:
                continue
            total_changes = added + len(picks)
            if best is None or total_changes < best[0]:
                best = (total_changes, added, cover, picks)

    if best is None:  # unreachable: propose everything that gains, and say so
        plan_raises = [*spd_raises, *map(sid_raise, sid_cells)]
        added, cover = 0, False
        reaches = False
    else:
        _, added, cover, picks = best
        plan_raises = [spd_raises[k] if is_spd else sid_raise(sid_cells[k]) for is_spd, k in picks]
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

    # the plan's exact state, and each change's state without it (for the leave-one-out gains)
    spd_gain = sum(c.gain_to(targets[id(c)]) for c in plan_raises if c.kind == "raise_spd")
    sid_gain = sum(c.gain_to(targets[id(c)]) for c in plan_raises if c.kind == "raise_sid")
    changes: list[Change] = []
    without: list[tuple[int, int]] = []
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
        without.append(state(added - 1, False, spd_gain, sid_gain))  # the gate is lost
    for _ in range(added - len(cover_names)):
        changes.append(Change("add_innovation", "Tambahkan satu inovasi baru", levels=template))
        without.append(state(added - 1, cover, spd_gain, sid_gain))
    names = {inn.id: inn.name or inn.id for inn in innovations}
    for c in plan_raises:
        level = targets[id(c)]
        if c.kind == "raise_spd":
            text = f"Naikkan indikator SPD {c.row.code} ({c.row.name}) ke tingkat {level}"
            without.append(state(added, cover, spd_gain - c.gain_to(level), sid_gain))
        else:
            text = (
                f"Naikkan indikator {c.row.code} ({c.row.name}) pada inovasi "
                f"{names[c.innovation_id]} ke tingkat {level}"
            )
            without.append(state(added, cover, spd_gain, sid_gain - c.gain_to(level)))
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

    # Verify with the engine, then measure each change's leave-one-out gain. The changes are
    # additive in the exact state, so leaving one out is the integer update computed above rather
    # than another score of the whole region per change. That model is checked against the
    # engine's score of the whole plan; should they ever differ (innovations sharing an id, which
    # apply_changes raises together), every leave-one-out is re-scored by the engine instead.
    projected = score(edition, apply_changes(region, changes, view), view, unreviewed)
    projected_exact = projected.iid_exact
    model_holds = (
        len(names) == len(innovations)
        and iid_of(*state(added, cover, spd_gain, sid_gain)) == projected_exact
    )
    with_gains = []
    for index, change in enumerate(changes):
        if model_holds:
            gain = projected_exact - iid_of(*without[index])
        else:
            others = changes[:index] + changes[index + 1 :]
            rescored = score(edition, apply_changes(region, others, view), view, unreviewed)
            gain = projected_exact - rescored.iid_exact
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
