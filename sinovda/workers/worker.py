"""django-tasks-db's worker with what running it on several machines needs.

The claiming loop is the library's (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, an exclusive
transaction on SQLite). Added around it: the pulse (heartbeat, recovery of lost tasks, periodic
schedule; heartbeat.py), retries (retry.py) and a restart before the process grows too big: after a
task, a worker above `max_rss_bytes` stops gracefully and its service manager starts a fresh one.
"""

import logging
import time
from functools import partial

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import config, recovery, retry
from .heartbeat import Pulse, rss_bytes

log = logging.getLogger(__name__)
# Seconds between attempts while the database is unreachable (doubling up to the maximum).
OUTAGE_FIRST_WAIT = 1
OUTAGE_MAX_WAIT = 10


class SinovdaWorker(Worker):
    def __init__(
        self, *, max_rss_bytes: int | None = None, heartbeat: float | None = None, **kwargs
    ):
        super().__init__(**kwargs)
        self.max_rss_bytes = max_rss_bytes
        self.pulse = Pulse(self.worker_id, every=heartbeat)
        self.stop_reason = ""

    def run(self) -> None:
        # In batch mode (drain the queue, then exit) the pulse beats between tasks instead.
        self.pulse.start(background=not self.batch)
        try:
            self._run_through_outages()
        finally:
            self.pulse.stop()
            log.info(
                "worker %s stopped%s",
                self.worker_id,
                f" ({self.stop_reason})" if self.stop_reason else "",
            )

    def _run_through_outages(self) -> None:
        """The library's loop, started again after the database went away. A worker that exited
        instead would leave the queue unserved until its service manager restarts it (and not at
        all under `make demo`). A task cut off by the outage is put back in the queue (its
        heartbeat never stopped, so no other worker would take it)."""
        delay = OUTAGE_FIRST_WAIT
        while True:
            try:
                super().run()
                return
            except (OperationalError, InterfaceError) as error:
                if self.batch or not self.running:
                    raise
                log.warning(
                    "worker %s: database unreachable (%s); trying again in %s s",
                    self.worker_id,
                    type(error).__name__,
                    delay,
                )
                connections.close_all()
                time.sleep(delay)
                delay = min(delay * 2, OUTAGE_MAX_WAIT)
                try:
                    released = recovery.release_own(self.worker_id)
                except (OperationalError, InterfaceError):
                    continue  # still down: the next round tries again
                delay = OUTAGE_FIRST_WAIT
                if released:
                    log.warning(
                        "worker %s: %s interrupted task(s) back in the queue",
                        self.worker_id,
                        released,
                    )

    def run_task(self, db_task_result: DBTaskResult) -> None:
        attempt = retry.Attempt(
            number=len(db_task_result.worker_ids),
            policy=config.retry_policy(db_task_result.task_path),
        )
        # django-tasks-db calls set_failed on any exception; this worker decides first whether the
        # task goes back to the queue for another attempt.
        db_task_result.set_failed = partial(
            retry.handle_failure,
            db_task_result,
            set_failed=db_task_result.set_failed,
            attempt=attempt,
            worker_id=self.worker_id,
        )
        self.pulse.current = db_task_result
        try:
            with retry.running(attempt):
                super().run_task(db_task_result)
        finally:
            self.pulse.current = None
            self.pulse.tasks_done += 1
        if self.batch:
            self.pulse.tick()
        if self.max_rss_bytes and (rss := rss_bytes()) > self.max_rss_bytes:
            self.stop_reason = f"memory {rss // 2**20} MB above {self.max_rss_bytes // 2**20} MB"
            self.running = False
