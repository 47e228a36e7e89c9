"""sinovda-score: IID estimate, breakdown and advice from a spreadsheet or JSON file.

    sinovda-score answers.xlsx --edition 2023
    sinovda-score answers.json --json
    sinovda-score --write-template sinovda-score-template.xlsx --edition 2026

Exit codes: 0 done; 2 bad input or bad edition file (every problem is listed, with sheet, row and
column); 1 an unexpected error (reported in one line, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from .advisor import Advice, advise
from .engine import InputError, RegionResult, score
from .loader import EditionError, load_editions
from .spec import Edition
from .workbook import WorkbookError, edition_in_file, read_json, read_workbook, write_template

EXIT_OK, EXIT_UNEXPECTED, EXIT_INPUT = 0, 1, 2
VIEW_NAMES = {"claimed": "klaim", "verified": "terverifikasi"}


def _fmt(value: Decimal, places: str = "0.01") -> str:
    return (
        f"{value.quantize(Decimal(places)):,}".replace(",", "_").replace(".", ",").replace("_", ".")
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sinovda-score",
        description="Perkiraan Indeks Inovasi Daerah (IID) dari berkas XLSX atau JSON.",
    )
    parser.add_argument("input", nargs="?", type=Path, help="berkas jawaban (.xlsx atau .json)")
    parser.add_argument("--edition", type=int, help="tahun edisi pedoman (2023–2026)")
    parser.add_argument("--editions-dir", type=Path, help="folder berkas edisi TOML lain")
    parser.add_argument(
        "--view",
        choices=("claimed", "verified", "both"),
        default="both",
        help="pandangan skor: klaim, terverifikasi, atau keduanya (bawaan)",
    )
    parser.add_argument(
        "--unreviewed",
        choices=("claimed", "zero"),
        default="claimed",
        help="jawaban yang belum diverifikasi dihitung sesuai klaim (bawaan) atau 0",
    )
    parser.add_argument("--json", action="store_true", help="keluaran JSON untuk mesin")
    parser.add_argument("--no-advice", action="store_true", help="tanpa saran")
    parser.add_argument("--write-template", type=Path, metavar="PATH", help="tulis templat XLSX")
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = sys.stderr
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _run(args, parser, out)
    except (WorkbookError, InputError) as exc:
        problems = getattr(exc, "problems", None) or [str(exc)]
        print(f"Masukan tidak valid ({len(problems)} masalah):", file=err)
        for problem in problems:
            print(f"  - {problem}", file=err)
        return EXIT_INPUT
    except EditionError as exc:
        print(str(exc), file=err)
        return EXIT_INPUT
    except OSError as exc:
        print(f"Berkas tidak bisa dibaca atau ditulis: {exc}", file=err)
        return EXIT_INPUT
    except Exception as exc:  # the CLI promise: no tracebacks for users
        print(f"Kesalahan tak terduga: {type(exc).__name__}: {exc}", file=err)
        return EXIT_UNEXPECTED


def _pick_edition(args, editions: dict[int, Edition]) -> Edition:
    year = args.edition
    if year is None and args.input is not None:
        year = edition_in_file(args.input)
    if year is None:
        year = max(editions)
    if year not in editions:
        known = ", ".join(str(y) for y in sorted(editions))
        raise InputError(f"edisi {year} tidak tersedia (tersedia: {known})")
    return editions[year]


def _run(args, parser: argparse.ArgumentParser, out: TextIO) -> int:
    editions = load_editions(args.editions_dir)
    edition = _pick_edition(args, editions)
    if args.write_template:
        write_template(args.write_template, edition)
        print(f"Templat edisi {edition.year} ditulis ke {args.write_template}", file=out)
        return EXIT_OK
    if args.input is None:
        parser.print_usage(sys.stderr)
        print(
            "sinovda-score: berkas masukan wajib diisi (atau --write-template PATH)",
            file=sys.stderr,
        )
        return EXIT_INPUT
    if not args.input.exists():
        raise InputError(f"berkas {args.input} tidak ditemukan")
    if args.input.suffix.lower() == ".json":
        region = read_json(args.input, edition)
    else:
        region = read_workbook(args.input, edition)

    views = ["claimed", "verified"] if args.view == "both" else [args.view]
    results = {v: score(edition, region, v, args.unreviewed) for v in views}
    advice = (
        {} if args.no_advice else {v: advise(edition, region, v, args.unreviewed) for v in views}
    )
    if args.json:
        payload = {
            "edition": edition.year,
            "views": {
                v: {
                    **results[v].as_dict(),
                    **({"advice": _advice_dict(advice[v])} if v in advice else {}),
                }
                for v in views
            },
            "unconfirmed": [
                {"value": what, "confidence": conf, "note": note}
                for what, conf, note in edition.unconfirmed_values()
            ],
        }
        json.dump(payload, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return EXIT_OK
    for v in views:
        _print_result(out, edition, results[v])
        if v in advice:
            _print_advice(out, advice[v])
    unconfirmed = edition.unconfirmed_values()
    print(
        f"Catatan: {len(unconfirmed)} nilai edisi {edition.year} belum terkonfirmasi resmi "
        f"(lihat --json atau docs/methodology.md).",
        file=out,
    )
    return EXIT_OK


def _print_result(out: TextIO, edition: Edition, r: RegionResult) -> None:
    p = lambda *a: print(*a, file=out)  # noqa: E731
    p(f"== {edition.label} — pandangan {VIEW_NAMES[r.view]} ==")
    p(f"  SPD    {_fmt(r.spd):>8} / {_fmt(edition.maxima.spd)}")
    p(
        f"  SID    {_fmt(r.sid):>8}   (Σ kematangan {_fmt(r.maturity_sum)} / MAX({edition.divisor.minimum},"
        f" {r.n}) = {r.divisor}; skor jumlah inovasi {_fmt(r.count_score)})"
    )
    if r.basic_services_required:
        p(
            f"  Urusan pelayanan dasar tercakup: {len(r.basic_services_covered)} "
            f"(minimal {r.basic_services_required})"
        )
    p(f"  Total  {_fmt(r.total):>8} / {_fmt(edition.maxima.total)}")
    p(f"  IID    {_fmt(r.iid):>8}   → {r.predicate}")
    p("  Rincian:")
    for aspect in r.breakdown:
        p(f"    {aspect.code} {aspect.name}: {_fmt(aspect.score)} / {_fmt(aspect.max_score)}")
        for variable in aspect.variables:
            p(f"      {variable.name}: {_fmt(variable.score)} / {_fmt(variable.max_score)}")
            for ind in variable.indicators:
                mark = " *" if ind.unconfirmed else ""
                p(
                    f"        {ind.code:>3} {ind.name[:60]:<60} {_fmt(ind.score):>7} / "
                    f"{_fmt(ind.max_score)}{mark}"
                )
    p("    (* = nilai edisi belum terkonfirmasi resmi)")
    if r.innovations:
        p(f"  Inovasi ({r.n}):")
        for inn in r.innovations:
            flag = " [ditolak]" if inn.rejected else ""
            p(f"    {inn.id:<12} {inn.name[:50]:<50} kematangan {_fmt(inn.maturity):>7}{flag}")
    if r.warnings:
        p("  Peringatan:")
        for w in r.warnings:
            p(f"    - {w.message}")


def _print_advice(out: TextIO, a: Advice) -> None:
    p = lambda *x: print(*x, file=out)  # noqa: E731
    if a.next_predicate is None:
        p("  Saran: sudah pada predikat tertinggi.")
        p("")
        return
    p(f"  Saran menuju {a.next_predicate} (IID ≥ {_fmt(a.target_iid)}):")
    if not a.reaches_target:
        p("    Predikat berikutnya tidak dapat dicapai dengan perubahan yang dimodelkan.")
    for change in a.plan:
        p(f"    + {_fmt(change.gain, '0.0001'):>8}  {change.description}")
    if a.projected is not None:
        p(f"    Hasil bila semua dilakukan: IID {_fmt(a.projected.iid)} → {a.projected.predicate}")
    p("  Poin yang dipertaruhkan per indikator (semua inovasi naik satu tingkat):")
    for code, name, gain in a.by_indicator[:10]:
        p(f"    {code:>3} {name[:60]:<60} +{_fmt(gain, '0.0001')}")
    p("")


def _advice_dict(a: Advice) -> dict:
    return {
        "next_predicate": a.next_predicate,
        "target_iid": str(a.target_iid) if a.target_iid is not None else None,
        "reaches_target": a.reaches_target,
        "projected_iid": str(a.projected.iid) if a.projected else None,
        "plan": [
            {
                "kind": c.kind,
                "description": c.description,
                "gain": str(c.gain),
                "innovation": c.innovation_id,
                "indicator": c.indicator_code,
                "from_level": c.from_level,
                "to_level": c.to_level,
                "urusan": c.urusan,
            }
            for c in a.plan
        ],
        "stakes": [
            {
                "kind": s.kind,
                "gain": str(s.gain),
                "innovation": s.innovation_id,
                "indicator": s.indicator_code,
                "level": s.level,
                "next_level": s.next_level,
                "urusan": s.urusan,
            }
            for s in a.stakes
        ],
    }


if __name__ == "__main__":
    sys.exit(main())
