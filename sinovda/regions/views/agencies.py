from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import actions
from ..access import Need, get_agency_for_user, region_view
from ..forms import AgencyForm
from ..models import Agency


@region_view(Need.READ)
def agency_list(request, access):
    agencies = Agency.objects.filter(region=access.region).annotate(
        people=Count("memberships", filter=Q(memberships__is_active=True))
    )
    return render(request, "regions/agency_list.html", {"access": access, "agencies": agencies})


@region_view(Need.MANAGE)
def agency_create(request, access):
    form = AgencyForm(request.POST or None, region=access.region)
    if request.method == "POST" and form.is_valid():
        agency = actions.create_agency(access.region, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("OPD %(name)s ditambahkan.") % {"name": agency.name})
        return redirect("agency_list", region_code=access.region.code)
    return render(request, "regions/agency_form.html", {"access": access, "form": form})


@region_view(Need.MANAGE)
def agency_update(request, access, pk):
    agency = get_agency_for_user(access, pk)
    form = AgencyForm(request.POST or None, region=access.region, instance=agency)
    if request.method == "POST" and form.is_valid():
        actions.update_agency(agency, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Perubahan OPD %(name)s disimpan.") % {"name": agency.name})
        return redirect("agency_list", region_code=access.region.code)
    context = {"access": access, "form": form, "agency": agency}
    return render(request, "regions/agency_form.html", context)


@region_view(Need.MANAGE)
@require_POST
def agency_toggle_active(request, access, pk):
    agency = get_agency_for_user(access, pk)
    actions.update_agency(agency, acting_user=request.user, is_active=not agency.is_active)
    if agency.is_active:
        messages.success(request, _("OPD %(name)s diaktifkan kembali.") % {"name": agency.name})
    else:
        messages.success(request, _("OPD %(name)s dinonaktifkan.") % {"name": agency.name})
    return redirect("agency_list", region_code=access.region.code)
