"""The id of the request being served, for log lines, error pages and error reports.

A context variable rather than a thread-local: it follows the request into anything the request's
code runs (log records, Sentry events) and is reset when the request ends, in sync and async workers
alike. The ops middleware sets it; outside a request (workers, commands) it is empty.
"""

import re
import uuid
from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("sinovda_request_id", default="")

# What an incoming X-Request-ID must look like to be kept: long enough to be unique, short and plain
# enough to be written to a log line or a page without escaping worries.
_VALID = re.compile(r"[A-Za-z0-9-]{8,64}")


def is_valid(value: str) -> bool:
    return bool(_VALID.fullmatch(value))


def new_request_id() -> str:
    return uuid.uuid4().hex
