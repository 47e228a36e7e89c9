"""Tell the right people what happened to a report (delivery is the notifications app's)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from sinovda.notifications.send import notify as _notify
from sinovda.regions.models import Membership, Role


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
