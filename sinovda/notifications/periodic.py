"""Tasks that run later or every day, on Django's tasks framework with no scheduler of its own.

A periodic task re-enqueues itself for its next run (`run_after`, which the database backend
supports) before it finishes; `manage.py send_reminders --schedule` starts the chain once. A chain is
never doubled: a task is not enqueued while a row of it is still waiting in the database queue.
Backends that cannot run a task later (the immediate backend of the tests) simply skip the
scheduling; cron or a systemd timer calling the management commands works on every backend
(docs/notifications.md).
"""

import datetime
import logging

from django.db.models import Q
from django.tasks.exceptions import InvalidTask
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend

log = logging.getLogger(__name__)

# Daily jobs run at this local time (reminders, digests): mail is in the inbox when offices open.
DAILY_AT = datetime.time(6, 0)


def next_daily_run(now=None, at: datetime.time = DAILY_AT) -> datetime.datetime:
    """The next moment after `now` when the local clock shows `at`."""
    now = timezone.localtime(now or timezone.now())
    candidate = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    if candidate <= now:
        candidate = timezone.make_aware(
            datetime.datetime.combine(candidate.date() + datetime.timedelta(days=1), at)
        )
    return candidate


def _waiting(task, not_after=None) -> bool:
    """A row of this task waits in the database queue and will run no later than `not_after`
    (any waiting row when `not_after` is None). Other backends keep no queue we can look at."""
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return False
    from django_tasks_db.models import DBTaskResult, get_date_max

    rows = DBTaskResult.objects.filter(
        status="READY", task_path=task.module_path, backend_name=backend.alias
    )
    if not_after is not None:
        # A row with no run_after is stored with the largest date and runs as soon as it can.
        rows = rows.filter(Q(run_after=get_date_max()) | Q(run_after__lte=not_after))
    return rows.exists()


def enqueue_once(task, *args, run_after=None, **kwargs) -> bool:
    """Enqueue `task` unless a waiting row of it will already run by then. False when skipped."""
    if _waiting(task, run_after or timezone.now()):
        return False
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return False
        task = task.using(run_after=run_after)
    try:
        task.enqueue(*args, **kwargs)
    except InvalidTask:
        log.warning("could not enqueue %s", task.module_path, exc_info=True)
        return False
    return True


def schedule_daily(task, now=None, at: datetime.time = DAILY_AT) -> datetime.datetime | None:
    """Make sure `task` runs next at the coming `at` o'clock, once. The run time, or None when the
    backend cannot run tasks later or a run is already waiting."""
    if not task.get_backend().supports_defer or _waiting(task):
        return None
    run_after = next_daily_run(now, at)
    task.using(run_after=run_after).enqueue()
    return run_after
