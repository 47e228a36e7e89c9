from django import forms
from django.utils.translation import gettext_lazy as _

from sinovda.evidence.models import Document

from . import affairs, profile
from .actions import REOPEN_NEEDS_DATE, SPD_STALE_MESSAGE, STALE_MESSAGE
from .models import LEVEL_CHOICES, Submission
from .rules import word_count

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Tulis tanggal yang benar, misalnya 2022-03-15.")}


class VersionedForm(forms.Form):
    """Carries the version the person started from, for optimistic locking.

    A missing or unreadable version is a stale edit, refused with the same message as a conflict
    (at the top of the form: the field itself is hidden)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)
    stale_message = STALE_MESSAGE

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


BUDGET_ERRORS = {
    "invalid": _("Tulis anggaran dalam rupiah dengan angka saja, misalnya 25000000."),
    "min_value": _("Anggaran tidak boleh negatif."),
    "max_decimal_places": _("Tulis anggaran dalam rupiah tanpa sen."),
}
URL_ERRORS = {"invalid": _("Tulis tautan lengkap, misalnya https://youtu.be/abc123.")}
# Hints that belong to a column whatever the edition calls it.
COLUMN_HELP = {
    "development_date": _("Untuk inovasi lama: kapan terakhir dikembangkan atau diperbarui."),
}


class ProfileForm(VersionedForm):
    """The innovation's profile as the edition asks for it (`Edition.profile_fields`): one form
    field per profile field, named by its code, labelled with the national number and label.
    Every field may stay empty in a draft; submitting checks them (rules.submission_problems)."""

    hide_optional = True  # "optional" would mislead: sending the report requires them

    def __init__(self, *args, edition, documents=None, legacy_design="", **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        documents = documents if documents is not None else Document.objects.none()
        design = edition.design_fields
        for pf in profile.editable_fields(edition):
            if legacy_design and design and pf is design[0] and len(design) > 1:
                self.fields["legacy_design"] = forms.CharField(
                    label=_("Rancang bangun laporan sebelumnya (hanya dibaca)"),
                    required=False,
                    disabled=True,
                    initial=legacy_design,
                    widget=forms.Textarea(attrs={"rows": 10}),
                    help_text=_(
                        "Pedoman ini meminta rancang bangun dalam beberapa bagian. Salin isi teks "
                        "lama ini ke bagian-bagian di bawah; teks lama tidak ikut dikirim."
                    ),
                )
            if pf.type == "urusan":
                self._add_affairs(pf)
            else:
                self.fields[pf.code] = self._field(pf, documents)
        if design:
            self._describe_design(design)

    # --- one form field per profile field type ---

    def _field(self, pf, documents):
        label, hint = pf.title, pf.help or COLUMN_HELP.get(pf.column, "")
        common = {"label": label, "required": False, "help_text": hint}
        if pf.code == "name":
            return forms.CharField(
                **{**common, "required": True},
                max_length=200,
                error_messages={"required": _("Nama inovasi tidak boleh kosong.")},
            )
        if pf.type == "text":
            return forms.CharField(**common, max_length=_max_length(pf))
        if pf.type == "longtext":
            rows = 12 if pf.code == "design" else 5
            return forms.CharField(**common, widget=forms.Textarea(attrs={"rows": rows}))
        if pf.type == "choice":
            if pf.options:
                choices = [(o.value, o.label) for o in pf.options]
            else:  # options_from = "tematik": the edition's list, or free text without one
                themes = self.edition.tematik.items if self.edition.tematik else ()
                if not themes:
                    return forms.CharField(**common, max_length=_max_length(pf))
                choices = [(t, t) for t in themes]
            return forms.ChoiceField(**common, choices=[("", _("— pilih —")), *choices])
        if pf.type == "yesno":
            return forms.ChoiceField(
                **common,
                choices=list(profile.YES_NO_LABELS.items()),
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Pilih Ya atau Tidak.")},
            )
        if pf.type == "date":
            return forms.DateField(**common, widget=DATE, error_messages=DATE_ERRORS)
        if pf.type == "number":
            return forms.DecimalField(
                **common,
                min_value=0,
                max_digits=15,
                decimal_places=0,
                error_messages=BUDGET_ERRORS
                if pf.code == "budget"
                else {"invalid": _("Tulis angka saja, misalnya 25000000.")},
            )
        if pf.type == "url":
            return forms.URLField(**common, assume_scheme="https", error_messages=URL_ERRORS)
        if pf.type == "document":
            queryset = documents
            if pf.kinds:
                queryset = queryset.filter(kind__in=[k.lower() for k in pf.kinds])
            return forms.ModelMultipleChoiceField(
                **{
                    **common,
                    "help_text": hint
                    or _(
                        "Pilih dari bukti dukung yang sudah diunggah (%(kinds)s). Unggah dulu "
                        "berkasnya bila belum ada."
                    )
                    % {"kinds": ", ".join(pf.kinds) or _("semua jenis")},
                },
                queryset=queryset,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": _("Pilih dokumen dari daftar.")},
            )
        raise ValueError(f"unknown profile field type {pf.type!r}")

    def _add_affairs(self, pf):
        blank = [("", _("— pilih —"))]
        self.fields["main_affair"] = forms.ChoiceField(
            label=_("%(field)s: urusan utama") % {"field": pf.title},
            required=False,
            choices=blank + affairs.choices(),
        )
        self.fields["other_affairs"] = forms.MultipleChoiceField(
            label=_("%(field)s: urusan lain yang beririsan") % {"field": pf.title},
            required=False,
            choices=affairs.choices(),
            widget=forms.SelectMultiple(attrs={"size": 6}),
            help_text=_(
                "Urusan lain yang juga dilayani inovasi ini. Tahan Ctrl untuk memilih beberapa."
            ),
        )

    def _describe_design(self, design):
        """The rancang bangun's minimum, on its (first) text."""
        minimum = self.edition.rancang_bangun.min_words
        first = self.fields.get(design[0].code)
        if not minimum or first is None:
            return
        if len(design) == 1:
            parts = ", ".join(self.edition.rancang_bangun.parts)
            text = (
                _("Paling sedikit %(min)s kata, memuat: %(parts)s.")
                if parts
                else _("Paling sedikit %(min)s kata.")
            ) % {"min": minimum, "parts": parts}
        else:
            text = _(
                "Rancang bangun terdiri atas %(n)s bagian dan paling sedikit %(min)s kata untuk "
                "semua bagian bersama-sama."
            ) % {"n": len(design), "min": minimum}
        first.help_text = f"{text} {first.help_text}".strip()

    # --- reading the form ---

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

    def profile_values(self) -> dict:
        """The values to save (actions.save_profile), keyed by field code."""
        skip = {"version", "legacy_design"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}

    def design_word_count(self) -> int:
        """Words typed in the rancang bangun (all parts), for the counter above the form."""
        return sum(
            word_count(self[pf.code].value() or "")
            for pf in self.edition.design_fields
            if pf.code in self.fields
        )


def _max_length(pf) -> int:
    if pf.column:
        return Submission._meta.get_field(pf.column).max_length or 1000
    return 1000


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
    stale_message = SPD_STALE_MESSAGE
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
        self.fields["until"].error_messages["required"] = REOPEN_NEEDS_DATE
