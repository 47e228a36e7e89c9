"""The state of the worker pool in a few numbers, for /readyz and /metrics (a handful of queries)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Min
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from . import config
from .models import WorkerHeartbeat


@dataclass(frozen=True)
class WorkerStatus:
    workers_alive: int  # heartbeat within SINOVDA_WORKER_STALE_SECONDS
    newest_heartbeat: datetime.datetime | None
    queue_ready: int  # READY rows that are due now
    running: int
    failed_last_hour: int  # final failures only: a task waiting for a retry is READY
    oldest_ready_age_seconds: float  # how long the longest-waiting due task has waited; 0 if none


def worker_status(now=None) -> WorkerStatus:
    now = now or timezone.now()
    beats = WorkerHeartbeat.objects.aggregate(newest=Max("seen_at"))
    alive = WorkerHeartbeat.objects.filter(
        seen_at__gte=now - datetime.timedelta(seconds=config.stale_seconds())
    ).count()
    due = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    undated = due.filter(run_after=get_date_max()).aggregate(
        n=Count("pk"), oldest=Min("enqueued_at")
    )
    dated = due.filter(run_after__lte=now).aggregate(n=Count("pk"), oldest=Min("run_after"))
    oldest = min((t for t in (undated["oldest"], dated["oldest"]) if t is not None), default=None)
    return WorkerStatus(
        workers_alive=alive,
        newest_heartbeat=beats["newest"],
        queue_ready=undated["n"] + dated["n"],
        running=DBTaskResult.objects.running().count(),
        failed_last_hour=DBTaskResult.objects.failed()
        .filter(finished_at__gte=now - datetime.timedelta(hours=1))
        .count(),
        oldest_ready_age_seconds=max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
    )
