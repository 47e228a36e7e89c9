"""Fetch a region's cycle for a person already admitted to the region (404 when it does not exist)."""

from django.http import Http404

from .models import Cycle


def get_cycle(access, year) -> Cycle:
    try:
        return Cycle.objects.select_related("edition", "region").get(
            region=access.region, edition__year=year
        )
    except Cycle.DoesNotExist:
        raise Http404 from None
