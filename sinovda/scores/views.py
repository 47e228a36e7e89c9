from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from sinovda.cycles.lookup import get_cycle
from sinovda.cycles.models import Cycle
from sinovda.regions.access import Need, region_view

from . import dashboard as board


def _detail_urls(region_code, year, rows):
    """Links to the submission pages named in the plan, one reverse per innovation."""
    return {
        row.innovation_id: reverse("submission_detail", args=[region_code, year, row.public_id])
        for row in rows
        if row.public_id
    }


@region_view(Need.READ)
def dashboard(request, access, year):
    """One cycle at a glance: IID in both views, the gap, the plan, progress per OPD."""
    cycle = get_cycle(access, year)
    data = board.build(cycle)
    urls = _detail_urls(access.region.code, year, data.plan)
    plan = [(row, urls.get(row.innovation_id)) for row in data.plan]
    context = {
        "access": access,
        "cycle": cycle,
        "d": data,
        "plan": plan,
        "views": [
            ("claimed", data.claimed, data.gap_claimed),
            ("verified", data.verified, data.gap_verified),
        ],
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
