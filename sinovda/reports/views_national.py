"""The national-entries page: which verified reports the koordinator has entered into the national
IID application, which changed since, and a form per report to mark it (or undo the mark)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sinovda.cycles.lookup import get_cycle
from sinovda.innovations.actions import ActionRefused
from sinovda.innovations.lookup import get_submission
from sinovda.regions.access import Need, region_view

from . import national


class NationalEntryForm(forms.Form):
    registration_number = forms.CharField(
        label=gettext_lazy("Nomor registrasi"),
        max_length=national.REGISTRATION_MAX,
        required=False,
        help_text=gettext_lazy("Nomor dari aplikasi nasional, bila sudah ada. Boleh dikosongkan."),
        error_messages={
            "max_length": gettext_lazy(
                "Nomor registrasi paling panjang %(limit_value)d karakter (sekarang "
                "%(show_value)d). Salin nomor dari aplikasi nasional tanpa tambahan."
            )
        },
    )

    def clean_registration_number(self):
        return " ".join(self.cleaned_data["registration_number"].split())


def _form(row, bound=None):
    public_id = row.submission.innovation.public_id
    if bound is not None and bound.prefix == public_id:
        return bound
    entry = row.entry
    initial = {"registration_number": entry.registration_number} if entry else {}
    return NationalEntryForm(prefix=public_id, initial=initial)


def _page(request, access, cycle, bound=None):
    rows = national.entry_rows(cycle)
    context = {
        "access": access,
        "cycle": cycle,
        "rows": [(row, _form(row, bound)) for row in rows],
        "progress": national.progress_of(rows),
        "form": bound,  # the one with errors, for the summary at the top
    }
    return render(request, "reports/national_entries.html", context)


@region_view(Need.MANAGE)
def national_entries(request, access, year):
    cycle = get_cycle(access, year)
    return _page(request, access, cycle)


@region_view(Need.MANAGE)
@require_POST
def national_entry_mark(request, access, year, public_id):
    submission = get_submission(access, year, public_id)
    form = NationalEntryForm(request.POST, prefix=public_id)
    if form.is_valid():
        try:
            national.mark_entered(access, submission, form.cleaned_data["registration_number"])
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("“%(name)s” ditandai sudah dimasukkan ke aplikasi nasional.")
                % {"name": submission.name},
            )
            return redirect("national_entries", access.region.code, year)
    return _page(request, access, submission.cycle, bound=form)


@region_view(Need.MANAGE)
@require_POST
def national_entry_unmark(request, access, year, public_id):
    submission = get_submission(access, year, public_id)
    try:
        national.unmark_entered(access, submission)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Tanda sudah dimasukkan untuk “%(name)s” dibatalkan.") % {"name": submission.name},
        )
    return redirect("national_entries", access.region.code, year)
