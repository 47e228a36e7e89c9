"""SPD (region indicators): the koordinator claims each row with evidence; someone else reviews it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sinovda.cycles.lookup import get_cycle
from sinovda.evidence.models import Document
from sinovda.regions.access import Need, region_view

from .. import actions, duties, rules, windows
from ..forms import ReviewAnswerForm, SpdAnswerForm
from ..models import RegionAnswer, ReviewState


def _row(edition, code):
    row = next((r for r in edition.spd_rows if r.code == code), None)
    if row is None:
        raise Http404
    return row


@region_view(Need.READ)
def spd_list(request, access, year):
    cycle = get_cycle(access, year)
    edition = cycle.edition.spec()
    answers = {
        a.row_code: a
        for a in RegionAnswer.objects.filter(cycle=cycle)
        .select_related("answered_by", "reviewed_by")
        .prefetch_related("documents")
    }
    refusal = windows.spd_refusal(cycle)
    rows = []
    for row in edition.spd_rows:
        answer = answers.get(row.code)
        rows.append(
            {
                "row": row,
                "answer": answer,
                "claimed_score": row.score_of(answer.claimed_level if answer else None),
                "verified_score": row.score_of(answer.verified_level)
                if answer and answer.review_state != ReviewState.PENDING
                else None,
                "can_review": bool(
                    answer
                    and access.is_reviewer
                    and answer.claimed_level
                    and not refusal
                    and not duties.spd_refusal(access, answer)
                ),
            }
        )
    context = {
        "access": access,
        "cycle": cycle,
        "rows": rows,
        "review_form": ReviewAnswerForm(),
        "refusal": refusal,
    }
    return render(request, "innovations/spd_list.html", context)


@region_view(Need.MANAGE)
def spd_edit(request, access, year, code):
    cycle = get_cycle(access, year)
    row = _row(cycle.edition.spec(), code)
    answer = RegionAnswer.objects.filter(cycle=cycle, row_code=code).first()
    documents = Document.objects.filter(region=access.region).order_by("-uploaded_at")
    initial = {
        "version": answer.version if answer else 0,  # 0: nobody has answered this row yet
        "level": answer.claimed_level if answer else None,
        "documents": list(answer.documents.values_list("pk", flat=True)) if answer else [],
        "link": answer.link if answer else "",
    }
    form = SpdAnswerForm(request.POST or None, initial=initial, row=row, documents=documents)
    refusal = windows.spd_refusal(cycle)
    if refusal:
        messages.error(request, refusal)
        return redirect("spd_list", access.region.code, year)
    if request.method == "POST" and form.is_valid():
        try:
            actions.save_spd_answer(
                access,
                cycle,
                row_code=code,
                level=form.cleaned_data["level"],
                documents=list(form.cleaned_data["documents"]),
                link=form.cleaned_data["link"],
                expected_version=form.cleaned_data["version"],
            )
        except (actions.ActionRefused, rules.RuleError) as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Jawaban SPD %(code)s disimpan.") % {"code": code})
            return redirect("spd_list", access.region.code, year)
    context = {"access": access, "cycle": cycle, "row": row, "answer": answer, "form": form}
    return render(request, "innovations/spd_form.html", context)


@region_view(Need.READ)
@require_POST
def spd_review(request, access, year, code):
    cycle = get_cycle(access, year)
    answer = RegionAnswer.objects.filter(cycle=cycle, row_code=code).first()
    if answer is None or not access.is_reviewer:
        raise PermissionDenied
    form = ReviewAnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.review_spd_answer(access, answer, **form.cleaned_data)
        except actions.ActionRefused as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Keputusan untuk SPD %(code)s disimpan.") % {"code": code})
    else:
        messages.error(request, _("Pilih keputusan: terima, turunkan, atau tolak."))
    return redirect("spd_list", access.region.code, year)
