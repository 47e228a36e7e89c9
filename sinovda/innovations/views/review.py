"""The verifier's side: the queue, per-answer decisions, profile remarks and the verdict."""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sinovda.cycles.lookup import get_cycle
from sinovda.evidence import hints
from sinovda.regions.access import Need, region_view
from sinovda.regions.models import Agency

from .. import actions, duties, profile, windows
from ..forms import FieldCommentForm, NoteForm, ReviewAnswerForm
from ..lookup import get_submission, visible_submissions
from ..models import Answer, State
from .submissions import _detail, _refused, indicator_rows

WAITING = {
    "": None,
    "3": 3,
    "7": 7,
    "14": 14,
}


@region_view(Need.READ)
def review_queue(request, access, year):
    cycle = get_cycle(access, year)
    submissions = visible_submissions(access, cycle).annotate(
        pending=Count(
            "answers", filter=Q(answers__review_state="pending", answers__claimed_level__gt=0)
        )
    )
    state = request.GET.get("status", State.SUBMITTED)
    if state in State.values:
        submissions = submissions.filter(state=state)
    agency = request.GET.get("opd", "")
    if agency.isdigit():
        submissions = submissions.filter(innovation__agency_id=int(agency))
    waiting = WAITING.get(request.GET.get("menunggu", ""))
    if waiting:
        submissions = submissions.filter(
            submitted_at__lte=timezone.now() - datetime.timedelta(days=waiting)
        )
    submissions = submissions.order_by("submitted_at", "name")
    context = {
        "access": access,
        "cycle": cycle,
        "submissions": submissions,
        "agencies": Agency.objects.filter(region=access.region).order_by("name"),
        "states": State.choices,
        "state": state,
        "agency": agency,
        "waiting": request.GET.get("menunggu", ""),
        "now": timezone.now(),
    }
    return render(request, "innovations/review_queue.html", context)


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
