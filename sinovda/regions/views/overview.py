from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from sinovda.cycles.models import Cycle

from ..access import Need, region_view
from ..models import Agency


@region_view(Need.MEMBER)
def region_home(request, access):
    """The region's front page: what this person can do here, and the state of the cycles. Its
    results per year come from the scores app through a template tag (regions imports no scores)."""
    cycles = Cycle.objects.filter(region=access.region).select_related("edition")
    context = {"access": access, "cycles": cycles}
    if access.can_read:
        context["agency_counts"] = Agency.objects.filter(region=access.region).aggregate(
            active=Count("pk", filter=Q(is_active=True)), total=Count("pk")
        )
    return render(request, "regions/region_home.html", context)


@region_view(Need.READ)
def province_ranking(request, access):
    """The old province page: the ranking is public now (catalogue's `ranking_province`); the
    province's roles keep their link, and the year they asked for."""
    if not access.region.is_province:
        raise Http404
    target = reverse("ranking_province", args=[access.region.code])
    year = request.GET.get("tahun", "")
    return redirect(target + (f"?{urlencode({'tahun': year})}" if year.isdigit() else ""))
