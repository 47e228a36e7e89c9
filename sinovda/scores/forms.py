"""Forms of the result pages: finalise a cycle, withdraw a snapshot, import and filter results."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinovda.regions.models import Region

from . import results_import
from .models import ResultSnapshot, Source

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FinaliseForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Misalnya: ditetapkan setelah rapat pleno tim inovasi daerah."),
        error_messages={"max_length": _("Persingkat catatan menjadi paling banyak 1000 huruf.")},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan penarikan"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Tetap tercatat dan ditampilkan bersama hasil yang ditarik."),
        error_messages={
            "required": _("Isi alasan penarikan hasil ini."),
            "max_length": _("Persingkat alasan menjadi paling banyak 1000 huruf."),
        },
    )


class ImportForm(forms.Form):
    """The CSV file and the citation parts that apply to every row that leaves them empty.
    A valid form has read the file: `rows` holds its rows (not yet checked)."""

    file = forms.FileField(
        label=_("Berkas CSV"),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=_(
            "Kolom wajib: code, year, iid, predikat, source. Kolom tambahan: source_publisher, "
            "source_date, source_url, n. Pemisah koma atau titik koma, UTF-8."
        ),
        error_messages={
            "required": _("Pilih berkas CSV yang akan diimpor."),
            "empty": _("Berkas ini kosong (0 byte). Periksa berkasnya lalu unggah lagi."),
            "invalid": _("Berkas tidak terkirim dengan benar. Pilih berkasnya lalu unggah lagi."),
        },
    )
    publisher = forms.CharField(
        label=_("Penerbit sumber"),
        required=False,
        max_length=200,
        help_text=_(
            "Dipakai untuk baris yang kolom source_publisher-nya kosong, misalnya BSKDN "
            "Kementerian Dalam Negeri."
        ),
        error_messages={"max_length": _("Persingkat penerbit menjadi paling banyak 200 huruf.")},
    )
    date = forms.DateField(
        label=_("Tanggal sumber"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Dipakai untuk baris yang kolom source_date-nya kosong."),
        error_messages={"invalid": _("Isi tanggal sumber dengan benar, misalnya 19/12/2024.")},
    )
    url = forms.URLField(
        label=_("Tautan sumber"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Dipakai untuk baris yang kolom source_url-nya kosong."),
        error_messages={
            "invalid": _("Isi alamat lengkap yang diawali http:// atau https://."),
            "max_length": _("Tautan paling panjang 500 karakter."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > results_import.MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (paling besar %(mb)s MB). Bagi menjadi beberapa berkas.")
                % {"mb": results_import.MAX_BYTES // (1024 * 1024)}
            )
        self.content = upload.read(results_import.MAX_BYTES + 1)
        try:
            self.rows = results_import.read_csv(self.content)
        except results_import.FileRejected as rejected:
            raise forms.ValidationError(rejected.message) from None
        if not self.rows:
            raise forms.ValidationError(_("Berkas tidak berisi baris data di bawah judul kolom."))
        return upload

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date and date > timezone.localdate():
            raise forms.ValidationError(_("Tanggal sumber tidak boleh di masa depan."))
        return date

    def source_defaults(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("publisher", "date", "url")}


class ResultFilterForm(forms.Form):
    """The national list's filters (GET); invalid values are ignored, not shown as errors."""

    tahun = forms.TypedChoiceField(label=_("Tahun"), required=False, coerce=int, empty_value=None)
    provinsi = forms.ModelChoiceField(
        label=_("Provinsi"),
        required=False,
        queryset=Region.objects.filter(kind=Region.Kind.PROVINCE),
        to_field_name="code",
        empty_label=_("Semua provinsi"),
    )
    sumber = forms.ChoiceField(
        label=_("Sumber"),
        required=False,
        choices=[("", _("Semua sumber")), *Source.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Semua")), ("berlaku", _("Tidak ditarik")), ("ditarik", _("Ditarik"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = ResultSnapshot.objects.values_list("year", flat=True).distinct().order_by("-year")
        self.fields["tahun"].choices = [("", _("Semua tahun")), *((y, y) for y in years)]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("tahun"):
            queryset = queryset.filter(year=data["tahun"])
        if data.get("provinsi"):
            province = data["provinsi"]  # the province itself and its kab/kota
            queryset = queryset.filter(Q(region=province) | Q(region__province=province))
        if data.get("sumber"):
            queryset = queryset.filter(source=data["sumber"])
        if data.get("status") == "berlaku":
            queryset = queryset.filter(withdrawn_at__isnull=True)
        elif data.get("status") == "ditarik":
            queryset = queryset.filter(withdrawn_at__isnull=False)
        return queryset
