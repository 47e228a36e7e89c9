from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sinovda.evidence.actions import storage_unavailable
from sinovda.evidence.sniff import CONTENT_TYPES, HEAD_BYTES, Refused, detect_kind
from sinovda.lib.storage import StorageUnavailable
from sinovda.regions.access import Need, region_view

from .identity import EMBLEM_KINDS, RegionIdentityForm, change_identity


@region_view(Need.MANAGE)
def region_identity(request, access):
    """The koordinator sets who signs the reports and certificates, and the region's emblem."""
    region = access.region
    posted = request.method == "POST"
    form = RegionIdentityForm(
        request.POST if posted else None, request.FILES if posted else None, region=region
    )
    if posted and form.is_valid():
        try:
            change_identity(
                region,
                head_name=form.cleaned_data["head_name"],
                head_title=form.cleaned_data["head_title"],
                emblem=form.cleaned_data["emblem"] or None,
                remove_emblem=form.cleaned_data["remove_emblem"],
                acting_user=request.user,
            )
        except StorageUnavailable:  # nothing was saved (one transaction)
            region.refresh_from_db()
            form.add_error("emblem", storage_unavailable().message)
        else:
            messages.success(request, _("Identitas Pemda disimpan."))
            return redirect("region_identity", region_code=region.code)
    return render(request, "reports/region_identity.html", {"access": access, "form": form})


@region_view(Need.READ)
@require_safe
def region_emblem(request, access):
    """The stored emblem, for the identity page's preview (never a public URL)."""
    emblem = access.region.emblem
    if not emblem:
        raise Http404
    try:
        handle = emblem.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    try:
        kind = detect_kind(handle.read(HEAD_BYTES))  # checked on upload; served only as an image
    except Refused:
        kind = None
    if kind not in EMBLEM_KINDS:
        handle.close()
        raise Http404
    handle.seek(0)
    response = FileResponse(handle, content_type=CONTENT_TYPES[kind])
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
