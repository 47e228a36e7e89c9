"""django-tasks-db's worker with what running it on several machines needs.

The claiming loop is the library's (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, an exclusive
transaction on SQLite). Added around it: the pulse (heartbeat, recovery of lost tasks, periodic
schedule; heartbeat.py), retries (retry.py) and a restart before the process grows too big: after a
task, a worker above `max_rss_bytes` stops gracefully and its service manager starts a fresh one.
"""

import logging
from functools import partial

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from . import config, retry
from .heartbeat import Pulse, rss_bytes

log = logging.getLogger(__name__)


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
            super().run()
        finally:
            self.pulse.stop()
            log.info(
                "worker %s stopped%s",
                self.worker_id,
                f" ({self.stop_reason})" if self.stop_reason else "",
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
