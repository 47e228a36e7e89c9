from django import forms
from django.utils.translation import gettext_lazy as _

from sinovda.editions.models import Edition

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date_field(label, required_message):
    return forms.DateField(
        label=label,
        widget=DATE_WIDGET,
        error_messages={
            "required": required_message,
            "invalid": _("Tulis tanggal yang benar, misalnya 2023-08-31."),
        },
    )


class CycleDatesForm(forms.Form):
    opens_on = _date_field(_("Penjaringan dibuka"), _("Isi tanggal penjaringan dibuka."))
    submit_deadline = _date_field(
        _("Batas akhir pengiriman"), _("Isi batas akhir pengiriman oleh OPD.")
    )
    review_deadline = _date_field(
        _("Batas akhir verifikasi"), _("Isi batas akhir verifikasi oleh tim verifikator.")
    )

    def clean(self):
        cleaned = super().clean()
        opens, submit, review = (
            cleaned.get("opens_on"),
            cleaned.get("submit_deadline"),
            cleaned.get("review_deadline"),
        )
        if opens and submit and submit < opens:
            self.add_error(
                "submit_deadline",
                _("Batas akhir pengiriman tidak boleh sebelum tanggal penjaringan dibuka."),
            )
        if submit and review and review < submit:
            self.add_error(
                "review_deadline",
                _("Batas akhir verifikasi tidak boleh sebelum batas akhir pengiriman."),
            )
        return cleaned


class CycleOpenForm(CycleDatesForm):
    edition = forms.ModelChoiceField(
        label=_("Edisi pedoman"),
        queryset=Edition.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Pilih edisi pedoman yang berlaku untuk siklus ini."),
            "invalid_choice": _("Pilih edisi yang sudah diterbitkan dan belum dipakai Pemda Anda."),
        },
    )
    field_order = ["edition", "opens_on", "submit_deadline", "review_deadline"]

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = Edition.objects.published().exclude(cycles__region=region)


class CycleChangeForm(CycleDatesForm):
    reason = forms.CharField(
        label=_("Alasan perubahan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Misalnya: perpanjangan penjaringan sesuai surat BSKDN nomor ..."),
        error_messages={
            "required": _("Tulis alasan perubahan jadwal; alasan ini dicatat di jejak audit.")
        },
    )

    def __init__(self, *args, cycle, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "opens_on": cycle.opens_on,
                "submit_deadline": cycle.submit_deadline,
                "review_deadline": cycle.review_deadline,
            },
        )
        super().__init__(*args, **kwargs)
        self.cycle = cycle

    def changed_dates(self) -> dict:
        names = ("opens_on", "submit_deadline", "review_deadline")
        return {
            n: self.cleaned_data[n] for n in names if self.cleaned_data[n] != getattr(self.cycle, n)
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.changed_dates():
            raise forms.ValidationError(
                _("Tidak ada tanggal yang berubah. Ubah paling sedikit satu tanggal.")
            )
        return cleaned
