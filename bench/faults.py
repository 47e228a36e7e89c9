"""Fault proof: each fault once, against a local installation on a private PostgreSQL cluster.

A PostgreSQL cluster of our own (bench/harness.py: Debian's binaries, a free port) gets one province
of the synthetic nation (`generate_nation --province 16`) and the people of bench/load.py; the
installation has 2 app nodes behind nginx, 2 workers, Redis as the shared cache and moto as the
object storage. Then:

  a  PostgreSQL stopped and started under load: requests meanwhile get the 503 page (no 500, none
     hangs past the timeout); the app answers 200 again within 10 s of the database returning; no
     write is lost, doubled, or kept although its request failed (bench/load.py's integrity check)
  b  one app node killed (SIGKILL): the other keeps serving through nginx (a few errors at most
     right after the kill, none after)
  c  a worker killed while it makes a generated file (the results report): the job completes on the
     other worker (heartbeat 1 s, stale after 3 s here)
  e  backup → wipe (database dropped, stored objects deleted) → restore: the same row count in every
     table and the same checksum for every evidence file
  d  object storage stopped: an evidence upload fails with the clear message and nothing is recorded
  f  Redis (the shared cache) killed under load: pages are built without it, so no request fails;
     started again, it is used again (keys written) within 10 s; no write lost or doubled

Prints PASS/FAIL per fault with its numbers; exit status 1 when any fails.

    uv run python bench/faults.py [--only a,b] [--short]
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import atexit  # noqa: E402
import collections  # noqa: E402
import hashlib  # noqa: E402
import http.cookiejar  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from urllib3 import encode_multipart_formdata  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import harness  # noqa: E402
import load  # noqa: E402
import load_dataset  # noqa: E402
import load_users  # noqa: E402

OUTAGE_PAGE = "Layanan sedang dipulihkan"
STORAGE_MESSAGE = "Penyimpanan berkas sedang tidak dapat dihubungi"
TIMEOUT = 15.0  # a request taking longer than this "hangs"
RECOVERY_SECONDS = 10.0


class Browser:
    """One signed-in person over plain HTTP (the session cookie is Secure, as in production)."""

    def __init__(self, base: str):
        self.base = base
        policy = http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar(policy))
        )

    def request(self, path: str, fields=None, timeout: float = TIMEOUT):
        """(status, text, seconds, final url); status 0 when there was no answer in time."""
        data, headers = None, {}
        if fields is not None:
            data, content_type = encode_multipart_formdata(fields)
            headers = {"Content-Type": content_type}
        started = time.monotonic()
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                text = response.read().decode("utf-8", "replace")
                return response.status, text, time.monotonic() - started, response.geturl()
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            return error.code, text, time.monotonic() - started, self.base + path
        except OSError:
            return 0, "", time.monotonic() - started, self.base + path

    def csrf(self, path: str) -> str:
        status, text, _, _ = self.request(path)
        found = load_users.CSRF.search(text)
        if status != 200 or not found:
            raise RuntimeError(f"GET {path}: {status}, no form")
        return found.group(1)

    def log_in(self, username: str) -> Browser:
        token = self.csrf("/masuk/")
        fields = {
            "username": username,
            "password": load_dataset.PASSWORD,
            "csrfmiddlewaretoken": token,
        }
        status, text, _, url = self.request("/masuk/", fields)
        if status != 200 or url.endswith("/masuk/"):
            raise RuntimeError(f"login of {username} failed ({status})")
        return self


class Prober:
    """GET a page that needs the database every 0.2 s and keep (time, status, seconds, outage?)."""

    def __init__(self, browser: Browser, path: str):
        self.browser, self.path, self.seen = browser, path, []
        self.greenlet = gevent.spawn(self._run)

    def _run(self):
        while True:
            at = time.monotonic()
            status, text, seconds, _ = self.browser.request(self.path)
            self.seen.append((at, status, seconds, OUTAGE_PAGE in text))
            gevent.sleep(0.2)

    def stop(self):
        self.greenlet.kill()
        return self.seen


def result(name: str, passed: bool, numbers: str) -> tuple[str, bool, str]:
    print(f"{'PASS' if passed else 'FAIL'}  {name}: {numbers}", flush=True)
    return name, passed, numbers


def reset_counters() -> None:
    for writes in load_users.WRITES.values():
        writes.clear()
    load_users.SAMPLES.clear()
    load_users.FAILURES.clear()
    FAILURE_TIMES.clear()


FAILURE_TIMES: list[float] = []


def on_failure(exception, **_kwargs) -> None:
    if exception is not None:
        FAILURE_TIMES.append(time.monotonic())


def users(site, count: int):
    """Start `count` mixed users (1 s think time) in the background; returns the runner."""
    from locust import between
    from locust.env import Environment

    for user_class in load_users.USER_CLASSES:
        user_class.wait_time = between(0.5, 1.5)
    env = Environment(user_classes=load_users.USER_CLASSES, host=site.url, stop_timeout=30)
    env.events.request.add_listener(load_users.on_request)
    env.events.request.add_listener(on_failure)
    runner = env.create_local_runner()
    runner.start(count, spawn_rate=count)
    return runner


def stop_users(runner) -> None:
    runner.quit()
    runner.greenlet.join(timeout=60)


def fresh_connection() -> None:
    from django.db import connection

    connection.close()  # the database may have been restarted or replaced under us


# --- the faults ------------------------------------------------------------------------------------


def database_restart(site, cluster, plan, short: bool):
    from django.utils import timezone

    reset_counters()
    since = timezone.now()
    restarts_before = sum(site.restarts.values())
    runner = users(site, 6)
    prober = Prober(Browser(site.url).log_in(plan["koordinators"][0]["username"]), "/")
    gevent.sleep(5 if short else 15)
    down_at = time.monotonic()
    cluster.stop()
    gevent.sleep(5 if short else 10)
    cluster.start()
    up_at = time.monotonic()
    gevent.sleep(12 if short else 20)
    seen = prober.stop()
    stop_users(runner)
    during = [s for s in seen if down_at + 0.5 <= s[0] and s[0] + s[2] <= up_at]
    statuses = collections.Counter(s[1] for s in during)
    outage_pages = sum(1 for s in during if s[1] == 503 and s[3])
    # With Redis, a request needing no database (session and page parts in the cache) may still
    # answer 200 during the outage: a right answer too. Anything else must be the 503 page.
    served = sum(1 for s in during if s[1] == 200)
    slowest = max((s[2] for s in seen), default=0.0)
    after = [s for s in seen if s[0] >= up_at]
    recovered = next(
        (s[0] for i, s in enumerate(after) if all(x[1] == 200 for x in after[i:])), None
    )
    recovery = None if recovered is None else max(0.0, recovered - up_at)
    fresh_connection()
    problems, numbers = load.check_integrity(since)
    passed = (
        during
        and outage_pages > 0
        and outage_pages + served == len(during)
        and slowest < TIMEOUT
        and recovery is not None
        and recovery <= RECOVERY_SECONDS
        and not problems
    )
    writes = {kind: (n["ok"], n["failed"]) for kind, n in numbers.items()}
    return result(
        "a PostgreSQL restarted",
        bool(passed),
        f"during outage {dict(statuses)} ({outage_pages} outage pages of {len(during)}), "
        f"slowest {slowest:.1f} s, recovered {recovery if recovery is None else round(recovery, 1)}"
        f" s after the database returned; writes ok/failed {writes}; "
        f"integrity {'; '.join(problems) or 'ok'}; workers that exited and were restarted "
        f"(as systemd does): {sum(site.restarts.values()) - restarts_before}",
    )


def node_killed(site, cluster, plan, short: bool):
    reset_counters()
    runner = users(site, 6)
    gevent.sleep(5 if short else 10)
    killed_at = time.monotonic()
    site.kill("node1")
    gevent.sleep(10 if short else 20)
    stop_users(runner)
    requests_after = sum(len(v) for v in load_users.SAMPLES.values())
    early = sum(1 for t in FAILURE_TIMES if killed_at <= t < killed_at + 5)
    late = sum(1 for t in FAILURE_TIMES if t >= killed_at + 5)
    site.start_node("node1")  # back for the next faults
    return result(
        "b app node killed",
        early <= 5 and late == 0,
        f"{early} errors in the 5 s after the kill, {late} after that, "
        f"{requests_after} requests in all",
    )


def worker_killed(site, cluster, plan, short: bool):
    from django_tasks_db.models import DBTaskResult

    from sinovda.reports.models import OutputJob

    fresh_connection()
    account = plan["koordinators"][0]
    browser = Browser(site.url).log_in(account["username"])
    base = f"/r/{account['region']}/siklus/{plan['year']}/keluaran/"
    for attempt in range(3):
        token = browser.csrf(base)
        status, _, _, url = browser.request(f"{base}buat/report/", {"csrfmiddlewaretoken": token})
        job_id = url.rstrip("/").rsplit("/", 1)[-1]
        if status != 200 or not re.fullmatch(r"[0-9a-f-]{36}", job_id):
            return result("c worker killed mid-export", False, f"request refused ({status})")
        victim = victim_id = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and victim is None:
            row = DBTaskResult.objects.filter(args_kwargs__args=[job_id]).first()
            if row is not None and row.status == "RUNNING" and row.worker_ids:
                victim_id = row.worker_ids[-1]
                victim = _worker_name(site, victim_id)
            elif row is not None and row.status in {"SUCCESSFUL", "FAILED"}:
                break
            time.sleep(0.02)
        if victim is not None:
            break
        if row is None or row.status == "READY":
            return result("c worker killed mid-export", False, "no worker took the job in 60 s")
        print(f"  attempt {attempt + 1}: the job finished before it could be caught running")
    else:
        return result("c worker killed mid-export", False, "the job was never seen running")
    killed_at = time.monotonic()
    site.kill(victim)
    status = None
    while time.monotonic() < killed_at + 120:
        status = OutputJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
        if status in {OutputJob.Status.DONE, OutputJob.Status.FAILED}:
            break
        time.sleep(0.5)
    took = time.monotonic() - killed_at
    row = DBTaskResult.objects.filter(args_kwargs__args=[job_id]).first()
    finisher_id = row.worker_ids[-1] if row and row.worker_ids else None
    finisher = _worker_name(site, finisher_id) if finisher_id else None
    site.start_worker(victim)
    return result(
        "c worker killed mid-export",
        status == OutputJob.Status.DONE and finisher_id not in (None, victim_id),
        f"killed {victim} while RUNNING; job {status} {took:.1f} s later, finished by {finisher} "
        f"({'another worker' if finisher_id != victim_id else 'the same worker id'})",
    )


def _worker_name(site, worker_id: str) -> str | None:
    """run_worker's id is <host>-<pid>-<random>: the harness name of the process with that pid."""
    parts = worker_id.rsplit("-", 2)
    pid = int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else -1
    return next((n for n, p in site.processes.items() if p.pid == pid), None)


def table_counts() -> dict[str, int]:
    from django.conf import settings
    from django.db import connection

    skip = set()
    cache = settings.CACHES["default"]
    if cache["BACKEND"].endswith("DatabaseCache"):
        skip.add(cache["LOCATION"])
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if table in skip:
                continue
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from the catalog
            counts[table] = cursor.fetchone()[0]
    return counts


def evidence_checksums() -> dict[str, str]:
    from sinovda.evidence.models import Document

    sums = {}
    for document in Document.objects.only("file"):
        digest = hashlib.sha256()
        try:
            with document.file.open("rb") as handle:
                while chunk := handle.read(1024 * 1024):
                    digest.update(chunk)
            sums[document.file.name] = digest.hexdigest()
        except (OSError, ValueError) as error:
            sums[document.file.name] = f"unreadable: {error.__class__.__name__}"
    return sums


def backup_restore(site, cluster, plan, short: bool):
    fresh_connection()
    _upload_some(site, plan, 3)  # a few evidence files, so there are objects to check
    for name in [n for n in site.processes if n.startswith("worker")]:
        site.kill(name, harness.signal.SIGTERM)  # no heartbeats or periodic rows meanwhile
    counts, sums = table_counts(), evidence_checksums()
    target = site.folder / "backup"
    env = site.env()
    started = time.monotonic()
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "backup", str(target), "--with-files"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    backed_up = time.monotonic() - started
    fresh_connection()
    database = urllib.parse.urlsplit(site.database_url).path.lstrip("/")
    load_dataset.pg(site.database_url, "dropdb", "--force", database, check=True)
    load_dataset.pg(site.database_url, "createdb", database, check=True)
    _wipe_objects(site)
    started = time.monotonic()
    restored = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "restore", str(target)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    restore_seconds = time.monotonic() - started
    fresh_connection()
    after_counts, after_sums = table_counts(), evidence_checksums()
    for n in (1, 2):
        site.start_worker(f"worker{n}")
    differing = sorted(
        t for t in set(counts) | set(after_counts) if counts.get(t) != after_counts.get(t)
    )
    bad_files = sorted(name for name in sums if after_sums.get(name) != sums[name])
    return result(
        "e backup, wipe, restore",
        restored.returncode == 0 and not differing and not bad_files,
        f"{len(counts)} tables, {sum(counts.values())} rows, {len(sums)} evidence files; "
        f"backup {backed_up:.1f} s, restore {restore_seconds:.1f} s (exit {restored.returncode}); "
        f"tables differing {differing[:5] or 'none'}; files differing {len(bad_files)}"
        + (f"; restore said: {restored.stderr.strip()[-300:]}" if restored.returncode else ""),
    )


def _wipe_objects(site) -> None:
    if site.use_s3:
        import boto3

        key, secret = harness.S3_CREDENTIALS.split(":")
        bucket = boto3.resource(
            "s3",
            endpoint_url=site.s3_endpoint,
            region_name="us-east-1",
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        ).Bucket(harness.BUCKET)
        bucket.objects.all().delete()
    shutil.rmtree(site.folder / "private", ignore_errors=True)
    (site.folder / "private").mkdir()


def _upload_some(site, plan, count: int) -> list[tuple[int, str]]:
    account = plan["operators"][0]
    browser = Browser(site.url).log_in(account["username"])
    url = f"/r/{account['region']}/bukti/unggah/"
    outcomes = []
    for _ in range(count):
        token = load_users.new_token()
        name, data, content_type = load_users.FILES[0].make(token)
        fields = {
            "csrfmiddlewaretoken": browser.csrf(url),
            "subject": f"Bukti uji gangguan {token}",
            "file": (name, data, content_type),
        }
        status, text, seconds, _ = browser.request(url, fields, timeout=60)
        outcomes.append((status, token, text, seconds))
    return outcomes


def storage_down(site, cluster, plan, short: bool):
    from sinovda.audit.models import AuditEvent
    from sinovda.evidence.models import Document

    fresh_connection()
    if not site.use_s3:
        return result("d object storage down", False, "the installation has no object storage")
    site.kill("moto")
    [(status, token, text, seconds)] = _upload_some(site, plan, 1)
    documents = Document.objects.filter(original_name__contains=token).count()
    audits = sum(
        token in str(after)
        for after in AuditEvent.objects.filter(action="document.upload").values_list(
            "after", flat=True
        )
    )
    said = STORAGE_MESSAGE in text
    return result(
        "d object storage down",
        status == 200 and said and documents == 0 and audits == 0,
        f"upload answered {status} in {seconds:.1f} s, message shown: {said}, "
        f"documents {documents}, audit rows {audits}",
    )


def redis_down(site, cluster, plan, short: bool):
    from django.utils import timezone

    if not site.use_redis:
        return result("f Redis down", False, "the installation has no Redis")
    reset_counters()
    since = timezone.now()
    runner = users(site, 6)
    prober = Prober(Browser(site.url), "/katalog/?cari=layanan")
    gevent.sleep(5 if short else 10)
    down_at = time.monotonic()
    requests_before = sum(len(v) for v in load_users.SAMPLES.values())
    site.kill("redis")
    gevent.sleep(10 if short else 30)
    requests_down = sum(len(v) for v in load_users.SAMPLES.values()) - requests_before
    errors_down = sum(1 for t in FAILURE_TIMES if t >= down_at)
    site.start_redis()
    up_at = time.monotonic()
    used_again = None
    while time.monotonic() - up_at < 15:
        gevent.sleep(0.5)
        if _redis_keys(site) > 0:
            used_again = time.monotonic() - up_at
            break
    seen = prober.stop()
    stop_users(runner)
    during = [s for s in seen if down_at <= s[0] <= up_at]
    statuses = collections.Counter(s[1] for s in during)
    slowest = max((s[2] for s in during), default=0.0)
    fresh_connection()
    problems, numbers = load.check_integrity(since)
    writes = {kind: (n["ok"], n["failed"]) for kind, n in numbers.items()}
    passed = (
        during
        and errors_down == 0
        and set(statuses) == {200}
        and used_again is not None
        and used_again <= RECOVERY_SECONDS
        and not problems
    )
    return result(
        "f Redis down",
        bool(passed),
        f"while down: {errors_down} failed of {requests_down} requests, public search "
        f"{dict(statuses)}, slowest {slowest:.2f} s; cache used again "
        f"{'never' if used_again is None else f'{used_again:.1f} s'} after Redis returned; "
        f"writes ok/failed {writes}; "
        f"integrity {'; '.join(problems) or 'ok'}",
    )


def _redis_keys(site) -> int:
    import redis

    try:
        return redis.Redis(port=site.ports["redis"], socket_timeout=1).dbsize()
    except redis.exceptions.RedisError:
        return 0


FAULTS = {
    "a": database_restart,
    "b": node_killed,
    "c": worker_killed,
    "f": redis_down,
    "e": backup_restore,  # before d: d stops the object storage for good
    "d": storage_down,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="abcfed", help="which faults, e.g. a,c")
    parser.add_argument("--short", action="store_true", help="shorter load phases (CI)")
    parser.add_argument("--scale", type=float, default=0.3, help="generate_nation --scale")
    args = parser.parse_args(argv)
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="sinovda-faults-"))
    folder.chmod(0o755)  # the cluster runs as nobody when we are root
    # Registered first, so it runs last at exit: after the site and the cluster have stopped.
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    cluster = harness.PrivateCluster(folder)
    harness.register_cluster(cluster)
    cluster.init()
    cluster.start()
    load_dataset.generate_database(cluster.url("postgres"), "sinovda", args.scale)
    (folder / "site").mkdir()
    site = harness.Installation(
        cluster.url("sinovda"),
        workers=2,
        s3=True,
        redis=True,
        folder=folder / "site",
        extra_env={
            "SINOVDA_API_RATE": "1000000/m",
            "SINOVDA_WORKER_HEARTBEAT_SECONDS": "1",
            "SINOVDA_WORKER_STALE_SECONDS": "3",
        },
    )
    site.start()
    load_dataset.setup_django(site)
    plan = load_dataset.prepare(operators_wanted=10)
    load_users.install_plan(plan, seed=1)
    print(
        f"ready in {time.monotonic() - started:.0f} s: {load_dataset.describe_dataset()}",
        flush=True,
    )
    outcomes = []
    for key in FAULTS:
        if key in args.only:
            try:
                outcomes.append(FAULTS[key](site, cluster, plan, args.short))
            except Exception as error:  # noqa: BLE001 - one broken fault must not hide the rest
                outcomes.append(result(f"{key} (crashed)", False, repr(error)[:300]))
    site.stop()
    cluster.stop()
    failed = [name for name, passed, _ in outcomes if not passed]
    print(
        f"{len(outcomes) - len(failed)}/{len(outcomes)} PASS in {time.monotonic() - started:.0f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
