from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Delivery


class DeliveryForm(forms.Form):
    email = forms.ChoiceField(
        label=_("Kirim pemberitahuan lewat surel"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Pemberitahuan selalu tampil di aplikasi. Ringkasan harian dikirim setiap pagi dan "
            "memuat pemberitahuan yang belum Anda baca."
        ),
        error_messages={"required": _("Pilih cara menerima pemberitahuan lewat surel.")},
    )
