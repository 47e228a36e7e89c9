"""Who signs the region's reports and certificates, and its emblem (lambang daerah).

Kept in the reports app (not regions) because the emblem is an upload: it is sniffed from its bytes by
the evidence app's checks (PNG or JPG only, size-limited), which regions may not import.
"""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sinovda.audit.models import record, snapshot
from sinovda.evidence.actions import inspect_upload
from sinovda.evidence.sniff import Refused

IDENTITY_FIELDS = ("head_name", "head_title", "emblem")
EMBLEM_KINDS = ("png", "jpg")


class RegionIdentityForm(forms.Form):
    head_name = forms.CharField(
        label=_("Nama kepala daerah"),
        max_length=150,
        required=False,
        help_text=_("Tertulis di bawah tanda tangan pada laporan hasil dan piagam."),
    )
    head_title = forms.CharField(
        label=_("Jabatan kepala daerah"),
        max_length=150,
        required=False,
        help_text=_("Seperti tertulis di bawah tanda tangan, misalnya Bupati Ogan Ilir."),
    )
    emblem = forms.FileField(
        label=_("Lambang daerah"),
        required=False,
        help_text=_("Berkas PNG atau JPG, paling besar 5 MB. Kosongkan bila tidak diganti."),
    )
    remove_emblem = forms.BooleanField(label=_("Hapus lambang yang tersimpan"), required=False)

    def __init__(self, *args, region, **kwargs):
        kwargs.setdefault(
            "initial", {"head_name": region.head_name, "head_title": region.head_title}
        )
        super().__init__(*args, **kwargs)
        self.region = region

    def clean_emblem(self):
        upload = self.cleaned_data.get("emblem")
        if upload:
            try:
                inspect_upload(upload, allowed_kinds=EMBLEM_KINDS)
            except Refused as refused:
                raise forms.ValidationError(str(refused)) from None
        return upload


@transaction.atomic
def change_identity(
    region, *, head_name: str, head_title: str, emblem=None, remove_emblem=False, acting_user
):
    before = {**snapshot(region, ("head_name", "head_title")), "emblem": bool(region.emblem)}
    region.head_name, region.head_title = head_name.strip(), head_title.strip()
    old_emblem = region.emblem.name if region.emblem else ""
    if emblem is not None:
        emblem.seek(0)
        region.emblem.save(f"{region.code}-lambang", emblem, save=False)
    elif remove_emblem:
        region.emblem = ""
    region.save(update_fields=["head_name", "head_title", "emblem"])
    if old_emblem and old_emblem != (region.emblem.name if region.emblem else ""):
        storage = region.emblem.storage
        transaction.on_commit(lambda: storage.delete(old_emblem))
    record(
        "region.change_identity",
        actor=acting_user,
        obj=region,
        region=region,
        before=before,
        after={**snapshot(region, ("head_name", "head_title")), "emblem": bool(region.emblem)},
    )
    return region
