"""Benchmark: the signed-in pages against a trivial page, at 1× and 10× data.

A throwaway SQLite database in a temporary directory gets the migrations, the editions, the regions
and the demo region (Kabupaten Ogan Ilir: the demo's 19 OPDs, a koordinator, the 2023 cycle), then
synthetic reports: ~90 submissions with 20 SID answers each across the OPDs (every state, partly
reviewed, a few rejected, all SPD rows answered) — the demo's size — and then 10× that (~900). For
each size the Django test client, signed in as the demo koordinator (and as an OPD operator for the
operator's pages), requests each page ~30 times and we print the median CPU time of the process
(SQLite included), its ratio to the trivial page (the login form), the median wall time, and the
number of SQL queries per request. Pages are measured in turns (round robin), so a burst of load
from another process spreads over all pages instead of spoiling one. Other processes on the machine
still slow everything down (caches, frequency): compare ratios, not milliseconds, between runs.

DEBUG is off unless --debug is given: production renders with the cached template loader and
without DEBUG's extras, and that is what the numbers should describe.

The dashboard keeps its rendered parts in the default cache under the cycle's data version
(sinovda/scores/dashboard_cache.py) and memoises the engine's result in-process
(sinovda/scores/dashboard.py), so it is measured twice: "cold" empties both before every request
(the first reader after a change), "warm" does not (every later reader).

Targets: the same query count at 1× and 10× on every page; list pages (paginated) about as costly
at 10× as at 1×; the warm dashboard a few times the trivial page.

    uv run python bench/web.py [--requests 30] [--seed 1] [--debug] [--only dasbor]
    uv run python bench/web.py --profile "antrean verifikasi" [--scale 10]   # cProfile one page
    uv run python bench/web.py --sql "dasbor, hangat" [--scale 10]           # its SQL, timed
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
    from django.conf import settings
    from django.core.management import call_command

    # Not setup_test_environment(): it wraps every template render in a signal for the test
    # client's `response.context`, which production does not pay. The client only needs its host.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
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


def operator_for(cycle):
    """An operator of the OPD of the cycle's first draft, and that draft (for the answer page)."""
    from django.contrib.auth import get_user_model

    from sinovda.innovations.models import State, Submission
    from sinovda.regions.models import Membership, Role

    draft = (
        Submission.objects.filter(cycle=cycle, state=State.DRAFT)
        .select_related("innovation__agency")
        .order_by("pk")
        .first()
    )
    user = get_user_model().objects.create_user(
        username="operator", password="bench-password-2023", full_name="Operator (sintetis)"
    )
    Membership.objects.create(
        user=user, region=cycle.region, agency=draft.innovation.agency, role=Role.OPERATOR
    )
    return user, draft


def timed(client, path: str) -> tuple[float, float, int]:
    """(CPU ms, wall ms, queries) of one request, which must answer 200. SQLite runs inside this
    process, so the CPU time includes the database's work; unlike the wall time it does not grow
    when other processes keep the cores busy."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        cpu, wall = time.process_time(), time.perf_counter()
        response = client.get(path)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    assert response.status_code == 200, (path, response.status_code)
    return cpu * 1000, wall * 1000, len(captured.captured_queries)


def measure_all(pages, requests: int) -> dict[str, tuple[float, float, int]]:
    """{label: (median CPU ms, median wall ms, queries per request)}: every page once per round,
    `requests` rounds."""
    cpu: dict[str, list[float]] = {label: [] for label, *_ in pages}
    wall: dict[str, list[float]] = {label: [] for label, *_ in pages}
    queries: dict[str, set[int]] = {label: set() for label, *_ in pages}
    for _label, who, path, _before in pages:
        timed(who, path)  # warm-up: templates, URL resolver, the engine's tables
    for _ in range(requests):
        for label, who, path, before in pages:
            if before:
                before()
            spent, elapsed, count = timed(who, path)
            cpu[label].append(spent)
            wall[label].append(elapsed)
            queries[label].add(count)
    return {
        label: (statistics.median(cpu[label]), statistics.median(wall[label]), max(queries[label]))
        for label in cpu
    }


def profile(label: str, who, path: str, before, requests: int) -> None:
    """cProfile `requests` requests of one page; print the 30 costliest functions (cumulative)."""
    import cProfile
    import pstats

    timed(who, path)
    profiler = cProfile.Profile()
    for _ in range(requests):
        if before:
            before()
        profiler.enable()
        who.get(path)
        profiler.disable()
    print(f"\nprofil {label} ({path}), {requests} permintaan")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(120)


def show_sql(label: str, who, path: str) -> None:
    """The SQL of one request of one page (after a warm-up request), with each query's time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timed(who, path)
    with CaptureQueriesContext(connection) as captured:
        who.get(path)
    print(f"\nkueri {label} ({path})")
    for query in captured.captured_queries:
        print(f"  {query['time']:>6} {query['sql'][:300]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--debug", action="store_true", help="measure with DEBUG on")
    parser.add_argument("--only", default="", help="measure only pages whose label contains this")
    parser.add_argument("--profile", default="", help="profile the page with this label instead")
    parser.add_argument("--sql", default="", help="print the SQL of the page with this label")
    parser.add_argument("--scale", type=int, default=10, help="data size for --profile, --sql")
    args = parser.parse_args()
    os.environ["DEBUG"] = "true" if args.debug else "false"

    with tempfile.TemporaryDirectory(prefix="sinovda-bench-") as directory:
        setup_django(directory)
        from django.conf import settings
        from django.core.cache import cache
        from django.test import Client
        from django.urls import reverse

        from sinovda.scores import dashboard as board

        def cold():
            board.clear_memo()
            cache.clear()

        user, cycle = demo_region()
        code, year = cycle.region.code, cycle.edition.year
        client = Client()
        client.force_login(user)
        anonymous = Client()  # the login form redirects a signed-in person away
        rng = random.Random(args.seed)  # noqa: S311 - synthetic data
        grow(cycle, BASE_SUBMISSIONS, rng)
        operator_user, draft = operator_for(cycle)
        operator = Client()
        operator.force_login(operator_user)
        public_id = draft.innovation.public_id
        first_code = cycle.edition.spec().sid_rows[0].code
        dashboard = reverse("dashboard", args=[code, year])
        pages = [
            ("halaman masuk (trivial)", anonymous, reverse("login"), None),
            ("beranda Pemda", client, reverse("region_home", args=[code]), None),
            ("dasbor, dingin", client, dashboard, cold),
            ("dasbor, hangat", client, dashboard, None),
            ("antrean verifikasi", client, reverse("review_queue", args=[code, year]), None),
            ("daftar laporan", client, reverse("submission_list", args=[code, year]), None),
            (
                "rincian laporan",
                client,
                reverse("submission_detail", args=[code, year, public_id]),
                None,
            ),
            ("pantauan", client, reverse("monitor", args=[code, year]), None),
            ("beranda operator", operator, reverse("region_home", args=[code]), None),
            (
                "daftar laporan operator",
                operator,
                reverse("submission_list", args=[code, year]),
                None,
            ),
            (
                "halaman jawaban",
                operator,
                reverse("answer_edit", args=[code, year, public_id, first_code]),
                None,
            ),
        ]
        print(f"DEBUG={settings.DEBUG}")
        if args.profile or args.sql:
            grow(cycle, BASE_SUBMISSIONS * args.scale, rng)
            for label, who, path, before in pages:
                if args.profile and args.profile in label:
                    profile(label, who, path, before, args.requests)
                if args.sql and args.sql in label:
                    show_sql(label, who, path)
            return
        if args.only:
            pages = pages[:1] + [p for p in pages[1:] if args.only in p[0]]

        results = {}
        for scale in (1, 10):
            total = grow(cycle, BASE_SUBMISSIONS * scale, rng)
            print(f"\n{scale}× data: {total} laporan, {total * 20} jawaban SID, 19 OPD")
            print(f"  {'halaman':<26}{'CPU ms':>8}{'× trivial':>11}{'wall ms':>9}{'kueri':>7}")
            measured = measure_all(pages, args.requests)
            trivial = measured[pages[0][0]][0]
            for label, *_ in pages:
                cpu, wall, queries = measured[label]
                results[(scale, label)] = (cpu, queries)
                ratio = cpu / trivial
                print(f"  {label:<26}{cpu:>8.1f}{ratio:>11.1f}{wall:>9.1f}{queries:>7}")

        print()
        for label, *_ in pages:
            q1, q10 = results[(1, label)][1], results[(10, label)][1]
            verdict = "sama" if q1 == q10 else "BERBEDA"
            print(f"  kueri {label}: {q1} pada 1×, {q10} pada 10× ({verdict})")


if __name__ == "__main__":
    main()
