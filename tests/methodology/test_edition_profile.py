"""Profile fields per edition: the data files, the loader's refusals and the round trip."""

import copy
import tomllib

import pytest

from sinovda.methodology import EDITIONS_DIR, EditionError, parse_edition
from sinovda.methodology.spec import PROFILE_COLUMNS, TEXT_TYPES


def raw(year):
    with (EDITIONS_DIR / f"{year}.toml").open("rb") as handle:
        return tomllib.load(handle)


def problems_of(data):
    with pytest.raises(EditionError) as info:
        parse_edition(data, "test.toml")
    return [(p.field, p.message) for p in info.value.problems]


def field(data, code):
    return next(f for f in data["profile_fields"] if f["code"] == code)


def test_2024_asks_for_the_rancang_bangun_in_six_parts_and_tujuan_and_hasil_in_parts(editions):
    e = editions[2024]
    assert [f.number for f in e.design_fields] == [f"1.15.{n}" for n in range(1, 7)]
    assert [f.label for f in e.design_fields] == [
        "Dasar Hukum",
        "Permasalahan",
        "Isu Strategis (global, nasional, lokal)",
        "Metode Pembaharuan",
        "Keunggulan/Kebaharuan",
        "Spesifikasi/Tahapan Inovasi",
    ]
    assert all(f.required and not f.column for f in e.design_fields)
    assert e.rancang_bangun.min_words == 300
    assert [f.code for f in e.profile_group("tujuan")] == ["goal", "goal_medium", "goal_long"]
    assert [f.code for f in e.profile_group("hasil")] == ["result_before", "result"]
    assert e.profile_field("goal").column == "goal"  # 2023's tujuan becomes jangka pendek
    assert e.profile_field("result").label == "Hasil Sesudah Implementasi"
    priority = e.profile_field("priority")
    assert priority.number == "1.9" and [o.label for o in priority.options] == [
        "Prioritas",
        "Tidak Prioritas",
    ]
    assert e.profile_field("developed").type == "yesno"
    assert e.profile_field("mission").label == "Misi Beririsan"
    for code in ("budget_document", "business_profile"):
        assert e.profile_field(code).type == "document"
        assert e.profile_field(code).kinds == ("PDF",)
    assert e.profile_field("video_url").type == "url"


def test_2023_keeps_one_rancang_bangun_tujuan_and_hasil(editions):
    e = editions[2023]
    assert [f.code for f in e.design_fields] == ["design"]
    assert e.profile_field("goal").label == "Tujuan Inovasi"
    assert e.profile_field("goal_medium") is None and e.profile_field("priority") is None
    required = {f.column for f in e.profile_fields if f.required and f.column}
    # exactly what a 2023 report always needed (the urusan is the main_affair column)
    assert required == {
        "name",
        "stage",
        "initiator_kind",
        "initiator_name",
        "kind",
        "form",
        "implementation_date",
        "design",
        "goal",
        "benefit",
        "result",
    }
    assert e.profile_field("affairs").required


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_every_profile_field_has_provenance_and_a_known_storage(editions, year):
    e = editions[year]
    assert not e.profile_is_default
    for f in e.profile_fields:
        assert f.provenance.source, f.code
        assert not f.column or (f.column == f.code and f.type in PROFILE_COLUMNS[f.column])
        assert not f.min_words or f.type in TEXT_TYPES
        assert f.type != "choice" or f.options or f.options_from
    assert len({f.code for f in e.profile_fields}) == len(e.profile_fields)
    # Exports key a row by its national number, or by its label when it has none.
    keys = [f.number or f.label for f in e.profile_fields]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026])
def test_profile_fields_round_trip(editions, year):
    e = editions[year]
    data = e.to_dict()
    assert data["profile_fields"][0]["code"] == "name"
    again = parse_edition(data, "round-trip")
    assert again.profile_fields == e.profile_fields
    assert again.to_dict() == data


def test_options_are_written_as_text_unless_the_stored_value_differs(editions):
    data = editions[2024].to_dict()
    assert field(data, "priority")["options"] == ["Prioritas", "Tidak Prioritas"]
    assert field(data, "stage")["options"][1] == {"value": "uji_coba", "label": "Uji Coba"}


def test_a_document_without_profile_fields_gets_the_classic_profile_and_keeps_its_shape():
    """Edition documents stored before editions carried profile fields (the informational
    `profile_fields` table, or none) still load: the 2023-shaped profile, notes kept."""
    data = raw(2024)
    notes = data.pop("profile_notes")
    del data["profile_fields"]
    data["profile_fields"] = notes  # the old informational table
    e = parse_edition(data, "legacy")
    assert e.profile_is_default
    assert [f.code for f in e.design_fields] == ["design"]
    assert e.profile_field("goal").label == "Tujuan Inovasi"
    assert e.profile_notes.items == tuple(notes["items"])
    out = e.to_dict()
    assert "profile_fields" not in out and out["profile_notes"]["items"] == notes["items"]
    assert parse_edition(out, "again") == e
    del data["profile_fields"]
    assert parse_edition(data, "none").profile_is_default


def test_the_rancang_bangun_minimum_needs_parts_to_count():
    data = raw(2024)
    for f in data["profile_fields"]:
        f.pop("group", None)
    problems = problems_of(data)
    assert ("rancang_bangun.min_words", problems[0][1]) in problems
    assert "group = 'rancang_bangun'" in dict(problems)["rancang_bangun.min_words"]


def test_the_number_of_parts_must_match_the_rule():
    data = raw(2024)
    data["rancang_bangun"]["parts"] = ["dasar hukum", "permasalahan"]
    assert any(f == "rancang_bangun.parts" for f, _ in problems_of(data))


def test_every_profile_problem_is_reported_at_once():
    data = raw(2024)
    fields = data["profile_fields"]
    field(data, "priority")["shade"] = "biru"  # unknown key
    field(data, "mission")["code"] = "priority"  # duplicate code
    del field(data, "stage")["options"]  # a choice without options
    field(data, "trial_date")["min_words"] = 5  # min_words on a date
    del field(data, "benefit")["source"]  # a value without a source
    field(data, "goal_long")["type"] = "essay"  # unknown type
    field(data, "result_before")["column"] = "hasil"  # unknown column
    field(data, "goal")["column"] = "result"  # a column under another code
    field(data, "video_url")["type"] = "text"  # a column that takes another type
    fields.append({**field(data, "goal_medium"), "code": "design"})  # a column name in extra
    field(data, "developed")["options"] = ["Ya", "Tidak"]  # options on a yes/no
    field(data, "name")["kinds"] = ["PDF"]  # kinds on a text
    problems = problems_of(data)
    messages = dict(problems)
    assert messages["profile_fields.priority.shade"] == "kunci tidak dikenal"
    assert messages["profile_fields.priority"] == "kode ganda"
    assert "pilihan wajib" in messages["profile_fields.stage.options"]
    assert messages["profile_fields.trial_date.min_words"] == "minimum kata hanya untuk bidang teks"
    assert messages["profile_fields.benefit.source"] == "wajib diisi"
    assert "jenis 'essay' tidak dikenal" in messages["profile_fields.goal_long.type"]
    assert "kolom 'hasil' tidak dikenal" in messages["profile_fields.result_before.column"]
    assert "harus sama" in messages["profile_fields.goal.column"]
    assert "hanya untuk jenis url" in messages["profile_fields.video_url.type"]
    assert "nama kolom laporan" in messages["profile_fields.design.column"]
    assert "hanya untuk bidang jenis choice" in messages["profile_fields.developed.options"]
    assert "hanya untuk bidang dokumen" in messages["profile_fields.name.kinds"]
    assert len(problems) >= 12


def test_profile_values_need_known_sources_and_confidences():
    data = raw(2024)
    field(data, "mission")["source"] = ["S-NOWHERE"]
    field(data, "priority")["confidence"] = "yakin"
    field(data, "developed")["unconfirmed_fields"] = ["warna"]
    messages = dict(problems_of(data))
    assert "tidak ada di [sources]" in messages["profile_fields.mission.source"]
    assert "yakin" in messages["profile_fields.priority.confidence"]
    assert "tidak dikenal" in messages["profile_fields.developed.unconfirmed_fields"]


def test_choices_from_the_tematik_need_the_tematik_table_and_a_name_field_is_needed():
    data = raw(2024)
    del data["tematik"]
    data["profile_fields"] = [f for f in data["profile_fields"] if f["code"] != "name"]
    messages = dict(problems_of(data))
    assert messages["profile_fields.theme.options_from"] == "edisi tanpa tabel [tematik]"
    assert "bidang name" in messages["profile_fields"]


def test_bad_option_tables_and_duplicate_options_are_refused():
    data = raw(2024)
    field(data, "priority")["options"] = ["Prioritas", "Prioritas", {"value": "x"}]
    messages = problems_of(data)
    assert ("profile_fields.priority.options", "ada pilihan yang ganda") in messages
    assert ("profile_fields.priority.options[2].label", "wajib diisi") in messages


def test_a_corrected_profile_needs_no_code_change():
    data = copy.deepcopy(raw(2026))
    field(data, "goal")["label"] = "Tujuan Inovasi Daerah"
    field(data, "goal")["required"] = False
    e = parse_edition(data, "edited")
    assert e.profile_field("goal").label == "Tujuan Inovasi Daerah"
    assert not e.profile_field("goal").required


def test_unconfirmed_profile_fields_are_listed_once(editions):
    lines = [u for u in editions[2024].unconfirmed_values() if u[0].startswith("profile_fields")]
    assert len(lines) == 1 and lines[0][1] == "inferred"
