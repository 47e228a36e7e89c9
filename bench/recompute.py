"""Benchmark: every Pemda's verified result recomputed from the database, against a raw fetch.

On the national synthetic dataset (`manage.py generate_nation`, PostgreSQL via DATABASE_URL):
`scores.recompute.recompute_year` (four queries: cycles, reported submissions, SPD answers, and one
streamed fetch of ~760,000 answer rows; inputs built per cycle; the engine's verified view) against
the raw fetch alone: the same answer query, iterated the same way (values_list, server-side cursor
chunks), touching each row and scoring nothing. Both run --repeat times, alternately; the best of
each is compared. Wall-clock and process CPU are printed: on a shared machine the wall clock also
holds the time spent waiting for the database server and for a core.

Targets: recompute ≤ 5 s and ≤ 2× the raw fetch. (bench/engine.py measures the engine alone on
in-memory input.)

    DATABASE_URL=postgres://sinovda@127.0.0.1:55433/sinovda_nation \\
        uv run python bench/recompute.py [--year 2025] [--repeat 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SECONDS = 5.0
RATIO = 2.0


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinovda.settings")
    import django

    django.setup()


def raw_fetch(year: int) -> int:
    """The baseline: the recompute's answer query, every row touched, nothing scored (the cycle
    ids are read first, as the recompute reads them)."""
    from sinovda.cycles.models import Cycle
    from sinovda.scores.recompute import answer_rows

    ids = list(Cycle.objects.filter(edition__year=year).values_list("pk", flat=True))
    rows = 0
    for _row in answer_rows(ids):
        rows += 1
    return rows


def measure(func, *args) -> tuple[float, float, object]:
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = func(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="cProfile one recompute")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from sinovda.scores.recompute import recompute_year

    if connection.vendor != "postgresql":
        print("PERINGATAN: target berlaku untuk PostgreSQL; basis data ini", connection.vendor)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(recompute_year, args.year)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(out.getvalue())
        return 0

    raw_fetch(args.year)  # warm-up: the database's buffers, the edition's tables
    fetch, recompute = [], []
    for _ in range(args.repeat):
        fetch.append(measure(raw_fetch, args.year))
        recompute.append(measure(recompute_year, args.year))
    rows = fetch[0][2]
    results = recompute[0][2]
    if not results:
        sys.exit(f"Tidak ada siklus tahun {args.year}: jalankan dulu manage.py generate_nation.")
    best_fetch = min(f[0] for f in fetch)
    best = min(r[0] for r in recompute)
    ratio = best / best_fetch
    innovations = sum(r.n for r in results.values())
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}, tahun {args.year}: "
        f"{len(results)} Pemda, {innovations} inovasi dilaporkan, {rows} jawaban SID"
    )
    print(f"  {'':<30}{'terbaik s':>10}{'median s':>10}{'CPU s':>8}")
    for label, runs in (("ambil baris saja (baseline)", fetch), ("recompute_year", recompute)):
        walls = sorted(r[0] for r in runs)
        cpu = min(r[1] for r in runs)
        print(f"  {label:<30}{walls[0]:>10.2f}{walls[len(walls) // 2]:>10.2f}{cpu:>8.2f}")
    ok = best <= SECONDS and ratio <= RATIO
    print(
        f"rasio {ratio:.2f}× — target ≤ {SECONDS:g} s dan ≤ {RATIO:g}× ambil baris: "
        f"{'PASS' if ok else 'FAIL'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
