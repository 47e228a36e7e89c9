from django import forms
from django.utils.translation import gettext_lazy as _

from .actions import format_mb, inspect_upload, limits_text, max_bytes, store_document
from .sniff import LABELS, Refused, label_list, normalise_kinds

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ACCEPT = {"pdf": ".pdf,application/pdf", "jpg": ".jpg,.jpeg,image/jpeg", "png": ".png,image/png"}
ACCEPT["mp4"] = ".mp4,video/mp4"


class DocumentUploadForm(forms.Form):
    """Upload one piece of evidence. A valid form has stored it (or found the same file already
    stored): see `document` and `created` after `is_valid()`."""

    file = forms.FileField(
        label=_("Berkas"),
        widget=forms.FileInput,
        error_messages={
            "required": _("Pilih berkas bukti yang akan diunggah."),
            "empty": _("Berkas ini kosong (0 byte). Periksa berkasnya lalu unggah lagi."),
            "invalid": _("Berkas tidak terkirim dengan benar. Pilih berkasnya lalu unggah lagi."),
        },
    )
    subject = forms.CharField(
        label=_("Tentang"),
        max_length=300,
        help_text=_(
            "Judul atau perihal dokumen, misalnya SK Tim Inovasi Daerah atau Foto kegiatan."
        ),
        error_messages={
            "required": _("Isi tentang apa dokumen ini, misalnya SK Tim Inovasi Daerah."),
            "max_length": _("Persingkat isian tentang menjadi paling banyak 300 huruf."),
        },
    )
    number = forms.CharField(
        label=_("Nomor dokumen"),
        max_length=120,
        required=False,
        help_text=_("Misalnya 050/123/Bappeda/2023. Kosongkan untuk foto atau video."),
        error_messages={
            "max_length": _("Persingkat nomor dokumen menjadi paling banyak 120 huruf."),
        },
    )
    date = forms.DateField(
        label=_("Tanggal dokumen"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Isi tanggal dokumen dengan benar, misalnya 17/08/2023.")},
    )

    def __init__(
        self,
        *args,
        region,
        agency,
        acting_user,
        allowed_kinds=None,
        oversize=False,
        **kwargs,
    ):
        """`allowed_kinds`: the indicator's accepted kinds as the edition names them (["PDF"],
        ["JPG", "JPEG", "PNG"]); None accepts every kind we store. `oversize`: the upload handler
        stopped receiving the file because it was too large."""
        super().__init__(*args, **kwargs)
        self.region, self.agency, self.acting_user = region, agency, acting_user
        self.allowed_kinds = None if allowed_kinds is None else normalise_kinds(allowed_kinds)
        self.oversize = oversize
        self.document, self.created = None, False
        kinds = LABELS.keys() if self.allowed_kinds is None else self.allowed_kinds
        field = self.fields["file"]
        if kinds:
            field.help_text = _("%(kinds)s; paling besar %(limits)s.") % {
                "kinds": label_list(kinds),
                "limits": ", ".join(f"{LABELS[k]} {format_mb(max_bytes(k))}" for k in kinds),
            }
            field.widget.attrs["accept"] = ",".join(ACCEPT[k] for k in kinds)
        if oversize:
            # The upload handler stopped receiving the file, so it is missing: say why.
            field.error_messages["required"] = _(
                "Ukuran berkas melebihi batas terbesar untuk bukti dukung (%(limits)s). "
                "Perkecil berkas lalu unggah lagi."
            ) % {"limits": limits_text()}

    def clean_subject(self):
        return " ".join(self.cleaned_data["subject"].split())

    def clean_number(self):
        return " ".join(self.cleaned_data["number"].split())

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        try:
            if self.errors:
                # Say what is wrong with the file too, but keep nothing while the form has errors.
                inspect_upload(upload, allowed_kinds=self.allowed_kinds)
            else:
                self.document, self.created = store_document(
                    self.region,
                    upload,
                    agency=self.agency,
                    number=cleaned.get("number", ""),
                    date=cleaned.get("date"),
                    subject=cleaned.get("subject", ""),
                    acting_user=self.acting_user,
                    allowed_kinds=self.allowed_kinds,
                )
        except Refused as exc:
            self.add_error("file", forms.ValidationError(exc.message, code=exc.code))
        return cleaned
