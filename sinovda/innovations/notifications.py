"""Tell the right people what happened, in the app and by email (sent after the commit)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from sinovda.regions.models import Membership, Role

from .models import Notification


def _notify(users, region, message, url):
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


def _people(region, roles, agency=None):
    memberships = Membership.objects.active().filter(region=region, role__in=roles)
    if agency is not None:
        memberships = memberships.filter(agency=agency)
    return [m.user for m in memberships.select_related("user")]


def _url(submission):
    cycle = submission.cycle
    return reverse(
        "submission_detail",
        args=[cycle.region.code, cycle.edition.year, submission.innovation.public_id],
    )


def submitted(submission):
    region = submission.cycle.region
    _notify(
        _people(region, [Role.VERIFIER, Role.COORDINATOR]),
        region,
        _("%(agency)s mengirim laporan inovasi “%(name)s” untuk diverifikasi.")
        % {"agency": submission.innovation.agency.short_name, "name": submission.name},
        _url(submission),
    )


def returned(submission, note):
    region = submission.cycle.region
    _notify(
        _people(region, [Role.OPERATOR], agency=submission.innovation.agency),
        region,
        _("Laporan “%(name)s” dikembalikan untuk perbaikan: %(note)s")
        % {"name": submission.name, "note": note},
        _url(submission),
    )


def decided(submission, note=""):
    region = submission.cycle.region
    message = (
        _("Laporan “%(name)s” terverifikasi.") % {"name": submission.name}
        if submission.state == "verified"
        else _("Laporan “%(name)s” ditolak: %(note)s") % {"name": submission.name, "note": note}
    )
    _notify(
        _people(region, [Role.OPERATOR], agency=submission.innovation.agency),
        region,
        message,
        _url(submission),
    )
