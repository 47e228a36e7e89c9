"""Benchmark: the national rekap (every Pemda's reported innovations and IID) against a plain CSV dump.

A throwaway SQLite database gets the migrations, the editions and the regions, then for every region
a 2023 cycle with its OPDs, ~40,000 reported innovations in all (plus some drafts and withdrawn ones
the rekap leaves out) with 20 SID answers each (most reviewed, a few rejected) and every SPD row
answered — all with bulk_create. Each measurement runs in a fresh process, so its peak RSS is its
own: the baseline iterates the same innovation rows with .values() and writes them to a CSV file;
the rekap is `write_national_rekap` (scores every cycle through scores.bridge and writes the XLSX).
Targets: rekap ≤ 15 s, modest memory.

    uv run python bench/outputs_rekap.py [--innovations 40000] [--seed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2023
AGENCIES_PER_REGION = 19
NOT_REPORTED_SHARE = 0.05  # drafts and withdrawn reports on top of the reported ones
URUSAN = ["Pendidikan", "Kesehatan", "Pekerjaan Umum dan Penataan Ruang", "Sosial", "Pertanian"]


def setup_django(database: str) -> None:
    os.environ["SQLITE_PATH"] = database
    os.environ["DEBUG"] = "false"  # as on the worker: no query log kept in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinovda.settings")
    import django

    django.setup()


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: on Linux a child started from a
    big parent inherits the parent's ru_maxrss, but VmHWM starts afresh with the new program."""
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# --- the data ---------------------------------------------------------------------------------


def build(innovations: int, seed: int) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from sinovda.cycles.models import Cycle
    from sinovda.editions.models import Edition
    from sinovda.innovations.models import (
        Answer,
        Innovation,
        RegionAnswer,
        ReviewState,
        State,
        Submission,
    )
    from sinovda.regions.models import Agency, Region

    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
        call_command("load_editions", verbosity=0, stdout=quiet)
        call_command("load_regions", verbosity=0, stdout=quiet)

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    edition = Edition.objects.get(year=YEAR)
    spec = edition.spec()
    sid = [r.code for r in spec.sid_rows]
    regions = list(Region.objects.order_by("code"))
    today = timezone.localdate()
    with transaction.atomic():
        cycles = Cycle.objects.bulk_create(
            Cycle(
                region=r,
                edition=edition,
                opens_on=today,
                submit_deadline=today,
                review_deadline=today,
            )
            for r in regions
        )
        Agency.objects.bulk_create(
            Agency(region=r, name=f"Dinas Sintetis {k + 1} {r.name}", short_name=f"DS{k + 1}")
            for r in regions
            for k in range(AGENCIES_PER_REGION)
        )
        agencies: dict[int, list[int]] = {}
        for pk, region_id in Agency.objects.values_list("pk", "region_id"):
            agencies.setdefault(region_id, []).append(pk)

        total = int(innovations * (1 + NOT_REPORTED_SHARE))
        owners = [cycles[k % len(cycles)] for k in range(total)]
        made = Innovation.objects.bulk_create(
            (
                Innovation(
                    region_id=c.region_id,
                    agency_id=rng.choice(agencies[c.region_id]),
                    name=f"Inovasi sintetis {k + 1}",
                )
                for k, c in enumerate(owners)
            ),
            batch_size=5000,
        )
        reported = [State.SUBMITTED] * 4 + [State.VERIFIED] * 4 + [State.RETURNED]
        reported.append(State.REJECTED)
        states = [rng.choice(reported) for _ in range(innovations)]
        states += [rng.choice([State.DRAFT, State.WITHDRAWN]) for _ in range(total - innovations)]
        submissions = Submission.objects.bulk_create(
            (
                Submission(
                    innovation_id=i.pk,
                    cycle_id=c.pk,
                    name=i.name,
                    state=state,
                    main_affair=rng.choice(URUSAN),
                )
                for i, c, state in zip(made, owners, states, strict=True)
            ),
            batch_size=5000,
        )

        def answers():
            for s in submissions:
                reviewed = s.state in {State.VERIFIED, State.REJECTED} or rng.random() < 0.5
                for code in sid:
                    claim = rng.choice([0, 1, 2, 2, 3, 3])
                    proof = max(0, claim - rng.choice([0, 0, 1])) if reviewed else None
                    yield Answer(
                        submission_id=s.pk,
                        indicator_code=code,
                        claimed_level=claim,
                        verified_level=proof,
                        review_state=(
                            ReviewState.PENDING
                            if proof is None
                            else ReviewState.ACCEPTED
                            if proof == claim
                            else ReviewState.LOWERED
                        ),
                    )

        for batch in itertools.batched(answers(), 20_000):  # bulk_create would hold them all
            Answer.objects.bulk_create(batch)
        RegionAnswer.objects.bulk_create(
            (
                RegionAnswer(
                    cycle=c,
                    row_code=row.code,
                    claimed_level=rng.choice([1, 2, 3]),
                    verified_level=1,
                    review_state=ReviewState.LOWERED,
                )
                for c in cycles
                for row in spec.spd_rows
            ),
            batch_size=5000,
        )


# --- the measurements (each in its own process) -----------------------------------------------


def baseline(out: str) -> int:
    """The same innovation rows, iterated with .values() and written to CSV: no scores, no XLSX."""
    import csv

    from django.db.models import F

    from sinovda.innovations.models import REPORTED_STATES, Submission

    rows = (
        Submission.objects.filter(cycle__edition__year=YEAR, state__in=REPORTED_STATES)
        .order_by("cycle__region__code", "innovation__agency__name", "name", "pk")
        .values(
            "name",
            "state",
            code=F("cycle__region__code"),
            region=F("cycle__region__name"),
            province=F("cycle__region__province__name"),
            agency=F("innovation__agency__name"),
        )
        .iterator(chunk_size=2000)
    )
    count = 0
    with open(out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        for r in rows:
            writer.writerow(
                [r["code"], r["region"], r["province"], r["agency"], r["name"], r["state"]]
            )
            count += 1
    return count


def rekap(out: str) -> int:
    from sinovda.reports.rekap import write_national_rekap

    with open(out, "wb") as fh:
        return write_national_rekap(YEAR, fh, lambda percent, step="": None)


def child(mode: str, database: str, out: str) -> None:
    setup_django(database)
    before = peak_rss_mb()
    start, cpu = time.perf_counter(), time.process_time()
    rows = {"baseline": baseline, "rekap": rekap}[mode](out)
    seconds = time.perf_counter() - start
    result = {
        "seconds": seconds,
        "cpu": time.process_time() - cpu,
        "rows": rows,
        "rss_mb": peak_rss_mb(),
        "rss_start_mb": before,
        "bytes": os.path.getsize(out),
    }
    print(json.dumps(result))


def measure(mode: str, database: str, directory: str) -> dict:
    out = str(Path(directory) / f"{mode}.{'csv' if mode == 'baseline' else 'xlsx'}")
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--database", database, "--out", out],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--innovations", type=int, default=40_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database", help="build into this SQLite file and keep it; reuse it if it exists"
    )
    parser.add_argument("--child", choices=["baseline", "rekap"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database, args.out)
        return

    with tempfile.TemporaryDirectory(prefix="sinovda-bench-") as directory:
        database = args.database or str(Path(directory) / "bench.sqlite3")
        if os.path.exists(database):
            print(f"data: reusing {database}")
        else:
            setup_django(database)
            start = time.perf_counter()
            build(args.innovations, args.seed)
            print(f"data: {args.innovations} reported innovations, 20 SID answers each")
            print(f"  built in {time.perf_counter() - start:.0f} s (not measured)")

        load = os.getloadavg()[0]
        base = measure("baseline", database, directory)
        result = measure("rekap", database, directory)
        print(f"  load average before the runs: {load:.1f} on {os.cpu_count()} CPUs")
        print(f"\n  {'':<30}{'wall s':>8}{'CPU s':>7}{'rows':>7}{'peak RSS MB':>13}{'file MB':>9}")
        for label, r in (("baseline (.values() → CSV)", base), ("write_national_rekap", result)):
            print(
                f"  {label:<30}{r['seconds']:>8.2f}{r['cpu']:>7.2f}{r['rows']:>7}"
                f"{r['rss_mb']:>13.0f}{r['bytes'] / 1e6:>9.1f}"
            )
        ratio = result["seconds"] / base["seconds"]
        grew = result["rss_mb"] - result["rss_start_mb"]
        print(
            f"\n  rekap / baseline: {ratio:.0f}× (wall); rekap peak RSS {grew:.0f} MB above Django"
        )
        verdict = "ok" if result["seconds"] <= 15 else "OVER"
        print(f"  target ≤ 15 s: {verdict}")


if __name__ == "__main__":
    main()
