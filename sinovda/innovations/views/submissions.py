"""The operator's side: list, create, fill in and send innovation reports."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinovda.audit.models import AuditEvent
from sinovda.cycles.lookup import get_cycle
from sinovda.evidence import hints
from sinovda.evidence.models import Document
from sinovda.lib import paging
from sinovda.regions.access import Need, region_view
from sinovda.regions.models import Agency

from .. import actions, profile, rules, windows
from ..forms import AnswerForm, CommentReplyForm, ProfileForm, ReopenForm, SubmissionCreateForm
from ..lookup import get_submission, visible_submissions
from ..models import EDITABLE_STATES, FieldComment, ReviewState, State


def _detail(submission):
    cycle = submission.cycle
    return redirect(
        "submission_detail", cycle.region.code, cycle.edition.year, submission.innovation.public_id
    )


def _refused(request, error: actions.ActionRefused):
    messages.error(request, error.message)
    for _field, problem in error.problems:
        messages.error(request, problem)


@region_view(Need.MEMBER)
def submission_list(request, access, year):
    """The cycle's reports (an operator: its OPD's), by OPD and name, a page at a time."""
    cycle = get_cycle(access, year)
    submissions = visible_submissions(access, cycle).order_by(
        "innovation__agency__name", "name", "pk"
    )
    state = request.GET.get("status", "")
    if state in State.values:
        submissions = submissions.filter(state=state)
    else:
        state = ""
    query = request.GET.get("q", "").strip()
    if query:
        submissions = submissions.filter(Q(name__icontains=query))
    context = {
        "access": access,
        "cycle": cycle,
        "page": paging.page_of(submissions, request),
        "filter_query": paging.filter_query({"q": query, "status": state}),
        "states": State.choices,
        "state": state,
        "query": query,
    }
    return render(request, "innovations/submission_list.html", context)


@region_view(Need.MEMBER)
def submission_create(request, access, year):
    cycle = get_cycle(access, year)
    if not (access.can_manage or access.agency is not None):
        raise PermissionDenied
    agencies = Agency.objects.active().filter(region=access.region)
    form = SubmissionCreateForm(
        request.POST or None,
        agencies=agencies if access.can_manage else agencies.filter(pk=access.agency.pk),
        fixed_agency=None if access.can_manage else access.agency,
    )
    if request.method == "POST" and form.is_valid():
        try:
            submission = actions.create_submission(
                access, cycle, agency=form.cleaned_data["agency"], name=form.cleaned_data["name"]
            )
        except rules.RuleError as error:
            form.add_error("name", error.message)
        else:
            messages.success(request, _("Draf inovasi dibuat. Lengkapi profil dan indikatornya."))
            return _detail(submission)
    return render(
        request,
        "innovations/submission_create.html",
        {"access": access, "cycle": cycle, "form": form},
    )


def indicator_rows(edition, submission, answers):
    """Each SID row with what was claimed, verified and said about it, and what it is worth."""
    rows = []
    for row in edition.sid_rows:
        answer = answers.get(row.code)
        claimed = answer.claimed_level if answer else None
        rows.append(
            {
                "row": row,
                "answer": answer,
                "claimed": claimed,
                "claimed_score": row.score_of(claimed),
                "verified_score": row.score_of(answer.verified_level)
                if answer and answer.review_state != ReviewState.PENDING
                else None,
                "max_score": row.max_score,
                "missing_mandatory": row.mandatory and not claimed,
            }
        )
    return rows


@region_view(Need.MEMBER)
def submission_detail(request, access, year, public_id):
    submission = get_submission(access, year, public_id)
    edition = submission.cycle.edition.spec()
    answers = {a.indicator_code: a for a in submission.answers.prefetch_related("documents")}
    rows = indicator_rows(edition, submission, answers)
    may_edit = submission.is_editable and actions.may_edit(access, submission)
    edit_refusal = windows.edit_refusal(submission) if may_edit else None
    context = {
        "access": access,
        "cycle": submission.cycle,
        "submission": submission,
        "rows": rows,
        "problems": rules.submission_problems(submission) if submission.is_editable else [],
        "eligibility": rules.eligibility_checks(submission) if submission.is_editable else [],
        "profile": profile.profile_rows(submission),
        "can_edit": may_edit and not edit_refusal,
        "edit_refusal": edit_refusal,
        "send_refusal": windows.send_refusal(submission) if may_edit else None,
        "reopen_form": ReopenForm(needs_date=not submission.cycle.accepts_reviews()),
        "comments": profile.label_comments(
            edition, submission.field_comments.select_related("author")
        ),
        "history": AuditEvent.objects.for_object(submission).select_related("actor")[:50],
        "evidence_hints": hints.for_answers(access, answers.values()),
    }
    return render(request, "innovations/submission_detail.html", context)


@region_view(Need.MEMBER)
def profile_edit(request, access, year, public_id):
    submission = get_submission(access, year, public_id)
    if not actions.may_edit(access, submission):
        raise PermissionDenied
    edition = submission.cycle.edition.spec()
    initial = profile.form_initial(submission, edition)
    initial["version"] = submission.version
    form = ProfileForm(
        request.POST or None,
        initial=initial,
        edition=edition,
        documents=profile.document_choices(access, submission),
        legacy_design=profile.legacy_design(submission, edition),
    )
    refusal = _edit_refusal(submission)
    if refusal:
        messages.error(request, refusal)
        return _detail(submission)
    if request.method == "POST" and form.is_valid():
        values = form.profile_values()
        try:
            actions.save_profile(
                access, submission, expected_version=form.cleaned_data["version"], **values
            )
        except rules.RuleError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        except actions.ActionRefused as error:  # stale page, or no longer editable
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Profil inovasi disimpan."))
            return _detail(submission)
    context = {
        "access": access,
        "cycle": submission.cycle,
        "submission": submission,
        "form": form,
        "word_count": form.design_word_count(),
        "min_words": edition.rancang_bangun.min_words,
    }
    return render(request, "innovations/profile_form.html", context)


def _edit_refusal(submission) -> str | None:
    """Why the report cannot be changed now (already sent, or the cycle's dates), if so."""
    if submission.state not in EDITABLE_STATES:
        return _("Laporan yang sudah dikirim tidak dapat diubah.")
    return windows.edit_refusal(submission)


def _documents_for(access, submission):
    """Documents this person may attach: the ones they may open (their OPD's and region-wide)."""
    return Document.objects.visible_to(access).order_by("-uploaded_at")


@region_view(Need.MEMBER)
def answer_edit(request, access, year, public_id, code):
    submission = get_submission(access, year, public_id)
    if not actions.may_edit(access, submission):
        raise PermissionDenied
    edition = submission.cycle.edition.spec()
    row = next((r for r in edition.sid_rows if r.code == code), None)
    if row is None:
        raise Http404
    indicator = edition.indicator(row.indicator_code)
    answer = submission.answers.filter(indicator_code=code).first()
    documents = _documents_for(access, submission)
    if answer is not None:
        documents = documents | Document.objects.filter(pk__in=answer.documents.values("pk"))
    initial = {
        "version": submission.version,
        "level": answer.claimed_level if answer else None,
        "link": answer.link if answer else "",
        "documents": list(answer.documents.values_list("pk", flat=True)) if answer else [],
        "reply": answer.reply if answer else "",
    }
    just_uploaded = request.GET.get("dokumen", "")
    if just_uploaded.isdigit():  # back from the upload page: tick the new document
        initial["documents"].append(int(just_uploaded))
    form = AnswerForm(
        request.POST or None,
        initial=initial,
        row=row,
        documents=documents.distinct(),
        show_reply=bool(answer and answer.review_note),
    )
    refusal = _edit_refusal(submission)
    if refusal:
        messages.error(request, refusal)
        return _detail(submission)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_answer(
                access,
                submission,
                indicator_code=code,
                level=form.cleaned_data["level"],
                link=form.cleaned_data["link"],
                documents=list(form.cleaned_data["documents"]),
                reply=form.cleaned_data.get("reply"),
                expected_version=form.cleaned_data["version"],
            )
        except actions.ActionRefused as error:  # stale page, or no longer editable
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Indikator %(code)s disimpan.") % {"code": code})
            return _detail(submission)
    context = {
        "access": access,
        "cycle": submission.cycle,
        "submission": submission,
        "row": row,
        "indicator": indicator,
        "answer": answer,
        "form": form,
        "evidence_hints": hints.for_answers(access, [answer]),
    }
    return render(request, "innovations/answer_form.html", context)


@region_view(Need.MEMBER)
@require_POST
def submission_submit(request, access, year, public_id):
    submission = get_submission(access, year, public_id)
    try:
        actions.submit(access, submission)
    except actions.ActionRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("Laporan dikirim untuk diverifikasi."))
    return _detail(submission)


@region_view(Need.MEMBER)
@require_POST
def submission_withdraw(request, access, year, public_id):
    submission = get_submission(access, year, public_id)
    try:
        actions.withdraw(access, submission)
    except actions.ActionRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("Laporan ditarik."))
    return _detail(submission)


@region_view(Need.MEMBER)
@require_POST
def comment_reply(request, access, year, public_id, pk):
    """The operator answers a verifier's remark on a profile field while the report is returned."""
    submission = get_submission(access, year, public_id)
    try:
        comment = submission.field_comments.get(pk=pk)
    except (FieldComment.DoesNotExist, ValueError):
        raise Http404 from None
    if not actions.may_edit(access, submission):
        raise PermissionDenied
    form = CommentReplyForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reply", []):
            messages.error(request, error)
        return _detail(submission)
    try:
        actions.reply_field_comment(access, comment, reply=form.cleaned_data["reply"])
    except actions.ActionRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("Tanggapan atas catatan verifikator disimpan."))
    return _detail(submission)


@region_view(Need.MANAGE)
@require_POST
def reopen_submission(request, access, year, public_id):
    """The koordinator reopens a decided report; outside the cycle's dates, until a chosen day."""
    submission = get_submission(access, year, public_id)
    form = ReopenForm(request.POST, needs_date=not submission.cycle.accepts_reviews())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _detail(submission)
    try:
        actions.reopen(
            access, submission, reason=form.cleaned_data["note"], until=form.cleaned_data["until"]
        )
    except actions.ActionRefused as error:
        _refused(request, error)
    else:
        messages.success(request, _("Laporan dibuka kembali dan dikembalikan ke OPD."))
    return _detail(submission)
