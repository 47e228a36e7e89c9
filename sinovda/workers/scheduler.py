"""Periodic tasks, queued by the workers themselves (SINOVDA_PERIODIC_TASKS).

With each heartbeat a worker computes, for every entry, the latest due time at or before now. A due
time not yet seen gets a `PeriodicRun` row, unique on (task, due time), written in the same
transaction as the task row it queues: however many workers see the moment come, one insert wins and
the others hit the unique key. Rules:
  * a task never run before starts at its next due time (a new installation does not send the
    day's reminders at whatever hour its first worker starts);
  * after a stop, the one latest missed due time runs when a worker comes back, not every missed one;
  * when a run of the task is already waiting or running, or the task queued its own run for this
    time (the daily reminders re-queue themselves, the outbox queues its retries), nothing is added.
An entry may name a plain function instead of a task; `run_callable` then runs it.
"""

import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from . import config
from .models import PeriodicRun

log = logging.getLogger(__name__)


def task_for(path: str) -> tuple[Task, tuple]:
    """The task to enqueue for an entry, and its arguments."""
    target = import_string(path)
    if isinstance(target, Task):
        return target, ()
    from .tasks import run_callable

    return run_callable, (path,)


def _covered(task: Task, args: tuple, due) -> bool:
    rows = DBTaskResult.objects.filter(task_path=task.module_path).filter(
        Q(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
        | Q(run_after__gte=due, run_after__lt=get_date_max())
    )
    if not args:
        return rows.exists()
    return any(r["args"] == list(args) for r in rows.values_list("args_kwargs", flat=True))


def enqueue_due(now=None, worker_id: str = "", seen: dict | None = None) -> list[PeriodicRun]:
    """Queue what is due; the PeriodicRun rows this call wrote. `seen` (path -> due time) spares a
    worker the queries while nothing new is due."""
    now = now or timezone.now()
    written = []
    for path, schedule in config.periodic_tasks().items():
        due = schedule.latest_due(now)
        if seen is not None and seen.get(path) == due:
            continue
        try:
            run = _enqueue_one(path, due, worker_id)
        except IntegrityError:
            run = None  # another worker wrote this due time first
        if run is not None:
            written.append(run)
        if seen is not None:
            seen[path] = due
    return written


def _enqueue_one(path: str, due, worker_id: str) -> PeriodicRun | None:
    with transaction.atomic():
        last = PeriodicRun.objects.filter(task_path=path).order_by("-due_at").first()
        if last is not None and last.due_at >= due:
            return None
        task, args = task_for(path)
        if last is None:
            outcome = PeriodicRun.Outcome.FIRST
        elif _covered(task, args, due):
            outcome = PeriodicRun.Outcome.COVERED
        else:
            outcome = PeriodicRun.Outcome.QUEUED
        run = PeriodicRun.objects.create(
            task_path=path, due_at=due, outcome=outcome, worker_id=worker_id
        )
        if outcome == PeriodicRun.Outcome.QUEUED:
            result = task.enqueue(*args)
            run.task_id = result.id
            run.save(update_fields=["task_id"])
            log.info("periodic %s due %s queued as %s", path, due.isoformat(), result.id)
    return run
