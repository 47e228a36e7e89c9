"""The background task that sends the outbox, and how the rest of the app asks for it."""

import datetime
import logging

from django.tasks import task
from django.utils import timezone

from . import outbox, periodic

log = logging.getLogger(__name__)

# A retry is never scheduled sooner than this after the run that failed.
RETRY_FLOOR = datetime.timedelta(seconds=30)


@task()
def deliver_outbox() -> dict:
    """Send what is due; when rows wait for a retry, run again when the first of them is due."""
    outcome = outbox.send_due()
    upcoming = outbox.next_due()
    if upcoming is not None:
        periodic.enqueue_once(deliver_outbox, run_after=max(upcoming, timezone.now() + RETRY_FLOOR))
    return {"sent": outcome.sent, "retry": outcome.retry, "failed": outcome.failed}


def deliver_soon() -> None:
    """Ask a worker to send the outbox now (after a commit that wrote e-mails).

    Never raises: if the queue cannot be reached the rows stay pending, and the next run (a retry
    chain, the daily job, or `manage.py send_outbox`) sends them.
    """
    try:
        periodic.enqueue_once(deliver_outbox)
    except Exception:  # noqa: BLE001 - mail waits in the outbox; the change itself is committed
        log.exception("could not queue the outbox delivery")
