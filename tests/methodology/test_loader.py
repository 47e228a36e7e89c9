"""The edition files load, round-trip, and every kind of bad file is refused with all problems."""

import copy
import tomllib
from decimal import Decimal

import pytest

from sinovda.methodology import (
    EDITIONS_DIR,
    EditionError,
    load_edition,
    load_editions,
    parse_edition,
)


def raw(year):
    with (EDITIONS_DIR / f"{year}.toml").open("rb") as handle:
        return tomllib.load(handle)


def problems_of(data, origin="test.toml"):
    with pytest.raises(EditionError) as info:
        parse_edition(data, origin)
    return info.value.problems


def test_all_four_editions_load(editions):
    assert sorted(editions) == [2023, 2024, 2025, 2026]
    assert editions[2023].divisor.minimum == 10
    assert editions[2026].divisor.minimum == 12
    assert editions[2026].count_rule.basic_services_min == 5
    assert len(editions[2026].count_rule.basic_services_urusan) == 6
    for e in editions.values():
        assert sum(r.max_score for r in e.spd_rows) == 63
        assert sum(r.max_score for r in e.sid_rows) == 111
        assert len(e.sid_rows) == 20


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_to_dict_round_trips(editions, year):
    e = editions[year]
    again = parse_edition(e.to_dict(), "round-trip")
    assert again == e
    assert again.to_dict() == e.to_dict()


def test_an_indicator_without_option_texts_still_has_three_levels(editions):
    sipd = editions[2023].indicator("2")
    assert [o.score for o in sipd.options] == [2, 4, 6]
    assert "belum diketahui" in sipd.options[0].label
    assert sipd.provenance.confidence == "inferred"


def test_every_value_has_a_source(editions):
    for e in editions.values():
        for ind in e.indicators:
            assert ind.provenance.source
        assert e.divisor.provenance.source and e.count_rule.provenance.source


def test_load_edition_reads_one_file():
    assert load_edition(EDITIONS_DIR / "2026.toml").year == 2026


def test_options_not_increasing():
    data = raw(2023)
    ind = next(i for i in data["indicators"] if i["code"] == "16")
    ind["options"][2]["score"] = 5.0
    problems = problems_of(data)
    assert any(p.indicator == "16" and "tidak naik" in p.message for p in problems)
    assert any(p.indicator == "16" and "tingkat × bobot" in p.message for p in problems)


def test_scores_must_be_level_times_weight_and_sums_must_match():
    data = raw(2026)
    ind = next(i for i in data["indicators"] if i["code"] == "35")
    ind["options"][2]["score"] = 13.0
    problems = problems_of(data)
    fields = {(p.indicator, p.field) for p in problems}
    assert ("35", "options.score") in fields
    assert (None, "maxima.sid_per_innovation") in fields


def test_scores_must_be_multiples_of_a_hundredth():
    data = raw(2023)
    data["scoring"]["level_times_weight"] = False
    ind = next(i for i in data["indicators"] if i["code"] == "1")
    ind["options"][0]["score"] = 1.005
    problems = problems_of(data)
    assert any("kelipatan 0,01" in p.message and p.indicator == "1" for p in problems)


def test_spd_maximum_mismatch():
    data = raw(2023)
    data["maxima"]["spd"] = 64.0
    problems = problems_of(data)
    assert any(p.field == "maxima.spd" for p in problems)
    assert any(p.field == "maxima.total" for p in problems)


def test_sub_row_weights_must_add_up():
    data = raw(2026)
    ind = next(i for i in data["indicators"] if i["code"] == "5")
    ind["weight"] = 2.0
    problems = problems_of(data)
    assert any(p.indicator == "5" and p.field == "weight" for p in problems)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda bands: bands[1].update(min=34.0), "tumpang tindih"),
        (lambda bands: bands[1].update(min=35.5), "celah"),
        (lambda bands: bands[0].update(max=99.0), "berakhir di 100"),
    ],
)
def test_bands_that_overlap_or_leave_a_gap(change, expected):
    data = raw(2023)
    change(data["predicates"])
    assert any(expected in p.message for p in problems_of(data))


def test_unknown_keys_are_refused_everywhere():
    data = raw(2023)
    data["colour"] = "red"
    data["divisor"]["maximum"] = 20
    data["indicators"][20]["bobot"] = 3
    problems = problems_of(data)
    unknown = {(p.indicator, p.field) for p in problems if p.message == "kunci tidak dikenal"}
    code = data["indicators"][20]["code"]
    assert {(None, "colour"), (None, "divisor.maximum"), (code, "indicators[20].bobot")} <= unknown


def test_missing_or_unknown_sources_are_refused():
    data = raw(2023)
    del data["divisor"]["source"]
    data["indicators"][0]["source"] = []
    data["indicators"][1]["source"] = ["S-NOWHERE"]
    problems = problems_of(data)
    assert any(p.field == "divisor.source" for p in problems)
    assert any(p.indicator == "1" and "sumber" in p.message for p in problems)
    assert any(p.indicator == "2" and "S-NOWHERE" in p.message for p in problems)


def test_bad_confidence_is_refused():
    data = raw(2023)
    data["indicators"][3]["confidence"] = "sure"
    assert any(p.field == "indicator.confidence" for p in problems_of(data))


def test_every_problem_is_reported_not_only_the_first():
    data = raw(2024)
    data["colour"] = "red"
    data["maxima"]["total"] = 300.0
    data["predicates"][0]["min"] = 59.0
    data["indicators"][17]["options"][0]["score"] = 99.0
    problems = problems_of(data)
    assert len(problems) >= 4
    assert all(p.origin == "test.toml" for p in problems)
    text = str(EditionError(problems))
    assert "test.toml" in text and "kunci tidak dikenal" in text


def test_bad_toml_files_are_refused(tmp_path):
    (tmp_path / "2030.toml").write_text("year = [unclosed\n", encoding="utf-8")
    with pytest.raises(EditionError) as info:
        load_editions(tmp_path)
    assert "2030.toml" in str(info.value)


def test_a_hand_edited_file_with_errors_is_reported_with_file_name(tmp_path):
    text = (EDITIONS_DIR / "2026.toml").read_text(encoding="utf-8")
    text = text.replace("minimum = 12", 'minimum = "dua belas"')
    (tmp_path / "2026.toml").write_text(text, encoding="utf-8")
    with pytest.raises(EditionError) as info:
        load_editions(tmp_path)
    assert info.value.problems[0].origin == "2026.toml"
    assert info.value.problems[0].field == "divisor.minimum"


def test_a_corrected_value_needs_no_code_change(tmp_path, editions):
    data = copy.deepcopy(editions[2025].to_dict())
    data["divisor"]["minimum"] = 12
    data["divisor"]["confidence"] = "confirmed"
    e = parse_edition(data, "admin-edit")
    assert e.divisor.minimum == 12
    assert e.count_rule.points_per_innovation == Decimal("0.38")
