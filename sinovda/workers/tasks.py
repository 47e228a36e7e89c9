"""The workers' own tasks: running a plain function on a schedule, and tidying up after themselves."""

import datetime
import logging

from django.conf import settings
from django.db.models import Max
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

from . import config
from .models import PeriodicRun, TaskEvent, WorkerHeartbeat

log = logging.getLogger(__name__)

# A heartbeat this old belongs to a worker that is gone (its tasks were recovered long ago).
HEARTBEAT_KEPT = datetime.timedelta(days=1)


@task()
def run_callable(path: str):
    """Run a function named in SINOVDA_PERIODIC_TASKS (e.g. the pruning of expired files, which is
    a plain function the `prune_outputs` command also calls). Only those: a task row must not be
    able to call anything else."""
    if path not in getattr(settings, "SINOVDA_PERIODIC_TASKS", {}):
        raise ValueError(f"{path} is not in SINOVDA_PERIODIC_TASKS")
    result = import_string(path)()
    return result if isinstance(result, int | str | float | bool | dict | list | None) else None


def clean(now=None) -> dict:
    """Delete finished task rows and task events older than SINOVDA_TASK_RESULT_RETENTION_DAYS,
    heartbeats of workers gone for a day, and old periodic rows (the newest of each task stays:
    the scheduler reads it)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=config.result_retention_days())
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    events, _ = TaskEvent.objects.filter(at__lt=cutoff).delete()
    heartbeats, _ = WorkerHeartbeat.objects.filter(seen_at__lt=now - HEARTBEAT_KEPT).delete()
    newest = PeriodicRun.objects.values("task_path").annotate(last=Max("due_at"))
    keep = [row["last"] for row in newest]
    runs, _ = PeriodicRun.objects.filter(due_at__lt=cutoff).exclude(due_at__in=keep).delete()
    return {"tasks": tasks, "events": events, "heartbeats": heartbeats, "periodic": runs}


@task()
def cleanup() -> dict:
    return clean()
