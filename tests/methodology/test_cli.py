"""sinovda-score: good workbook, JSON input, and every kind of bad input (exit 2, no traceback)."""

import io
import json

import pytest
from openpyxl import load_workbook

from sinovda.methodology.cli import main


def run(*args):
    out = io.StringIO()
    code = main([str(a) for a in args], out=out)
    return code, out.getvalue()


@pytest.fixture
def template(tmp_path):
    path = tmp_path / "template.xlsx"
    code, _ = run("--write-template", path, "--edition", "2023")
    assert code == 0
    return path


def fill(path, *, spd=None, rows=None, verified=None, edit=None):
    """Fill the template: every SPD row at level 2 (SIPD at 1 → 40), 8 innovations of 80."""
    book = load_workbook(path)
    sheet = book["SPD"]
    for row in sheet.iter_rows(min_row=2):
        row[2].value = (spd or {}).get(row[0].value, 1 if row[0].value == "2" else 2)
    inn = book["Inovasi"]
    inn.delete_rows(2)
    codes = [c.value for c in inn[1]][4:]
    for i in range(8 if rows is None else rows):
        levels = [3 if c in ("16", "31") else 2 for c in codes]
        inn.append([f"I{i}", f"Inovasi {i}", "Kesehatan", "tidak", *levels])
    if verified:
        for row in verified:
            book["Verifikasi"].append(row)
    if edit:
        edit(book)
    book.save(path)
    return path


def test_the_committed_template_is_what_write_template_produces(tmp_path):
    from pathlib import Path

    committed = Path(__file__).resolve().parents[2] / "docs/templates/sinovda-score-template.xlsx"
    fresh = tmp_path / "fresh.xlsx"
    assert run("--write-template", fresh)[0] == 0
    a, b = load_workbook(committed), load_workbook(fresh)
    assert a.sheetnames == b.sheetnames == ["Petunjuk", "SPD", "Inovasi", "Verifikasi"]
    for name in a.sheetnames:
        assert [[c.value for c in r] for r in a[name].iter_rows()] == [
            [c.value for c in r] for r in b[name].iter_rows()
        ]


def test_a_good_workbook(template):
    code, out = run(fill(template), "--edition", "2023", "--view", "claimed")
    assert code == 0
    assert "42,82" in out
    assert "Inovatif" in out
    assert "Saran menuju Sangat Inovatif" in out


def test_the_edition_is_read_from_the_workbook(template):
    code, out = run(fill(template), "--json", "--view", "claimed")
    assert code == 0
    data = json.loads(out)
    assert data["edition"] == 2023
    assert data["views"]["claimed"]["iid"] == "42.82"
    assert data["views"]["claimed"]["advice"]["next_predicate"] == "Sangat Inovatif"
    assert data["unconfirmed"]


def test_verified_levels_and_rejection(template):
    def reject(book):
        book["Inovasi"]["D2"] = "ya"

    path = fill(template, verified=[["I1", 1]], edit=reject)
    code, out = run(path, "--json")
    data = json.loads(out)
    assert code == 0
    assert data["views"]["claimed"]["iid"] == "42.82"
    verified = data["views"]["verified"]
    assert verified["n"] == 8
    rejected = [i for i in verified["innovations"] if i["rejected"]]
    assert [i["id"] for i in rejected] == ["I0"]


def test_json_input(tmp_path):
    levels = {str(c): 2 for c in range(16, 36)} | {"16": 3, "31": 3}
    payload = {
        "edition": 2023,
        "spd": {"1": 3, "2": {"claimed": 2, "verified": 1}},
        "innovations": [
            {"id": f"J{i}", "name": "x", "urusan": ["Kesehatan"], "claimed": levels}
            for i in range(8)
        ],
    }
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    code, out = run(path, "--json", "--no-advice")
    assert code == 0
    data = json.loads(out)
    assert data["views"]["claimed"]["spd"] == "7.00"
    assert data["views"]["verified"]["spd"] == "5.00"


def bad(capsys, *args):
    code, _ = run(*args)
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    return err


def test_unknown_indicator_column(template, capsys):
    def edit(book):
        book["Inovasi"].cell(row=1, column=25, value="37")

    err = bad(capsys, fill(template, edit=edit))
    assert "sheet 'Inovasi', baris 1, kolom Y" in err and "'37'" in err


def test_unknown_spd_code(template, capsys):
    def edit(book):
        book["SPD"].append(["99", "?", 1])

    err = bad(capsys, fill(template, edit=edit))
    assert "sheet 'SPD'" in err and "kolom A" in err and "'99'" in err


def test_level_4(template, capsys):
    def edit(book):
        book["Inovasi"]["F3"] = 4

    err = bad(capsys, fill(template, edit=edit))
    assert "sheet 'Inovasi', baris 3, kolom F" in err and "tingkat 4" in err


def test_non_number(template, capsys):
    def edit(book):
        book["SPD"]["C4"] = "dua"

    err = bad(capsys, fill(template, edit=edit))
    assert "sheet 'SPD', baris 4, kolom C" in err and "bukan angka" in err


def test_missing_sheet(template, capsys):
    def edit(book):
        del book["SPD"]

    err = bad(capsys, fill(template, edit=edit))
    assert "sheet 'SPD'" in err and "tidak ditemukan" in err


def test_all_problems_are_listed(template, capsys):
    def edit(book):
        book["Inovasi"]["F3"] = 7
        book["Inovasi"]["G4"] = "x"
        book["Verifikasi"].append(["nobody", 1])

    err = bad(capsys, fill(template, edit=edit))
    assert "3 masalah" in err


def test_bad_json_input(tmp_path, capsys):
    path = tmp_path / "a.json"
    path.write_text(
        json.dumps(
            {"spd": {"1": "tiga"}, "innovations": [{"id": "a", "claimed": {"40": 1, "16": 9}}]}
        )
    )
    err = bad(capsys, path, "--edition", "2023")
    assert (
        "spd.1" in err and "innovations[0].claimed.40" in err and "innovations[0].claimed.16" in err
    )


def test_not_a_workbook(tmp_path, capsys):
    path = tmp_path / "x.xlsx"
    path.write_text("hello")
    assert "XLSX" in bad(capsys, path, "--edition", "2023")


def test_missing_file_and_unknown_edition(tmp_path, capsys):
    assert "tidak ditemukan" in bad(capsys, tmp_path / "none.xlsx", "--edition", "2023")
    assert "edisi 2019" in bad(capsys, tmp_path / "none.xlsx", "--edition", "2019")


def test_console_script_entry_point_is_declared():
    import tomllib
    from pathlib import Path

    pyproject = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert pyproject["project"]["scripts"]["sinovda-score"] == "sinovda.methodology.cli:main"
