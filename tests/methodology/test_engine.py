"""Hand-computed examples per edition, predicate boundaries, views and the divisor floor."""

from decimal import Decimal

import pytest
from iid_factories import innovation, levels_for_maturity, region

from sinovda.methodology import (
    InnovationInput,
    InputError,
    RegionInput,
    maturity,
    score,
    score_views,
)


def test_2023_spd_40_and_8_innovations_of_80(editions):
    e = editions[2023]
    result = score(e, region(e, 40, [innovation(i) for i in range(8)]))
    # SID = 8 × 80 / MAX(10, 8) + 0.38 × 8 = 64 + 3.04
    assert result.spd == Decimal("40")
    assert result.divisor == 10
    assert result.count_score == Decimal("3.04")
    assert result.sid == Decimal("67.04")
    assert result.total == Decimal("107.04")
    assert result.iid == Decimal("42.82")  # 42.816 rounded half up
    assert result.predicate == "Inovatif"


def test_2023_with_12_innovations_the_divisor_is_n(editions):
    e = editions[2023]
    result = score(e, region(e, 40, [innovation(i) for i in range(12)]))
    assert result.divisor == 12
    assert result.sid == Decimal("84.56")
    assert result.iid == Decimal("49.82")


def test_2026_five_basic_services_open_the_count_score(editions):
    e = editions[2026]
    basic = e.count_rule.basic_services_urusan
    inns = [innovation(i, 70, urusan=[basic[i % 5]]) for i in range(20)]
    result = score(e, region(e, 40, inns))
    assert result.divisor == 20
    assert result.count_score == Decimal("7.60")
    assert result.iid == Decimal("47.04")
    assert result.count_gate_met
    assert len(result.basic_services_covered) == 5


def test_2026_four_basic_services_close_the_count_score(editions):
    e = editions[2026]
    basic = e.count_rule.basic_services_urusan
    inns = [innovation(i, 70, urusan=[basic[i % 4]]) for i in range(20)]
    result = score(e, region(e, 40, inns))
    assert result.count_score == 0
    assert result.iid == Decimal("44.00")
    assert result.predicate == "Inovatif"
    assert any(w.kind == "basic_services_gate" for w in result.warnings)


def test_urusan_names_match_case_insensitively(editions):
    e = editions[2026]
    basic = [u.upper() for u in e.count_rule.basic_services_urusan]
    inns = [innovation(i, 70, urusan=[basic[i % 5]]) for i in range(20)]
    assert score(e, region(e, 40, inns)).count_gate_met


def test_the_divisor_floor_means_few_innovations_are_divided_by_d(editions):
    for year, d in ((2023, 10), (2026, 12)):
        e = editions[year]
        result = score(e, RegionInput([innovation(1)]))
        assert result.divisor == d
        assert result.sid == Decimal(80) / d + (
            e.count_rule.points_per_innovation if year < 2026 else 0
        )


def test_adding_innovations_up_to_d_costs_nothing(editions):
    e = editions[2023]
    weak = [innovation(i, 70) for i in range(9)]
    before = score(e, RegionInput(weak))
    after = score(e, RegionInput([*weak, innovation("weak", 70)]))
    assert after.iid > before.iid


@pytest.mark.parametrize(
    ("year", "iid", "label"),
    [
        (2023, "0", "Tidak Dapat Dinilai"),
        (2023, "0.01", "Kurang Inovatif"),
        (2023, "34.99", "Kurang Inovatif"),
        (2023, "35.00", "Inovatif"),
        (2023, "40.00", "Inovatif"),
        (2023, "40.01", "Inovatif"),
        (2023, "60.00", "Inovatif"),
        (2023, "60.01", "Sangat Inovatif"),
        (2023, "65.00", "Sangat Inovatif"),
        (2023, "65.01", "Sangat Inovatif"),
        (2023, "100", "Sangat Inovatif"),
        (2024, "35.00", "Inovatif"),
        (2024, "60.01", "Sangat Inovatif"),
        (2026, "0", "Tidak Dapat Dinilai"),
        (2026, "0.01", "Kurang Inovatif"),
        (2026, "34.99", "Kurang Inovatif"),
        (2026, "35.00", "Kurang Inovatif"),
        (2026, "40.00", "Kurang Inovatif"),
        (2026, "40.01", "Inovatif"),
        (2026, "60.00", "Inovatif"),
        (2026, "60.01", "Inovatif"),
        (2026, "65.00", "Inovatif"),
        (2026, "65.01", "Sangat Inovatif"),
        (2026, "100", "Sangat Inovatif"),
        (2025, "40.00", "Kurang Inovatif"),
        (2025, "65.01", "Sangat Inovatif"),
    ],
)
def test_predicate_boundaries(editions, year, iid, label):
    assert editions[year].predicate_for(Decimal(iid)).label == label


def test_rounding_is_half_up_and_the_rounded_value_is_classified(editions):
    from sinovda.methodology.engine import _round_half_up

    # the engine rounds the exact IID, counted in hundredths, once
    assert _round_half_up(34995, 10) == 3500  # 34.995 → 35.00 (half up, not half even)
    assert _round_half_up(349949999, 100000) == 3499  # 34.9949999 → 34.99
    assert _round_half_up(42825, 10) == 4283  # 42.825 → 42.83 (half even would give 42.82)
    assert editions[2023].predicate_for(Decimal("35.00")).label == "Inovatif"
    assert editions[2023].predicate_for(Decimal("34.99")).label == "Kurang Inovatif"


def test_an_empty_region_is_not_assessable(editions):
    for e in editions.values():
        result = score(e, RegionInput())
        assert result.iid == 0
        assert result.predicate == "Tidak Dapat Dinilai"


def test_a_full_region_scores_100(editions):
    for e in editions.values():
        basic = e.count_rule.basic_services_urusan or ("Pendidikan",)
        inns = [
            InnovationInput(
                str(i), claimed={r.code: 3 for r in e.sid_rows}, urusan=frozenset(basic)
            )
            for i in range(e.count_rule.cap)
        ]
        result = score(e, RegionInput(inns, {r.code: 3 for r in e.spd_rows}))
        assert result.iid == 100
        assert result.predicate == "Sangat Inovatif"


def test_unanswered_and_zero_levels_score_nothing(editions):
    e = editions[2023]
    a = InnovationInput("a", claimed={"16": None, "17": 0})
    assert maturity(e, a) == 0


def test_rejected_innovations_score_zero_but_stay_in_n(editions):
    e = editions[2023]
    inns = [innovation(i) for i in range(11)] + [innovation("x", rejected=True)]
    views = score_views(e, region(e, 40, inns))
    assert views.claimed.n == views.verified.n == 12
    assert views.verified.maturity_sum == 80 * 11
    assert views.claimed.maturity_sum == 80 * 12
    rejected = [i for i in views.verified.innovations if i.rejected]
    assert rejected[0].maturity == 0
    assert any(w.kind == "rejected" for w in views.verified.warnings)


def test_rejected_innovations_do_not_cover_basic_services_when_verified(editions):
    e = editions[2026]
    basic = e.count_rule.basic_services_urusan
    inns = [innovation(i, 70, urusan=[basic[i % 4]]) for i in range(12)]
    inns.append(innovation("r", 70, urusan=[basic[4]], rejected=True))
    views = score_views(e, region(e, 40, inns))
    assert views.claimed.count_gate_met
    assert not views.verified.count_gate_met


def test_unreviewed_answers_count_as_claimed_or_zero(editions):
    e = editions[2023]
    partly = InnovationInput("p", claimed=levels_for_maturity(80), verified={"16": 1})
    reg = RegionInput([partly])
    as_claimed = score(e, reg, "verified", unreviewed="claimed")
    as_zero = score(e, reg, "verified", unreviewed="zero")
    assert as_claimed.maturity_sum == 80 - 6  # 16 verified at 1 instead of 3
    assert as_zero.maturity_sum == 3
    never = InnovationInput("n", claimed=levels_for_maturity(80))
    assert score(e, RegionInput([never]), "verified", "claimed").maturity_sum == 80
    assert score(e, RegionInput([never]), "verified", "zero").maturity_sum == 0


def test_spd_has_claimed_and_verified_levels(editions):
    e = editions[2023]
    reg = RegionInput([], spd_levels={"1": 3}, spd_verified={"1": 1})
    assert score(e, reg, "claimed").spd == 3
    assert score(e, reg, "verified").spd == 1


def test_sub_rows_are_scored_separately(editions):
    e = editions[2026]
    result = score(e, RegionInput([], spd_levels={"5a": 3, "5b": 1}))
    assert result.spd == Decimal("3.00")
    spd = result.breakdown[0]
    ind5 = next(i for v in spd.variables for i in v.indicators if i.code == "5")
    assert [r.code for r in ind5.rows] == ["5a", "5b"]
    assert ind5.score == Decimal("3.00")


def test_the_breakdown_adds_up(editions):
    e = editions[2026]
    basic = e.count_rule.basic_services_urusan
    inns = [innovation(i, 80, urusan=[basic[i % 6]]) for i in range(15)]
    result = score(e, region(e, 42, inns))
    spd, sid = result.breakdown
    assert spd.score == result.spd == sum(v.score for v in spd.variables)
    assert abs(sum(v.score for v in sid.variables) - result.sid) < Decimal("1e-20")
    assert spd.max_score == 63 and sid.max_score == 111 + 76


def test_a_missing_mandatory_indicator_scores_zero_and_warns(editions):
    e = editions[2023]
    levels = levels_for_maturity(80)
    del levels["35"]
    result = score(e, RegionInput([InnovationInput("m", claimed=levels)]))
    assert result.maturity_sum == 80 - 8  # 35 has weight 4, was at level 2
    warnings = result.innovations[0].warnings
    assert [w.indicator_code for w in warnings] == ["35"]
    assert warnings[0].kind == "mandatory_missing"


def test_unknown_codes_and_bad_levels_are_refused(editions):
    e = editions[2023]
    with pytest.raises(InputError, match="37"):
        score(e, RegionInput([InnovationInput("a", claimed={"37": 1})]))
    with pytest.raises(InputError, match="99"):
        score(e, RegionInput([], spd_levels={"99": 1}))
    with pytest.raises(InputError):
        InnovationInput("a", claimed={"16": 4})
    with pytest.raises(InputError):
        InnovationInput("a", claimed={"16": 1.0})
    with pytest.raises(InputError):
        RegionInput([], spd_levels={"1": -1})


def test_the_fast_path_and_the_general_path_agree(editions):
    e = editions[2026]
    full = levels_for_maturity(80)
    partial = {k: v for k, v in full.items() if k != "20"}
    with_none = {**full, "20": None}
    assert maturity(e, InnovationInput("a", claimed=partial)) == 78
    assert maturity(e, InnovationInput("b", claimed=with_none)) == 78
