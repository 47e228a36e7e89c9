"""The special clusters' lists (daerah tertinggal, perbatasan, Papua), kept by a national admin:
each list with its source and the edition years it is valid for, and its members imported from CSV."""

import datetime

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import cluster_actions
from ..access import national_admin_view
from ..forms import ClusterListForm, MemberImportForm
from ..models import Cluster, ClusterList


@national_admin_view
@require_safe
def cluster_lists(request):
    """Every list, per cluster: source, period, member count, confidence, and which is in force."""
    year = datetime.date.today().year
    lists = list(
        ClusterList.objects.annotate(members=Count("regions")).order_by(
            "cluster", "-valid_from", "-updated_at"
        )
    )
    groups = []
    for value, label in Cluster.choices:
        own = [lst for lst in lists if lst.cluster == value]
        groups.append(
            {
                "cluster": value,
                "label": label,
                "lists": own,
                "in_force": ClusterList.in_force(own, year),
            }
        )
    return render(request, "regions/clusters/list.html", {"groups": groups, "year": year})


@national_admin_view
@require_http_methods(["GET", "POST"])
def cluster_list_create(request):
    initial = {}
    if request.GET.get("klaster") in Cluster.values:
        initial["cluster"] = request.GET["klaster"]
    form = ClusterListForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        cluster_list = cluster_actions.create_cluster_list(
            acting_user=request.user, **form.values()
        )
        messages.success(
            request, _("Daftar klaster dibuat. Sekarang impor anggotanya dari berkas CSV.")
        )
        return redirect("cluster_list_import", pk=cluster_list.pk)
    return render(request, "regions/clusters/form.html", {"form": form, "cluster_list": None})


@national_admin_view
@require_http_methods(["GET", "POST"])
def cluster_list_update(request, pk):
    cluster_list = get_object_or_404(ClusterList, pk=pk)
    form = ClusterListForm(request.POST or None, instance=cluster_list)
    if request.method == "POST" and form.is_valid():
        cluster_actions.update_cluster_list(cluster_list, acting_user=request.user, **form.values())
        messages.success(request, _("Sumber dan masa berlaku daftar disimpan."))
        return redirect("cluster_list_detail", pk=cluster_list.pk)
    return render(
        request, "regions/clusters/form.html", {"form": form, "cluster_list": cluster_list}
    )


@national_admin_view
@require_safe
def cluster_list_detail(request, pk):
    cluster_list = get_object_or_404(ClusterList.objects.select_related("updated_by"), pk=pk)
    members = list(cluster_list.regions.select_related("province").order_by("code"))
    return render(
        request,
        "regions/clusters/detail.html",
        {"cluster_list": cluster_list, "members": members},
    )


@national_admin_view
@require_http_methods(["GET", "POST"])
def cluster_list_import(request, pk):
    """Replace the members with the codes of a CSV file; any bad row and nothing changes."""
    cluster_list = get_object_or_404(ClusterList, pk=pk)
    form = MemberImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        before = cluster_list.regions.count()
        cluster_actions.import_members(cluster_list, form.regions, acting_user=request.user)
        messages.success(
            request,
            _("Anggota daftar diganti: sekarang %(after)s Pemda (sebelumnya %(before)s).")
            % {"after": len(form.regions), "before": before},
        )
        return redirect("cluster_list_detail", pk=cluster_list.pk)
    current = cluster_list.regions.count()
    return render(
        request,
        "regions/clusters/import.html",
        {"form": form, "cluster_list": cluster_list, "current": current},
    )
