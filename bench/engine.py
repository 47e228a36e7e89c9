"""Benchmark: a full national IID recompute versus merely iterating over the same input.

A synthetic national dataset — 548 Pemda, ~40,000 innovations with 20 SID answers each (claimed
and, for most, verified), SPD answers (claimed and verified), urusan, a few rejections — is scored
with `score_many` in both views. The baseline walks the same objects and touches every answer
without scoring anything. Targets on a 2-core machine: recompute ≤ 1 s, ≤ 2× the iteration time,
peak memory ≤ 500 MB.

    uv run python bench/engine.py [--edition 2026] [--repeat 5] [--seed 1]
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sinovda.methodology import (  # noqa: E402
    InnovationInput,
    RegionInput,
    load_editions,
    score_many,
)

PEMDA = 548
INNOVATIONS = 40_000
OTHER_URUSAN = [
    "Tenaga Kerja",
    "Pemberdayaan Perempuan dan Pelindungan Anak",
    "Pangan",
    "Pertanahan",
    "Lingkungan Hidup",
    "Administrasi Kependudukan dan Pencatatan Sipil",
    "Pemberdayaan Masyarakat dan Desa",
    "Perhubungan",
    "Komunikasi dan Informatika",
    "Koperasi, Usaha Kecil, dan Menengah",
    "Penanaman Modal",
    "Kepemudaan dan Olah Raga",
    "Kebudayaan",
    "Perpustakaan",
    "Pertanian",
    "Pariwisata",
    "Kelautan dan Perikanan",
    "Perdagangan",
    "Perindustrian",
]


def build(edition, seed: int) -> list[RegionInput]:
    rng = random.Random(seed)
    sid = [r.code for r in edition.sid_rows]
    spd = [r.code for r in edition.spd_rows]
    basic = list(edition.count_rule.basic_services_urusan) or ["Pendidikan", "Kesehatan"]
    urusan = basic + OTHER_URUSAN
    weights = [rng.paretovariate(1.5) for _ in range(PEMDA)]
    scale = INNOVATIONS / sum(weights)
    counts = [max(1, round(w * scale)) for w in weights]
    regions = []
    serial = 0
    for number, count in enumerate(counts):
        innovations = []
        for _ in range(count):
            serial += 1
            claimed = {c: rng.choice((1, 2, 2, 3, 3, 0)) for c in sid}
            roll = rng.random()
            if roll < 0.75:  # fully reviewed: some levels lowered
                verified = {c: max(0, lvl - (rng.random() < 0.2)) for c, lvl in claimed.items()}
            elif roll < 0.9:  # partly reviewed
                verified = {c: claimed[c] for c in sid[: rng.randrange(1, len(sid))]}
            else:  # not reviewed yet
                verified = None
            innovations.append(
                InnovationInput(
                    id=f"inv-{serial}",
                    name=f"Inovasi {serial}",
                    claimed=claimed,
                    verified=verified,
                    urusan=frozenset(rng.sample(urusan, rng.choice((1, 1, 2, 3)))),
                    rejected=rng.random() < 0.03,
                )
            )
        spd_claimed = {c: rng.choice((1, 2, 3)) for c in spd}
        spd_verified = {c: max(0, lvl - (rng.random() < 0.2)) for c, lvl in spd_claimed.items()}
        regions.append(RegionInput(innovations, spd_claimed, spd_verified, name=f"pemda-{number}"))
    return regions


def iterate(regions: list[RegionInput]) -> int:
    """The baseline: touch every answer, flag and urusan set that the engine reads, score nothing."""
    touched = 0
    for region in regions:
        for _code, _level in region.spd_levels.items():
            touched += 1
        if region.spd_verified is not None:
            for _code, _level in region.spd_verified.items():
                touched += 1
        for inn in region.innovations:
            for _code, _level in inn.claimed.items():
                touched += 1
            if inn.verified is not None:
                for _code, _level in inn.verified.items():
                    touched += 1
            touched += len(inn.urusan) + inn.rejected
    return touched


def best_of(repeat: int, func, *args) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = func(*args)
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edition", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    edition = load_editions()[args.edition]

    start = time.perf_counter()
    regions = build(edition, args.seed)
    built = time.perf_counter() - start
    innovations = sum(len(r.innovations) for r in regions)
    answers = sum(len(i.claimed) for r in regions for i in r.innovations)

    iter_time, touched = best_of(args.repeat, iterate, regions)
    verified_time, results = best_of(args.repeat, score_many, edition, regions, "verified")
    claimed_time, _ = best_of(args.repeat, score_many, edition, regions, "claimed")

    gc.collect()
    tracemalloc.start()
    score_many(edition, regions, "verified")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    predicates: dict[str, int] = {}
    for result in results:
        predicates[result.predicate] = predicates.get(result.predicate, 0) + 1

    ratio_verified = verified_time / iter_time
    ratio_claimed = claimed_time / iter_time
    print(
        f"edition {edition.year}: {len(regions)} Pemda, {innovations} innovations, "
        f"{answers} SID answers (+ verified), built in {built:.2f} s (levels validated)"
    )
    print(f"iterate over the input      {iter_time * 1000:8.1f} ms  ({touched} values touched)")
    print(
        f"recompute, verified view    {verified_time * 1000:8.1f} ms  ratio {ratio_verified:.2f}x"
    )
    print(f"recompute, claimed view     {claimed_time * 1000:8.1f} ms  ratio {ratio_claimed:.2f}x")
    print(f"peak memory during recompute (tracemalloc) {peak / 2**20:8.1f} MB")
    print(f"process max RSS (dataset + engine)          {max_rss_mb:8.1f} MB")
    print(f"predicates (verified): {dict(sorted(predicates.items()))}")
    ok = max(verified_time, claimed_time) <= 1.0 and max(ratio_verified, ratio_claimed) <= 2.0
    ok = ok and max_rss_mb <= 500
    print("targets (≤ 1 s, ≤ 2× iteration, ≤ 500 MB):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
