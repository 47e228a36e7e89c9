"""A worker's pulse: its heartbeat row, the search for lost tasks, the periodic schedule.

It runs on a thread of its own, so it keeps beating while the main thread spends minutes on one
export; Django gives the thread its own database connection. A failed beat (the database restarting)
is logged and tried again at the next one: the worker lives through a database outage.
"""

import logging
import os
import resource
import socket
import threading

from django.db import close_old_connections, connections
from django.utils import timezone

from . import config, recovery, scheduler
from .models import WorkerHeartbeat

log = logging.getLogger(__name__)


def rss_bytes() -> int:
    """The process's resident memory now (Linux), or its peak where /proc is missing."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Pulse:
    def __init__(self, worker_id: str, every: float | None = None):
        self.worker_id = worker_id
        self.every = every if every is not None else config.heartbeat_seconds()
        self.started_at = timezone.now()
        self.current = None  # the DBTaskResult the main thread runs, if any
        self.tasks_done = 0
        self._seen = {}  # periodic path -> last due time handled, see scheduler.enqueue_due
        self._stop = threading.Event()
        self._thread = None

    def start(self, background: bool = True) -> None:
        """Beat and look after the pool once now, then (background) every `every` seconds."""
        self.tick()
        if background:
            self._thread = threading.Thread(target=self._loop, name="sinovda-pulse", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        try:
            while not self._stop.wait(self.every):
                close_old_connections()
                self.tick()
        finally:
            connections.close_all()  # this thread's connections only

    def tick(self) -> None:
        for step in (self.beat, self.maintain):
            try:
                step()
            except Exception:  # noqa: BLE001 - the next beat tries again; the worker must not die
                log.exception("worker %s: %s failed", self.worker_id, step.__name__)

    def beat(self) -> None:
        current = self.current
        fields = {
            "seen_at": timezone.now(),
            "current_task_id": current.pk if current is not None else None,
            "current_task_path": current.task_path if current is not None else "",
            "rss_bytes": rss_bytes(),
            "tasks_done": self.tasks_done,
        }
        if not WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(**fields):
            WorkerHeartbeat.objects.create(
                worker_id=self.worker_id,
                hostname=socket.gethostname()[:255],
                pid=os.getpid(),
                started_at=self.started_at,
                **fields,
            )

    def maintain(self) -> None:
        recovery.recover_stale(self.worker_id)
        scheduler.enqueue_due(worker_id=self.worker_id, seen=self._seen)

    def stop(self) -> None:
        """Stop beating and leave the pool: give back anything still held, remove the heartbeat."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.every + 5)
        try:
            recovery.release_own(self.worker_id)
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:  # noqa: BLE001 - the others will find it stale instead
            log.exception("worker %s: could not leave the pool cleanly", self.worker_id)
