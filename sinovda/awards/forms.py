from django import forms
from django.utils.translation import gettext_lazy as _

from sinovda.regions.models import Agency

from .models import RANKED_CATEGORIES, Category
from .rules import MAX_TOP

DEFAULT_TOP = {
    Category.MOST_REPORTED: 5,
    Category.HIGHEST_MATURITY: 3,
    Category.MOST_IMPROVED: 3,
    Category.FIRST_TIME: 3,
}
TOP_ERROR = _("Isi jumlah peringkat yang diberi penghargaan, angka 1 sampai 50.")


class RulesForm(forms.Form):
    """Which ranked categories to award this year, each with how many places (top N)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in RANKED_CATEGORIES:
            self.fields[category] = forms.BooleanField(
                label=Category(category).label, required=False
            )
            self.fields[f"{category}_top"] = forms.IntegerField(
                label=_("Jumlah peringkat"),
                required=False,
                min_value=1,
                max_value=MAX_TOP,
                initial=DEFAULT_TOP[category],
                error_messages={
                    "invalid": TOP_ERROR,
                    "min_value": TOP_ERROR,
                    "max_value": TOP_ERROR,
                },
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def clean(self):
        data = super().clean()
        chosen = [c for c in RANKED_CATEGORIES if data.get(c)]
        if not chosen:
            raise forms.ValidationError(
                _("Pilih sedikitnya satu kategori penghargaan."), code="none"
            )
        for category in chosen:
            key = f"{category}_top"
            if data.get(key) is None and key not in self.errors:
                self.add_error(key, TOP_ERROR)
        return data

    def selection(self) -> dict[str, int]:
        return {
            c: self.cleaned_data[f"{c}_top"] for c in RANKED_CATEGORIES if self.cleaned_data.get(c)
        }

    def rows(self):
        """(checkbox, top N field) per category, for the table on the page."""
        return [(self[c], self[f"{c}_top"]) for c in RANKED_CATEGORIES]


class ManualAwardForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("OPD"),
        queryset=Agency.objects.none(),
        empty_label=_("Pilih OPD"),
        error_messages={
            "required": _("Pilih OPD yang menerima penghargaan."),
            "invalid_choice": _("Pilih OPD yang menerima penghargaan."),
        },
    )
    title = forms.CharField(
        label=_("Nama penghargaan"),
        max_length=200,
        help_text=_(
            "Tercetak pada piagam, misalnya OPD dengan inovasi pelayanan publik paling berdampak."
        ),
        error_messages={
            "required": _("Isi nama penghargaan; nama ini tercetak pada piagam."),
            "max_length": _("Nama penghargaan paling panjang 200 karakter."),
        },
    )
    reason = forms.CharField(
        label=_("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mengapa OPD ini dipilih. Dicatat di jejak audit, tidak tercetak pada piagam."),
        error_messages={
            "required": _("Isi alasan penghargaan ini; alasan dicatat di jejak audit."),
        },
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.filter(region=region).active()


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pencabutan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ditampilkan di halaman pemeriksaan piagam."),
        error_messages={
            "required": _(
                "Isi alasan pencabutan; alasan ini ditampilkan di halaman pemeriksaan piagam."
            ),
        },
    )
