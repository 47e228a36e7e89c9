"""Bulk work for OPD operators and the koordinator: import from Excel, and carry-over in bulk.

Operators work on their own OPD only; the koordinator on any OPD or the whole Pemda. The read-only
roles (verifikator, pimpinan, province roles) get 403, as for creating a report by hand.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from sinovda.cycles.lookup import get_cycle
from sinovda.lib.downloads import as_attachment
from sinovda.lib.storage import StorageUnavailable
from sinovda.regions.access import Need, get_agency_for_user, region_view
from sinovda.regions.models import Agency

from .. import actions, rules, windows
from ..imports import apply, reader, stash, template, validate
from ..imports.forms import CarryAllForm, ImportUploadForm
from ..imports.plan import SAME
from ..lookup import visible_submissions
from ..models import Submission
from .carry import previous_cycle_of

ENTRIES_PER_PAGE = 50
PROBLEMS_PER_PAGE = 100


def _require_editor(access) -> None:
    """Only who may create reports by hand imports them: the koordinator and OPD operators."""
    if not (access.can_manage or access.agency is not None):
        raise PermissionDenied


def _agencies(access):
    agencies = Agency.objects.active().filter(region=access.region).order_by("short_name")
    return agencies if access.can_manage else agencies.filter(pk=access.agency.pk)


def _chosen_agency(access, value):
    """The OPD a page is about: the operator's own, or the one the koordinator picked (404 for
    an OPD the person may not see)."""
    if not access.can_manage:
        return access.agency
    if not value or not str(value).isdigit():
        return None
    return get_agency_for_user(access, int(value))


# --- import: template and upload --------------------------------------------------------------


@region_view(Need.MEMBER)
@csrf_exempt  # checked in _import_page, once the size-limiting upload handler is in place
def submission_import(request, access, year):
    # Upload handlers can only be changed before the request body is read, and the CSRF check
    # reads it; hence the check runs inside (Django's documented pattern).
    request.upload_handlers.insert(0, reader.ImportSizeLimit(request))
    return _import_page(request, access, year)


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def _import_page(request, access, year):
    _require_editor(access)
    cycle = get_cycle(access, year)
    wanted = request.GET.get("templat")
    if request.method != "POST" and wanted:
        return _download(access, cycle, wanted)
    refusal = windows.create_refusal(cycle)
    posted = request.method == "POST"
    form = ImportUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        oversize=getattr(request, reader.OVERSIZE_ATTRIBUTE, False),
    )
    details = []
    if posted and refusal:
        messages.error(request, refusal)
    elif posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheet = reader.read(upload)
            plan = validate.validate(sheet, access, cycle, file_name=upload.name[:200])
        except reader.FileRefused as error:
            form.add_error("file", error.message)
            details = error.details
        else:
            try:
                token = stash.save(plan, user=request.user, region=access.region)
            except StorageUnavailable:
                # The checked file is kept in the private storage until it is confirmed.
                form.add_error(
                    "file",
                    _(
                        "Penyimpanan berkas sedang tidak dapat dihubungi; berkas ini belum "
                        "tersimpan. Unggah ulang beberapa saat lagi."
                    ),
                )
            else:
                return redirect("submission_import_preview", access.region.code, year, token)
    context = {
        "access": access,
        "cycle": cycle,
        "form": form,
        "details": details,
        "refusal": refusal,
        "agencies": _agencies(access),
        "max_rows": reader.MAX_ROWS,
    }
    return render(request, "innovations/imports/import.html", context)


def _download(access, cycle, wanted):
    if wanted == "semua":
        if not access.can_manage:
            raise PermissionDenied
        agency = None
    else:
        agency = _chosen_agency(access, wanted) if access.can_manage else access.agency
        if agency is None:
            raise PermissionDenied
    response = HttpResponse(template.build(cycle, agency), content_type=template.CONTENT_TYPE)
    return as_attachment(response, template.filename(cycle, agency))


# --- import: preview and confirmation -------------------------------------------------------


@region_view(Need.MEMBER)
@require_http_methods(["GET", "HEAD", "POST"])
def submission_import_preview(request, access, year, token):
    _require_editor(access)
    cycle = get_cycle(access, year)
    plan = stash.load(token, user=request.user, region=access.region, edition=cycle.edition.spec())
    back = redirect("submission_import", access.region.code, year)
    if plan is None or plan.cycle_id != cycle.pk:
        messages.error(
            request,
            _(
                "Pratinjau impor ini sudah kedaluwarsa atau sudah dipakai. Unggah berkasnya lagi "
                "untuk melihat pratinjau baru."
            ),
        )
        return back
    refusal = windows.create_refusal(cycle)
    if request.method == "POST":
        if "batal" in request.POST:
            stash.discard(token)
            messages.info(request, _("Impor dibatalkan. Tidak ada yang disimpan."))
            return back
        if refusal:
            messages.error(request, refusal)
        elif not plan.has_work:
            messages.error(request, _("Tidak ada perubahan yang dapat disimpan dari berkas ini."))
        else:
            try:
                counts = apply.apply_plan(access, cycle, plan)
            except apply.ImportConflict as error:
                stash.discard(token)
                messages.error(request, error.message)
                return back
            except (actions.ActionRefused, rules.RuleError) as error:
                messages.error(request, error.message)
            else:
                stash.discard(token)
                messages.success(
                    request,
                    _(
                        "Impor selesai: %(created)s inovasi baru, %(changed)s diubah, "
                        "%(unchanged)s tidak berubah."
                    )
                    % counts,
                )
                return redirect("submission_list", access.region.code, year)
    shown = [e for e in plan.entries if e.action != SAME]
    context = {
        "access": access,
        "cycle": cycle,
        "plan": plan,
        "token": token,
        "refusal": refusal,
        "entries": Paginator(shown, ENTRIES_PER_PAGE).get_page(request.GET.get("halaman")),
        "problems": Paginator(plan.problems, PROBLEMS_PER_PAGE).get_page(
            request.GET.get("masalah")
        ),
        "unchanged": [e for e in plan.entries if e.action == SAME],
        "scope": Agency.objects.filter(pk=plan.agency_id).first() if plan.agency_id else None,
    }
    return render(request, "innovations/imports/preview.html", context)


# --- carry-over in bulk -----------------------------------------------------------------------


@region_view(Need.MEMBER)
@require_http_methods(["GET", "HEAD", "POST"])
def carry_over_all(request, access, year):
    """Start this year from last year for one OPD: every sent report not carried yet, at once."""
    _require_editor(access)
    cycle = get_cycle(access, year)
    previous = previous_cycle_of(cycle)
    agency = _chosen_agency(access, request.GET.get("opd"))
    candidates, carried = [], []
    if previous is not None and agency is not None:
        taken = Submission.objects.filter(cycle=cycle).values("innovation_id")
        candidates = list(
            visible_submissions(access, previous)
            .filter(innovation__agency=agency, state__in=actions.CARRIABLE_STATES)
            .exclude(innovation_id__in=taken)
            .order_by("name")
        )
        carried = (
            Submission.objects.filter(
                cycle=cycle, innovation__agency=agency, previous__cycle=previous
            )
            .select_related("innovation")
            .order_by("name")
        )
    refusal = windows.create_refusal(cycle)
    form = CarryAllForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and agency is not None and not refusal and form.is_valid():
        picked = set(form.cleaned_data["chosen"])
        sources = [s for s in candidates if s.innovation.public_id in picked]
        try:
            done = apply.carry_over_all(access, sources, cycle, note=form.cleaned_data["note"])
        except apply.CarryRefused as error:
            form.add_error(
                None,
                _("Tidak ada laporan yang dibawa. %(reason)s") % {"reason": error.message},
            )
        else:
            messages.success(
                request,
                _(
                    "%(n)s laporan tahun lalu dibawa sebagai draf. Periksa perbandingannya "
                    "dengan tahun lalu dan perbarui isinya."
                )
                % {"n": len(done)},
            )
            url = reverse("carry_over_all", args=[access.region.code, year])
            return redirect(f"{url}?{urlencode({'opd': agency.pk})}")
    context = {
        "access": access,
        "cycle": cycle,
        "previous": previous,
        "agency": agency,
        "agencies": _agencies(access),
        "candidates": candidates,
        "carried": carried,
        "form": form,
        "refusal": refusal,
    }
    return render(request, "innovations/imports/carry_all.html", context)
