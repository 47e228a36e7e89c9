"""`[[evidence_rules]]`: the edition data the automatic evidence checks read (docs/evidence.md).

Validated by the loader like every other table, round-tripped by `to_dict`, resolved per level.
"""

import copy
import datetime

import pytest

from sinovda.methodology import EditionError, parse_edition


def problems_of(data):
    with pytest.raises(EditionError) as info:
        parse_edition(data, "test.toml")
    return [(p.indicator, p.field, p.message) for p in info.value.problems]


def with_rules(edition, rules):
    data = copy.deepcopy(edition.to_dict())
    source = data["indicators"][0]["source"]
    data["evidence_rules"] = [{"source": source, "confidence": "inferred", **r} for r in rules]
    return data


def test_every_shipped_edition_has_rules_that_resolve(editions):
    for edition in editions.values():
        assert edition.evidence_rule("16") is not None
        for rule in edition.evidence_rules:
            assert rule.provenance.source and rule.provenance.confidence == "inferred"
            for level in (None, 1, 2, 3):
                resolved = rule.for_level(level)
                start, end = edition.evidence_window(resolved.window)
                assert start is None or end is None or start <= end


def test_levels_override_the_indicator_and_windows_count_back_from_the_edition(editions):
    rule = editions[2026].evidence_rule("16")
    one, two, three = (rule.for_level(level) for level in (1, 2, 3))
    assert (one.signer, one.name, one.window) == ("kepala_daerah", True, "eligibility")
    assert (three.name, three.window) == (False, "..T-1")  # a Perda need not name the innovation
    assert editions[2026].evidence_window(two.window) == (None, datetime.date(2025, 12, 31))
    assert editions[2026].evidence_window("eligibility") == (
        datetime.date(2024, 1, 1),
        datetime.date(2025, 12, 31),
    )
    assert editions[2023].evidence_window("T-2..T-1") == (
        datetime.date(2021, 1, 1),
        datetime.date(2022, 12, 31),
    )
    assert editions[2023].evidence_window("T-1") == (
        datetime.date(2022, 1, 1),
        datetime.date(2022, 12, 31),
    )
    assert editions[2023].evidence_window("T-2..") == (datetime.date(2021, 1, 1), None)
    assert editions[2023].evidence_window("") == (None, None)
    signers = [editions[2023].evidence_rule("16").for_level(n).signer for n in (1, 2, 3)]
    assert signers == ["kepala_opd", "kepala_daerah", "kepala_daerah"]
    assert editions[2023].evidence_rule("23").for_level(1).signer == ""  # no decree at level 1
    assert editions[2024].evidence_rule("35") is None  # no video limit stated for 2024
    assert editions[2023].evidence_rule("35").max_video_seconds == 300


def test_rules_round_trip(editions):
    for edition in editions.values():
        again = parse_edition(edition.to_dict(), "round-trip")
        assert again.evidence_rules == edition.evidence_rules
        assert again.to_dict() == edition.to_dict()


def test_an_edition_without_rules_is_still_valid(editions):
    data = copy.deepcopy(editions[2024].to_dict())
    del data["evidence_rules"]
    edition = parse_edition(data, "stored before the rules")
    assert edition.evidence_rules == () and "evidence_rules" not in edition.to_dict()


def test_bad_rules_are_refused_with_every_problem(editions):
    data = with_rules(
        editions[2023],
        [
            {"indicator": "16", "window": "tahun lalu"},
            {"indicator": "16"},  # twice
            {"indicator": "99"},
            {"indicator": "36"},  # computed: no evidence
            {"indicator": "23", "window": "T-1..T-2", "levels": [{"level": 4, "signer": "camat"}]},
            {"indicator": "24", "levels": [{"level": 2}, {"level": 2, "colour": "red"}]},
            {"indicator": "35", "max_video_seconds": 0, "links": ["vimeo"]},
        ],
    )
    problems = problems_of(data)
    messages = " | ".join(f"{i} {f} {m}" for i, f, m in problems)
    assert "jendela 'tahun lalu' tidak dikenal" in messages
    assert "aturan bukti ganda" in messages
    assert "99 evidence_rules[2].indicator indikator tidak ada di edisi ini" in messages
    assert "indikator terhitung tidak punya bukti dukung" in messages
    assert "terbalik" in messages
    assert "tingkat harus 1, 2 atau 3, bukan 4" in messages
    assert "penanda tangan 'camat' tidak dikenal" in messages
    assert "tingkat 2 ganda" in messages and "kunci tidak dikenal" in messages
    assert "harus lebih dari 0" in messages and "jenis tautan 'vimeo' tidak dikenal" in messages


def test_a_rule_needs_a_known_source(editions):
    data = with_rules(editions[2023], [{"indicator": "16", "name": True}])
    data["evidence_rules"][0]["source"] = ["S-NOWHERE"]
    assert any("S-NOWHERE" in m for _i, _f, m in problems_of(data))
