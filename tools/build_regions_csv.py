"""Build sinovda/regions/data/{regions,clusters}.csv from the npm package idn-area-data.

Usage:
    pkg=$(mktemp -d) && (cd "$pkg" && npm pack idn-area-data@4.0.1 && tar xzf idn-area-data-*.tgz)
    python tools/build_regions_csv.py "$pkg/package" [--out sinovda/regions/data]

Reads package/data/provinces.csv and package/data/regencies.csv only. Names are copied verbatim:
since v4 the package writes them in their official case ("Kabupaten Ogan Ilir"). The v3 data
(all capitals) is refused rather than title-cased by guesswork.

One row per autonomous Pemda: the provinces, and the kabupaten/kota except DKI Jakarta's
Kota Administrasi and Kabupaten Administrasi, which are not autonomous (Jakarta is one Pemda).
The output depends on the input files alone: same package in, same bytes out.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

# The Jakarta province: its kab/kota are administrative units of the one provincial Pemda.
JAKARTA = "31"
# Papua, Papua Barat, Papua Selatan, Papua Tengah, Papua Pegunungan, Papua Barat Daya.
PAPUA_PROVINCES = ("91", "92", "93", "94", "95", "96")

PROVINCE_CODE = re.compile(r"^\d{2}$")
REGENCY_CODE = re.compile(r"^(\d{2})\.(\d{2})$")


class SourceError(Exception):
    """The package's data does not look like what this script was written for."""


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def check_case(name: str, where: str) -> None:
    if name == name.upper():
        raise SourceError(
            f"{where}: {name!r} is in capitals (idn-area-data v3?); use v4 or later, "
            "whose names are in their official case"
        )


def build(package: Path) -> tuple[list[dict[str, str]], list[dict[str, str]], str]:
    meta = json.loads((package / "package.json").read_text(encoding="utf-8"))
    if meta.get("name") != "idn-area-data":
        raise SourceError(f"{package} is not the idn-area-data package")
    version = meta["version"]

    provinces: dict[str, str] = {}
    for row in read_csv(package / "data" / "provinces.csv"):
        code, name = row["code"].strip(), row["name"].strip()
        if not PROVINCE_CODE.match(code) or code in provinces:
            raise SourceError(f"provinces.csv: bad or repeated code {code!r}")
        check_case(name, f"provinces.csv {code}")
        provinces[code] = name

    rows = [
        {"code": code, "name": name, "kind": "provinsi", "province_code": ""}
        for code, name in provinces.items()
    ]
    seen: set[str] = set()
    per_province: dict[str, int] = dict.fromkeys(provinces, 0)
    for row in read_csv(package / "data" / "regencies.csv"):
        code, name, prov = row["code"].strip(), row["name"].strip(), row["province_code"].strip()
        m = REGENCY_CODE.match(code)
        if not m or m.group(1) != prov or prov not in provinces or code in seen:
            raise SourceError(f"regencies.csv: bad code {code!r} for province {prov!r}")
        seen.add(code)
        check_case(name, f"regencies.csv {code}")
        if prov == JAKARTA:
            if not name.startswith(("Kota Administrasi ", "Kabupaten Administrasi ")):
                raise SourceError(
                    f"regencies.csv {code}: Jakarta unit {name!r} is not administrative"
                )
            continue
        if name.startswith("Kabupaten "):
            kind = "kabupaten"
        elif name.startswith("Kota "):
            kind = "kota"
        else:
            raise SourceError(f"regencies.csv {code}: {name!r} is neither Kabupaten nor Kota")
        if "Administrasi" in name.split():
            raise SourceError(f"regencies.csv {code}: administrative unit outside Jakarta")
        rows.append({"code": code, "name": name, "kind": kind, "province_code": prov})
        per_province[prov] += 1

    empty = [p for p, n in per_province.items() if n == 0 and p != JAKARTA]
    if empty:
        raise SourceError(f"provinces without kabupaten/kota: {empty}")
    rows.sort(key=lambda r: r["code"])

    for p in PAPUA_PROVINCES:
        if "Papua" not in provinces.get(p, ""):
            raise SourceError(f"province {p} is not a Papua province: {provinces.get(p)!r}")
    clusters = [
        {"code": r["code"], "cluster": "papua"}
        for r in rows
        if (r["province_code"] or r["code"]) in PAPUA_PROVINCES
    ]
    return rows, clusters, version


def write_csv(path: Path, fields: list[str], rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("package", type=Path, help="the unpacked npm package (the 'package' folder)")
    ap.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "sinovda" / "regions" / "data",
        help="output folder (default: sinovda/regions/data)",
    )
    args = ap.parse_args(argv)
    try:
        rows, clusters, version = build(args.package)
    except (SourceError, OSError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    write_csv(args.out / "regions.csv", ["code", "name", "kind", "province_code"], rows)
    write_csv(args.out / "clusters.csv", ["code", "cluster"], clusters)
    counts = {k: sum(r["kind"] == k for r in rows) for k in ("provinsi", "kabupaten", "kota")}
    print(f"idn-area-data {version}: {counts}, total {len(rows)}; papua cluster {len(clusters)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
