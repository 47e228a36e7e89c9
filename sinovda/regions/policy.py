"""A region's policy settings: separation of duties for one-person teams, sharing with the province.

Both loosen a safe default, so each change is its own audited action with a reason.
"""

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sinovda.audit.models import record, snapshot

from .models import Region

POLICY_FIELDS = ("allow_self_review", "share_with_province")


class RegionPolicyForm(forms.Form):
    allow_self_review = forms.BooleanField(
        label=Region._meta.get_field("allow_self_review").verbose_name,
        help_text=Region._meta.get_field("allow_self_review").help_text,
        required=False,
    )
    share_with_province = forms.BooleanField(
        label=Region._meta.get_field("share_with_province").verbose_name,
        help_text=Region._meta.get_field("share_with_province").help_text,
        required=False,
    )
    reason = forms.CharField(
        label=_("Alasan perubahan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
        help_text=_("Disimpan di jejak audit, misalnya nomor surat keputusan tim inovasi."),
    )

    def __init__(self, *args, region, **kwargs):
        kwargs.setdefault("initial", {name: getattr(region, name) for name in POLICY_FIELDS})
        super().__init__(*args, **kwargs)
        self.region = region

    def changes(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in POLICY_FIELDS
            if self.cleaned_data[name] != getattr(self.region, name)
        }

    def clean(self):
        cleaned = super().clean()
        if self.changes() and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Tulis alasan perubahan pengaturan ini."))
        return cleaned


@transaction.atomic
def change_policy(region: Region, *, reason: str, acting_user, **changes) -> Region:
    before = snapshot(region, POLICY_FIELDS)
    for name, value in changes.items():
        setattr(region, name, value)
    region.save(update_fields=list(changes))
    record(
        "region.change_policy",
        actor=acting_user,
        obj=region,
        region=region,
        before=before,
        after={**snapshot(region, POLICY_FIELDS), "reason": reason.strip()},
    )
    return region
