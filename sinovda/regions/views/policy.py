from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ..access import Need, region_view
from ..policy import RegionPolicyForm, change_policy


@region_view(Need.MANAGE)
def region_policy(request, access):
    form = RegionPolicyForm(request.POST or None, region=access.region)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if changes:
            change_policy(
                access.region,
                reason=form.cleaned_data["reason"],
                acting_user=request.user,
                **changes,
            )
            messages.success(request, _("Pengaturan Pemda disimpan."))
        else:
            messages.info(request, _("Tidak ada pengaturan yang berubah."))
        return redirect("region_policy", region_code=access.region.code)
    return render(request, "regions/region_policy.html", {"access": access, "form": form})
