from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from sinovda.audit.models import AuditEvent
from sinovda.regions.access import Need, region_view

from . import actions
from .forms import CycleChangeForm, CycleOpenForm
from .lookup import get_cycle
from .models import Cycle


@region_view(Need.MEMBER)
def cycle_list(request, access):
    cycles = Cycle.objects.for_region(access.region).select_related("edition")
    return render(request, "cycles/cycle_list.html", {"access": access, "cycles": cycles})


@region_view(Need.MANAGE)
def cycle_open(request, access):
    form = CycleOpenForm(request.POST or None, region=access.region)
    if request.method == "POST" and form.is_valid():
        cycle = actions.open_cycle(access.region, acting_user=request.user, **form.cleaned_data)
        messages.success(request, _("Siklus %(year)s dibuka.") % {"year": cycle.year})
        return redirect("cycle_detail", region_code=access.region.code, year=cycle.year)
    return render(request, "cycles/cycle_open.html", {"access": access, "form": form})


@region_view(Need.MEMBER)
def cycle_detail(request, access, year):
    cycle = get_cycle(access, year)
    history = (
        AuditEvent.objects.for_object(cycle).select_related("actor") if access.can_read else []
    )
    context = {"access": access, "cycle": cycle, "history": history}
    return render(request, "cycles/cycle_detail.html", context)


@region_view(Need.MANAGE)
def cycle_change(request, access, year):
    cycle = get_cycle(access, year)
    form = CycleChangeForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        actions.change_cycle_dates(
            cycle,
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
            **form.changed_dates(),
        )
        messages.success(request, _("Jadwal siklus %(year)s diubah.") % {"year": cycle.year})
        return redirect("cycle_detail", region_code=access.region.code, year=cycle.year)
    return render(
        request, "cycles/cycle_change.html", {"access": access, "cycle": cycle, "form": form}
    )
