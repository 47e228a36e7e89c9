"""Workers on several machines (issue 11 part 3): heartbeats, a task of a killed worker run again by
another exactly once, two workers never running the same task, retries with backoff, periodic tasks
once per due time, graceful stop, the numbers /readyz and /metrics read.

The tests that need real processes start `manage.py run_worker` as subprocesses on the test database
(on SQLite a file copy of it, since the test database lives in memory); the tasks they run are the
small tasks below, which talk to the test through files (a flag to start, a line per execution).
"""

import datetime
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connections
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sinovda.regions.models import Role
from sinovda.reports import generators, jobs
from sinovda.reports.models import OutputJob, OutputKind
from sinovda.workers import config, recovery, scheduler
from sinovda.workers.heartbeat import Pulse
from sinovda.workers.models import PeriodicRun, TaskEvent, WorkerHeartbeat
from sinovda.workers.status import worker_status
from tests import factories

HERE = __name__  # "test_workers" under pytest; the workers import it by the same name
WAIT = 40  # seconds; a worker process needs about two to start on a busy machine


# --- tasks the workers run (module level: a worker imports them by path) -------------------------


def _append(path: Path, line: str) -> None:
    with open(path, "a") as out:  # one short write per line: lines of two processes never mix
        out.write(line + "\n")


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@task()
def blocking(flags: str, name: str) -> None:
    """Says it started, waits for the test's release flag, then records that it finished."""
    folder = Path(flags)
    _append(folder / "started", f"{name} {os.getpid()}")
    while not (folder / "release").exists():
        time.sleep(0.05)
    _append(folder / "done", name)


@task()
def counted(flags: str, name: str) -> None:
    time.sleep(0.03)
    _append(Path(flags) / "done", f"{name} {os.getpid()}")


@task()
def flaky(flags: str, failures: int) -> str:
    """Fails `failures` times, then succeeds."""
    runs = Path(flags) / "runs"
    _append(runs, "run")
    if len(_lines(runs)) <= failures:
        raise RuntimeError("the mail server is down")
    return "ok"


@task()
def tick() -> None:
    _append(Path(os.environ["SINOVDA_TEST_FLAGS"]) / "ticks", str(os.getpid()))


def _slow_rekap_registry():
    """A small rekap that waits for the release flag, so a worker can be killed while making it."""
    folder = Path(os.environ["SINOVDA_TEST_FLAGS"])

    def write(cycle, out, progress):
        _append(folder / "started", str(os.getpid()))
        progress(50, "menulis")
        while not (folder / "release").exists():
            time.sleep(0.05)
        out.write(b"rekap " + cycle.region.code.encode())

    return {
        OutputKind.REKAP: generators.Generator(
            write, "text/plain", lambda c: f"rekap-{c.region.code}.txt"
        )
    }


def worker_main() -> None:
    """The subprocess: Django, the test's settings from the environment, then run_worker."""
    django_settings.SINOVDA_PERIODIC_TASKS = json.loads(
        os.environ.get("SINOVDA_TEST_PERIODIC", "{}")
    )
    if os.environ.get("SINOVDA_TEST_SLOW_REKAP"):
        generators.registry = _slow_rekap_registry
    call_command("run_worker", *sys.argv[1:])


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def shared_db(transactional_db, tmp_path, settings):
    """Environment for worker subprocesses on the same database as this test. PostgreSQL: the test
    database itself. SQLite: the test database is in memory, so this test and the workers switch to
    a file copy of it (schema only: the test writes its rows afterwards)."""
    flags = tmp_path / "flags"
    flags.mkdir()
    env = {
        **os.environ,
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "SINOVDA_WORKER_HEARTBEAT_SECONDS": "1",
        "SINOVDA_WORKER_STALE_SECONDS": "3",
        "SINOVDA_TEST_FLAGS": str(flags),
        "PYTHONPATH": os.pathsep.join(
            [str(django_settings.BASE_DIR), str(django_settings.BASE_DIR / "tests" / "web")]
        ),
    }
    connection = connections["default"]
    if connection.vendor != "sqlite":
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
        yield SimpleNamespace(env=env, flags=flags)
        return
    env.pop("DATABASE_URL", None)
    path = tmp_path / "shared.sqlite3"
    env["SQLITE_PATH"] = str(path)
    connection.ensure_connection()
    copy = sqlite3.connect(path)
    connection.connection.backup(copy)
    copy.close()
    in_memory, name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None  # set aside, not closed: closing would drop the in-memory database
    connection.settings_dict["NAME"] = str(path)
    try:
        yield SimpleNamespace(env=env, flags=flags)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = in_memory


BOOT = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'sinovda.settings'); "
    f"django.setup(); import {HERE} as t; t.worker_main()"
)


class Workers:
    def __init__(self, shared, tmp_path):
        self.shared, self.tmp_path, self.procs = shared, tmp_path, []

    def start(self, *args, **env):
        log = open(self.tmp_path / f"worker{len(self.procs)}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", BOOT, "--interval=0.1", "--no-startup-delay", *args],
            cwd=django_settings.BASE_DIR,
            env={**self.shared.env, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        proc.log = log.name
        self.procs.append(proc)
        return proc

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=WAIT)

    def logs(self):
        return "\n".join(Path(p.log).read_text() for p in self.procs)


@pytest.fixture
def workers(shared_db, tmp_path):
    pool = Workers(shared_db, tmp_path)
    yield pool
    pool.stop_all()


def wait_for(condition, what, pool=None, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if pool and all(p.poll() is not None for p in pool.procs):
            break  # every worker has exited: waiting longer changes nothing
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}\n{pool.logs() if pool else ''}")


def heartbeat_of(proc):
    return WorkerHeartbeat.objects.filter(pid=proc.pid).first()


def finished(result_id) -> bool:
    return DBTaskResult.objects.get(pk=result_id).status in {"SUCCESSFUL", "FAILED"}


def run_batch():
    call_command("run_worker", "--batch", "--no-startup-delay", verbosity=0)


# --- a killed worker's task is run by another, once ----------------------------------------------


def test_a_killed_workers_task_is_recovered_and_completed_exactly_once(workers, shared_db):
    flags = shared_db.flags
    result = blocking.enqueue(str(flags), "one")
    first = workers.start()
    wait_for(lambda: _lines(flags / "started"), "the first worker to start the task", workers)
    first_id = heartbeat_of(first).worker_id
    assert DBTaskResult.objects.get(pk=result.id).status == "RUNNING"

    first.send_signal(signal.SIGKILL)
    first.wait(timeout=WAIT)
    second = workers.start()
    wait_for(lambda: len(_lines(flags / "started")) == 2, "the second worker to take it", workers)
    (flags / "release").touch()
    wait_for(lambda: finished(result.id), "the task to finish", workers)

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL"
    second_id = heartbeat_of(second).worker_id
    assert row.worker_ids == [first_id, second_id]
    assert _lines(flags / "done") == ["one"]
    assert [p.split()[1] for p in _lines(flags / "started")] == [str(first.pid), str(second.pid)]
    event = TaskEvent.objects.get(task_id=result.id)
    assert event.kind == TaskEvent.Kind.RECOVERED and event.worker_id == second_id
    time.sleep(1.5)  # a few more heartbeats: nothing runs it a third time
    assert _lines(flags / "done") == ["one"]


def test_a_killed_workers_output_job_is_made_by_another_worker(workers, shared_db, client):
    region = factories.region(code="16.10", name="Kabupaten Ogan Ilir")
    cycle = factories.cycle(region, 2023)
    koordinator = factories.member(region, Role.COORDINATOR)
    job = jobs.request_output(
        SimpleNamespace(region=region, user=koordinator), "rekap", cycle=cycle
    )
    flags = shared_db.flags

    first = workers.start(SINOVDA_TEST_SLOW_REKAP="1")
    wait_for(lambda: _lines(flags / "started"), "the first worker to start the file", workers)
    job.refresh_from_db()
    assert job.status == OutputJob.Status.RUNNING and job.progress == 50
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=WAIT)

    (flags / "release").touch()
    workers.start(SINOVDA_TEST_SLOW_REKAP="1")
    wait_for(
        lambda: OutputJob.objects.get(pk=job.pk).status == OutputJob.Status.DONE,
        "the second worker to make the file",
        workers,
    )
    assert len(_lines(flags / "started")) == 2
    client.force_login(koordinator)
    download = client.get(reverse("output_download", args=[region.code, job.pk]))
    assert b"".join(download.streaming_content) == b"rekap 16.10"
    task_row = DBTaskResult.objects.get(task_path="sinovda.reports.jobs.make_output")
    assert task_row.status == "SUCCESSFUL" and len(task_row.worker_ids) == 2


# --- two workers, one queue ----------------------------------------------------------------------


def test_two_workers_never_run_the_same_task(workers, shared_db):
    if connections["default"].vendor != "postgresql":
        pytest.skip("needs SELECT … FOR UPDATE SKIP LOCKED (PostgreSQL); SQLite runs one worker")
    a, b = workers.start(), workers.start()
    wait_for(lambda: heartbeat_of(a) and heartbeat_of(b), "both workers to beat", workers)
    results = [counted.enqueue(str(shared_db.flags), f"t{n}") for n in range(60)]
    wait_for(lambda: all(finished(r.id) for r in results), "the queue to drain", workers)

    done = _lines(shared_db.flags / "done")
    names = sorted(line.split()[0] for line in done)
    assert names == sorted(f"t{n}" for n in range(60))  # each exactly once
    assert {line.split()[1] for line in done} == {str(a.pid), str(b.pid)}  # both took a share
    assert all(len(row.worker_ids) == 1 for row in DBTaskResult.objects.all())


# --- graceful stop, memory cap -------------------------------------------------------------------


def test_sigterm_lets_the_running_task_finish_then_leaves_the_pool(workers, shared_db):
    flags = shared_db.flags
    result = blocking.enqueue(str(flags), "long")
    proc = workers.start()
    wait_for(lambda: _lines(flags / "started"), "the task to start", workers)
    proc.send_signal(signal.SIGTERM)
    time.sleep(1)
    assert proc.poll() is None, "the worker stopped in the middle of a task"
    (flags / "release").touch()
    assert proc.wait(timeout=WAIT) == 0
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"
    assert _lines(flags / "done") == ["long"]
    assert not WorkerHeartbeat.objects.exists()  # it said goodbye: not counted as alive
    assert worker_status().workers_alive == 0


def test_a_worker_above_its_memory_cap_exits_after_the_task(workers, shared_db):
    first = counted.enqueue(str(shared_db.flags), "a")
    second = counted.enqueue(str(shared_db.flags), "b")
    proc = workers.start("--max-rss-mb=1")
    assert proc.wait(timeout=WAIT) == 0
    statuses = {DBTaskResult.objects.get(pk=r.id).status for r in (first, second)}
    assert statuses == {"SUCCESSFUL", "READY"}  # one task, then a restart by systemd


# --- retries -------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_failing_task_is_retried_with_backoff_then_succeeds(settings, tmp_path):
    settings.SINOVDA_PERIODIC_TASKS = {}
    settings.SINOVDA_TASK_RETRIES = {f"{HERE}.flaky": {"attempts": 3, "base": 10, "cap": 60}}
    result = flaky.enqueue(str(tmp_path), 2)

    waits = []
    for attempt in (1, 2):
        before = timezone.now()
        run_batch()
        row = DBTaskResult.objects.get(pk=result.id)
        assert row.status == "READY" and row.exception_class_path == "builtins.RuntimeError"
        wait = (row.run_after - before).total_seconds()
        full = 10 * 2 ** (attempt - 1)
        assert full / 2 <= wait <= full + 1  # exponential, with up to half of it random
        waits.append(wait)
        DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now())  # time passes

    run_batch()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "SUCCESSFUL" and row.return_value == "ok"
    assert row.task_result.attempts == 3 and len(_lines(tmp_path / "runs")) == 3
    events = TaskEvent.objects.filter(task_id=result.id).order_by("attempt")
    assert [(e.kind, e.attempt) for e in events] == [("retry", 1), ("retry", 2)]
    assert "the mail server is down" in events[0].detail
    assert worker_status().failed_last_hour == 0


@pytest.mark.django_db(transaction=True)
def test_after_the_last_attempt_the_task_stays_failed_and_is_counted(settings, tmp_path):
    settings.SINOVDA_PERIODIC_TASKS = {}
    settings.SINOVDA_TASK_RETRIES = {f"{HERE}.flaky": 2}
    result = flaky.enqueue(str(tmp_path), 99)
    run_batch()
    DBTaskResult.objects.filter(pk=result.id).update(run_after=timezone.now())
    run_batch()
    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == "FAILED" and "the mail server is down" in row.traceback
    run_batch()  # nothing left to run
    assert len(_lines(tmp_path / "runs")) == 2
    assert TaskEvent.objects.filter(task_id=result.id, kind="gave_up").count() == 1
    assert worker_status().failed_last_hour == 1


@pytest.fixture
def failing_rekap(monkeypatch):
    """A rekap that fails `fail` times, then writes a small file."""
    state = {"fail": 1, "calls": 0}

    def write(cycle, out, progress):
        state["calls"] += 1
        if state["calls"] <= state["fail"]:
            raise OSError("disk full")
        out.write(b"ok")

    monkeypatch.setattr(
        generators,
        "registry",
        lambda: {OutputKind.REKAP: generators.Generator(write, "text/plain", lambda c: "r.txt")},
    )
    return state


@pytest.mark.django_db(transaction=True)
def test_a_retried_output_is_shown_waiting_not_failed_until_it_finally_fails(
    settings, client, failing_rekap
):
    settings.SINOVDA_PERIODIC_TASKS = {}
    settings.SINOVDA_TASK_RETRIES = {"sinovda.reports.jobs.make_output": 2}
    region = factories.region(code="16.10", name="Kabupaten Ogan Ilir")
    cycle = factories.cycle(region, 2023)
    koordinator = factories.member(region, Role.COORDINATOR)
    client.force_login(koordinator)
    failing_rekap["fail"] = 1
    job = jobs.request_output(
        SimpleNamespace(region=region, user=koordinator), "rekap", cycle=cycle
    )
    run_batch()
    job.refresh_from_db()
    assert job.status == OutputJob.Status.QUEUED and job.error == ""
    page = client.get(reverse("output_detail", args=[region.code, job.pk])).content.decode()
    assert "Menunggu giliran dibuat" in page and "Coba lagi" not in page
    DBTaskResult.objects.update(run_after=timezone.now())
    run_batch()
    job.refresh_from_db()
    assert job.status == OutputJob.Status.DONE

    failing_rekap.update(fail=99, calls=0)
    job = jobs.request_output(
        SimpleNamespace(region=region, user=koordinator), "rekap", cycle=cycle
    )
    run_batch()
    assert OutputJob.objects.get(pk=job.pk).status == OutputJob.Status.QUEUED
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())
    run_batch()
    job.refresh_from_db()
    assert job.status == OutputJob.Status.FAILED and str(job.pk)[:8] in job.error
    assert failing_rekap["calls"] == 2
    assert worker_status().failed_last_hour == 1


@pytest.mark.django_db
def test_outside_the_worker_a_failure_is_final(settings, failing_rekap):
    """The immediate backend (and db_worker) never retry: the job fails at once, as before."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    region = factories.region(code="16.10", name="Kabupaten Ogan Ilir")
    cycle = factories.cycle(region, 2023)
    user = factories.member(region, Role.COORDINATOR)
    job = jobs.request_output(SimpleNamespace(region=region, user=user), "rekap", cycle=cycle)
    assert OutputJob.objects.get(pk=job.pk).status == OutputJob.Status.FAILED


def test_the_backoff_doubles_up_to_its_cap_with_jitter():
    policy = config.RetryPolicy(attempts=10, base=10, cap=100)
    low = SimpleNamespace(uniform=lambda a, b: a)
    high = SimpleNamespace(uniform=lambda a, b: b)
    assert [policy.delay(n, low).total_seconds() for n in (1, 2, 3, 5)] == [5, 10, 20, 50]
    assert [policy.delay(n, high).total_seconds() for n in (1, 2, 3, 5)] == [10, 20, 40, 100]


@pytest.mark.parametrize(
    "bad", [0, {"attempts": 2, "tries": 3}, {"attempts": 2, "base": 9, "cap": 1}]
)
def test_a_bad_retry_policy_is_refused(settings, bad):
    settings.SINOVDA_TASK_RETRIES = {"x.y": bad}
    with pytest.raises(ImproperlyConfigured):
        config.retry_policies()


# --- recovery, race-safe -------------------------------------------------------------------------


def _running_row(worker_id="dead", started=None):
    result = counted.enqueue("/nonexistent", "x")
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING",
        worker_ids=[worker_id],
        started_at=started or timezone.now() - datetime.timedelta(minutes=5),
    )
    return result.id


@pytest.mark.django_db
def test_two_workers_recovering_the_same_task_put_it_back_once():
    task_id = _running_row()
    row = DBTaskResult.objects.get(pk=task_id)
    # Both workers read the lost row before either writes: only one conditional UPDATE matches.
    assert recovery._recover(row, "w1", timezone.now()) == 1
    assert recovery._recover(row, "w2", timezone.now()) == 0
    assert DBTaskResult.objects.get(pk=task_id).status == "READY"
    assert list(TaskEvent.objects.values_list("worker_id", flat=True)) == ["w1"]


@pytest.mark.django_db
def test_a_live_worker_keeps_its_task_and_a_task_lost_too_often_fails(settings):
    settings.SINOVDA_WORKER_MAX_LOST = 2
    WorkerHeartbeat.objects.create(
        worker_id="alive", hostname="h", pid=1, started_at=timezone.now(), seen_at=timezone.now()
    )
    kept = _running_row("alive")
    lost = _running_row("dead")
    assert recovery.recover_stale("w") == 1
    assert DBTaskResult.objects.get(pk=kept).status == "RUNNING"
    assert DBTaskResult.objects.get(pk=lost).status == "READY"
    DBTaskResult.objects.filter(pk=lost).update(
        status="RUNNING",
        worker_ids=["dead", "dead2"],
        started_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    assert recovery.recover_stale("w") == 1
    row = DBTaskResult.objects.get(pk=lost)
    assert row.status == "FAILED" and row.exception_class_path == recovery.WORKER_LOST


@pytest.mark.django_db
def test_an_output_whose_workers_kept_dying_is_shown_failed_not_forever_running(
    settings, client, failing_rekap
):
    settings.SINOVDA_WORKER_MAX_LOST = 1
    region = factories.region(code="16.10", name="Kabupaten Ogan Ilir")
    cycle = factories.cycle(region, 2023)
    koordinator = factories.member(region, Role.COORDINATOR)
    job = jobs.request_output(
        SimpleNamespace(region=region, user=koordinator), "rekap", cycle=cycle
    )
    OutputJob.objects.filter(pk=job.pk).update(status=OutputJob.Status.RUNNING)
    DBTaskResult.objects.update(
        status="RUNNING",
        worker_ids=["dead"],
        started_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    assert recovery.recover_stale("w") == 1
    job.refresh_from_db()
    assert job.status == OutputJob.Status.FAILED and str(job.pk)[:8] in job.error
    client.force_login(koordinator)
    page = client.get(reverse("output_detail", args=[region.code, job.pk])).content.decode()
    assert "Coba lagi" in page


# --- periodic tasks ------------------------------------------------------------------------------


def test_a_periodic_task_runs_once_per_due_time_with_two_workers(workers, shared_db):
    periodic = json.dumps({f"{HERE}.tick": "every 1 seconds"})
    a = workers.start(SINOVDA_TEST_PERIODIC=periodic)
    b = workers.start(SINOVDA_TEST_PERIODIC=periodic)
    wait_for(
        lambda: PeriodicRun.objects.filter(outcome="queued").count() >= 4,
        "four due times",
        workers,
    )
    for proc in (a, b):
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=WAIT)
    queued = PeriodicRun.objects.filter(outcome="queued")
    ran = DBTaskResult.objects.filter(task_path=f"{HERE}.tick", status="SUCCESSFUL")
    ticks = _lines(shared_db.flags / "ticks")
    assert len(ticks) == ran.count()
    assert set(queued.values_list("task_id", flat=True)) >= {r.pk for r in ran}
    due_times = list(PeriodicRun.objects.values_list("due_at", flat=True))
    assert len(due_times) == len(set(due_times))
    assert DBTaskResult.objects.filter(task_path=f"{HERE}.tick").count() == queued.count()


@pytest.mark.django_db
def test_the_scheduler_starts_at_the_next_due_time_and_catches_up_once(settings):
    settings.SINOVDA_PERIODIC_TASKS = {f"{HERE}.tick": "daily 06:00"}
    tz = timezone.get_current_timezone()
    at = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=tz)
    [first] = scheduler.enqueue_due(at)
    assert first.outcome == "first" and timezone.localtime(first.due_at).hour == 6
    assert scheduler.enqueue_due(at + datetime.timedelta(hours=2)) == []  # same due time
    assert not DBTaskResult.objects.exists()

    three_days_later = at + datetime.timedelta(days=3)
    [run] = scheduler.enqueue_due(three_days_later)  # one catch-up, not three
    assert run.outcome == "queued" and timezone.localdate(run.due_at) == datetime.date(2026, 3, 5)
    assert scheduler.enqueue_due(three_days_later) == []
    assert DBTaskResult.objects.filter(task_path=f"{HERE}.tick").count() == 1

    # The next morning the earlier run still waits (no worker ran it): nothing is added.
    [covered] = scheduler.enqueue_due(three_days_later + datetime.timedelta(days=1))
    assert covered.outcome == "covered"
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_a_plain_function_runs_through_run_callable(settings):
    settings.SINOVDA_PERIODIC_TASKS = {"sinovda.reports.jobs.prune": "every 5 minutes"}
    from sinovda.workers.tasks import run_callable

    assert run_callable.call("sinovda.reports.jobs.prune") == 0
    with pytest.raises(ValueError, match="not in SINOVDA_PERIODIC_TASKS"):
        run_callable.call("os.getcwd")


def test_schedules_parse_and_bad_ones_are_refused():
    tz = timezone.get_current_timezone()
    now = datetime.datetime(2026, 3, 2, 5, 59, tzinfo=tz)
    daily = config.Schedule.parse("daily 06:00")
    assert daily.latest_due(now) == datetime.datetime(2026, 3, 1, 6, 0, tzinfo=tz)
    five = config.Schedule.parse("every 5 minutes")
    assert timezone.localtime(five.latest_due(now)).minute == 55
    for bad in ["daily 25:00", "every 0 seconds", "weekly", "every 5 weeks"]:
        with pytest.raises(ImproperlyConfigured):
            config.Schedule.parse(bad)


def test_the_installed_schedule_passes_the_system_check():
    from sinovda.workers.checks import workers_settings

    assert workers_settings() == []
    assert set(config.periodic_tasks()) >= {
        "sinovda.innovations.reminders.daily_reminders",
        "sinovda.notifications.tasks.deliver_outbox",
        "sinovda.reports.jobs.prune",
        "sinovda.workers.tasks.cleanup",
    }


# --- heartbeats and the numbers for /readyz and /metrics -----------------------------------------


@pytest.mark.django_db
def test_heartbeats_and_worker_status(settings):
    settings.SINOVDA_PERIODIC_TASKS = {}
    empty = worker_status()
    assert (empty.workers_alive, empty.queue_ready, empty.running) == (0, 0, 0)
    assert empty.newest_heartbeat is None and empty.oldest_ready_age_seconds == 0.0

    pulse = Pulse("w-test", every=1)
    pulse.start(background=False)
    beat = WorkerHeartbeat.objects.get(worker_id="w-test")
    assert beat.pid == os.getpid() and beat.rss_bytes > 10 * 2**20
    WorkerHeartbeat.objects.create(
        worker_id="gone",
        hostname="h",
        pid=2,
        started_at=timezone.now(),
        seen_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    old = counted.enqueue("/x", "old")
    DBTaskResult.objects.filter(pk=old.id).update(
        enqueued_at=timezone.now() - datetime.timedelta(seconds=90)
    )
    counted.enqueue("/x", "new")
    counted.using(run_after=timezone.now() + datetime.timedelta(hours=1)).enqueue("/x", "later")
    _running_row("w-test", started=timezone.now())

    status = worker_status()
    assert status.workers_alive == 1
    assert status.newest_heartbeat == beat.seen_at
    assert status.queue_ready == 2  # the deferred one is not due
    assert status.running == 1
    assert 89 <= status.oldest_ready_age_seconds < 120
    assert status.failed_last_hour == 0

    pulse.stop()
    assert worker_status().workers_alive == 0


@pytest.mark.django_db
def test_cleanup_removes_old_rows_but_keeps_the_schedule(settings):
    settings.SINOVDA_TASK_RESULT_RETENTION_DAYS = 14
    from sinovda.workers.tasks import clean

    long_ago = timezone.now() - datetime.timedelta(days=30)
    old = counted.enqueue("/x", "old")
    DBTaskResult.objects.filter(pk=old.id).update(status="SUCCESSFUL", finished_at=long_ago)
    fresh = counted.enqueue("/x", "fresh")
    WorkerHeartbeat.objects.create(
        worker_id="gone", hostname="h", pid=2, started_at=long_ago, seen_at=long_ago
    )
    PeriodicRun.objects.create(task_path="a.b", due_at=long_ago, outcome="queued")
    PeriodicRun.objects.create(
        task_path="a.b", due_at=long_ago - datetime.timedelta(days=1), outcome="queued"
    )
    outcome = clean()
    assert outcome == {"tasks": 1, "events": 0, "heartbeats": 1, "periodic": 1}
    assert list(DBTaskResult.objects.values_list("pk", flat=True)) == [
        DBTaskResult.objects.get(pk=fresh.id).pk
    ]
    assert PeriodicRun.objects.get().due_at == long_ago  # the newest stays for the scheduler


@pytest.mark.django_db
def test_a_worker_waits_out_a_database_outage_and_gives_back_the_cut_off_task(monkeypatch):
    from django.db import OperationalError
    from django_tasks_db.management.commands.db_worker import Worker

    from sinovda.workers import worker as worker_module

    cut_off = _running_row("w-outage")
    calls = []

    def library_loop(self):
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Worker, "run", library_loop)
    monkeypatch.setattr(worker_module.time, "sleep", lambda seconds: None)
    # The real worker drops its dead connections; here that would also close the test's own
    # transaction (PostgreSQL), so the drops are only counted.
    closed = []
    monkeypatch.setattr(
        worker_module, "connections", SimpleNamespace(close_all=lambda: closed.append(1))
    )
    worker = worker_module.SinovdaWorker(
        queue_names=["default"],
        excluded_queue_names=[],
        interval=0.1,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="w-outage",
    )
    worker.pulse.start = lambda background=True: None
    worker.run()
    assert len(calls) == 3  # it went on after each outage instead of exiting
    assert len(closed) == 2
    assert DBTaskResult.objects.get(pk=cut_off).status == "READY"
