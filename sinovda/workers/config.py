"""The workers' settings, read when used (tests change them), with the shapes checked in one place.

SINOVDA_WORKER_STALE_SECONDS      a worker not heard from for this long is dead (default 60)
SINOVDA_WORKER_HEARTBEAT_SECONDS  how often a worker writes its heartbeat (default 5)
SINOVDA_WORKER_MAX_LOST           a task whose worker died this many times fails (default 3)
SINOVDA_TASK_RETRIES              task path -> attempts, or {"attempts", "base", "cap"} (seconds)
SINOVDA_PERIODIC_TASKS            task or function path -> "daily HH:MM" / "every N minutes"
SINOVDA_TASK_GAVE_UP_HOOKS        task path -> function called with its arguments when it is given up
"""

import datetime
import random
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone


def stale_seconds() -> int:
    return int(getattr(settings, "SINOVDA_WORKER_STALE_SECONDS", 60))


def heartbeat_seconds() -> float:
    return float(getattr(settings, "SINOVDA_WORKER_HEARTBEAT_SECONDS", 5))


def max_lost() -> int:
    return int(getattr(settings, "SINOVDA_WORKER_MAX_LOST", 3))


def gave_up_hooks() -> dict[str, str]:
    return dict(getattr(settings, "SINOVDA_TASK_GAVE_UP_HOOKS", {}))


def result_retention_days() -> int:
    return int(getattr(settings, "SINOVDA_TASK_RESULT_RETENTION_DAYS", 14))


# --- retries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` runs in all (1: never retried). Before attempt n+1 the worker waits about
    base·2^(n-1) seconds, at most `cap`, half of it random so that a burst of failures (a mail
    server that was down) does not come back all at the same second."""

    attempts: int = 1
    base: float = 10.0
    cap: float = 600.0

    def delay(self, failed_attempt: int, rng=random) -> datetime.timedelta:
        full = min(self.cap, self.base * 2 ** max(failed_attempt - 1, 0))
        return datetime.timedelta(seconds=full / 2 + rng.uniform(0, full / 2))


NO_RETRY = RetryPolicy()


def _policy(path: str, value) -> RetryPolicy:
    if isinstance(value, int):
        value = {"attempts": value}
    if not isinstance(value, dict) or not set(value) <= {"attempts", "base", "cap"}:
        raise ImproperlyConfigured(
            f"SINOVDA_TASK_RETRIES[{path!r}] must be a number of attempts or a dict with "
            "'attempts', 'base' and 'cap' (seconds)"
        )
    policy = RetryPolicy(**value)
    if policy.attempts < 1 or policy.base < 0 or policy.cap < policy.base:
        raise ImproperlyConfigured(
            f"SINOVDA_TASK_RETRIES[{path!r}]: attempts must be 1 or more and 0 <= base <= cap"
        )
    return policy


def retry_policy(task_path: str) -> RetryPolicy:
    value = getattr(settings, "SINOVDA_TASK_RETRIES", {}).get(task_path)
    return NO_RETRY if value is None else _policy(task_path, value)


def retry_policies() -> dict[str, RetryPolicy]:
    return {p: _policy(p, v) for p, v in getattr(settings, "SINOVDA_TASK_RETRIES", {}).items()}


# --- periodic schedules --------------------------------------------------------------------------

_DAILY = re.compile(r"^daily (\d{1,2}):(\d{2})$")
_EVERY = re.compile(r"^every (\d+) (second|minute|hour)s?$")
_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Schedule:
    """Either every day at a local time, or every fixed interval (counted from a fixed epoch, so
    every worker computes the same due times)."""

    text: str
    at: datetime.time | None = None
    every: datetime.timedelta | None = None

    @classmethod
    def parse(cls, text: str) -> "Schedule":
        normal = " ".join(str(text).lower().split())
        if match := _DAILY.match(normal):
            hour, minute = int(match[1]), int(match[2])
            if hour < 24 and minute < 60:
                return cls(text, at=datetime.time(hour, minute))
        if match := _EVERY.match(normal):
            every = datetime.timedelta(**{match[2] + "s": int(match[1])})
            if every.total_seconds() >= 1:
                return cls(text, every=every)
        raise ImproperlyConfigured(
            f"A periodic schedule must read 'daily HH:MM' or 'every N seconds|minutes|hours', "
            f"not {text!r}"
        )

    def latest_due(self, now: datetime.datetime) -> datetime.datetime:
        """The last due time at or before `now`."""
        if self.every is not None:
            return _EPOCH + self.every * ((now - _EPOCH) // self.every)
        local = timezone.localtime(now)
        due = timezone.make_aware(datetime.datetime.combine(local.date(), self.at))
        if due > now:
            due = timezone.make_aware(
                datetime.datetime.combine(local.date() - datetime.timedelta(days=1), self.at)
            )
        return due


def periodic_tasks() -> dict[str, Schedule]:
    entries = getattr(settings, "SINOVDA_PERIODIC_TASKS", {})
    return {path: Schedule.parse(text) for path, text in entries.items()}
