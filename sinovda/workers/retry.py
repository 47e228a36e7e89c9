"""Retries with exponential backoff and jitter, decided by the worker when a task raises.

The policy is per task path in settings (SINOVDA_TASK_RETRIES). A task that raises and has attempts
left goes back to READY with `run_after` in the future (the same row, so its id and its list of
workers stay; `TaskResult.attempts` counts every start, a start lost with a killed worker included).
On the last attempt the row is FAILED as django-tasks-db marks it, and a `gave_up` event is written.

Task code that keeps its own status for people (an OutputJob) asks `will_retry()` in its failure
handling: True only inside run_worker, when this very failure will be tried again.
"""

import contextlib
import datetime
import logging
from contextvars import ContextVar
from dataclasses import dataclass
from traceback import format_exception

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import config
from .models import TaskEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attempt:
    number: int  # 1 for the first start
    policy: config.RetryPolicy

    @property
    def will_retry(self) -> bool:
        return self.number < self.policy.attempts


_current: ContextVar[Attempt | None] = ContextVar("sinovda_task_attempt", default=None)


def will_retry() -> bool:
    """Will the worker run the current task again if it raises now? False outside run_worker (the
    immediate backend of tests, `db_worker`, a direct call): then a failure is final."""
    attempt = _current.get()
    return attempt is not None and attempt.will_retry


def current_attempt() -> Attempt | None:
    return _current.get()


@contextlib.contextmanager
def running(attempt: Attempt):
    token = _current.set(attempt)
    try:
        yield attempt
    finally:
        _current.reset(token)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"[:1000]


def back_to_queue(
    db_result: DBTaskResult, exc: BaseException, *, kind: str, attempt: int, worker_id: str, delay
) -> bool:
    """Put a task this worker runs back to READY (after `delay`), noting why. Conditional on the row
    still being RUNNING, so a row another worker took over meanwhile is left alone."""
    now = timezone.now()
    run_after = now + delay
    with transaction.atomic():
        updated = DBTaskResult.objects.filter(
            pk=db_result.pk, status=TaskResultStatus.RUNNING
        ).update(
            status=TaskResultStatus.READY,
            run_after=run_after,
            exception_class_path=f"{type(exc).__module__}.{type(exc).__qualname__}",
            traceback="".join(format_exception(exc)),
        )
        if updated:
            TaskEvent.objects.create(
                task_id=db_result.pk,
                task_path=db_result.task_path,
                kind=kind,
                attempt=attempt,
                worker_id=worker_id,
                at=now,
                run_after=run_after,
                detail=_error_text(exc),
            )
    # The instance is what the task_finished signal reports; keep it truthful.
    db_result.status = TaskResultStatus.READY
    db_result.run_after = run_after
    return bool(updated)


def handle_failure(
    db_result: DBTaskResult, exc: BaseException, set_failed, attempt: Attempt, worker_id: str
):
    """What the worker does instead of django-tasks-db's `set_failed` (see worker.py)."""
    if not isinstance(exc, Exception):
        # SystemExit/KeyboardInterrupt: the worker was stopped hard, the task did nothing wrong.
        back_to_queue(
            db_result,
            exc,
            kind=TaskEvent.Kind.INTERRUPTED,
            attempt=attempt.number,
            worker_id=worker_id,
            delay=datetime.timedelta(0),
        )
        return
    if attempt.will_retry:
        delay = attempt.policy.delay(attempt.number)
        log.warning(
            "task %s (%s) failed on attempt %s of %s; retrying in %.1f s: %s",
            db_result.pk,
            db_result.task_path,
            attempt.number,
            attempt.policy.attempts,
            delay.total_seconds(),
            _error_text(exc),
        )
        back_to_queue(
            db_result,
            exc,
            kind=TaskEvent.Kind.RETRY,
            attempt=attempt.number,
            worker_id=worker_id,
            delay=delay,
        )
        return
    set_failed(exc)
    if attempt.policy.attempts > 1:
        TaskEvent.objects.create(
            task_id=db_result.pk,
            task_path=db_result.task_path,
            kind=TaskEvent.Kind.GAVE_UP,
            attempt=attempt.number,
            worker_id=worker_id,
            at=timezone.now(),
            detail=_error_text(exc),
        )
