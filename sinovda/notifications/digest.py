"""The daily digest: one e-mail a day to each person who chose "ringkasan harian".

It carries the person's notifications that no e-mail has carried yet and that they have not opened
in the app, from the last days (MAX_AGE: a missed day is caught up, old news is not mailed). Each
digest is one outbox row with the key `digest:<user>:<date>`, written in the same transaction that
marks its notifications as carried: a second run the same day writes nothing.
"""

import datetime
from itertools import groupby

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .models import Delivery, DeliveryPreference, Notification, OutboundEmail
from .send import absolute, footer
from .tasks import deliver_soon

MAX_AGE = datetime.timedelta(days=7)
MAX_ITEMS = 50  # per e-mail; the rest is on the notifications page


def digest_key(user, day: datetime.date) -> str:
    return f"digest:{user.pk}:{day.isoformat()}"


def _body(notifications, more: int) -> str:
    lines = [_("Pemberitahuan Anda yang belum dibaca:"), ""]
    for n in notifications:
        lines.append(f"- {n.region.name}: {n.message}")
        if n.url:
            lines.append(f"  {absolute(n.url)}")
    if more:
        lines += ["", _("Dan %(count)s pemberitahuan lainnya.") % {"count": more}]
    lines += [
        "",
        _("Semua pemberitahuan: %(url)s") % {"url": absolute(reverse("notification_list"))},
        "",
        "-- ",
        footer(),
    ]
    return "\n".join(lines)


def write_digest(user, day: datetime.date, notifications) -> OutboundEmail | None:
    """The digest of `day` for one person; None when it exists already (written by another run)."""
    shown = notifications[:MAX_ITEMS]
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                user=user,
                address=user.email,
                subject=_("Sinovda: ringkasan pemberitahuan %(date)s")
                % {"date": formats.date_format(day, "j F Y")},
                body=_body(shown, len(notifications) - len(shown)),
                kind=OutboundEmail.Kind.DIGEST,
                dedup_key=digest_key(user, day),
            )
            Notification.objects.filter(
                pk__in=[n.pk for n in notifications], email__isnull=True
            ).update(email=email)
    except IntegrityError:
        return None
    return email


def send_digests(day: datetime.date | None = None, now=None) -> int:
    """Write today's digests into the outbox; how many were written."""
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    people = DeliveryPreference.objects.filter(email=Delivery.DIGEST, user__is_active=True).exclude(
        user__email=""
    )
    waiting = (
        Notification.objects.filter(
            user__in=people.values("user"),
            email__isnull=True,
            read_at__isnull=True,
            created_at__lte=now,
            created_at__gt=now - MAX_AGE,
        )
        .select_related("user", "region")
        .order_by("user_id", "created_at", "id")
    )
    written = 0
    for _user_id, rows in groupby(waiting, key=lambda n: n.user_id):
        rows = list(rows)
        if write_digest(rows[0].user, day, rows) is not None:
            written += 1
    if written:
        transaction.on_commit(deliver_soon, robust=True)
    return written
