"""Build sinovda/regions/data/cluster_tertinggal_2020_2024.csv: the daerah tertinggal of Perpres 63/2020.

Usage:
    python tools/build_cluster_csv.py [--regions sinovda/regions/data/regions.csv] [--out FILE]
    python tools/build_cluster_csv.py --check    # compare with the file in the repo, write nothing

The regulation names 62 kabupaten under the provinces of 2020 (the list as reprinted by national news
outlets, /work/shared/reference/clusters.md). The names below are the regulation's; each is matched to
today's Kemendagri code in regions.csv by its exact name ("Kabupaten <name>"), among the kabupaten of
the provinces it may belong to today. Two names changed since (see RENAMED), and the Papua kabupaten
moved to the provinces created in 2022, so the Papua rows are matched among provinces 91–96.

Any name that matches no region or more than one stops the script: a list like this is never guessed.
"Kupang" and "Sorong" are the kabupaten, never Kota Kupang or Kota Sorong (only kabupaten are matched).
Standard library only; the same regions.csv gives the same bytes.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "sinovda" / "regions" / "data"
OUT_NAME = "cluster_tertinggal_2020_2024.csv"
EXPECTED_ROWS = 62

PAPUA_TODAY = ("91", "92", "93", "94", "95", "96")

# Province (2020) -> (codes it may be found under today, kabupaten as the regulation names them).
TERTINGGAL_2020_2024: list[tuple[str, tuple[str, ...], list[str]]] = [
    ("Sumatera Utara", ("12",), ["Nias", "Nias Selatan", "Nias Utara", "Nias Barat"]),
    ("Sumatera Barat", ("13",), ["Kepulauan Mentawai"]),
    ("Sumatera Selatan", ("16",), ["Musi Rawas Utara"]),
    ("Lampung", ("18",), ["Pesisir Barat"]),
    ("Nusa Tenggara Barat", ("52",), ["Lombok Utara"]),
    (
        "Nusa Tenggara Timur",
        ("53",),
        [
            "Sumba Barat",
            "Sumba Timur",
            "Kupang",
            "Timor Tengah Selatan",
            "Belu",
            "Alor",
            "Lembata",
            "Rote Ndao",
            "Sumba Tengah",
            "Sumba Barat Daya",
            "Manggarai Timur",
            "Sabu Raijua",
            "Malaka",
        ],
    ),
    ("Sulawesi Tengah", ("72",), ["Donggala", "Tojo Una-Una", "Sigi"]),
    (
        "Maluku",
        ("81",),
        [
            "Maluku Tenggara Barat",
            "Kepulauan Aru",
            "Seram Bagian Barat",
            "Seram Bagian Timur",
            "Maluku Barat Daya",
            "Buru Selatan",
        ],
    ),
    ("Maluku Utara", ("82",), ["Kepulauan Sula", "Pulau Taliabu"]),
    (
        "Papua Barat",
        PAPUA_TODAY,
        [
            "Teluk Wondama",
            "Teluk Bintuni",
            "Sorong Selatan",
            "Sorong",
            "Tambrauw",
            "Maybrat",
            "Manokwari Selatan",
            "Pegunungan Arfak",
        ],
    ),
    (
        "Papua",
        PAPUA_TODAY,
        [
            "Jayawijaya",
            "Nabire",
            "Paniai",
            "Puncak Jaya",
            "Boven Digoel",
            "Mappi",
            "Asmat",
            "Yahukimo",
            "Pegunungan Bintang",
            "Tolikara",
            "Keerom",
            "Waropen",
            "Supiori",
            "Mamberamo Raya",
            "Nduga",
            "Lanny Jaya",
            "Mamberamo Tengah",
            "Yalimo",
            "Puncak",
            "Dogiyai",
            "Intan Jaya",
            "Deiyai",
        ],
    ),
]

# The regulation's name -> the name in regions.csv today.
RENAMED = {
    # Renamed Kepulauan Tanimbar (the reference notes it); the reprinted list uses the old name.
    "Maluku Tenggara Barat": "Kepulauan Tanimbar",
    # Our source (idn-area-data) writes it without the hyphen.
    "Tojo Una-Una": "Tojo Una Una",
}


class MatchError(Exception):
    """A name of the regulation does not match exactly one region."""


def read_regions(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def build(regions: list[dict[str, str]]) -> list[dict[str, str]]:
    """The list's rows (code, name), sorted by code; raises MatchError listing every bad name."""
    problems: list[str] = []
    rows: list[dict[str, str]] = []
    for province, codes, names in TERTINGGAL_2020_2024:
        for listed in names:
            wanted = "Kabupaten " + RENAMED.get(listed, listed)
            found = [
                r
                for r in regions
                if r["kind"] == "kabupaten" and r["province_code"] in codes and r["name"] == wanted
            ]
            if len(found) != 1:
                problems.append(
                    f"{province} / {listed}: {len(found)} regions named {wanted!r} "
                    f"in provinces {', '.join(codes)}"
                )
                continue
            rows.append({"code": found[0]["code"], "name": found[0]["name"]})
    codes_seen = [r["code"] for r in rows]
    repeated = sorted({c for c in codes_seen if codes_seen.count(c) > 1})
    if repeated:
        problems.append(f"codes matched twice: {', '.join(repeated)}")
    if not problems and len(rows) != EXPECTED_ROWS:
        problems.append(f"{len(rows)} rows, the regulation lists {EXPECTED_ROWS}")
    if problems:
        raise MatchError("\n".join(problems))
    return sorted(rows, key=lambda r: r["code"])


def render(rows: list[dict[str, str]]) -> str:
    lines = ["code,name", *(f"{r['code']},{r['name']}" for r in rows)]
    if any("," in r["name"] or '"' in r["name"] for r in rows):
        raise MatchError("a name contains a comma or a quote; this writer does not quote")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=Path, default=DATA / "regions.csv")
    ap.add_argument("--out", type=Path, default=DATA / OUT_NAME)
    ap.add_argument(
        "--check",
        action="store_true",
        help="compare with --out and write nothing (exit 1 if not equal)",
    )
    args = ap.parse_args(argv)
    try:
        text = render(build(read_regions(args.regions)))
    except (MatchError, OSError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"error: {args.out} differs from what the script builds", file=sys.stderr)
            return 1
        print(f"{args.out}: up to date ({EXPECTED_ROWS} rows)")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"{args.out}: {EXPECTED_ROWS} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
