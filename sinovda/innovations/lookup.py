"""Fetch cycles and submissions for a person: lookup and permission in one step (404 to outsiders)."""

from django.http import Http404

from sinovda.cycles.lookup import get_cycle

from .models import REPORTED_STATES, Submission


def visible_submissions(access, cycle):
    """Readers see every report of the region (province roles: only sent ones, unless the region
    shares its drafts); an operator only its own OPD's."""
    submissions = Submission.objects.filter(cycle=cycle).select_related("innovation__agency")
    if access.can_read:
        if not access.sees_drafts:  # a province role: only what the Pemda has sent
            return submissions.filter(state__in=REPORTED_STATES)
        return submissions
    if access.agency is not None:
        return submissions.filter(innovation__agency=access.agency)
    return submissions.none()


def get_submission(access, year, public_id) -> Submission:
    cycle = get_cycle(access, year)
    try:
        submission = visible_submissions(access, cycle).get(innovation__public_id=public_id)
    except Submission.DoesNotExist:
        raise Http404 from None
    submission.cycle = cycle  # reuse the already-fetched cycle and edition
    return submission
