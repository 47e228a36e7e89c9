"""The verifier's side: the queue, per-answer decisions, profile remarks and the verdict."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sinovda.cycles.lookup import get_cycle
from sinovda.evidence import hints
from sinovda.lib import paging
from sinovda.regions.access import Need, region_view
from sinovda.regions.models import Agency

from .. import actions, duties, profile, windows
from ..forms import FieldCommentForm, NoteForm, ReviewAnswerForm
from ..lookup import get_submission, visible_submissions
from ..models import Answer, ReviewState, State
from .submissions import _detail, _refused, indicator_rows

WAITING = {
    "": None,
    "3": 3,
    "7": 7,
    "14": 14,
}


@region_view(Need.READ)
def review_queue(request, access, year):
    """Reports waiting for a verifier, oldest first, a page at a time (the filters stay on every
    page's links)."""
    cycle = get_cycle(access, year)
    submissions = visible_submissions(access, cycle)
    state = request.GET.get("status", State.SUBMITTED)
    if state in State.values:
        submissions = submissions.filter(state=state)
    agency = request.GET.get("opd", "")
    if agency.isdigit():
        submissions = submissions.filter(innovation__agency_id=int(agency))
    waiting_choice = request.GET.get("menunggu", "")
    waiting = WAITING.get(waiting_choice)
    if waiting:
        submissions = submissions.filter(
            submitted_at__lte=timezone.now() - datetime.timedelta(days=waiting)
        )
    submissions = submissions.order_by("submitted_at", "name", "pk")
    # The status is always kept, even empty ("Semua"): without it page 2 would fall back to
    # the default filter (sent reports only).
    kept = {"status": state, "opd": agency if agency.isdigit() else "", "menunggu": waiting_choice}
    page = paging.page_of(submissions, request)
    page.object_list = list(page.object_list)
    _count_pending(page.object_list)
    context = {
        "access": access,
        "cycle": cycle,
        "page": page,
        "filter_query": paging.filter_query(kept, always=("status",)),
        "agencies": Agency.objects.filter(region=access.region).order_by("name"),
        "states": State.choices,
        "state": state,
        "agency": agency,
        "waiting": waiting_choice,
        "now": timezone.now(),
    }
    return render(request, "innovations/review_queue.html", context)


def _count_pending(submissions) -> None:
    """Set `pending` (claimed answers nobody has judged yet) on the reports of one page: one query
    for the page's rows, where an annotation on the whole list would count every answer of the
    cycle before the page is cut."""
    counts = dict(
        Answer.objects.filter(
            submission__in=[s.pk for s in submissions],
            review_state=ReviewState.PENDING,
            claimed_level__gt=0,
        )
        .values("submission")
        .annotate(n=Count("pk"))
        .values_list("submission", "n")
    )
    for submission in submissions:
        submission.pending = counts.get(submission.pk, 0)


def _commentable(edition) -> list[tuple[str, str]]:
    """The profile fields a verifier may remark on: (code, national number and label)."""
    return [(f.code, f.title) for f in profile.editable_fields(edition)]


def _review_context(access, submission, **extra):
    edition = submission.cycle.edition.spec()
    answers = {a.indicator_code: a for a in submission.answers.prefetch_related("documents")}
    rows = indicator_rows(edition, submission, answers)
    window_refusal = windows.review_refusal(submission)
    for row in rows:
        # Why this person may not decide this answer today (dates, separation of duties), if so.
        row["refusal"] = window_refusal or (
            row["answer"] and duties.answer_refusal(access, submission, row["answer"])
        )
    return {
        "access": access,
        "cycle": submission.cycle,
        "submission": submission,
        "rows": rows,
        "verdict_refusal": window_refusal or duties.sender_refusal(access, submission),
        "profile": profile.profile_rows(submission),
        "comment_form": FieldCommentForm(fields=_commentable(edition)),
        "note_form": NoteForm(),
        "comments": profile.label_comments(
            edition, submission.field_comments.select_related("author")
        ),
        "evidence_hints": hints.for_answers(access, answers.values()),
        **extra,
    }


@region_view(Need.READ)
def review_submission(request, access, year, public_id):
    submission = get_submission(access, year, public_id)
    if not access.is_reviewer:
        raise PermissionDenied
    return render(request, "innovations/review.html", _review_context(access, submission))


@region_view(Need.READ)
@require_POST
def review_answer(request, access, year, public_id, code):
    submission = get_submission(access, year, public_id)
    answer = Answer.objects.filter(submission=submission, indicator_code=code).first()
    if not access.is_reviewer or answer is None:
        raise PermissionDenied
    form = ReviewAnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            actions.review_answer(access, answer, **form.cleaned_data)
        except actions.ActionRefused as error:
            messages.error(
                request, _("Indikator %(code)s: %(error)s") % {"code": code, "error": error.message}
            )
        else:
            messages.success(
                request, _("Keputusan untuk indikator %(code)s disimpan.") % {"code": code}
            )
    url = reverse("review_submission", args=[access.region.code, year, public_id])
    return redirect(f"{url}#indikator-{code}")


@region_view(Need.READ)
@require_POST
def comment_field(request, access, year, public_id):
    submission = get_submission(access, year, public_id)
    if not access.is_reviewer:
        raise PermissionDenied
    form = FieldCommentForm(request.POST, fields=_commentable(submission.cycle.edition.spec()))
    if form.is_valid():
        try:
            actions.comment_field(access, submission, **form.cleaned_data)
        except actions.ActionRefused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Catatan profil disimpan."))
    else:
        messages.error(request, _("Pilih bagian profil dan tulis catatannya."))
    return redirect("review_submission", access.region.code, year, public_id)


def _verdict(action, success):
    @region_view(Need.READ)
    @require_POST
    def view(request, access, year, public_id):
        submission = get_submission(access, year, public_id)
        note = request.POST.get("note", "")
        try:
            if action is actions.verify:
                action(access, submission)
            else:
                action(access, submission, note=note)
        except actions.ActionRefused as error:
            _refused(request, error)
            return redirect("review_submission", access.region.code, year, public_id)
        messages.success(request, success)
        return _detail(submission)

    return view


return_submission = _verdict(
    actions.return_for_revision, gettext_lazy("Laporan dikembalikan ke OPD untuk perbaikan.")
)
verify_submission = _verdict(actions.verify, gettext_lazy("Laporan terverifikasi."))
reject_submission = _verdict(actions.reject, gettext_lazy("Inovasi ditolak."))
