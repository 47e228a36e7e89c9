from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render

from sinovda.cycles.models import Cycle

from ..access import Need, region_view
from ..models import Agency, Region


@region_view(Need.MEMBER)
def region_home(request, access):
    """The region's front page: what this person can do here, and the state of the cycles."""
    cycles = Cycle.objects.filter(region=access.region).select_related("edition")
    context = {"access": access, "cycles": cycles}
    if access.can_read:
        context["agency_counts"] = Agency.objects.filter(region=access.region).aggregate(
            active=Count("pk", filter=Q(is_active=True)), total=Count("pk")
        )
        context["published"] = PublishedIndex.objects.filter(region=access.region).order_by("year")
    return render(request, "regions/region_home.html", context)


@region_view(Need.READ)
def province_ranking(request, access):
    """All kab/kota of a province by published IID, for the province's roles (read-only)."""
    province = access.region
    if not province.is_province:
        raise Http404
    years = list(
        PublishedIndex.objects.filter(region__province=province)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )
    try:
        year = int(request.GET.get("tahun") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    ranking = (
        PublishedIndex.objects.filter(region__province=province, year=year)
        .select_related("region")
        .order_by("-iid", "region__name")
    )
    regencies = Region.objects.filter(province=province).count()
    context = {
        "access": access,
        "province": province,
        "years": years,
        "year": year,
        "ranking": ranking,
        "regencies": regencies,
    }
    return render(request, "regions/province_ranking.html", context)
