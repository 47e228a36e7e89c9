from django.contrib import messages
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from sinovda.cycles.lookup import get_cycle
from sinovda.cycles.models import Cycle
from sinovda.regions.access import Need, region_view

from . import dashboard as board
from . import dashboard_cache


def _detail_urls(region_code, year, rows):
    """Links to the submission pages named in the plan, one reverse per innovation."""
    return {
        row.innovation_id: reverse("submission_detail", args=[region_code, year, row.public_id])
        for row in rows
        if row.public_id
    }


def _parts(region_code, cycle) -> dict[str, str]:
    """The dashboard's parts that depend only on the cycle's data (cached by the caller)."""
    data = board.build(cycle)
    urls = _detail_urls(region_code, cycle.year, data.plan)
    context = {
        "cycle": cycle,
        "d": data,
        "plan": [(row, urls.get(row.innovation_id)) for row in data.plan],
        "views": [
            ("claimed", data.claimed, data.gap_claimed),
            ("verified", data.verified, data.gap_verified),
        ],
    }
    return {
        "summary": render_to_string("scores/_dashboard_summary.html", context),
        "details": render_to_string("scores/_dashboard_details.html", context),
    }


@region_view(Need.READ)
def dashboard(request, access, year):
    """One cycle at a glance: IID in both views, the gap, the plan, progress per OPD."""
    cycle = get_cycle(access, year)
    parts = dashboard_cache.get_or_render(cycle, lambda: _parts(access.region.code, cycle))
    context = {
        "access": access,
        "cycle": cycle,
        # Rendered by our own templates (autoescaped there); the cache keeps plain strings.
        "summary": mark_safe(parts["summary"]),  # noqa: S308
        "details": mark_safe(parts["details"]),  # noqa: S308
    }
    return render(request, "scores/dashboard.html", context)


@region_view(Need.READ)
def dashboard_latest(request, access):
    """The dashboard of the region's most recent cycle (the link in the region menu)."""
    cycle = (
        Cycle.objects.filter(region=access.region)
        .select_related("edition")
        .order_by("-edition__year")
        .first()
    )
    if cycle is None:
        messages.info(request, _("Belum ada siklus; dasbor tersedia setelah siklus dibuka."))
        return redirect("cycle_list", region_code=access.region.code)
    return redirect("dashboard", region_code=access.region.code, year=cycle.edition.year)
