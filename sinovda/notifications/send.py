"""Deliver a notification: a row in the app, and an email after the commit when the person has one."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Notification


def notify(users, region, message: str, url: str) -> None:
    users = [u for u in users if u.is_active]
    Notification.objects.bulk_create(
        [Notification(user=u, region=region, message=message[:300], url=url) for u in users]
    )
    recipients = [u.email for u in users if u.email]
    if recipients:
        body = f"{message}\n\n{settings.SITE_URL.rstrip('/')}{url}"
        transaction.on_commit(
            lambda: send_mail(
                _("Sinovda: %(message)s") % {"message": message[:80]},
                body,
                None,
                recipients,
                fail_silently=True,
            )
        )
