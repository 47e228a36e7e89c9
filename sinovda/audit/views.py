from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render

from sinovda.regions.access import Need, region_view

from .models import AuditEvent


@region_view(Need.MANAGE)
def audit_list(request, access):
    events = AuditEvent.objects.for_region(access.region).select_related("actor")
    action = request.GET.get("tindakan", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    actions = (
        AuditEvent.objects.for_region(access.region)
        .order_by("action")
        .values_list("action", flat=True)
        .distinct()
    )
    page = Paginator(events, 50).get_page(request.GET.get("halaman"))
    context = {
        "access": access,
        "page": page,
        "action": action,
        "actions": actions,
        "filter_query": urlencode({"tindakan": action}),
    }
    return render(request, "audit/audit_list.html", context)
