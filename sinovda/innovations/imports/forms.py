from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import CarryOverForm
from .reader import MAX_BYTES, MAX_ROWS, too_big_message


class ImportUploadForm(forms.Form):
    """The filled-in template. Its content is checked by reader.read, not here."""

    file = forms.FileField(
        label=_("Berkas Excel (.xlsx)"),
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
        error_messages={
            "required": _("Pilih berkas templat yang sudah diisi."),
            "empty": _("Berkas ini kosong (0 byte). Periksa berkasnya lalu unggah lagi."),
            "invalid": _("Berkas tidak terkirim dengan benar. Pilih berkasnya lalu unggah lagi."),
        },
    )

    def __init__(self, *args, oversize=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Templat dari halaman ini, paling besar %(mb)s MB dan %(rows)s baris."
        ) % {"mb": MAX_BYTES // (1024 * 1024), "rows": f"{MAX_ROWS:,}".replace(",", ".")}
        if oversize:
            # The upload handler stopped receiving the file, so it is missing: say why.
            self.fields["file"].error_messages["required"] = too_big_message()


class CarryAllForm(CarryOverForm):
    """Which of last year's reports to carry over, and what changed (said once for all)."""

    chosen = forms.MultipleChoiceField(
        label=_("Laporan tahun lalu yang dibawa"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Pilih paling sedikit satu laporan untuk dibawa."),
            "invalid_choice": _("Pilih laporan dari daftar."),
        },
    )
    field_order = ["chosen", "note"]

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chosen"].choices = [
            (s.innovation.public_id, f"{s.name} · {s.get_state_display()}") for s in candidates
        ]
        self.fields["chosen"].initial = [s.innovation.public_id for s in candidates]
        self.fields["note"].help_text = _(
            "Catatan ini disimpan pada setiap laporan yang dibawa. Perubahan masing-masing "
            "inovasi dapat diisi di profilnya sesudah dibawa."
        )
