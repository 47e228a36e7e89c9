"""Property tests of the scoring maths."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sinovda.methodology import InnovationInput, RegionInput, load_editions, score

EDITIONS = load_editions()
YEARS = sorted(EDITIONS)
LEVEL = st.sampled_from([None, 0, 1, 2, 3])


@st.composite
def regions(draw):
    year = draw(st.sampled_from(YEARS))
    e = EDITIONS[year]
    sid = [r.code for r in e.sid_rows]
    basic = list(e.count_rule.basic_services_urusan) or ["Pendidikan"]
    innovations = [
        InnovationInput(
            id=str(i),
            claimed={c: draw(LEVEL) for c in sid},
            urusan=frozenset(draw(st.lists(st.sampled_from(basic), max_size=2))),
            rejected=draw(st.booleans()),
        )
        for i in range(draw(st.integers(0, 25)))
    ]
    spd = {r.code: draw(LEVEL) for r in e.spd_rows}
    return e, RegionInput(innovations, spd)


@settings(max_examples=150, deadline=None)
@given(regions(), st.sampled_from(["claimed", "verified"]))
def test_iid_is_between_0_and_100(case, view):
    e, region = case
    result = score(e, region, view)
    assert 0 <= result.iid <= 100
    assert e.predicate_for(result.iid).label == result.predicate


@settings(max_examples=150, deadline=None)
@given(regions(), st.data())
def test_raising_a_level_never_lowers_the_iid(case, data):
    e, region = case
    before = score(e, region)
    if region.innovations and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(region.innovations) - 1))
        inn = region.innovations[index]
        code = data.draw(st.sampled_from(sorted(inn.claimed)))
        level = inn.claimed[code] or 0
        if level == 3:
            return
        raised = InnovationInput(
            inn.id,
            claimed={**inn.claimed, code: level + 1},
            urusan=inn.urusan,
            rejected=inn.rejected,
        )
        innovations = list(region.innovations)
        innovations[index] = raised
        after = score(e, RegionInput(innovations, region.spd_levels))
    else:
        code = data.draw(st.sampled_from(sorted(region.spd_levels)))
        level = region.spd_levels[code] or 0
        if level == 3:
            return
        after = score(e, RegionInput(region.innovations, {**region.spd_levels, code: level + 1}))
    assert after.iid_exact > before.iid_exact
    assert after.iid >= before.iid


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(YEARS), st.integers(0, 30), st.data())
def test_an_innovation_below_the_average_lowers_sid_once_n_reaches_d(year, extra, data):
    e = EDITIONS[year]
    sid = [r.code for r in e.sid_rows]
    n = e.divisor.minimum + extra
    strong = [InnovationInput(str(i), claimed=dict.fromkeys(sid, 3)) for i in range(n)]
    levels = {c: data.draw(st.sampled_from([0, 1, 2])) for c in sid}
    weak = InnovationInput("weak", claimed=levels)
    before = score(e, RegionInput(strong))
    after = score(e, RegionInput([*strong, weak]))
    # the maturity part (SID without the count score) falls
    assert after.sid - after.count_score < before.sid - before.count_score
