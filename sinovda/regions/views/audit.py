"""Audit pages: a region's trail (koordinator) and the platform's (national admin). They live here,
not in the audit app, because they need tenancy; the audit app imports no domain app."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import CharField
from django.db.models.functions import Cast
from django.shortcuts import render

from sinovda.audit.models import AuditEvent

from ..access import Need, national_admin_view, region_view
from ..models import Membership

PAGE_SIZE = 50


def _actions(events):
    return events.order_by("action").values_list("action", flat=True).distinct()


def _filter_by_action(request, events):
    action = request.GET.get("tindakan", "").strip()
    return (events.filter(action__startswith=action) if action else events), action


@region_view(Need.MANAGE)
def audit_list(request, access):
    """The region's trail, with the sign-in events of the people who have or had a role in it."""
    people = (
        Membership.objects.filter(region=access.region)
        .annotate(user_key=Cast("user_id", output_field=CharField()))
        .values("user_key")
    )
    visible = AuditEvent.objects.for_region_and_accounts(access.region, people)
    events, action = _filter_by_action(request, visible.select_related("actor"))
    context = {
        "access": access,
        "page": Paginator(events, PAGE_SIZE).get_page(request.GET.get("halaman")),
        "action": action,
        "actions": _actions(visible),
        "filter_query": urlencode({"tindakan": action}),
    }
    return render(request, "audit/audit_list.html", context)


@national_admin_view
def platform_audit_list(request):
    """Platform-level events (no region: sign-ins, lockouts, account changes); or every row."""
    scope = "semua" if request.GET.get("cakupan") == "semua" else "platform"
    visible = AuditEvent.objects.all() if scope == "semua" else AuditEvent.objects.platform()
    events, action = _filter_by_action(request, visible.select_related("actor", "region"))
    context = {
        "page": Paginator(events, PAGE_SIZE).get_page(request.GET.get("halaman")),
        "action": action,
        "actions": _actions(visible),
        "scope": scope,
        "filter_query": urlencode({"cakupan": scope, "tindakan": action}),
    }
    return render(request, "audit/platform_audit_list.html", context)
