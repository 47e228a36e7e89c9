"""Benchmark: the advisor (`advise`) on one large region, against `score` of the same region.

A synthetic region shaped like bench/web.py's 10× data — 900 reported innovations with 20 SID
answers each (partly reviewed, some answers lowered, a few rejected) and every SPD row answered —
is scored and advised in the verified view with each unreviewed policy. We print the median of
`--repeat` runs of `score` (the baseline: one pass over the region) and of `advise`, and their
ratio. The dashboard calls `advise` on the first read after every change.

With `--against REV` the advisor of that git revision (e.g. the commit before a change) is loaded
next to the current one, timed on the same region, and its results are compared with the current
ones field by field: same stakes in the same order, same gains, same plan.

    uv run python bench/advisor.py [--innovations 900] [--edition 2023] [--repeat 20] [--seed 1]
                                   [--against REV]
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib.util
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sinovda.methodology import (  # noqa: E402
    InnovationInput,
    RegionInput,
    advise,
    load_editions,
    score,
)

URUSAN = ["Pendidikan", "Kesehatan", "Sosial", "Pertanian", "Perencanaan"]


def build(edition, count: int, seed: int) -> RegionInput:
    """Levels drawn as bench/web.py draws its answers (sinovda/scores/bridge.py's shape)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    sid = [r.code for r in edition.sid_rows]
    innovations = []
    for k in range(count):
        reviewed = rng.random() < 0.6
        claimed, verified = {}, {}
        for code in sid:
            claimed[code] = rng.choice([0, 1, 2, 2, 3, 3])
            done = reviewed and rng.random() < 0.9
            verified[code] = max(0, claimed[code] - rng.choice([0, 0, 0, 1])) if done else None
        innovations.append(
            InnovationInput(
                id=f"s{k}",
                name=f"Inovasi sintetis {k + 1}",
                claimed=claimed,
                verified=verified if reviewed else None,
                urusan=frozenset([rng.choice(URUSAN)]),
                rejected=rng.random() < 1 / 12,
            )
        )
    spd_claimed = {r.code: rng.choice([1, 2, 3]) for r in edition.spd_rows}
    spd_verified = {r.code: 1 for r in edition.spd_rows}
    return RegionInput(innovations, spd_claimed, spd_verified, name="sintetis")


def load_advisor(revision: str):
    """The advisor module as it was at a git revision, importable next to the current one."""
    source = subprocess.run(
        ["git", "show", f"{revision}:sinovda/methodology/advisor.py"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    name = "sinovda.methodology._advisor_before"
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "sinovda.methodology"  # so its relative imports find the engine
    sys.modules[name] = module
    exec(compile(source, f"{revision}:advisor.py", "exec"), module.__dict__)  # noqa: S102
    return module


def summary(advice) -> tuple:
    """Everything an Advice says, comparable across two copies of the advisor module (their
    Stake and Change classes differ, so the dataclasses are compared as tuples)."""
    return (
        advice.view,
        advice.current,
        advice.next_predicate,
        advice.target_iid,
        [dataclasses.astuple(s) for s in advice.stakes],
        advice.by_indicator,
        [dataclasses.astuple(c) for c in advice.plan],
        advice.reaches_target,
        advice.projected,
        dict(advice.new_innovation_levels),
    )


def median_ms(repeat: int, func, *args) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        func(*args)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--innovations", type=int, default=900)
    parser.add_argument("--edition", type=int, default=2023)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--against", metavar="REV", help="also time the advisor of this revision")
    args = parser.parse_args(argv)
    edition = load_editions()[args.edition]
    region = build(edition, args.innovations, args.seed)
    before = load_advisor(args.against) if args.against else None

    print(f"edition {edition.year}: {args.innovations} innovations, median of {args.repeat} runs")
    same = True
    for policy in ("zero", "claimed"):
        call = ("verified", policy)
        advice = advise(edition, region, *call)  # warm-up: the edition's cached tables
        score_ms = median_ms(args.repeat, score, edition, region, *call)
        advise_ms = median_ms(args.repeat, advise, edition, region, *call)
        print(
            f"\nverified view, unreviewed={policy}: {len(advice.stakes)} stakes, "
            f"plan of {len(advice.plan)} to {advice.next_predicate}"
        )
        print(f"  score                {score_ms:8.1f} ms")
        print(f"  advise               {advise_ms:8.1f} ms  {advise_ms / score_ms:5.1f}× score")
        if before is not None:
            old = before.advise(edition, region, *call)
            before_ms = median_ms(args.repeat, before.advise, edition, region, *call)
            equal = summary(old) == summary(advice)
            same = same and equal
            print(
                f"  advise at {args.against:<10} {before_ms:8.1f} ms  {before_ms / score_ms:5.1f}× "
                f"score; now {before_ms / advise_ms:.1f}× faster; "
                f"results {'identical' if equal else 'DIFFERENT'}"
            )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
