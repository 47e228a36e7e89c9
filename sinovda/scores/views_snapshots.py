"""Official results: a cycle's snapshots (koordinator finalises; readers look), and the national
admin's list, CSV import and withdrawal."""

import base64
import secrets
import zlib
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from sinovda.cycles.lookup import get_cycle
from sinovda.lib.downloads import as_attachment
from sinovda.regions.access import Need, national_admin_view, region_view

from . import bridge, results_import, snapshot_actions
from .forms import FinaliseForm, ImportForm, ResultFilterForm, WithdrawForm
from .models import ResultSnapshot, Source
from .snapshots import pick

PAGE_SIZE = 50
FILTER_KEYS = ("tahun", "provinsi", "sumber", "status", "halaman")
STASH_KEY = "scores_results_import"


# --- a cycle's results (region pages) -------------------------------------------------------------


def _cycle_page(request, access, cycle, form=None):
    snaps = list(
        ResultSnapshot.objects.filter(region=cycle.region, year=cycle.edition.year)
        .select_related("edition", "created_by")
        .order_by("-taken_at", "-pk")
    )
    standing = pick(snaps)
    live = bridge.cycle_scores(cycle).verified
    figures = snapshot_actions.Figures.of_result(live)
    digest = snapshot_actions.edition_digest(cycle.edition)
    latest = next(
        (
            s
            for s in snaps
            if s.source == Source.COMPUTED and s.cycle_id == cycle.pk and s.withdrawn_at is None
        ),
        None,
    )
    unchanged = (
        latest is not None
        and latest.edition_digest == digest
        and snapshot_actions.Figures.of_snapshot(latest) == figures
    )
    refusal = snapshot_actions.finalise_refusal(cycle)
    if refusal is None and unchanged:
        refusal = _("Hasil sudah ditetapkan dan tidak berubah.")
    context = {
        "access": access,
        "cycle": cycle,
        "snapshots": snaps,
        "standing": standing,
        "live": figures,
        "live_digest": digest,
        "latest": latest,
        "unchanged": unchanged,
        "refusal": refusal,
        "form": form or FinaliseForm(),
    }
    return render(request, "scores/snapshots/cycle_results.html", context)


@region_view(Need.READ)
@require_safe
def cycle_results(request, access, year):
    """The cycle's stored results beside the live verified computation; the koordinator fixes it."""
    return _cycle_page(request, access, get_cycle(access, year))


@region_view(Need.MANAGE)
@require_POST
def cycle_finalise(request, access, year):
    cycle = get_cycle(access, year)
    form = FinaliseForm(request.POST)
    if form.is_valid():
        try:
            snap = snapshot_actions.finalise_cycle(cycle, request.user, form.cleaned_data["note"])
        except snapshot_actions.SnapshotRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Hasil siklus %(year)s ditetapkan: IID %(iid)s (%(predicate)s).")
                % {"year": cycle.edition.year, "iid": snap.iid, "predicate": snap.predicate},
            )
            return redirect("cycle_results", access.region.code, cycle.edition.year)
    return _cycle_page(request, access, cycle, form=form)


# --- national results (national admin) ------------------------------------------------------------


def _filter_query(query: QueryDict, *, page=True) -> str:
    keys = FILTER_KEYS if page else FILTER_KEYS[:-1]
    return urlencode([(k, query[k]) for k in keys if query.get(k)])


def _national_page(request, query: QueryDict, withdraw=None):
    """The list for the filters in `query`; `withdraw` = (pk, bound form) to show its errors."""
    filters = ResultFilterForm(query)
    snaps = filters.filter(
        ResultSnapshot.objects.select_related(
            "region", "region__province", "edition", "created_by"
        ).order_by("-year", "region__code", "-taken_at", "-pk")
    )
    page = Paginator(snaps, PAGE_SIZE).get_page(query.get("halaman"))
    rows = list(page.object_list)
    standing = _standing_of(rows)
    back = _filter_query(query)
    for snap in rows:
        snap.is_standing = standing.get((snap.region_id, snap.year)) == snap.pk
        if withdraw is not None and withdraw[0] == snap.pk:
            snap.withdraw_form = withdraw[1]
        else:
            snap.withdraw_form = WithdrawForm(prefix=f"tarik{snap.pk}")
    context = {
        "filters": filters,
        "page": page,
        "rows": rows,
        "back": back,
        "filter_query": _filter_query(query, page=False),
    }
    return render(request, "scores/snapshots/national_results.html", context)


def _standing_of(rows) -> dict[tuple[int, int], int]:
    """(region id, year) -> pk of the standing snapshot, for the rows on the page (one query)."""
    if not rows:
        return {}
    keys = {(s.region_id, s.year) for s in rows}
    grouped: dict[tuple[int, int], list[ResultSnapshot]] = {}
    for snap in ResultSnapshot.objects.standing().filter(
        region_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}
    ):
        grouped.setdefault((snap.region_id, snap.year), []).append(snap)
    return {key: pick(group).pk for key, group in grouped.items() if key in keys}


@national_admin_view
@require_safe
def national_results(request):
    return _national_page(request, request.GET)


@national_admin_view
@require_POST
def snapshot_withdraw(request, pk):
    snap = get_object_or_404(ResultSnapshot, pk=pk)
    back = QueryDict(request.POST.get("kembali", ""))
    form = WithdrawForm(request.POST, prefix=f"tarik{snap.pk}")
    if form.is_valid():
        try:
            snapshot_actions.withdraw_snapshot(snap, request.user, form.cleaned_data["reason"])
        except snapshot_actions.SnapshotRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("Hasil %(region)s tahun %(year)s (IID %(iid)s) ditarik.")
                % {"region": snap.region.name, "year": snap.year, "iid": snap.iid},
            )
            query = _filter_query(back)
            return redirect(reverse("national_results") + (f"?{query}" if query else ""))
    return _national_page(request, back, withdraw=(snap.pk, form))


@national_admin_view
@require_safe
def national_results_example(request):
    """A small CSV to start from: the header and two rows."""
    header = ",".join(results_import.COLUMNS)
    rows = [
        "16.10,2023,61.16,Sangat Inovatif,Pengumuman hasil IGA 2023 (contoh),"
        "BSKDN Kementerian Dalam Negeri,2023-12-19,,90",
        "16.07,2023,51.71,Inovatif,Pengumuman hasil IGA 2023 (contoh),,,,",
    ]
    response = HttpResponse(
        "\n".join([header, *rows]) + "\n", content_type="text/csv; charset=utf-8"
    )
    return as_attachment(response, "contoh-hasil-iid.csv")


def _stash(request, form) -> str:
    """Keep the uploaded file on the server (in the session) until it is confirmed: the confirm
    form carries only a random token, so nothing in the preview page can be edited into the
    import. The file is read and checked again on confirm."""
    token = secrets.token_urlsafe(16)
    request.session[STASH_KEY] = {
        "token": token,
        "name": form.cleaned_data["file"].name[:200],
        "data": base64.b64encode(zlib.compress(form.content)).decode("ascii"),
        "defaults": {
            "publisher": form.cleaned_data["publisher"],
            "date": form.cleaned_data["date"].isoformat() if form.cleaned_data["date"] else "",
            "url": form.cleaned_data["url"],
        },
    }
    return token


def _unstash(request, token):
    stash = request.session.get(STASH_KEY)
    if not stash or not token or not secrets.compare_digest(stash.get("token", ""), token):
        return None
    try:
        content = zlib.decompress(base64.b64decode(stash["data"]))
    except (zlib.error, ValueError, KeyError):
        return None
    return stash, content


def _import_page(request, form, plan=None, token="", file_error="", status=200):
    context = {
        "form": form,
        "plan": plan,
        "token": token,
        "file_error": file_error,
        "max_mb": results_import.MAX_BYTES // (1024 * 1024),
        "max_rows": results_import.MAX_ROWS,
        "columns": results_import.COLUMNS,
        "required": results_import.REQUIRED,
    }
    return render(request, "scores/snapshots/national_import.html", context, status=status)


@national_admin_view
@require_http_methods(["GET", "HEAD", "POST"])
def national_results_import(request):
    """Upload → preview (what would be created or skipped, every error) → confirm."""
    if request.method != "POST":
        return _import_page(request, ImportForm())
    if "token" in request.POST:
        return _confirm_import(request)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, form)
    plan = results_import.plan_import(form.rows, form.source_defaults())
    token = _stash(request, form) if plan.ok and plan.create else ""
    return _import_page(request, ImportForm(), plan=plan, token=token)


def _confirm_import(request):
    found = _unstash(request, request.POST.get("token", ""))
    if found is None:
        messages.error(
            request, _("Pratinjau impor sudah tidak berlaku. Unggah berkasnya sekali lagi.")
        )
        return redirect("national_results_import")
    stash, content = found
    try:
        rows = results_import.read_csv(content)
        plan = snapshot_actions.import_results(
            rows, request.user, stash["defaults"], label=stash["name"]
        )
    except results_import.FileRejected as rejected:
        return _import_page(request, ImportForm(), file_error=rejected.message)
    except snapshot_actions.ImportRejected as rejected:
        # Something changed since the preview (a region, an edition): show what is wrong now.
        return _import_page(request, ImportForm(), plan=rejected.plan)
    del request.session[STASH_KEY]
    messages.success(
        request,
        _(
            "Impor selesai: %(new)s hasil baru, %(corrected)s koreksi, %(skipped)s baris "
            "dilewati karena sudah tercatat sama."
        )
        % {"new": len(plan.new), "corrected": len(plan.corrections), "skipped": len(plan.skip)},
    )
    return redirect("national_results")
