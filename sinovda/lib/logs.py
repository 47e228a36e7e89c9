"""Log records as one JSON object per line (LOG_FORMAT=json) or as readable text, both carrying the
request id, so a line in the log, an error page a person reads out over the phone and a Sentry event
can be matched.

Standard library only: the handlers, levels and loggers stay Django's LOGGING dictionary.
"""

import json
import logging
from datetime import UTC, datetime

from sinovda.lib.request_id import current_request_id

# Attributes every LogRecord has; anything else on a record came from `extra=` and goes to the JSON.
# Django's own `request` extra is left out: its repr carries the query string, which can hold tokens.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "request",
    "request_id",
}


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside a request), for the text format."""

    def filter(self, record):
        if not getattr(record, "request_id", ""):
            record.request_id = current_request_id.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, the
    record's extra fields (the access line's method, path, status...) and the traceback if any."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", "") or current_request_id.get()
        if request_id and request_id != "-":
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: a value Django puts in `extra` (the request, a response) must not break logging.
        return json.dumps(entry, ensure_ascii=False, default=str)


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(log_format: str, level: str, access_log: bool) -> dict:
    """The LOGGING dictionary for settings.py: one console handler in the chosen format."""
    formatter = (
        {"()": "sinovda.lib.logs.JsonFormatter"}
        if log_format == "json"
        else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "sinovda.lib.logs.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # One line per request (sinovda/ops/middleware.py), whatever LOG_LEVEL says.
            "sinovda.access": {"level": "INFO" if access_log else "WARNING"},
        },
    }
