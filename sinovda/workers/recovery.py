"""Tasks left RUNNING by a worker that died (killed, machine lost) go back to the queue.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again. A task is
lost when the last worker that claimed it has not written its heartbeat for
SINOVDA_WORKER_STALE_SECONDS (and the task started at least that long ago). Every worker looks for
lost tasks on start and with each heartbeat; the UPDATE is conditional on the row being exactly as it
was read (RUNNING, same start), so when two workers find the same task only one puts it back and
records it. A task lost SINOVDA_WORKER_MAX_LOST times is marked FAILED: a task that kills its worker
(out of memory) must not take down the pool for ever.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import config
from .models import TaskEvent, WorkerHeartbeat

log = logging.getLogger(__name__)

WORKER_LOST = "sinovda.workers.recovery.WorkerLost"


def lost_tasks(now=None, stale=None) -> list[DBTaskResult]:
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(
        seconds=stale if stale is not None else config.stale_seconds()
    )
    # Running rows first, heartbeats second: a worker beats before it claims, so a row read here
    # always has its worker's heartbeat visible in the second query.
    running = list(
        DBTaskResult.objects.running()
        .filter(started_at__lt=cutoff)
        .only("id", "task_path", "worker_ids", "started_at")
    )
    if not running:
        return []
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    return [row for row in running if not row.worker_ids or row.worker_ids[-1] not in alive]


def recover_stale(worker_id: str = "", now=None, stale=None) -> int:
    """Put lost tasks back to READY (or FAILED after too many losses). How many this call changed."""
    now = now or timezone.now()
    changed = 0
    for row in lost_tasks(now, stale):
        changed += _recover(row, worker_id, now)
    return changed


def release_own(worker_id: str) -> int:
    """A stopping worker gives back what it still holds (normally nothing)."""
    now = timezone.now()
    rows = DBTaskResult.objects.running().only("id", "task_path", "worker_ids", "started_at")
    return sum(_recover(r, worker_id, now) for r in rows if r.worker_ids[-1:] == [worker_id])


def _recover(row: DBTaskResult, worker_id: str, now) -> int:
    dead = row.worker_ids[-1] if row.worker_ids else ""
    with transaction.atomic():
        losses = TaskEvent.objects.filter(task_id=row.pk, kind=TaskEvent.Kind.RECOVERED).count()
        give_up = losses + 1 >= config.max_lost()
        same_row = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if give_up:
            updated = same_row.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=WORKER_LOST,
                traceback=f"The worker {dead} running this task stopped {losses + 1} times.\n",
            )
        else:
            updated = same_row.update(status=TaskResultStatus.READY)
        if not updated:
            return 0  # another worker got there first, or the task finished meanwhile
        if give_up:
            _tell_the_owner(row)
        TaskEvent.objects.create(
            task_id=row.pk,
            task_path=row.task_path,
            kind=TaskEvent.Kind.GAVE_UP if give_up else TaskEvent.Kind.RECOVERED,
            attempt=len(row.worker_ids),
            worker_id=worker_id,
            at=now,
            detail=f"lost with worker {dead}",
        )
    log.warning(
        "task %s (%s) was running on worker %s, which stopped; %s",
        row.pk,
        row.task_path,
        dead,
        "given up" if give_up else "back in the queue",
    )
    return 1


def _tell_the_owner(row: DBTaskResult) -> None:
    """A task given up after killing its workers never reaches its own failure handling, so the
    record it was working on (an OutputJob "being made") would wait forever. Settings name, per task
    path, a function called with the task's arguments in the same transaction
    (SINOVDA_TASK_GAVE_UP_HOOKS); the workers import no domain app."""
    hook_path = config.gave_up_hooks().get(row.task_path)
    if not hook_path:
        return
    arguments = row.args_kwargs or {}
    import_string(hook_path)(*arguments.get("args", []), **arguments.get("kwargs", {}))
