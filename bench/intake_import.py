"""Benchmark: importing 5,000 innovations from the Excel template (issue 12: ≤ 10 s, ≤ 300 MB).

A throwaway SQLite database (or the empty database DATABASE_URL names) gets the migrations, the
editions, a test region with 20 OPDs, a koordinator and an open 2024 cycle. The region-wide
template is downloaded and filled with 5,000 new innovations: every profile field the sheet has
(texts of some 40 words, choices by their labels, dates, a budget, urusan) and a level for each of
the 20 SID indicators. Then each step runs in its own process, as the two web requests do, so its
peak RSS is its own (Django included):

- preview: read the file, check every row, keep the plan (reader.read, validate.validate,
  stash.save);
- confirm: load the plan and write it all, with the audit rows (stash.load, apply.apply_plan):
  5,000 innovations and reports, 100,000 answers, 115,000 audit rows;
- re-import: the same file once more: every row found unchanged, nothing written.

Baselines in the same run: openpyxl merely reading the file (read-only, values) for the preview,
and bulk_create of the same innovations, reports and answers without checks or audit (rolled
back) for the confirmation.

    uv run python bench/intake_import.py [--rows 5000] [--seed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

YEAR = 2024
REGION = "16.10"
AGENCIES = 20
TARGET_SECONDS = 10.0
TARGET_MB = 300.0
WORDS = [
    *[
        "layanan",
        "masyarakat",
        "desa",
        "data",
        "digital",
        "warga",
        "petugas",
        "dinas",
        "kecamatan",
        "aplikasi",
    ],
    *["pelayanan", "cepat", "mudah", "terpadu", "laporan", "inovasi", "kesehatan", "pendidikan"],
]


def setup_django(directory: str) -> None:
    if not os.environ.get("DATABASE_URL"):
        os.environ["SQLITE_PATH"] = str(Path(directory) / "bench.sqlite3")
    os.environ["PRIVATE_MEDIA_ROOT"] = str(Path(directory) / "private")
    os.environ["DEBUG"] = "false"  # no query log kept in memory
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinovda.settings")
    import django

    django.setup()


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM (a child's ru_maxrss on Linux may carry the
    parent's), else getrusage."""
    with contextlib.suppress(OSError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the data (not measured) ---------------------------------------------------------------------


def build(directory: str, rows: int, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from sinovda.cycles.models import Cycle
    from sinovda.editions.models import Edition
    from sinovda.regions.models import Agency, Membership, Region, Role

    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
        if Region.objects.exists():
            raise SystemExit("DATABASE_URL must name an empty database: the bench fills it.")
        call_command("load_editions", verbosity=0, stdout=quiet)
    province = Region.objects.create(code="16", name="Provinsi Uji", kind=Region.Kind.PROVINCE)
    region = Region.objects.create(
        code=REGION, name="Kabupaten Uji", kind=Region.Kind.REGENCY, province=province
    )
    Agency.objects.bulk_create(
        Agency(region=region, name=f"Dinas Uji {n}", short_name=f"DU{n}")
        for n in range(1, AGENCIES + 1)
    )
    person = get_user_model().objects.create_user(
        username="koordinator", password="bench-Password-991", full_name="Koordinator"
    )
    Membership.objects.create(user=person, region=region, role=Role.COORDINATOR)
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        region=region,
        edition=Edition.objects.get(year=YEAR),
        opens_on=today - datetime.timedelta(days=5),
        submit_deadline=today + datetime.timedelta(days=30),
        review_deadline=today + datetime.timedelta(days=60),
    )
    Path(directory, "import.xlsx").write_bytes(workbook(cycle, rows, seed))


def workbook(cycle, rows: int, seed: int) -> bytes:
    """The region-wide template, filled with `rows` new innovations."""
    import io

    import openpyxl

    from sinovda import innovations
    from sinovda.innovations.imports import layout, template

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    edition = cycle.edition.spec()
    book = openpyxl.load_workbook(io.BytesIO(template.build(cycle)))
    sheet = book[layout.DATA_SHEET]
    columns = layout.columns(edition, region_wide=True)

    def text(words):
        return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."

    for number in range(rows):
        values = []
        for column in columns:
            kind = column.kind
            if kind == layout.ID:
                value = None
            elif kind == layout.AGENCY:
                value = f"DU{number % AGENCIES + 1}"
            elif column.key == "name":
                value = f"Inovasi Uji {number + 1}"
            elif kind == layout.LEVEL:
                value = rng.choice([o.level for o in column.row.options])
            elif kind == "choice":
                options = layout.choice_options(edition, column.field)
                value = rng.choice(options)[1] if options else text(3)
            elif kind == "yesno":
                value = rng.choice(["Ya", "Tidak"])
            elif kind == "date":
                value = datetime.date(2022, 1, 1) + datetime.timedelta(days=rng.randrange(700))
            elif kind == "number":
                value = rng.randrange(1, 500) * 1_000_000
            elif kind == "url":
                value = f"https://youtu.be/uji{number}"
            elif kind == layout.MAIN_AFFAIR:
                value = rng.choice(innovations.affairs.BASIC_SERVICES)
            elif kind == layout.OTHER_AFFAIRS:
                value = "; ".join(rng.sample(innovations.affairs.SUPPORTING, 2))
            elif kind == "longtext":
                value = text(40)
            else:
                value = text(4)
            values.append(value)
        if "trial_date" in {c.key for c in columns}:  # the form's rule: trial before start
            trial = next(i for i, c in enumerate(columns) if c.key == "trial_date")
            start = next(i for i, c in enumerate(columns) if c.key == "implementation_date")
            values[trial] = min(values[trial], values[start])
        sheet.append(values)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the steps (each in its own process) -------------------------------------------------------


def _context():
    from sinovda.cycles.models import Cycle
    from sinovda.regions.access import access_for
    from sinovda.regions.models import Membership, Region

    region = Region.objects.get(code=REGION)
    person = Membership.objects.get(region=region).user
    cycle = Cycle.objects.select_related("edition", "region").get(region=region)
    return access_for(person, region), cycle


def step_read(directory: str) -> dict:
    """Baseline: openpyxl only reads the values of the same file."""
    import openpyxl

    book = openpyxl.load_workbook(Path(directory, "import.xlsx"), read_only=True)
    cells = sum(len(row) for row in book["Inovasi"].iter_rows(values_only=True))
    book.close()
    return {"cells": cells}


def step_preview(directory: str) -> dict:
    from sinovda.innovations.imports import reader, stash, validate

    access, cycle = _context()
    with open(Path(directory, "import.xlsx"), "rb") as handle:
        plan = validate.validate(reader.read(handle), access, cycle, file_name="import.xlsx")
    if plan.problems:
        raise SystemExit(f"unexpected problems: {plan.problems[:3]}")
    token = stash.save(plan, user=access.user, region=access.region)
    Path(directory, "token").write_text(token)
    return {"created": plan.created, "changed": plan.changed, "unchanged": plan.unchanged}


def step_confirm(directory: str) -> dict:
    from sinovda.audit.models import AuditEvent
    from sinovda.innovations.imports import apply, stash

    access, cycle = _context()
    token = Path(directory, "token").read_text()
    plan = stash.load(token, user=access.user, region=access.region, edition=cycle.edition.spec())
    counts = apply.apply_plan(access, cycle, plan)
    stash.discard(token)
    return {**counts, "audit_rows": AuditEvent.objects.count()}


def step_bulk(directory: str) -> dict:
    """Baseline: the same innovations, reports and answers by bulk_create alone, rolled back."""
    from django.db import transaction

    from sinovda.innovations.models import Answer, Innovation, Submission
    from sinovda.regions.models import Agency

    access, cycle = _context()
    rows = int(Path(directory, "rows").read_text())
    codes = [r.code for r in cycle.edition.spec().sid_rows]
    agencies = list(Agency.objects.filter(region=access.region))
    with transaction.atomic():
        innovations = Innovation.objects.bulk_create(
            [
                Innovation(region=access.region, agency=agencies[n % len(agencies)], name=f"B{n}")
                for n in range(rows)
            ],
            batch_size=500,
        )
        reports = Submission.objects.bulk_create(
            [Submission(innovation=i, cycle=cycle, name=i.name) for i in innovations],
            batch_size=500,
        )
        Answer.objects.bulk_create(
            [
                Answer(submission=s, indicator_code=code, claimed_level=2)
                for s in reports
                for code in codes
            ],
            batch_size=500,
        )
        transaction.set_rollback(True)
    return {"rows": rows}


STEPS = {
    "read": step_read,
    "preview": step_preview,
    "confirm": step_confirm,
    "bulk": step_bulk,
}


def child(step: str, directory: str) -> None:
    setup_django(directory)
    # Loaded before the clock starts, as in a running web worker.
    import openpyxl  # noqa: F401

    from sinovda.innovations.imports import apply, reader, stash, validate  # noqa: F401

    start, cpu = time.perf_counter(), time.process_time()
    result = STEPS[step](directory)
    result["seconds"] = time.perf_counter() - start
    result["cpu"] = time.process_time() - cpu
    result["rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def measure(step: str, directory: str) -> dict:
    done = subprocess.run(
        [sys.executable, __file__, "--child", step, "--dir", directory],
        check=False,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"step {step} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


Result = tuple[str, float, float, float, float, float, bool]


def run(rows: int = 5000, seed: int = 1) -> list[Result]:
    """One line per step: (step, seconds, CPU seconds, peak RSS MB, baseline seconds, ratio of
    seconds to the baseline, within target). Wall time is what a person waits; the CPU time shows
    how much of it a busy machine added."""
    with tempfile.TemporaryDirectory(prefix="sinovda-bench-import-") as directory:
        subprocess.run(
            [sys.executable, __file__, "--child-build", "--dir", directory, "--rows", str(rows)]
            + ["--seed", str(seed)],
            check=True,
        )
        Path(directory, "rows").write_text(str(rows))
        read = measure("read", directory)
        bulk = measure("bulk", directory)
        preview = measure("preview", directory)
        confirm = measure("confirm", directory)
        again = measure("preview", directory)  # the same file: every row unchanged
    if (preview["created"], confirm["created"], again["unchanged"]) != (rows, rows, rows):
        raise SystemExit(f"unexpected counts: {preview} {confirm} {again}")

    def line(name, steps, baselines, limit=None):
        seconds = sum(s["seconds"] for s in steps)
        base = sum(b["seconds"] for b in baselines)
        rss = max(s["rss_mb"] for s in steps)
        within = (limit is None or seconds <= limit) and rss <= TARGET_MB
        return (
            name,
            round(seconds, 2),
            round(sum(s["cpu"] for s in steps), 2),
            round(rss, 1),
            round(base, 2),
            round(seconds / base, 2),
            within,
        )

    return [
        line(f"import {rows} rows: preview (read + check)", [preview], [read]),
        line(f"import {rows} rows: confirm (write + audit)", [confirm], [bulk]),
        line(f"import {rows} rows: total", [preview, confirm], [read, bulk], TARGET_SECONDS),
        line(f"re-import {rows} unchanged rows", [again], [read]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--child-build", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_build:
        setup_django(args.dir)
        build(args.dir, args.rows, args.seed)
        return
    if args.child:
        child(args.child, args.dir)
        return
    results = run(args.rows, args.seed)
    print(f"{'step':46} {'seconds':>8} {'cpu':>7} {'peak MB':>8} {'baseline':>9} {'ratio':>6}")
    for name, seconds, cpu, rss, base, ratio, within in results:
        verdict = "PASS" if within else "FAIL"
        print(f"{name:46} {seconds:8.2f} {cpu:7.2f} {rss:8.1f} {base:9.2f} {ratio:6.2f}  {verdict}")
    print(f"targets: total ≤ {TARGET_SECONDS:g} s, peak RSS ≤ {TARGET_MB:g} MB per step")
    loop = min(timeit.repeat("sum(i * i for i in range(1_000_000))", number=1, repeat=5))
    print(f"this machine: a million-step Python loop takes {loop * 1000:.0f} ms (for comparison)")
    if not all(r[-1] for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
