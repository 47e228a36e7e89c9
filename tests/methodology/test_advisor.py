"""The advisor's plans are verified by re-scoring them with the engine."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from iid_factories import innovation, region

from sinovda.methodology import (
    InnovationInput,
    RegionInput,
    advise,
    apply_changes,
    load_editions,
    score,
)

EDITIONS = load_editions()


def check_plan(e, reg, view="claimed"):
    advice = advise(e, reg, view)
    if advice.next_predicate is None:
        assert not advice.plan
        return advice
    rescored = score(e, apply_changes(reg, advice.plan, view), view)
    assert rescored.iid == advice.projected.iid
    if advice.reaches_target:
        assert rescored.iid >= advice.target_iid
        assert rescored.predicate == advice.next_predicate or rescored.iid >= advice.target_iid
        # no single change can be dropped: the plan is minimal in the greedy sense
        for index in range(len(advice.plan)):
            others = advice.plan[:index] + advice.plan[index + 1 :]
            assert score(e, apply_changes(reg, others, view), view).iid < advice.target_iid
    gains = [c.gain for c in advice.plan]
    assert gains == sorted(gains, reverse=True)
    return advice


def test_2023_plan_to_sangat_inovatif_uses_free_innovations_below_d():
    e = EDITIONS[2023]
    reg = region(e, 40, [innovation(i) for i in range(8)])
    advice = check_plan(e, reg)
    assert advice.next_predicate == "Sangat Inovatif"
    kinds = [c.kind for c in advice.plan]
    assert kinds.count("add_innovation") == 2  # n 8 → 10 costs nothing under MAX(10, n)


def test_2026_plan_covers_the_missing_basic_service_first():
    e = EDITIONS[2026]
    basic = e.count_rule.basic_services_urusan
    reg = region(e, 40, [innovation(i, 70, urusan=[basic[i % 4]]) for i in range(20)])
    advice = check_plan(e, reg, "verified")
    assert advice.plan[0].kind == "cover_urusan"
    assert advice.plan[0].urusan in basic[4:]
    assert advice.stakes[0].kind == "cover_urusan"


def test_stakes_are_in_iid_points():
    e = EDITIONS[2023]
    reg = region(e, 40, [innovation(i) for i in range(12)])
    advice = advise(e, reg, "claimed")
    spd_1 = next(s for s in advice.stakes if s.kind == "raise_spd" and s.indicator_code == "1")
    assert spd_1.gain == Decimal("0.4000")  # 1 point of 250
    sid = next(
        s
        for s in advice.stakes
        if s.kind == "raise_sid" and s.indicator_code == "35" and s.innovation_id == "0"
    )
    assert sid.gain_exact == Fraction(4, 12) / 250 * 100  # 35: level 2 → 3 is 4 points / 12
    assert sid.gain == Decimal("0.1333")
    assert [s.gain_exact for s in advice.stakes] == sorted(
        (s.gain_exact for s in advice.stakes), reverse=True
    )


def test_a_weak_added_innovation_is_not_proposed_when_it_lowers_the_average():
    e = EDITIONS[2023]
    sid = [r.code for r in e.sid_rows]
    strong = [InnovationInput(str(i), claimed=dict.fromkeys(sid, 3)) for i in range(20)]
    reg = RegionInput(strong, {r.code: 1 for r in e.spd_rows})
    advice = check_plan(e, reg)
    add = next(s for s in advice.stakes if s.kind == "add_innovation")
    assert add.gain_exact < 0  # 74 < 111 average: the average drop outweighs 0.38
    assert all(c.kind != "add_innovation" for c in advice.plan)


def test_top_band_needs_no_plan():
    e = EDITIONS[2023]
    sid = [r.code for r in e.sid_rows]
    reg = RegionInput(
        [InnovationInput(str(i), claimed=dict.fromkeys(sid, 3)) for i in range(30)],
        {r.code: 3 for r in e.spd_rows},
    )
    advice = advise(e, reg)
    assert advice.next_predicate is None and advice.plan == ()


LEVEL = st.sampled_from([None, 0, 1, 2, 3])


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(sorted(EDITIONS)), st.integers(0, 16), st.data())
def test_every_plan_reaches_the_next_predicate_when_rescored(year, count, data):
    e = EDITIONS[year]
    sid = [r.code for r in e.sid_rows]
    basic = list(e.count_rule.basic_services_urusan) or ["Pendidikan"]
    innovations = [
        InnovationInput(
            str(i),
            claimed={c: data.draw(LEVEL) for c in sid},
            verified={c: data.draw(LEVEL) for c in sid} if data.draw(st.booleans()) else None,
            urusan=frozenset(data.draw(st.lists(st.sampled_from(basic), max_size=2))),
            rejected=data.draw(st.booleans()),
        )
        for i in range(count)
    ]
    reg = RegionInput(innovations, {r.code: data.draw(LEVEL) for r in e.spd_rows})
    view = data.draw(st.sampled_from(["claimed", "verified"]))
    advice = check_plan(e, reg, view)
    assert advice.reaches_target
