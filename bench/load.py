"""Load proof: the national synthetic dataset, 2 app nodes behind nginx, users of every kind at once.

A PostgreSQL database is copied from the national synthetic dataset (`createdb -T sinovda_nation`;
the template is never changed) or, with --generate, filled by `generate_nation` for one province.
For a few Pemda with the most reports, the 2025 cycle is opened again (reporting until +30 days),
their reports split per OPD between drafts (to edit) and sent reports (to review), and people are
made with a known password: a koordinator, verifiers, and one operator per OPD. bench/harness.py
then starts the installation and locust (as a library, headless, one process) runs page classes:

  operator     home, submission list, a report, an indicator answer (GET + POST), an evidence upload
               (PDF or JPG of 100 KB–2 MB, GET + POST)
  verifier     review queue, a report's review page, one answer judged (POST with a note)
  koordinator  dashboard, monitor
  public       catalogue search, an innovation page, the national ranking, the API list
  trivial      the login page (GET), the yardstick

Every write carries a unique token (the answer's link, the review note, the upload's file name and
subject). Afterwards the database must hold each token of a successful write exactly once (audit
rows, documents, stored objects), and none of a refused one. Printed: per page class requests,
failures, median, p95 and p95 ÷ trivial p95; requests/s; the largest RSS of the app and worker
processes (sampled every second from /proc). Exit status 1 when a target is missed: 0 errors,
p95 ≤ 150 ms and ≤ 3× trivial per class, RSS ≤ 300 MB, integrity.

    DATABASE_URL=postgres://sinovda@127.0.0.1:55433/postgres \\
        uv run python bench/load.py [--users 50 --minutes 10 --spawn-rate 5] [--capacity N]
        [--short] [--generate] [--redis] [--s3] [--db NAME] [--keep-db]
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()  # before anything opens a socket: locust runs its users on gevent

import argparse  # noqa: E402
import atexit  # noqa: E402
import collections  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from locust import between, constant  # noqa: E402
from locust.env import Environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402
import load_dataset as dataset  # noqa: E402
import load_users  # noqa: E402
from load_users import FAILURES, SAMPLES, TOKEN, WRITES  # noqa: E402

P95_MS, P95_RATIO, RSS_MB = 150, 3.0, 300
CLASSES = ["operator", "verifier", "koordinator", "public", "trivial"]


class RssSampler:
    """The largest resident size seen, per kind of process, sampled every second."""

    def __init__(self, site: harness.Installation):
        self.site = site
        self.largest = {"app": 0.0, "worker": 0.0}
        self.greenlet = gevent.spawn(self._run)

    def _run(self):
        while True:
            for kind, prefix in (("app", "node"), ("worker", "worker")):
                for pid in self.site.pids(prefix):
                    self.largest[kind] = max(self.largest[kind], harness.rss_mb(pid))
            gevent.sleep(1)

    def stop(self):
        self.greenlet.kill()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """CPU time of a process and of its children it has waited for (the worker's OCR runs)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(value) for value in fields[11:15]) / CLOCK_TICKS  # utime stime cutime cstime


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_by_part(site) -> dict[str, float]:
    """CPU seconds used so far by each part of the installation, by the load generator (this
    process) and by the whole machine (busy and all, from /proc/stat)."""
    parts = {
        name: sum(_cpu_seconds(pid) for pid in site.pids(prefix))
        for name, prefix in (
            ("aplikasi", "node"),
            ("worker", "worker"),
            ("nginx", "nginx"),
            ("redis", "redis"),
        )
    }
    parts["PostgreSQL"] = sum(_cpu_seconds(pid) for pid in _postgres_pids())
    times = os.times()
    parts["pembangkit beban"] = times.user + times.system
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    parts["mesin: sibuk"] = (sum(values[:8]) - idle) / CLOCK_TICKS
    parts["mesin: semua"] = sum(values[:8]) / CLOCK_TICKS
    return parts


def report_cpu(before: dict[str, float], after: dict[str, float]) -> None:
    """Where the machine's cores went during the run (so a reader can size a real server, where
    the load generator is elsewhere and the workers may be)."""
    used = {name: after[name] - before[name] for name in before}
    available = used.pop("mesin: semua")
    busy = used.pop("mesin: sibuk")
    shares = ", ".join(f"{name} {100 * value / available:.0f} %" for name, value in used.items())
    rest = busy - sum(used.values())
    print(
        f"CPU selama uji ({available:.0f} detik-inti tersedia): {shares}, lain {100 * rest / available:.0f} %, "
        f"menganggur {100 * (available - busy) / available:.0f} %"
    )


def run_users(site, users: int, spawn_rate: float, seconds: float, think: float | None) -> float:
    """Run the page classes against the site; returns the seconds measured."""
    for user_class in load_users.USER_CLASSES:
        user_class.wait_time = constant(0) if think is None else between(think * 0.5, think * 1.5)
    env = Environment(user_classes=load_users.USER_CLASSES, host=site.url, stop_timeout=60)
    env.events.request.add_listener(load_users.on_request)
    runner = env.create_local_runner()
    started = time.monotonic()
    runner.start(users, spawn_rate=spawn_rate)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    return time.monotonic() - started


def percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report_latency(seconds: float) -> list[str]:
    """Print the per-class table; returns the targets missed."""
    missed = []
    trivial = percentile(SAMPLES["trivial"], 0.95) or 1.0
    total = sum(len(v) for v in SAMPLES.values())
    failures = sum(FAILURES.values())
    print(
        f"\n{'kelas':12} {'permintaan':>10} {'gagal':>6} {'median':>8} {'p95':>8} {'÷trivial':>9}"
    )
    for page_class in CLASSES:
        values = SAMPLES.get(page_class, [])
        failed = sum(n for key, n in FAILURES.items() if key.startswith(page_class + ":"))
        p95 = percentile(values, 0.95)
        median = statistics.median(values) if values else 0.0
        ratio = p95 / trivial
        print(
            f"{page_class:12} {len(values):10d} {failed:6d} {median:7.0f}ms {p95:7.0f}ms {ratio:8.1f}×"
        )
        if values and p95 > P95_MS:
            missed.append(f"p95 {page_class} {p95:.0f} ms > {P95_MS} ms")
        if values and page_class != "trivial" and ratio > P95_RATIO:
            missed.append(f"p95 {page_class} {ratio:.1f}× trivial > {P95_RATIO}×")
    print(f"total {total} permintaan dalam {seconds:.0f} s: {total / seconds:.1f} permintaan/s")
    if failures:
        missed.append(f"{failures} errors")
        for key, n in FAILURES.most_common(10):
            print(f"  gagal {n}×  {key}")
    return missed


def check_integrity(since) -> tuple[list[str], dict]:
    """Every successful write is in the database exactly once, and no refused one is."""
    from sinovda.audit.models import AuditEvent
    from sinovda.evidence.models import Document

    actions = {"edit": "answer.claim", "review": "answer.review", "upload": "document.upload"}
    problems, numbers = [], {}
    for kind, action in actions.items():
        found = collections.Counter()
        for after in AuditEvent.objects.filter(action=action, created_at__gte=since).values_list(
            "after", flat=True
        ):
            found.update(set(TOKEN.findall(json.dumps(after))))
        sent = WRITES[kind]
        ok = {t for t, state in sent.items() if state == "ok"}
        failed = {t for t, state in sent.items() if state == "failed"}
        missing = [t for t in ok if found[t] == 0]
        doubled = [t for t in ok if found[t] > 1]
        refused_but_written = [t for t in failed if found[t] > 0]
        numbers[kind] = {
            "ok": len(ok),
            "failed": len(failed),
            "in flight at the end": sum(1 for s in sent.values() if s == "pending"),
            "audited": sum(1 for t in ok if found[t] == 1),
        }
        for label, bad in (
            ("missing", missing),
            ("duplicated", doubled),
            ("written though refused", refused_but_written),
        ):
            if bad:
                problems.append(f"{kind}: {len(bad)} {label} (e.g. {bad[0]})")
    uploads = {t for t, state in WRITES["upload"].items() if state == "ok"}
    documents = collections.Counter()
    absent = 0
    for document in Document.objects.filter(uploaded_at__gte=since).only("original_name", "file"):
        token = TOKEN.search(document.original_name)
        if token:
            documents[token.group(0)] += 1
            if token.group(0) in uploads and not _stored(document.file):
                absent += 1
    if any(documents[t] != 1 for t in uploads):
        problems.append("upload: document rows do not match the successful uploads one to one")
    if absent:
        problems.append(f"upload: {absent} documents without their stored file")
    numbers["upload"]["documents"] = sum(documents[t] for t in uploads)
    return problems, numbers


def _stored(field_file) -> bool:
    try:
        return field_file.storage.exists(field_file.name)
    except Exception:  # noqa: BLE001 - a storage that cannot answer has not got the file
        return False


def private_cluster() -> harness.PrivateCluster:
    folder = Path(tempfile.mkdtemp(prefix="sinovda-load-"))
    folder.chmod(0o755)  # the cluster runs as nobody when we are root
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # runs after the cluster stopped
    cluster = harness.PrivateCluster(folder)
    harness.register_cluster(cluster)
    cluster.init()
    cluster.start()
    return cluster


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--db", default="sinovda_load", help="the load database (replaced)")
    parser.add_argument("--keep-db", action="store_true", help="use --db as it is (no copy)")
    parser.add_argument("--template", default=dataset.TEMPLATE)
    parser.add_argument("--generate", type=float, metavar="SCALE", help="no template: generate")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--think", type=float, default=1.0, help="mean seconds between journeys")
    parser.add_argument("--capacity", type=int, metavar="N", help="N clients, no think time")
    parser.add_argument("--short", action="store_true", help="1 minute, 10 users (CI)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", action="store_true")
    parser.add_argument("--s3", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--no-latency-targets",
        action="store_true",
        help="print the latencies but do not fail on them (a shared, busy machine); errors, "
        "memory and integrity still count",
    )
    args = parser.parse_args(argv)
    if not args.database_url:
        # No server given: a private cluster, and one generated province in it.
        args.database_url = private_cluster().url("postgres")
        args.generate = args.generate or 0.3
    if not args.database_url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL server: the load runs on PostgreSQL")
    think = args.think
    if args.short:
        args.users, args.minutes = 10, 1
    if args.capacity:
        args.users, think = args.capacity, None
    random.seed(args.seed)

    url = dataset.with_database(args.database_url, args.db)
    started = time.monotonic()
    if not args.keep_db:
        if args.generate:
            dataset.generate_database(args.database_url, args.db, args.generate)
        else:
            dataset.copy_database(args.database_url, args.db, args.template)
    site = harness.Installation(
        url,
        workers=args.workers,
        redis=args.redis,
        s3=args.s3,
        extra_env={"SINOVDA_API_RATE": "1000000/m"},  # every client is 127.0.0.1 here
    )
    site.start()
    dataset.setup_django(site)
    load_users.install_plan(dataset.prepare(operators_wanted=max(args.users, 20)), args.seed)
    print(f"dataset {dataset.describe_dataset()}; siap dalam {time.monotonic() - started:.0f} s")
    print(f"beban mesin sebelum: {os.getloadavg()[0]:.1f} (uptime load 1 min)")
    mode = f"{args.users} klien tanpa jeda" if think is None else f"{args.users} pengguna"
    print(f"{mode}, {args.minutes:g} menit, {site.url}")

    from django.utils import timezone

    since = timezone.now()
    sampler = RssSampler(site)
    cpu_before = cpu_by_part(site)
    seconds = run_users(site, args.users, args.spawn_rate, args.minutes * 60, think)
    cpu_after = cpu_by_part(site)
    sampler.stop()
    print(f"beban mesin sesudah: {os.getloadavg()[0]:.1f}")
    report_cpu(cpu_before, cpu_after)
    missed = report_latency(seconds)
    if args.no_latency_targets:
        missed = [m for m in missed if not m.startswith("p95")]
    print(
        f"RSS terbesar: proses aplikasi {sampler.largest['app']:.0f} MB, "
        f"worker {sampler.largest['worker']:.0f} MB"
    )
    for kind, largest in sampler.largest.items():
        if largest > RSS_MB:
            missed.append(f"{kind} RSS {largest:.0f} MB > {RSS_MB} MB")
    problems, numbers = check_integrity(since)
    print(f"integritas: {json.dumps(numbers)}")
    missed += problems
    site.stop()
    if missed:
        print("GAGAL: " + "; ".join(missed))
        return 1
    print("LULUS: semua target terpenuhi")
    return 0


if __name__ == "__main__":
    sys.exit(main())
