"""Send the outbox: claim due rows, send them with Django's mail API, retry later on failure.

Claiming is a short transaction of its own, and the mail server is talked to outside any transaction:
  * PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` picks rows no other worker is claiming, and the
    UPDATE re-checks that each row is still due, so two workers never take the same row;
  * SQLite: every transaction is IMMEDIATE (settings.py), so claims are serialised by the write lock.
A claim holds a row for LEASE; a worker that died mid-way lets go of its rows when the lease ends, and
they are tried again (the attempt was already counted, so a row cannot loop for ever).

A failed send is retried after 1, 5, 25, 125 minutes, then every 6 hours, MAX_ATTEMPTS times in all
(about a day); then the row is marked failed, and the national admin sees it in the admin
(/admin/notifications/outboundemail/?status=failed) with a "send again" action.
"""

import datetime
import logging
import secrets
from dataclasses import dataclass

from django.core import mail
from django.db import connection, transaction
from django.db.models import F, Min
from django.utils import timezone

from .models import OutboundEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = datetime.timedelta(minutes=10)
BATCH = 50
MAX_BATCHES = 100  # per run, so one run ends even when mail keeps arriving
LONGEST_WAIT_MINUTES = 6 * 60


def backoff(attempts: int) -> datetime.timedelta:
    """How long to wait after the `attempts`-th failure: 1, 5, 25, 125 minutes, then 6 hours."""
    return datetime.timedelta(minutes=min(5 ** max(attempts - 1, 0), LONGEST_WAIT_MINUTES))


@dataclass
class Outcome:
    sent: int = 0
    retry: int = 0
    failed: int = 0

    def add(self, other: "Outcome") -> None:
        self.sent += other.sent
        self.retry += other.retry
        self.failed += other.failed


def claim(batch: int = BATCH, now=None) -> list[OutboundEmail]:
    """Take up to `batch` due rows for this worker alone (see the module's docstring)."""
    now = now or timezone.now()
    token = secrets.token_hex(16)
    with transaction.atomic():
        due = OutboundEmail.objects.due(now).order_by("next_attempt_at", "id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:batch])
        if not ids:
            return []
        OutboundEmail.objects.due(now).filter(pk__in=ids).update(
            claim_token=token, claimed_until=now + LEASE, attempts=F("attempts") + 1
        )
    return list(OutboundEmail.objects.filter(claim_token=token).order_by("id"))


def _mine(row):
    return OutboundEmail.objects.filter(pk=row.pk, claim_token=row.claim_token)


def _sent(row) -> None:
    _mine(row).update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        claimed_until=None,
        claim_token="",
        last_error="",
    )


def _failed(row, error: Exception) -> bool:
    """Note the failure; True when the row is given up (failed for good)."""
    text = f"{type(error).__name__}: {error}"[:1000]
    given_up = row.attempts >= MAX_ATTEMPTS
    fields = {"claimed_until": None, "claim_token": "", "last_error": text}
    if given_up:
        fields["status"] = OutboundEmail.Status.FAILED
    else:
        fields["next_attempt_at"] = timezone.now() + backoff(row.attempts)
    _mine(row).update(**fields)
    log.warning(
        "e-mail %s to %s failed (attempt %s%s): %s",
        row.pk,
        row.address,
        row.attempts,
        ", giving up" if given_up else "",
        text,
    )
    return given_up


def _message(row) -> mail.EmailMessage:
    return mail.EmailMessage(subject=row.subject, body=row.body, to=[row.address])


def send_rows(rows) -> Outcome:
    """Send claimed rows over one connection of the default mailer."""
    outcome = Outcome()

    def fail(row, error):
        if _failed(row, error):
            outcome.failed += 1
        else:
            outcome.retry += 1

    try:
        mailer = mail.mailers.default
        mailer.open()
    except Exception as error:  # noqa: BLE001 - the server is down: every row waits for a retry
        for row in rows:
            fail(row, error)
        return outcome
    try:
        for row in rows:
            try:
                if not mailer.send_messages([_message(row)]):
                    raise RuntimeError("the mail backend sent nothing")
            except Exception as error:  # noqa: BLE001 - one bad address must not stop the rest
                fail(row, error)
            else:
                _sent(row)
                outcome.sent += 1
    finally:
        try:
            mailer.close()
        except Exception:  # noqa: BLE001 - closing a broken connection changes nothing
            log.debug("closing the mail connection failed", exc_info=True)
    return outcome


def send_due(batch: int = BATCH) -> Outcome:
    """Send every due row (batch by batch) and say what happened."""
    outcome = Outcome()
    for _ in range(MAX_BATCHES):
        rows = claim(batch)
        if not rows:
            break
        outcome.add(send_rows(rows))
    return outcome


def next_due():
    """When the earliest pending row may be tried (None: nothing pending)."""
    return OutboundEmail.objects.pending().aggregate(at=Min("next_attempt_at"))["at"]


def retry_now(ids) -> int:
    """Put failed (or waiting) rows back in the queue with fresh attempts (the admin's action)."""
    return (
        OutboundEmail.objects.filter(pk__in=list(ids))
        .exclude(status=OutboundEmail.Status.SENT)
        .update(
            status=OutboundEmail.Status.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_until=None,
            claim_token="",
        )
    )
