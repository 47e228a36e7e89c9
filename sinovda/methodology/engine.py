"""The IID scoring engine.

    SPD   = Σ SPD row scores
    SID   = Σ maturities / MAX(D, n) + count score
    Total = SPD + SID
    IID   = Total / max_total × 100, rounded to 2 decimals with ROUND_HALF_UP

Exactness: every score in an edition is a multiple of 0.01 (the loader checks it), so the engine
works in integer hundredths ("centi-points") and keeps the only division, by MAX(D, n), as an exact
fraction until the very end. The IID is rounded once, half up, from the exact value; the predicate
is looked up with the rounded IID (bands are written with 2 decimals). `sid` and `total` in the
result are Decimals with 28 significant digits (display values); `iid_exact` is the exact Fraction.

Views. "claimed" uses the levels the operators chose and ignores review outcomes. "verified" uses
the reviewers' levels: an answer with no verified level (absent or None) counts as its claimed level
(`unreviewed="claimed"`) or as 0 (`unreviewed="zero"`); a rejected innovation scores 0 but stays in
n (Kepala BSKDN on IID 2022) and does not count towards basic-services coverage.

Unanswered indicators (absent, None) and level 0 ("not proven") score 0. A mandatory indicator that
is unanswered or at 0 also scores 0 — the official consequence of an empty mandatory indicator is
not documented (iid-editions.json, 2026 validation_rules) — and is reported as a warning on the
innovation, so the region can fix it before the ministry's validators see it.

Speed. A national recompute (548 Pemda, ~40,000 innovations) must take well under a second, so
the per-innovation work is a C-level dot product of levels and integer weights; everything that is
only needed for display (per-indicator breakdown, per-innovation detail, warnings) is computed
lazily on first access.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from operator import itemgetter, mul
from typing import Any, Literal

from .spec import AnswerRow, Edition, Indicator, Predicate

View = Literal["claimed", "verified"]
Unreviewed = Literal["claimed", "zero"]
SCALE = 100  # engine unit: hundredths of a point
_VALID_LEVELS = frozenset({None, 0, 1, 2, 3})
_LEVEL_TYPES = frozenset({int, type(None)})


class InputError(ValueError):
    """Answers that cannot be scored against an edition (unknown code, level out of range)."""


def _check_levels(levels: Mapping[str, int | None], what: str) -> None:
    values = levels.values()
    if _VALID_LEVELS.issuperset(values) and _LEVEL_TYPES.issuperset(map(type, values)):
        return
    for code, level in levels.items():
        if type(level) not in _LEVEL_TYPES or level not in _VALID_LEVELS:
            raise InputError(
                f"{what}: tingkat indikator {code} harus 0–3 atau kosong, bukan {level!r}"
            )


@dataclass(frozen=True, slots=True)
class InnovationInput:
    """One reported innovation. Levels are 1–3, 0 ("not proven") or None (unanswered).

    `verified` holds the reviewers' levels; None means not reviewed at all, and a code absent from
    it (or mapped to None) is an unreviewed answer. `urusan` are the government affairs the
    innovation serves (the caller decides whether urusan irisan are included). Mappings are not
    copied: do not mutate them after construction (levels are validated here, once).
    """

    id: str
    name: str = ""
    claimed: Mapping[str, int | None] = field(default_factory=dict)
    verified: Mapping[str, int | None] | None = None
    urusan: frozenset[str] = frozenset()
    rejected: bool = False

    def __post_init__(self) -> None:
        _check_levels(self.claimed, f"Inovasi {self.id!r} (klaim)")
        if self.verified is not None:
            _check_levels(self.verified, f"Inovasi {self.id!r} (verifikasi)")
        if not isinstance(self.urusan, frozenset):
            object.__setattr__(self, "urusan", frozenset(self.urusan))


@dataclass(frozen=True, slots=True)
class RegionInput:
    """One Pemda's answers for one edition: SPD rows (keyed by row code, the sub-row code where
    an indicator has sub-rows) with claimed and verified levels, and its innovations."""

    innovations: Sequence[InnovationInput] = ()
    spd_levels: Mapping[str, int | None] = field(default_factory=dict)
    spd_verified: Mapping[str, int | None] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        _check_levels(self.spd_levels, "SPD (klaim)")
        if self.spd_verified is not None:
            _check_levels(self.spd_verified, "SPD (verifikasi)")


@dataclass(frozen=True, slots=True)
class ScoreWarning:
    kind: str  # mandatory_missing | rejected | basic_services_gate | spd_mandatory_missing
    message: str
    innovation_id: str | None = None
    indicator_code: str | None = None


# --- per-edition lookup tables ----------------------------------------------------------------


@dataclass(frozen=True)
class _Tables:
    spd_rows: tuple[AnswerRow, ...]
    spd_pair: dict[tuple[str, int | None], int]
    sid_rows: tuple[AnswerRow, ...]
    sid_pair: dict[tuple[str, int | None], int]
    sid_n: int
    sid_getter: Any
    sid_weights: tuple[int, ...] | None  # hundredths, when every score is level × weight
    divisor_min: int
    count_points: int
    count_cap: int
    gate_min: int
    basic_fold: dict[str, str]  # casefolded → official name
    max_total: int
    bands: tuple[tuple[int, int, Predicate], ...]


def _cents(value: Decimal) -> int:
    scaled = value * SCALE
    assert scaled == scaled.to_integral_value(), value
    return int(scaled)


def _pairs(rows: Iterable[AnswerRow]) -> dict[tuple[str, int | None], int]:
    table: dict[tuple[str, int | None], int] = {}
    for row in rows:
        table[(row.code, None)] = 0
        table[(row.code, 0)] = 0
        for option in row.options:
            table[(row.code, option.level)] = _cents(option.score)
    return table


def tables(edition: Edition) -> _Tables:
    cached = edition._cache.get("tables")
    if cached is not None:
        return cached
    sid_rows = edition.sid_rows
    codes = tuple(r.code for r in sid_rows)
    linear = all(o.score == o.level * r.weight for r in sid_rows for o in r.options)
    getter = itemgetter(*codes) if len(codes) > 1 else (lambda m: (m[codes[0]],))
    rule = edition.count_rule
    built = _Tables(
        spd_rows=edition.spd_rows,
        spd_pair=_pairs(edition.spd_rows),
        sid_rows=sid_rows,
        sid_pair=_pairs(sid_rows),
        sid_n=len(codes),
        sid_getter=getter,
        sid_weights=tuple(_cents(r.weight) for r in sid_rows) if linear else None,
        divisor_min=edition.divisor.minimum,
        count_points=_cents(rule.points_per_innovation),
        count_cap=rule.cap,
        gate_min=rule.basic_services_min,
        basic_fold={u.casefold(): u for u in rule.basic_services_urusan},
        max_total=_cents(edition.maxima.total),
        bands=tuple((_cents(p.min), _cents(p.max), p) for p in edition.predicates),
    )
    edition._cache["tables"] = built
    return built


# --- levels -----------------------------------------------------------------------------------


def effective_levels(
    levels: Mapping[str, int | None],
    verified: Mapping[str, int | None] | None,
    view: View,
    unreviewed: Unreviewed,
) -> Mapping[str, int | None]:
    """The levels that count in a view (before the rejected rule)."""
    if view == "claimed":
        return levels
    if verified is None:
        return levels if unreviewed == "claimed" else {}
    if unreviewed == "zero":
        return verified
    if None not in verified.values():
        return {**levels, **verified}
    merged = dict(levels)
    merged.update((code, level) for code, level in verified.items() if level is not None)
    return merged


def _sum_pairs(pair: dict, levels: Mapping[str, int | None], what: str, edition: Edition) -> int:
    total = 0
    for code, level in levels.items():
        try:
            total += pair[(code, level)]
        except (KeyError, TypeError):
            raise InputError(
                f"{what}: kode indikator {code!r} tidak dikenal di edisi {edition.year}"
            ) from None
    return total


def _maturity(t: _Tables, levels: Mapping[str, int | None], what: str, edition: Edition) -> int:
    """Σ indicator scores of one innovation, in hundredths."""
    if t.sid_weights is not None and len(levels) == t.sid_n:
        try:
            return sum(map(mul, t.sid_weights, t.sid_getter(levels)))
        except (KeyError, TypeError):
            pass  # a code outside the edition, or an unanswered (None) level
    return _sum_pairs(t.sid_pair, levels, what, edition)


def _round_half_up(numerator: int, denominator: int) -> int:
    """round(numerator / denominator) with ties away from zero, for non-negative values."""
    return (2 * numerator + denominator) // (2 * denominator)


def _hundredths(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


# --- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowScore:
    code: str
    name: str
    level: int | None
    score: Decimal
    max_score: Decimal
    mandatory: bool


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator's part of the result. For SPD: its score (rows = its sub-rows or itself).
    For SID: its contribution to SID, Σ over innovations / MAX(D, n)."""

    code: str
    name: str
    score: Decimal
    max_score: Decimal
    mandatory: bool
    unconfirmed: bool
    rows: tuple[RowScore, ...] = ()


@dataclass(frozen=True)
class VariableScore:
    code: str
    name: str
    score: Decimal
    max_score: Decimal
    indicators: tuple[IndicatorScore, ...]


@dataclass(frozen=True)
class AspectScore:
    code: str
    name: str
    score: Decimal
    max_score: Decimal
    variables: tuple[VariableScore, ...]


@dataclass(frozen=True)
class InnovationResult:
    id: str
    name: str
    rejected: bool
    maturity: Decimal  # 0 for a rejected innovation in the verified view
    levels: Mapping[str, int | None]  # the levels that counted
    scores: Mapping[str, Decimal]  # per SID indicator code
    warnings: tuple[ScoreWarning, ...]


@dataclass(frozen=True)
class RegionResult:
    edition_year: int
    view: View
    unreviewed: Unreviewed
    spd: Decimal
    sid: Decimal
    count_score: Decimal
    total: Decimal
    iid: Decimal  # 2 decimals, ROUND_HALF_UP
    iid_exact: Fraction
    predicate: str
    n: int
    divisor: int
    maturity_sum: Decimal
    basic_services_covered: tuple[str, ...]
    basic_services_required: int
    count_gate_met: bool
    _edition: Edition = field(repr=False, compare=False)
    _region: RegionInput = field(repr=False, compare=False)
    _maturities: tuple[int, ...] = field(repr=False, compare=False)
    _spd_levels: Mapping[str, int | None] = field(repr=False, compare=False)

    @property
    def predicate_band(self) -> Predicate:
        return self._edition.predicate_for(self.iid)

    @cached_property
    def innovations(self) -> tuple[InnovationResult, ...]:
        edition, t = self._edition, tables(self._edition)
        rows = {r.code: r for r in t.sid_rows}
        out = []
        for inn, maturity in zip(self._region.innovations, self._maturities, strict=True):
            levels = effective_levels(inn.claimed, inn.verified, self.view, self.unreviewed)
            rejected = inn.rejected and self.view == "verified"
            warnings: list[ScoreWarning] = []
            if rejected:
                warnings.append(
                    ScoreWarning(
                        "rejected",
                        f"Inovasi {inn.name or inn.id} ditolak: skor 0, tetap dihitung dalam "
                        f"jumlah inovasi (n).",
                        inn.id,
                    )
                )
            for row in t.sid_rows:
                if row.mandatory and not levels.get(row.code):
                    state = "belum diisi" if levels.get(row.code) is None else "tidak terbukti"
                    warnings.append(
                        ScoreWarning(
                            "mandatory_missing",
                            f"Inovasi {inn.name or inn.id}: indikator wajib {row.code} "
                            f"({row.name}) {state}; dihitung 0.",
                            inn.id,
                            row.code,
                        )
                    )
            scores = {
                code: Decimal(0) if rejected else rows[code].score_of(level)
                for code, level in levels.items()
            }
            out.append(
                InnovationResult(
                    inn.id,
                    inn.name,
                    rejected,
                    _hundredths(maturity),
                    levels,
                    scores,
                    tuple(warnings),
                )
            )
        del edition
        return tuple(out)

    @cached_property
    def warnings(self) -> tuple[ScoreWarning, ...]:
        out: list[ScoreWarning] = []
        for row in tables(self._edition).spd_rows:
            if row.mandatory and not self._spd_levels.get(row.code):
                out.append(
                    ScoreWarning(
                        "spd_mandatory_missing",
                        f"SPD: indikator wajib {row.code} ({row.name}) belum diisi atau tidak "
                        f"terbukti; dihitung 0.",
                        None,
                        row.code,
                    )
                )
        if self.basic_services_required and not self.count_gate_met:
            out.append(
                ScoreWarning(
                    "basic_services_gate",
                    f"Inovasi yang dilaporkan hanya mencakup {len(self.basic_services_covered)} dari "
                    f"{len(tables(self._edition).basic_fold)} urusan wajib pelayanan dasar "
                    f"(minimal {self.basic_services_required}); skor jumlah inovasi = 0.",
                )
            )
        for innovation in self.innovations:
            out.extend(innovation.warnings)
        return tuple(out)

    @cached_property
    def breakdown(self) -> tuple[AspectScore, ...]:
        """Aspect → variable → indicator scores; sums equal spd and sid."""
        edition = self._edition
        den = self.divisor
        sid_sums: dict[str, Decimal] = {}
        for innovation in self.innovations:
            for code, score in innovation.scores.items():
                sid_sums[code] = sid_sums.get(code, Decimal(0)) + score
        aspects = []
        for aspect in edition.aspects:
            variables = []
            for variable in edition.variables:
                if variable.aspect != aspect.code:
                    continue
                indicators = [
                    self._indicator_score(ind, sid_sums, den)
                    for ind in edition.indicators
                    if ind.variable == variable.code
                ]
                variables.append(
                    VariableScore(
                        variable.code,
                        variable.name,
                        sum((i.score for i in indicators), Decimal(0)),
                        sum((i.max_score for i in indicators), Decimal(0)),
                        tuple(indicators),
                    )
                )
            aspects.append(
                AspectScore(
                    aspect.code,
                    aspect.name,
                    self.spd if aspect.code == "SPD" else self.sid,
                    sum((v.max_score for v in variables), Decimal(0)),
                    tuple(variables),
                )
            )
        return tuple(aspects)

    def _indicator_score(
        self, ind: Indicator, sid_sums: dict[str, Decimal], den: int
    ) -> IndicatorScore:
        unconfirmed = ind.provenance.is_unconfirmed()
        if ind.computed:
            return IndicatorScore(
                ind.code,
                ind.name,
                self.count_score,
                self._edition.count_rule.max_score,
                False,
                self._edition.count_rule.provenance.is_unconfirmed(),
            )
        if ind.aspect == "SPD":
            rows = tuple(
                RowScore(
                    r.code,
                    r.name,
                    self._spd_levels.get(r.code),
                    r.score_of(self._spd_levels.get(r.code)),
                    r.max_score,
                    r.mandatory,
                )
                for r in ind.rows
            )
            return IndicatorScore(
                ind.code,
                ind.name,
                sum((r.score for r in rows), Decimal(0)),
                ind.max_score,
                ind.mandatory,
                unconfirmed,
                rows,
            )
        return IndicatorScore(
            ind.code,
            ind.name,
            sid_sums.get(ind.code, Decimal(0)) / den,
            ind.max_score,
            ind.mandatory,
            unconfirmed,
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly summary (numbers as strings to keep them exact)."""
        return {
            "edition": self.edition_year,
            "view": self.view,
            "unreviewed": self.unreviewed,
            "spd": str(self.spd),
            "sid": str(self.sid),
            "count_score": str(self.count_score),
            "total": str(self.total),
            "iid": str(self.iid),
            "predicate": self.predicate,
            "n": self.n,
            "divisor": self.divisor,
            "basic_services_covered": list(self.basic_services_covered),
            "basic_services_required": self.basic_services_required,
            "count_gate_met": self.count_gate_met,
            "innovations": [
                {
                    "id": i.id,
                    "name": i.name,
                    "rejected": i.rejected,
                    "maturity": str(i.maturity),
                }
                for i in self.innovations
            ],
            "breakdown": [
                {
                    "aspect": a.code,
                    "score": str(a.score),
                    "max": str(a.max_score),
                    "variables": [
                        {
                            "variable": v.code,
                            "score": str(v.score),
                            "max": str(v.max_score),
                            "indicators": [
                                {
                                    "code": i.code,
                                    "name": i.name,
                                    "score": str(i.score),
                                    "max": str(i.max_score),
                                    "unconfirmed": i.unconfirmed,
                                }
                                for i in v.indicators
                            ],
                        }
                        for v in a.variables
                    ],
                }
                for a in self.breakdown
            ],
            "warnings": [
                {
                    "kind": w.kind,
                    "message": w.message,
                    "innovation": w.innovation_id,
                    "indicator": w.indicator_code,
                }
                for w in self.warnings
            ],
        }


@dataclass(frozen=True)
class ScoreViews:
    claimed: RegionResult
    verified: RegionResult


# --- scoring ----------------------------------------------------------------------------------


def score(
    edition: Edition,
    region: RegionInput,
    view: View = "claimed",
    unreviewed: Unreviewed = "claimed",
) -> RegionResult:
    """Score one Pemda for one edition in one view."""
    if view not in ("claimed", "verified"):
        raise ValueError(f"view must be 'claimed' or 'verified', not {view!r}")
    if unreviewed not in ("claimed", "zero"):
        raise ValueError(f"unreviewed must be 'claimed' or 'zero', not {unreviewed!r}")
    t = tables(edition)
    verified_view = view == "verified"

    spd_levels = effective_levels(region.spd_levels, region.spd_verified, view, unreviewed)
    spd = _sum_pairs(t.spd_pair, spd_levels, "SPD", edition)

    innovations = region.innovations
    maturities: list[int] = []
    append = maturities.append
    # The hot loop: a C-level dot product of levels and integer weights whenever the answers
    # cover exactly the edition's SID codes with no None; anything else takes the general path.
    weights, getter, n_sid = t.sid_weights, t.sid_getter, t.sid_n
    zero = unreviewed == "zero"
    for inn in innovations:
        levels = inn.claimed
        if verified_view:
            if inn.rejected:
                append(0)
                continue
            if inn.verified is not None:
                levels = inn.verified
            elif zero:
                append(0)
                continue
        if weights is not None and len(levels) == n_sid:
            try:
                append(sum(map(mul, weights, getter(levels))))
                continue
            except (KeyError, TypeError):
                pass  # a None level, or a code outside the edition
        if verified_view:
            levels = effective_levels(inn.claimed, inn.verified, view, unreviewed)
        append(_maturity(t, levels, f"Inovasi {inn.id!r}", edition))

    n = len(innovations)
    den = max(t.divisor_min, n)
    maturity_sum = sum(maturities)

    covered: tuple[str, ...] = ()
    gate_met = True
    if t.gate_min:
        counted = (i for i in innovations if not (verified_view and i.rejected))
        served = {u.casefold() for u in frozenset().union(*(i.urusan for i in counted))}
        covered = tuple(name for fold, name in t.basic_fold.items() if fold in served)
        gate_met = len(covered) >= t.gate_min
    count = t.count_points * min(n, t.count_cap) if gate_met else 0

    # Exact: total = (spd + count) / 100 + maturity_sum / (100 den)
    #        iid   = total / max_total × 100 = numerator / (den × max_total_in_hundredths) × 100
    numerator = (spd + count) * den + maturity_sum
    denominator = den * t.max_total
    iid_hundredths = _round_half_up(numerator * 100 * 100, denominator)
    predicate = None
    for low, high, band in t.bands:
        if low <= iid_hundredths <= high:
            predicate = band
            break
    if predicate is None:
        raise ValueError(f"IID {iid_hundredths / 100} is outside every predicate band")

    spd_d = _hundredths(spd)
    count_d = _hundredths(count)
    sid_d = Decimal(maturity_sum) / Decimal(den * SCALE) + count_d
    return RegionResult(
        edition_year=edition.year,
        view=view,
        unreviewed=unreviewed,
        spd=spd_d,
        sid=sid_d,
        count_score=count_d,
        total=spd_d + sid_d,
        iid=_hundredths(iid_hundredths),
        iid_exact=Fraction(numerator * 100, denominator),
        predicate=predicate.label,
        n=n,
        divisor=den,
        maturity_sum=_hundredths(maturity_sum),
        basic_services_covered=covered,
        basic_services_required=t.gate_min,
        count_gate_met=gate_met,
        _edition=edition,
        _region=region,
        _maturities=tuple(maturities),
        _spd_levels=spd_levels,
    )


def score_views(
    edition: Edition, region: RegionInput, unreviewed: Unreviewed = "claimed"
) -> ScoreViews:
    """Both views of the same Pemda."""
    return ScoreViews(
        score(edition, region, "claimed", unreviewed),
        score(edition, region, "verified", unreviewed),
    )


def score_many(
    edition: Edition,
    regions: Iterable[RegionInput],
    view: View = "verified",
    unreviewed: Unreviewed = "claimed",
) -> list[RegionResult]:
    """A national (or provincial) recompute: plain data in, one result per region out."""
    return [score(edition, region, view, unreviewed) for region in regions]


def maturity(
    edition: Edition,
    innovation: InnovationInput,
    view: View = "claimed",
    unreviewed: Unreviewed = "claimed",
) -> Decimal:
    """The maturity (skor kematangan) of one innovation; 0 for a rejected one when verified."""
    if view == "verified" and innovation.rejected:
        return Decimal(0)
    levels = effective_levels(innovation.claimed, innovation.verified, view, unreviewed)
    return _hundredths(_maturity(tables(edition), levels, f"Inovasi {innovation.id!r}", edition))
