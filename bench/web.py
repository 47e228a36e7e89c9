"""Benchmark: the region dashboard (and the review queue) against a trivial page, at 1× and 10× data.

A throwaway SQLite database in a temporary directory gets the migrations, the editions, the regions
and the demo region (Kabupaten Ogan Ilir: the demo's 19 OPDs, a koordinator, the 2023 cycle), then
synthetic reports: ~90
submissions with 20 SID answers each across the OPDs (every state, partly reviewed, a few rejected,
all SPD rows answered) — the demo's size — and then 10× that (~900). For each size the Django test
client, signed in as the demo koordinator, requests each page ~30 times and we print the median, the
ratio to the trivial page (the login form), and the number of SQL queries per request.

The dashboard memoises the engine's result for unchanged data (sinovda/scores/dashboard.py), so it
is measured twice: "cold" clears the memo before every request (the first reader after a change),
"warm" does not (every later reader). Targets: median ≤ 150 ms, the same query count at 1× and 10×.

    uv run python bench/web.py [--requests 30] [--seed 1]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BASE_SUBMISSIONS = 90
OGAN_ILIR = "16.10"
OTHER_URUSAN = ["Administrasi Kependudukan dan Pencatatan Sipil", "Pertanian", "Perencanaan"]


def setup_django(directory: str) -> None:
    os.environ["SQLITE_PATH"] = str(Path(directory) / "bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinovda.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # 'testserver' host, in-memory email
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):
        call_command("migrate", verbosity=0, interactive=False, stdout=quiet)
        call_command("load_editions", verbosity=0, stdout=quiet)
        call_command("load_regions", verbosity=0, stdout=quiet)


def demo_region():
    """The demo's region, OPDs, a koordinator and the 2023 cycle (as `load_demo` makes them, but
    without its other content, so the benchmark measures the same data whatever the demo becomes)."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sinovda.cycles.models import Cycle
    from sinovda.editions.models import Edition
    from sinovda.regions.models import Agency, Membership, Region, Role

    region = Region.objects.get(code=OGAN_ILIR)
    from sinovda.core.demo import AGENCIES  # after django.setup(): it imports models

    for name, short in AGENCIES:
        Agency.objects.create(region=region, name=name, short_name=short)
    user = get_user_model().objects.create_user(
        username="koordinator", password="bench-password-2023", full_name="Koordinator (sintetis)"
    )
    Membership.objects.create(user=user, region=region, role=Role.COORDINATOR)
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        region=region,
        edition=Edition.objects.get(year=2023),
        opens_on=today - datetime.timedelta(days=30),
        submit_deadline=today + datetime.timedelta(days=30),
        review_deadline=today + datetime.timedelta(days=60),
    )
    return user, Cycle.objects.select_related("edition", "region").get(pk=cycle.pk)


def grow(cycle, target: int, rng: random.Random) -> int:
    """Add synthetic reported submissions until the cycle has `target` of them."""
    from django.db import transaction

    from sinovda.innovations import affairs
    from sinovda.innovations.models import (
        Answer,
        Innovation,
        RegionAnswer,
        ReviewState,
        State,
        Submission,
    )
    from sinovda.regions.models import Agency

    spec = cycle.edition.spec()
    sid = [r.code for r in spec.sid_rows]
    agencies = list(Agency.objects.filter(region=cycle.region, is_active=True).order_by("pk"))
    existing = Submission.objects.filter(cycle=cycle).count()
    states = [State.SUBMITTED] * 4 + [State.VERIFIED] * 3 + [State.RETURNED] * 2
    states += [State.REJECTED, State.DRAFT, State.WITHDRAWN]
    urusan = affairs.BASIC_SERVICES + OTHER_URUSAN
    with transaction.atomic():
        for k in range(existing, target):
            agency = agencies[k % len(agencies)]
            name = f"Inovasi sintetis {k + 1}"
            innovation = Innovation.objects.create(region=cycle.region, agency=agency, name=name)
            state = rng.choice(states)
            submission = Submission.objects.create(
                innovation=innovation,
                cycle=cycle,
                state=state,
                name=name,
                main_affair=rng.choice(urusan),
            )
            reviewed = state in {State.VERIFIED, State.REJECTED} or rng.random() < 0.4
            answers = []
            for code in sid:
                claim = rng.choice([0, 1, 2, 2, 3, 3])
                done = reviewed and rng.random() < 0.9
                proof = max(0, claim - rng.choice([0, 0, 0, 1])) if done else None
                answers.append(
                    Answer(
                        submission=submission,
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
                )
            Answer.objects.bulk_create(answers)
        if not RegionAnswer.objects.filter(cycle=cycle).exists():
            RegionAnswer.objects.bulk_create(
                RegionAnswer(
                    cycle=cycle,
                    row_code=row.code,
                    claimed_level=rng.choice([1, 2, 3]),
                    verified_level=1,
                    review_state=ReviewState.LOWERED,
                )
                for row in spec.spd_rows
            )
    return Submission.objects.filter(cycle=cycle).count()


def measure(client, path: str, requests: int, before=None) -> tuple[float, int]:
    """(median ms, queries per request)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(path)  # warm-up: templates, URL resolver, the engine's tables
    assert response.status_code == 200, (path, response.status_code)
    times = []
    queries = set()
    for _ in range(requests):
        if before:
            before()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries.add(len(captured.captured_queries))
    return statistics.median(times), max(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sinovda-bench-") as directory:
        setup_django(directory)
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        from sinovda.scores import dashboard as board

        user, cycle = demo_region()
        code, year = cycle.region.code, cycle.edition.year
        client = Client()
        client.force_login(user)
        anonymous = Client()  # the login form redirects a signed-in person away
        dashboard = reverse("dashboard", args=[code, year])
        pages = [
            ("halaman masuk (trivial)", anonymous, reverse("login"), None),
            ("dasbor, dingin", client, dashboard, board.clear_memo),
            ("dasbor, hangat", client, dashboard, None),
        ]
        try:
            queue = reverse("review_queue", args=[code, year])
            pages.append(("antrean verifikasi", client, queue, None))
        except NoReverseMatch:
            print("review_queue belum ada: dilewati")

        rng = random.Random(args.seed)  # noqa: S311 - synthetic data
        results = {}
        for scale in (1, 10):
            total = grow(cycle, BASE_SUBMISSIONS * scale, rng)
            print(f"\n{scale}× data: {total} laporan, {total * 20} jawaban SID, 19 OPD")
            print(f"  {'halaman':<26}{'median ms':>10}{'× trivial':>11}{'kueri':>7}")
            trivial = None
            for label, who, path, before in pages:
                median, queries = measure(who, path, args.requests, before)
                trivial = trivial or median
                results[(scale, label)] = (median, queries)
                print(f"  {label:<26}{median:>10.1f}{median / trivial:>11.1f}{queries:>7}")

        print()
        for label, *_ in pages:
            q1, q10 = results[(1, label)][1], results[(10, label)][1]
            verdict = "sama" if q1 == q10 else "BERBEDA"
            print(f"  kueri {label}: {q1} pada 1×, {q10} pada 10× ({verdict})")


if __name__ == "__main__":
    main()
