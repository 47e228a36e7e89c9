from django import forms
from django.utils.translation import gettext_lazy as _

from . import affairs
from .models import LEVEL_CHOICES, Submission

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Tulis tanggal yang benar, misalnya 2022-03-15.")}


class VersionedForm(forms.Form):
    """Carries the version the person started from, for optimistic locking.

    A missing or unreadable version is a stale edit, refused with the same message as a conflict
    (at the top of the form: the field itself is hidden)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    stale_message = _(
        "Laporan ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda belum "
        "disimpan. Muat ulang halaman, periksa perubahan terbaru, lalu isi kembali."
    )

    def clean(self):
        cleaned = super().clean()
        if "version" in self.errors or cleaned.get("version") is None:
            self.errors.pop("version", None)
            cleaned.pop("version", None)
            raise forms.ValidationError(self.stale_message, code="stale")
        return cleaned


class SubmissionCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Nama inovasi"),
        max_length=200,
        error_messages={"required": _("Isi nama inovasi, misalnya Sanjo Barokah.")},
    )
    agency = forms.ModelChoiceField(
        label=_("OPD"),
        queryset=None,
        error_messages={
            "required": _("Pilih OPD pemilik inovasi."),
            "invalid_choice": _("Pilih OPD dari daftar."),
        },
    )

    def __init__(self, *args, agencies, fixed_agency=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        if fixed_agency is not None:
            self.fields["agency"].initial = fixed_agency.pk
            self.fields["agency"].widget = forms.HiddenInput()


class ProfileForm(VersionedForm):
    """The innovation's profile. Every field may stay empty in a draft; submitting checks them."""

    hide_optional = True  # "optional" would mislead: sending the report requires them

    name = forms.CharField(
        label=_("Nama inovasi"),
        max_length=200,
        error_messages={"required": _("Nama inovasi tidak boleh kosong.")},
    )
    stage = forms.ChoiceField(label=_("Tahapan"), required=False)
    initiator_kind = forms.ChoiceField(label=_("Inisiator"), required=False)
    initiator_name = forms.CharField(label=_("Nama inisiator"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Jenis"), required=False)
    form = forms.ChoiceField(label=_("Bentuk"), required=False)
    main_affair = forms.ChoiceField(label=_("Urusan utama"), required=False)
    other_affairs = forms.MultipleChoiceField(
        label=_("Urusan irisan"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_(
            "Urusan lain yang juga dilayani inovasi ini. Tahan Ctrl untuk memilih beberapa."
        ),
    )
    theme = forms.CharField(label=_("Tematik"), max_length=120, required=False)
    trial_date = forms.DateField(
        label=_("Tanggal uji coba"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    implementation_date = forms.DateField(
        label=_("Tanggal penerapan"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    development_date = forms.DateField(
        label=_("Tanggal pengembangan terbaru"),
        required=False,
        widget=DATE,
        error_messages=DATE_ERRORS,
        help_text=_("Untuk inovasi lama: kapan terakhir dikembangkan atau diperbarui."),
    )
    design = forms.CharField(
        label=_("Rancang bangun"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    goal = forms.CharField(
        label=_("Tujuan"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    benefit = forms.CharField(
        label=_("Manfaat"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    result = forms.CharField(
        label=_("Hasil inovasi"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    budget = forms.DecimalField(
        label=_("Anggaran (Rp)"),
        required=False,
        min_value=0,
        max_digits=15,
        decimal_places=0,
        error_messages={
            "invalid": _("Tulis anggaran dalam rupiah dengan angka saja, misalnya 25000000."),
            "min_value": _("Anggaran tidak boleh negatif."),
            "max_decimal_places": _("Tulis anggaran dalam rupiah tanpa sen."),
        },
    )
    video_url = forms.URLField(
        label=_("Tautan video"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Tulis tautan lengkap, misalnya https://youtu.be/abc123.")},
    )

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", _("— pilih —"))]
        for name in ("stage", "initiator_kind", "kind", "form"):
            self.fields[name].choices = blank + list(Submission._meta.get_field(name).choices)
        self.fields["main_affair"].choices = blank + affairs.choices()
        self.fields["other_affairs"].choices = affairs.choices()
        themes = edition.tematik.items if edition.tematik else ()
        if themes:
            self.fields["theme"] = forms.ChoiceField(
                label=_("Tematik"), required=False, choices=blank + [(t, t) for t in themes]
            )
        minimum = edition.rancang_bangun.min_words
        if minimum:
            parts = ", ".join(edition.rancang_bangun.parts)
            self.fields["design"].help_text = _(
                "Paling sedikit %(min)s kata, memuat: %(parts)s."
            ) % {"min": minimum, "parts": parts}

    def clean(self):
        cleaned = super().clean()
        trial, start = cleaned.get("trial_date"), cleaned.get("implementation_date")
        if trial and start and start < trial:
            self.add_error(
                "implementation_date",
                _("Tanggal penerapan tidak boleh sebelum tanggal uji coba."),
            )
        main = cleaned.get("main_affair")
        if main and main in cleaned.get("other_affairs", []):
            cleaned["other_affairs"] = [a for a in cleaned["other_affairs"] if a != main]
        return cleaned


class ScoredRadioSelect(forms.RadioSelect):
    """Radio buttons that carry each level's score, so the page can preview the maturity."""

    def __init__(self, *args, scores=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.scores = scores or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["data-score"] = str(self.scores.get(str(value), 0))
        return option


def level_choices(row):
    """Radio choices for one indicator row: what each level requires and what it scores."""
    choices = [("", _("Belum diisi"))]
    for option in row.options:
        choices.append(
            (
                str(option.level),
                _("Tingkat %(level)s: %(label)s (%(score)s poin)")
                % {"level": option.level, "label": option.label, "score": option.score},
            )
        )
    return choices


class AnswerForm(VersionedForm):
    level = forms.TypedChoiceField(
        label=_("Tingkat yang diklaim"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Pilih salah satu tingkat yang tersedia.")},
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Bukti dukung"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Pilih dokumen yang membuktikan tingkat ini. Satu dokumen boleh dipakai banyak inovasi."
        ),
        error_messages={"invalid_choice": _("Pilih dokumen dari daftar.")},
    )
    link = forms.URLField(
        label=_("Tautan bukti"),
        required=False,
        assume_scheme="https",
        help_text=_("Misalnya tautan YouTube atau Google Drive untuk video inovasi."),
        error_messages={"invalid": _("Tulis tautan lengkap, misalnya https://youtu.be/abc123.")},
    )
    reply = forms.CharField(
        label=_("Tanggapan atas catatan verifikator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, row, documents, show_reply=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(row)
        self.fields["level"].widget = ScoredRadioSelect(
            choices=self.fields["level"].choices,
            scores={str(o.level): o.score for o in row.options},
        )
        self.fields["documents"].queryset = documents
        if not show_reply:
            del self.fields["reply"]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Tulis catatan untuk operator.")},
    )


class ReviewAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[
            ("accepted", _("Terima")),
            ("lowered", _("Turunkan tingkat")),
            ("rejected", _("Tolak (0 poin)")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih keputusan: terima, turunkan, atau tolak.")},
    )
    level = forms.TypedChoiceField(
        label=_("Tingkat terverifikasi (bila diturunkan)"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", "—"), *[(str(v), label) for v, label in LEVEL_CHOICES]],
    )
    note = forms.CharField(
        label=_("Catatan untuk operator"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class FieldCommentForm(forms.Form):
    field = forms.ChoiceField(label=_("Bagian profil"))
    note = forms.CharField(
        label=_("Catatan"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Tulis catatan untuk bagian profil ini.")},
    )

    def __init__(self, *args, fields, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = fields


class CarryOverForm(forms.Form):
    note = forms.CharField(
        label=_("Apa yang berubah sejak tahun lalu"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={
            "required": _("Tulis apa yang berubah atau berkembang sejak laporan tahun lalu.")
        },
    )


class SpdAnswerForm(VersionedForm):
    stale_message = _(
        "Jawaban SPD ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda belum "
        "disimpan. Muat ulang halaman, periksa perubahan terbaru, lalu isi kembali."
    )
    level = forms.TypedChoiceField(
        label=_("Tingkat yang diklaim"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Bukti dukung"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    link = forms.URLField(label=_("Tautan bukti"), required=False, assume_scheme="https")

    def __init__(self, *args, row, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = level_choices(row)
        self.fields["documents"].queryset = documents


class CommentReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Tanggapan Anda"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Tulis tanggapan Anda atas catatan verifikator.")},
    )


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("Alasan membuka kembali"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": _("Tulis alasan membuka kembali laporan ini.")},
    )
    until = forms.DateField(
        label=_("OPD dapat mengirim ulang sampai"),
        required=False,
        widget=DATE,
        error_messages=DATE_ERRORS,
        help_text=_(
            "Wajib bila jadwal siklus sudah lewat: sampai tanggal ini OPD dapat memperbaiki dan "
            "mengirim ulang laporan ini, dan verifikator dapat memutuskannya."
        ),
    )

    def __init__(self, *args, needs_date=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].required = needs_date
        self.fields["until"].error_messages["required"] = _(
            "Jadwal siklus ini sudah lewat. Tentukan sampai tanggal berapa OPD dapat "
            "memperbaiki dan mengirim ulang laporan ini."
        )
