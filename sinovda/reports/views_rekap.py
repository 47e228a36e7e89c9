"""The rekap's innovation list as CSV, made on request (small enough not to need a background job)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views.decorators.http import require_safe

from sinovda.audit.models import record
from sinovda.cycles.lookup import get_cycle
from sinovda.lib.downloads import as_attachment
from sinovda.regions.access import Need, region_view

from .access import may_make
from .models import OutputKind
from .rekap import write_rekap_csv


@region_view(Need.READ)
@require_safe
def rekap_csv(request, access, year):
    """The same people as the rekap workbook: the region's readers; a province only if shared."""
    cycle = get_cycle(access, year)
    if not may_make(access, OutputKind.REKAP):
        raise PermissionDenied
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    write_rekap_csv(cycle, response)
    # Every report of the region, drafts included, leaves the application: keep a trace.
    record(
        "output.csv",
        actor=access.user,
        obj=cycle,
        region=access.region,
        after={"kind": OutputKind.REKAP.value},
    )
    filename = f"rekap-inovasi-{cycle.region.code}-{cycle.edition.year}.csv"
    return as_attachment(response, filename)
