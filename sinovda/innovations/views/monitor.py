"""The koordinator's stuck-work monitor: the table, its CSV, and the one-click reminder."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sinovda.cycles.lookup import get_cycle
from sinovda.lib.downloads import as_attachment
from sinovda.regions.access import Need, get_agency_for_user, region_view

from .. import monitor, reminders
from ..actions import ActionRefused

COLUMNS = [
    ("opd", gettext_lazy("OPD")),
    ("tahap", gettext_lazy("Tahap")),
    ("jumlah", gettext_lazy("Jumlah laporan")),
    ("hari", gettext_lazy("Lama menunggu")),
    ("pada", gettext_lazy("Menunggu siapa")),
]


def _headers(key: str, descending: bool) -> list[dict]:
    """Each sortable column with the link that sorts by it (a second click reverses)."""
    headers = []
    for column, label in COLUMNS:
        current = column == key
        headers.append(
            {
                "label": label,
                "sort": f"-{column}" if current and not descending else column,
                "current": current,
                "aria": ("descending" if descending else "ascending") if current else "",
            }
        )
    return headers


def _sort_options() -> list[tuple[str, str]]:
    """The same orders as a select, for phones (where the table's header is hidden)."""
    options = []
    for column, label in COLUMNS:
        options.append((f"-{column}", _("%(column)s, terbesar dulu") % {"column": label}))
        options.append((column, _("%(column)s, terkecil dulu") % {"column": label}))
    return options


@region_view(Need.READ)
def monitor_page(request, access, year):
    cycle = get_cycle(access, year)
    key, descending = monitor.parse_sort(request.GET.get("urut"))
    rows = monitor.sort_rows(monitor.stuck_work(access, cycle), key, descending)
    if request.GET.get("format") == "csv":
        response = HttpResponse(monitor.as_csv(rows), content_type="text/csv; charset=utf-8")
        return as_attachment(response, f"pantau-{access.region.code}-{cycle.year}.csv")
    return render(
        request,
        "innovations/monitor.html",
        {
            "access": access,
            "cycle": cycle,
            "rows": rows,
            "headers": _headers(key, descending),
            "sort_options": _sort_options(),
            "sort": f"{'-' if descending else ''}{key}",
        },
    )


@region_view(Need.MANAGE)
@require_POST
def monitor_remind(request, access, year):
    cycle = get_cycle(access, year)
    agency = get_agency_for_user(access, request.POST.get("opd"))
    try:
        reminders.send_agency_reminder(access, cycle, agency)
    except ActionRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Pengingat dikirim kepada operator %(agency)s.") % {"agency": agency.short_name},
        )
    url = reverse("monitor", args=[access.region.code, cycle.year])
    sort = request.POST.get("urut", "")
    key, descending = monitor.parse_sort(sort)
    return redirect(f"{url}?urut={'-' if descending else ''}{key}")
