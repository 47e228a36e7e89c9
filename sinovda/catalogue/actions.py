"""Publishing to the public catalogue: atomic, audited, for the koordinator (or a national admin).

The public copy is made from the innovation's newest verified report and then frozen: reopening and
editing the report changes nothing public until someone publishes again.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinovda.audit.models import record
from sinovda.innovations.models import Innovation, State, Submission
from sinovda.regions.access import access_for

from . import publish as copies
from . import versions
from .models import Publication

# What the audit trail keeps of a public copy (enough to tell versions apart; the texts are in the
# report the copy was made from).
AUDITED = ("submission", "year", "name", "maturity", "maturity_max", "published_at")


class PublishRefused(Exception):
    """The action cannot be done; the message (Indonesian) says why and what to do."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _require_manager(acting_user, region) -> None:
    if not access_for(acting_user, region).can_manage:
        raise PermissionDenied


def _audited(publication: Publication | None) -> dict | None:
    if publication is None:
        return None
    data = {}
    for name in AUDITED:
        value = getattr(publication, name)
        data[name] = value.pk if hasattr(value, "pk") else value
    return data


def _locked_innovation(innovation_id) -> Innovation:
    # Two people publishing the same innovation at once wait for each other.
    return Innovation.objects.select_for_update().select_related("region").get(pk=innovation_id)


@transaction.atomic
def publish(submission: Submission, *, acting_user) -> Publication:
    """Publish the innovation of this verified report, or refresh its public copy: the copy is
    made from the innovation's newest verified report."""
    innovation = _locked_innovation(submission.innovation_id)
    _require_manager(acting_user, innovation.region)
    submission = Submission.objects.get(pk=submission.pk)
    if submission.state != State.VERIFIED:
        raise PublishRefused(
            _(
                "Hanya laporan yang sudah terverifikasi yang dapat diterbitkan di katalog. "
                "Laporan ini berstatus %(state)s."
            )
            % {"state": submission.get_state_display()}
        )
    source = copies.latest_verified(innovation)
    copy = copies.public_copy(source)
    existing = Publication.objects.filter(innovation=innovation).first()
    before = _audited(existing)
    now = timezone.now()
    publication, _created = Publication.objects.update_or_create(
        innovation=innovation,
        defaults={**copy.fields, "published_at": now, "published_by": acting_user},
    )
    record(
        "catalogue.publish",
        actor=acting_user,
        obj=innovation,
        region=innovation.region,
        before=before,
        after=_audited(publication),
    )
    return publication


@transaction.atomic
def unpublish(innovation: Innovation, *, acting_user) -> None:
    """Take the innovation out of the public catalogue (search, pages, sitemap, API)."""
    innovation = _locked_innovation(innovation.pk)
    _require_manager(acting_user, innovation.region)
    publication = Publication.objects.filter(innovation=innovation).first()
    if publication is None:
        raise PublishRefused(_("Inovasi ini tidak sedang diterbitkan di katalog."))
    before = _audited(publication)
    publication.delete()
    versions.bump()  # in this transaction: cached pages and API validators move with it
    record(
        "catalogue.unpublish",
        actor=acting_user,
        obj=innovation,
        region=innovation.region,
        before=before,
        after=None,
    )


@transaction.atomic
def publish_cycle(cycle, *, acting_user) -> list[Publication]:
    """Publish (or refresh) every innovation with a verified report in the cycle; one audit row
    each. Nothing is published when one of them fails."""
    _require_manager(acting_user, cycle.region)
    verified = list(
        Submission.objects.filter(cycle=cycle, state=State.VERIFIED).order_by("name", "pk")
    )
    if not verified:
        raise PublishRefused(_("Belum ada laporan terverifikasi pada siklus ini."))
    return [publish(submission, acting_user=acting_user) for submission in verified]
