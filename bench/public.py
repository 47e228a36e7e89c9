"""Benchmark: the public pages on the national synthetic dataset (PostgreSQL), against a trivial page.

Needs a database filled by `manage.py generate_nation` (docs/benchmarks.md): ~40,000 innovations,
~20,000 of them published, snapshots 2022–2025 for all 546 Pemda. In one process, with Django's test
client (no server, no network), anonymous, each page is requested --requests times with varying
input: catalogue search (different words, specific and common), an innovation page (different
published innovations), the national ranking (every cluster and year), the province ranking (every
province and year), and an API list page (/api/v1/innovations, per province). The trivial page is
the login form (GET), as in issue 11. Requests are interleaved page by page, so a burst of load on
the machine falls on every page alike.

Every input is different within a run, and the run first moves the catalogue's data version (as a
publish does), so each search and innovation page is a first visit: nothing cached by an earlier run
or request answers it (--warm keeps the version). The rankings are read as the workers keep them,
pre-rendered (manage.py warm_rankings). A second pass of the same inputs, read from the caches, is
printed after the table for information; the targets are judged on the first.

Printed per page: median and p95 in ms, both as a ratio to the trivial page of the same run, and
the SQL queries per request (the most seen). Targets: p95 ≤ 150 ms and p95 ≤ 3× the trivial page's
p95. With --small-url (a database generated with --scale 0.1), the query counts are measured there
too, in a child process, and compared: they must not grow with the data (×10).

    DATABASE_URL=postgres://sinovda@127.0.0.1:55433/sinovda_nation \\
        uv run python bench/public.py [--requests 200] [--seed 1] \\
        [--small-url postgres://sinovda@127.0.0.1:55433/sinovda_nation_small] [--profile PAGE]

With --base-url the same requests go over HTTP to a running production server instead (granian, as
deployed: docs/deploy.md), on one kept-alive connection, so each time includes what a visitor's
request costs the server; start that server with SINOVDA_API_RATE=1000000/m and a shared cache.
The database is still read here, to pick the inputs.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

P95_MS = 150
P95_RATIO = 3.0
COMMON_WORDS = ["layanan", "desa", "digital", "warga", "data", "terpadu"]
CLUSTERS = ["provinsi", "kabupaten", "kota", "tertinggal", "perbatasan", "papua"]
YEARS = [2025, 2024, 2023, 2022]


def setup_django(database_url: str | None) -> None:
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinovda.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # 'testserver' host, in-memory e-mail
    settings.DEBUG = False
    # The API's anonymous limit (120/m) would answer 429 to a benchmark.
    settings.SINOVDA_API_RATE = "1000000/m"
    # Cached page parts (catalogue.fragments) and rankings share Django's cache. The default
    # per-process cache keeps 300 entries: fewer than the distinct inputs of one run, so entries
    # evict each other. Size it as a deployment would (docs/benchmarks.md).
    # A shared cache (CACHE_URL=redis://…, as deployed) has no such limit.
    if settings.CACHES["default"]["BACKEND"].endswith("LocMemCache"):
        settings.CACHES["default"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 5000


def search_words(rng: random.Random, count: int = 0) -> list[str]:
    """At least `count` different searches: the synthetic nation's topics (a few hundred matches
    each), after every second one a common word (thousands of matches: the costly case for
    ranking), then each topic with a common word. All different, so no search of a run is
    answered from the search-page cache (views.Found) by an earlier one."""
    from sinovda.core.nation import TOPICS

    specific = sorted({topic for topics in TOPICS.values() for topic in topics})
    rng.shuffle(specific)
    words = []
    for i, topic in enumerate(specific):
        words.append(topic)
        if i % 2:
            words.append(COMMON_WORDS[(i // 2) % len(COMMON_WORDS)])
    for common in COMMON_WORDS:
        if len(words) >= count:
            break
        words += [f"{topic} {common}" for topic in specific if common not in topic.split()]
    return list(dict.fromkeys(words))


def pages(requests: int, rng: random.Random) -> list[tuple[str, str, list[str]]]:
    """(key, label, URLs) per page; a page whose view does not exist yet is left out (said so)."""
    from django.urls import NoReverseMatch, reverse
    from django.utils.http import urlencode

    from sinovda.catalogue.models import Publication
    from sinovda.regions.models import Region

    def cycle(values, n=requests):
        return [values[i % len(values)] for i in range(n)]

    ids = list(Publication.objects.order_by("pk").values_list("innovation__public_id", flat=True))
    if not ids:
        sys.exit("Tidak ada inovasi yang diterbitkan: jalankan dulu manage.py generate_nation.")
    picked = rng.sample(ids, min(requests, len(ids)))
    provinces = list(Region.objects.filter(kind="provinsi").order_by("code").values_list("code"))
    provinces = [code for (code,) in provinces]
    words = search_words(rng, requests)
    out = [("trivial", "halaman masuk (trivial)", cycle([reverse("login")]))]
    wanted = [
        (
            "search",
            "katalog: pencarian",
            "catalogue",
            None,
            ["?" + urlencode({"cari": w}) for w in words[:requests]],
        ),
        ("innovation", "halaman inovasi", "catalogue_innovation", picked, [""]),
        (
            "national",
            "peringkat nasional",
            "ranking_national",
            None,
            [f"?klaster={c}&tahun={y}" for y in YEARS for c in CLUSTERS],
        ),
        (
            "province",
            "peringkat provinsi",
            "ranking_province",
            provinces,
            [f"?tahun={y}" for y in YEARS],
        ),
    ]
    for key, label, name, args, queries in wanted:
        try:
            if args is None:
                urls = [reverse(name) + q for q in queries]
            else:
                urls = [
                    reverse(name, args=[a]) + queries[i % len(queries)] for i, a in enumerate(args)
                ]
        except NoReverseMatch:
            print(f"{name} belum ada: dilewati")
            continue
        out.append((key, label, cycle(urls)))
    out.append(
        (
            "api",
            "API /api/v1/innovations",
            cycle(
                ["/api/v1/innovations"] + [f"/api/v1/innovations?province={p}" for p in provinces]
            ),
        )
    )
    return out


class HttpClient:
    """GET over one kept-alive HTTP connection (the --base-url mode), like Django's test client."""

    def __init__(self, base_url: str):
        from urllib.parse import urlsplit

        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.connection = None

    def get(self, url: str):
        import http.client

        for attempt in (1, 2):  # a kept-alive connection the server closed: open a new one once
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.connection.request("GET", url, headers={"Host": "localhost"})
                response = self.connection.getresponse()
                response.read()
                response.status_code = response.status
                return response
            except (http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def get(client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return response


def fresh_catalogue_version() -> None:
    """Move the catalogue's data version, as a publish does: every cached catalogue part (search
    pages, innovation pages, the filter form) of earlier runs is then out of reach, so each input of
    this run is a first visit. The rankings are untouched: the workers keep them rendered
    (warm_rankings), whatever visitors do."""
    from django.db import transaction

    from sinovda.catalogue import versions

    with transaction.atomic():
        versions.bump()


def time_pages(client, page_list, rounds: int) -> dict[str, list[float]]:
    """ms per request, interleaved: request i of every page, then request i + 1."""
    times = {key: [] for key, _label, _urls in page_list}
    for _key, _label, urls in page_list:  # warm-up: templates, URL resolver, caches of specs
        get(client, urls[0])
    for i in range(rounds):
        for key, _label, urls in page_list:
            start = time.perf_counter()
            get(client, urls[i])
            times[key].append((time.perf_counter() - start) * 1000)
    return times


def count_queries(client, page_list, sample: int = 20) -> dict[str, int]:
    """The most queries one request of each page made, over its first `sample` URLs. Pages that
    keep computed parts in memory (the rankings) make more queries for the first request of an
    input (cold) than for the next (warm): `query_counts` measures both in a fresh process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for key, _label, urls in page_list:
        most = 0
        for url in urls[:sample]:
            with CaptureQueriesContext(connection) as captured:
                get(client, url)
            most = max(most, len(captured.captured_queries))
        counts[key] = most
    return counts


def query_counts(database_url: str, seed: int) -> dict:
    """Cold and warm query counts per page, measured by this script in a fresh process."""
    child = subprocess.run(
        [sys.executable, __file__, "--queries-only", "--database-url", database_url]
        + ["--requests", "20", "--seed", str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(child.stdout.strip().splitlines()[-1])


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def profile(client, page_list, key: str, requests: int = 30) -> None:
    """cProfile of one page's requests: where the time goes (cumulative, top 30)."""
    urls = next(urls for k, _label, urls in page_list if k == key)
    get(client, urls[0])
    profiler = cProfile.Profile()
    profiler.enable()
    for url in urls[:requests]:
        get(client, url)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(out.getvalue())


def dataset() -> str:
    from django.db import connection

    from sinovda.catalogue.models import Publication
    from sinovda.innovations.models import Innovation
    from sinovda.scores.models import ResultSnapshot

    return (
        f"{connection.vendor} {connection.settings_dict['NAME']}: "
        f"{Innovation.objects.count()} inovasi, {Publication.objects.count()} diterbitkan, "
        f"{ResultSnapshot.objects.count()} snapshot"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: the DATABASE_URL environment variable")
    parser.add_argument("--small-url", help="the ×0.1 database, for the query-count comparison")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", help="profile one page: trivial, search, innovation, ...")
    parser.add_argument(
        "--base-url", help="time a running server over HTTP, e.g. http://127.0.0.1:8000"
    )
    parser.add_argument(
        "--warm",
        action="store_true",
        help="keep the catalogue version: inputs cached by earlier runs are read from the cache",
    )
    parser.add_argument("--queries-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    setup_django(args.database_url)
    from django.db import connection
    from django.test import Client

    client = Client()
    rng = random.Random(args.seed)  # noqa: S311 - which inputs to request
    page_list = pages(args.requests, rng)
    if args.queries_only:  # a child process: a fresh process, so the first pass is cold
        cold = count_queries(client, page_list)
        warm = count_queries(client, page_list)
        print(json.dumps({"dataset": dataset(), "cold": cold, "warm": warm}))
        return

    if connection.vendor != "postgresql":
        print("PERINGATAN: target berlaku untuk PostgreSQL; basis data ini", connection.vendor)
    print(dataset())
    if args.profile:
        profile(client, page_list, args.profile)
        return
    started = time.perf_counter()
    timed = HttpClient(args.base_url) if args.base_url else client
    if args.base_url:
        print(f"lewat HTTP: {args.base_url}")
    if not args.warm:
        fresh_catalogue_version()
        print("versi katalog dipindah: tiap pencarian dan halaman inovasi adalah kunjungan pertama")
    times = time_pages(timed, page_list, args.requests)
    elapsed = time.perf_counter() - started
    again = time_pages(timed, page_list, args.requests)
    queries = count_queries(client, page_list)
    large = query_counts(os.environ["DATABASE_URL"], args.seed)
    small = query_counts(args.small_url, args.seed) if args.small_url else None

    trivial_median = statistics.median(times["trivial"])
    trivial_p95 = p95(times["trivial"])
    print(f"{args.requests} permintaan per halaman dalam {elapsed:.1f} s")
    print(
        f"  {'halaman':<26}{'median ms':>10}{'p95 ms':>9}{'× trivial':>14}{'kueri':>7}"
        f"{f'≤{P95_MS} ms':>10}{f'≤{P95_RATIO:g}×':>6}"
    )
    verdicts = {"ms": True, "ratio": True}
    for key, label, _urls in page_list:
        median, high = statistics.median(times[key]), p95(times[key])
        ratio_median, ratio_p95 = median / trivial_median, high / trivial_p95
        fast, close = high <= P95_MS, ratio_p95 <= P95_RATIO
        verdicts["ms"] &= fast
        verdicts["ratio"] &= close
        ratios = f"{ratio_median:.1f} / {ratio_p95:.1f}"
        print(
            f"  {label:<26}{median:>10.1f}{high:>9.1f}{ratios:>14}{queries[key]:>7}"
            f"{'PASS' if fast else 'FAIL':>10}{'PASS' if close else 'FAIL':>6}"
        )
    print(
        f"× trivial = median / median halaman masuk dan p95 / p95 halaman masuk. "
        f"Target p95 ≤ {P95_MS} ms: {'PASS' if verdicts['ms'] else 'FAIL'}; "
        f"p95 ≤ {P95_RATIO:g}× halaman masuk: {'PASS' if verdicts['ratio'] else 'FAIL'}"
    )
    print("\nputaran kedua, masukan yang sama (dari cache; informasi, bukan target):")
    for key, label, _urls in page_list:
        median, high = statistics.median(again[key]), p95(again[key])
        print(
            f"  {label:<26}{median:>10.1f}{high:>9.1f}"
            f"{median / statistics.median(again['trivial']):>9.1f} / {high / p95(again['trivial']):.1f}"
        )
    if small:
        print("\nkueri per permintaan, proses baru (dingin / hangat), data ×0.1 dan ×1")
        print(f"  ×0.1: {small['dataset']}")
        print(f"  ×1:   {large['dataset']}")
        same = True
        for key, label, _urls in page_list:
            pair_small = (small["cold"].get(key), small["warm"].get(key))
            pair_large = (large["cold"][key], large["warm"][key])
            same = same and pair_small == pair_large
            verdict = "sama" if pair_small == pair_large else "BERBEDA"
            small_text, large_text = (f"{cold} / {warm}" for cold, warm in (pair_small, pair_large))
            print(f"  {label:<26}{small_text:>9}{large_text:>9}  {verdict}")
        print(f"kueri tetap saat data ×10: {'PASS' if same else 'FAIL'}")


if __name__ == "__main__":
    main()
