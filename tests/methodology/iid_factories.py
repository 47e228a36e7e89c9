"""Small factories for the methodology tests (plain functions with defaults)."""

from __future__ import annotations

from sinovda.methodology import InnovationInput, RegionInput

SID_CODES = [str(c) for c in range(16, 36)]


def levels_for_maturity(target: int) -> dict[str, int]:
    """SID levels with a given maturity (current editions: weights sum to 37, all level 2 = 74)."""
    presets = {
        80: {**dict.fromkeys(SID_CODES, 2), "16": 3, "31": 3},
        74: dict.fromkeys(SID_CODES, 2),
        70: {**dict.fromkeys(SID_CODES, 2), "35": 1},
    }
    return dict(presets[target])


def innovation(ident, maturity=80, urusan=(), rejected=False, verified=None, **overrides):
    claimed = {**levels_for_maturity(maturity), **overrides}
    return InnovationInput(
        id=str(ident),
        name=f"Inovasi {ident}",
        claimed=claimed,
        verified=verified,
        urusan=frozenset(urusan),
        rejected=rejected,
    )


def spd_levels(edition, total):
    """SPD levels worth `total` points: every row at level 2 (42), then adjust."""
    levels = {row.code: 2 for row in edition.spd_rows}
    if total == 40:
        # lower one weight-2 indicator without sub-rows by one level
        row = next(r for r in edition.spd_rows if r.weight == 2 and r.code == r.indicator_code)
        levels[row.code] = 1
    elif total != 42:
        raise ValueError(total)
    return levels


def region(edition, spd_total, innovations):
    return RegionInput(innovations=innovations, spd_levels=spd_levels(edition, spd_total))
