"""The region's page for the public catalogue: which verified reports of a cycle are published,
and the koordinator's buttons to publish, refresh and withdraw them."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from sinovda.cycles.lookup import get_cycle
from sinovda.innovations.models import State, Submission
from sinovda.regions.access import Need, region_view

from . import actions
from .models import Publication


@dataclass
class Row:
    submission: Submission
    publication: Publication | None
    status: str  # unpublished, current, changed, older, newer

    @property
    def innovation(self):
        return self.submission.innovation


def _status(submission, publication) -> str:
    if publication is None:
        return "unpublished"
    if publication.submission_id != submission.pk:
        return "older" if publication.year < submission.cycle.edition.year else "newer"
    decided = submission.decided_at
    if decided is not None and decided > publication.published_at:
        return "changed"  # verified again after it was published
    return "current"


def _publication_of(submission):
    try:
        return submission.innovation.publication
    except Publication.DoesNotExist:
        return None


def _rows(cycle):
    reports = (
        Submission.objects.filter(cycle=cycle)
        .select_related("cycle__edition", "innovation__agency", "innovation__publication")
        .order_by("innovation__agency__name", "name", "pk")
    )
    verified, others = [], []
    for submission in reports:
        publication = _publication_of(submission)
        if submission.state == State.VERIFIED:
            verified.append(Row(submission, publication, _status(submission, publication)))
        elif publication is not None:
            # Published earlier, and this year's report has since been reopened or sent back.
            others.append(Row(submission, publication, "reopened"))
    return verified, others


def _post(request, access, cycle):
    if not access.can_manage:
        raise PermissionDenied
    action = request.POST.get("aksi", "")
    try:
        if action == "terbitkan_semua":
            published = actions.publish_cycle(cycle, acting_user=request.user)
            messages.success(
                request,
                ngettext(
                    "%(count)s inovasi diterbitkan atau diperbarui di katalog publik.",
                    "%(count)s inovasi diterbitkan atau diperbarui di katalog publik.",
                    len(published),
                )
                % {"count": len(published)},
            )
            return
        submission = (
            Submission.objects.filter(
                cycle=cycle, innovation__public_id=request.POST.get("inovasi", "")
            )
            .select_related("innovation")
            .first()
        )
        if submission is None:
            raise Http404
        if action == "terbitkan":
            actions.publish(submission, acting_user=request.user)
            messages.success(
                request,
                _("%(name)s diterbitkan di katalog publik.") % {"name": submission.name},
            )
        elif action == "tarik":
            actions.unpublish(submission.innovation, acting_user=request.user)
            messages.success(
                request, _("%(name)s ditarik dari katalog publik.") % {"name": submission.name}
            )
        else:
            messages.error(request, _("Pilih terbitkan atau tarik."))
    except actions.PublishRefused as refused:
        messages.error(request, refused.message)


@region_view(Need.READ)
@require_http_methods(["GET", "HEAD", "POST"])
def catalogue_manage(request, access, year):
    """GET for readers of the region; POST (publish, refresh, withdraw) for the koordinator."""
    cycle = get_cycle(access, year)
    if request.method == "POST":
        _post(request, access, cycle)
        return redirect("catalogue_manage", region_code=access.region.code, year=cycle.year)
    verified, others = _rows(cycle)
    context = {
        "access": access,
        "cycle": cycle,
        "rows": verified,
        "others": others,
        "published_count": sum(1 for r in verified if r.publication is not None),
    }
    return render(request, "catalogue/manage.html", context)
