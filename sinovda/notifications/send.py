"""Deliver a notification: a row in the app, and an e-mail in the outbox as the person prefers.

Everything is written in the caller's transaction: if the change that caused the notification rolls
back, so do the message and its e-mail. Nothing talks to the mail server here; after the commit a
background task sends the outbox (outbox.py), and a mail server that is down only delays it.
"""

import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Delivery, DeliveryPreference, Notification, OutboundEmail
from .tasks import deliver_soon

SUBJECT_CHARS = 80


def absolute(url: str) -> str:
    """A link that works from an e-mail: the site's address in front of a path."""
    if url.startswith(("http://", "https://")):
        return url
    return settings.SITE_URL.rstrip("/") + url


def preferences(users) -> dict[int, str]:
    """How each of these people wants e-mail (instant when they never chose)."""
    chosen = dict(
        DeliveryPreference.objects.filter(user__in=[u.pk for u in users]).values_list(
            "user_id", "email"
        )
    )
    return {u.pk: chosen.get(u.pk, Delivery.INSTANT) for u in users}


def footer() -> str:
    return _(
        "Anda menerima surel ini dari Sinovda. Ubah cara Anda menerima pemberitahuan di %(url)s"
    ) % {"url": absolute(reverse("notification_settings"))}


def subject(message: str) -> str:
    """One line (a header may not hold a line break: a verifier's note can), cut short."""
    return _("Sinovda: %(message)s") % {"message": " ".join(message.split())[:SUBJECT_CHARS]}


def email_body(message: str, url: str, details: str = "") -> str:
    parts = [message]
    if details:
        parts.append(details)
    if url:
        parts.append(absolute(url))
    parts.append("-- \n" + footer())
    return "\n\n".join(parts)


def notify(users, region, message: str, url: str, *, details: str = "", key: str = ""):
    """Tell these people `message` (with a link) in the app, and by e-mail if they want it now.

    `details` is extra text for the e-mail only (a list of reports, for instance). `key` names the
    event when the caller needs the e-mails to be unique (a reminder): a second call with the same
    key fails on the outbox's unique key instead of mailing twice.
    """
    users = [u for u in users if u.is_active]
    if not users:
        return []
    wanted = preferences(users)
    emails = {}
    for user in users:
        if user.email and wanted[user.pk] == Delivery.INSTANT:
            emails[user.pk] = OutboundEmail(
                user=user,
                address=user.email,
                subject=subject(message),
                body=email_body(message, url, details),
                kind=OutboundEmail.Kind.INSTANT,
                dedup_key=f"{key}:{user.pk}" if key else f"n:{uuid.uuid4().hex}",
            )
    if emails:
        OutboundEmail.objects.bulk_create(emails.values())
        transaction.on_commit(deliver_soon, robust=True)
    return Notification.objects.bulk_create(
        [
            Notification(
                user=u, region=region, message=message[:300], url=url, email=emails.get(u.pk)
            )
            for u in users
        ]
    )
