"""Carry last year's report of an innovation into the new cycle, and compare the two."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from sinovda.cycles.lookup import get_cycle
from sinovda.regions.access import Need, region_view

from .. import actions, profile, rules
from ..forms import CarryOverForm
from ..lookup import get_submission, visible_submissions
from ..models import REPORTED_STATES, Submission
from .submissions import _detail


def previous_cycle_of(cycle):
    return (
        cycle.region.cycles.filter(edition__year__lt=cycle.edition.year)
        .select_related("edition")
        .order_by("-edition__year")
        .first()
    )


@region_view(Need.MEMBER)
def carry_over_list(request, access, year):
    cycle = get_cycle(access, year)
    previous = previous_cycle_of(cycle)
    candidates = []
    if previous is not None:
        taken = Submission.objects.filter(cycle=cycle).values("innovation_id")
        candidates = (
            visible_submissions(access, previous)
            .filter(state__in=REPORTED_STATES)
            .exclude(innovation_id__in=taken)
            .order_by("innovation__agency__name", "name")
        )
    context = {"access": access, "cycle": cycle, "previous": previous, "candidates": candidates}
    return render(request, "innovations/carry_over_list.html", context)


@region_view(Need.MEMBER)
def carry_over(request, access, year, public_id):
    cycle = get_cycle(access, year)
    previous_cycle = previous_cycle_of(cycle)
    if previous_cycle is None:
        raise Http404
    source = get_submission(access, previous_cycle.edition.year, public_id)
    form = CarryOverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            submission = actions.carry_over(access, source, cycle, note=form.cleaned_data["note"])
        except (actions.ActionRefused, rules.RuleError) as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Laporan tahun lalu disalin sebagai draf. Periksa dan perbarui isinya.")
            )
            return _detail(submission)
    context = {"access": access, "cycle": cycle, "source": source, "form": form}
    return render(request, "innovations/carry_over_form.html", context)


def profile_diff(previous: Submission, submission: Submission) -> list[dict]:
    """Both years' profiles field by field, each under its own edition's fields.

    Rows follow this year's fields, then the fields only last year's edition had. A field that
    one edition does not have shows "—" on that side and says so (`missing_in`), so a 2023 report
    carried into 2024 shows its one-text rancang bangun next to the six new parts."""
    old_edition, new_edition = previous.cycle.edition.spec(), submission.cycle.edition.spec()
    codes = [f.code for f in new_edition.profile_fields]
    codes += [f.code for f in old_edition.profile_fields if f.code not in codes]
    rows = []
    for code in codes:
        old_field, new_field = old_edition.profile_field(code), new_edition.profile_field(code)
        before = profile.field_text(previous, old_field)[0] if old_field else ""
        after = profile.field_text(submission, new_field)[0] if new_field else ""
        shown = new_field or old_field
        rows.append(
            {
                "code": code,
                "label": shown.title,
                "old_label": old_field.title
                if old_field and new_field and old_field.title != new_field.title
                else "",
                "before": before,
                "after": after,
                "missing_in": old_edition.year
                if old_field is None
                else (new_edition.year if new_field is None else None),
                "changed": before != after,
            }
        )
    return rows


@region_view(Need.MEMBER)
def submission_diff(request, access, year, public_id):
    submission = get_submission(access, year, public_id)
    previous = submission.previous
    if previous is None:
        raise Http404
    edition = submission.cycle.edition.spec()
    fields = profile_diff(previous, submission)
    old = dict(previous.answers.values_list("indicator_code", "claimed_level"))
    new = dict(submission.answers.values_list("indicator_code", "claimed_level"))
    answers = [
        {
            "code": row.code,
            "name": row.name,
            "before": old.get(row.code),
            "after": new.get(row.code),
            "changed": old.get(row.code) != new.get(row.code),
        }
        for row in edition.sid_rows
    ]
    context = {
        "access": access,
        "cycle": submission.cycle,
        "submission": submission,
        "previous": previous,
        "fields": fields,
        "answers": answers,
    }
    return render(request, "innovations/submission_diff.html", context)
