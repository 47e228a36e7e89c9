import csv
import io

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .models import Agency, Cluster, ClusterList, Confidence, Region, Role

# Roles a koordinator may give inside a region; province roles are given by a national admin.
REGION_ROLES = [
    (Role.OPERATOR.value, Role.OPERATOR.label),
    (Role.VERIFIER.value, Role.VERIFIER.label),
    (Role.COORDINATOR.value, Role.COORDINATOR.label),
    (Role.LEADER.value, Role.LEADER.label),
]


class AgencyForm(forms.Form):
    name = forms.CharField(
        label=_("Nama perangkat daerah"),
        max_length=200,
        error_messages={"required": _("Isi nama perangkat daerah, misalnya Dinas Kesehatan.")},
    )
    short_name = forms.CharField(
        label=_("Singkatan"),
        max_length=40,
        help_text=_("Nama singkat yang dipakai sehari-hari, misalnya Dinkes."),
        error_messages={"required": _("Isi singkatan perangkat daerah, misalnya Dinkes.")},
    )

    def __init__(self, *args, region, instance: Agency | None = None, **kwargs):
        self.region, self.instance = region, instance
        if instance is not None:
            kwargs.setdefault("initial", {"name": instance.name, "short_name": instance.short_name})
        super().__init__(*args, **kwargs)

    def _taken(self, field, value):
        others = Agency.objects.filter(region=self.region, **{f"{field}__iexact": value})
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        return others.exists()

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if self._taken("name", name):
            raise forms.ValidationError(
                _("Sudah ada perangkat daerah dengan nama ini di Pemda Anda.")
            )
        return name

    def clean_short_name(self):
        short_name = " ".join(self.cleaned_data["short_name"].split())
        if self._taken("short_name", short_name):
            raise forms.ValidationError(
                _(
                    "Singkatan ini sudah dipakai perangkat daerah lain. Pilih singkatan yang berbeda."
                )
            )
        return short_name


class PersonForm(forms.Form):
    full_name = forms.CharField(
        label=_("Nama lengkap"),
        max_length=150,
        error_messages={"required": _("Isi nama lengkap orang ini.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_(
            "Dipakai untuk pemberitahuan dan mengatur ulang kata sandi. Boleh dikosongkan."
        ),
        error_messages={
            "invalid": _("Tulis alamat email yang benar, misalnya nama@ogan-ilir.go.id.")
        },
    )
    role = forms.ChoiceField(
        label=_("Peran"),
        choices=REGION_ROLES,
        error_messages={"required": _("Pilih peran orang ini.")},
    )
    agency = forms.ModelChoiceField(
        label=_("OPD"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Wajib untuk operator OPD; kosongkan untuk peran lain."),
        error_messages={"invalid_choice": _("Pilih OPD dari daftar.")},
    )

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.region = region
        self.fields["agency"].queryset = Agency.objects.active().filter(region=region)

    def lock_account_fields(self):
        """Show name and email read-only: the account is not the acting user's to change."""
        for name in ("full_name", "email"):
            self.fields[name].disabled = True
            self.fields[name].help_text = _("Diatur admin nasional.")

    def clean(self):
        cleaned = super().clean()
        role, agency = cleaned.get("role"), cleaned.get("agency")
        if role == Role.OPERATOR and agency is None:
            self.add_error("agency", _("Pilih OPD tempat operator ini bekerja."))
        if role and role != Role.OPERATOR:
            cleaned["agency"] = None
        return cleaned


class PersonCreateForm(PersonForm):
    username = forms.RegexField(
        label=_("Nama pengguna"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Untuk masuk ke Sinovda. Huruf, angka dan . @ + - _ tanpa spasi."),
        error_messages={
            "required": _("Isi nama pengguna untuk masuk, misalnya NIP atau nama singkat."),
            "invalid": _(
                "Nama pengguna hanya boleh berisi huruf, angka dan . @ + - _ tanpa spasi."
            ),
        },
    )
    password = forms.CharField(
        label=_("Kata sandi sementara"),
        strip=False,
        widget=forms.PasswordInput(render_value=True),
        help_text=_("Berikan kepada orang ini; ia wajib menggantinya saat pertama kali masuk."),
        error_messages={"required": _("Isi kata sandi sementara, paling sedikit 8 karakter.")},
    )
    field_order = ["full_name", "username", "email", "role", "agency", "password"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Nama pengguna ini sudah dipakai. Pilih nama lain."))
        return username

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class TemporaryPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Kata sandi sementara baru"),
        strip=False,
        widget=forms.PasswordInput(render_value=True),
        help_text=_("Berikan kepada orang ini; ia wajib menggantinya saat masuk berikutnya."),
        error_messages={"required": _("Isi kata sandi sementara, paling sedikit 8 karakter.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        validate_password(password, user=self.user)
        return password


# --- cluster lists (national admin) ----------------------------------------------------------------

FIRST_EDITION_YEAR, LAST_EDITION_YEAR = 2000, 2100
MEMBER_FILE_MAX_BYTES = 512 * 1024
MEMBER_FILE_MAX_ROWS = 5000
_YEAR_ERRORS = {
    "invalid": _("Tulis tahun edisi dengan empat angka, misalnya 2024."),
    "min_value": _("Tahun edisi paling awal 2000."),
    "max_value": _("Tahun edisi paling akhir 2100."),
}


class ClusterListForm(forms.Form):
    """A cluster list's source and period; the cluster is chosen only when the list is made."""

    cluster = forms.ChoiceField(
        label=_("Klaster"),
        choices=Cluster.choices,
        error_messages={"required": _("Pilih klaster daftar ini.")},
    )
    title = forms.CharField(
        label=_("Judul sumber"),
        max_length=300,
        help_text=_(
            "Judul peraturan atau dokumen resmi, misalnya Peraturan Presiden Nomor 63 Tahun 2020 "
            "tentang Penetapan Daerah Tertinggal Tahun 2020–2024."
        ),
        error_messages={
            "required": _("Isi judul sumber daftar ini."),
            "max_length": _("Persingkat judul menjadi paling banyak 300 huruf."),
        },
    )
    publisher = forms.CharField(
        label=_("Penerbit"),
        max_length=200,
        required=False,
        help_text=_(
            "Lembaga yang menetapkan daftar, misalnya BNPP atau Presiden Republik Indonesia."
        ),
        error_messages={
            "max_length": _("Persingkat nama penerbit menjadi paling banyak 200 huruf.")
        },
    )
    published_on = forms.DateField(
        label=_("Tanggal terbit"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Tulis tanggal seperti 2020-04-27 (tahun-bulan-tanggal).")},
    )
    url = forms.URLField(
        label=_("Tautan sumber"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Alamat salinan resmi, misalnya di peraturan.go.id."),
        error_messages={
            "invalid": _("Tulis alamat web lengkap, misalnya https://peraturan.go.id/…"),
            "max_length": _("Alamat web terlalu panjang (paling banyak 500 huruf)."),
        },
    )
    confidence = forms.ChoiceField(
        label=_("Tingkat keyakinan"),
        # No default: how sure a list is must be a decision, never the first option.
        choices=[("", _("Pilih tingkat keyakinan")), *Confidence.choices],
        help_text=_(
            "Terkonfirmasi hanya bila daftar dicocokkan dengan salinan resmi; dilaporkan bila dari "
            "pemberitaan atau salinan tidak resmi."
        ),
        error_messages={"required": _("Pilih tingkat keyakinan daftar ini.")},
    )
    note = forms.CharField(
        label=_("Catatan"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ditampilkan di halaman peringkat bersama sumbernya."),
        error_messages={"max_length": _("Persingkat catatan menjadi paling banyak 5000 huruf.")},
    )
    valid_from = forms.IntegerField(
        label=_("Berlaku mulai tahun edisi"),
        required=False,
        min_value=FIRST_EDITION_YEAR,
        max_value=LAST_EDITION_YEAR,
        help_text=_("Kosongkan bila berlaku sejak awal."),
        error_messages=_YEAR_ERRORS,
    )
    valid_to = forms.IntegerField(
        label=_("Berlaku sampai tahun edisi"),
        required=False,
        min_value=FIRST_EDITION_YEAR,
        max_value=LAST_EDITION_YEAR,
        help_text=_("Kosongkan bila masih berlaku sampai ada daftar yang lebih baru."),
        error_messages=_YEAR_ERRORS,
    )

    def __init__(self, *args, instance: ClusterList | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs.setdefault(
                "initial", {name: getattr(instance, name) for name in self.base_fields}
            )
        super().__init__(*args, **kwargs)
        if instance is not None:
            del self.fields["cluster"]  # a list stays in its cluster

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start is not None and end is not None and start > end:
            self.add_error(
                "valid_to",
                _("Tahun akhir harus sama dengan atau sesudah tahun mulai (%(start)s).")
                % {"start": start},
            )
        cluster = self.instance.cluster if self.instance else data.get("cluster")
        title = data.get("title")
        if cluster and title:
            same = ClusterList.objects.filter(cluster=cluster, title__iexact=title)
            if self.instance is not None:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("title", _("Klaster ini sudah punya daftar dengan judul yang sama."))
        return data

    def values(self) -> dict:
        """The cleaned values to save (text fields as empty strings, never None)."""
        data = self.cleaned_data
        return {name: data[name] for name in self.fields}


class MemberImportForm(forms.Form):
    """A CSV with a `code` column: the list's new members. A valid form has `regions`; an invalid
    one reports every bad row, and nothing is changed."""

    file = forms.FileField(
        label=_("Berkas CSV"),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=_(
            "Satu Pemda per baris, kolom code berisi kode Kemendagri (misalnya 53.01). Kolom lain, "
            "misalnya name, diabaikan. Pemisah koma atau titik koma, UTF-8."
        ),
        error_messages={
            "required": _("Pilih berkas CSV yang akan diimpor."),
            "empty": _("Berkas ini kosong (0 byte). Periksa berkasnya lalu unggah lagi."),
            "invalid": _("Berkas tidak terkirim dengan benar. Pilih berkasnya lalu unggah lagi."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MEMBER_FILE_MAX_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (paling besar 512 KB). Satu baris cukup berisi kode Pemda.")
            )
        rows = _member_rows(upload.read())
        codes = {code for _line, code in rows}
        regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
        errors = []
        for line, code in rows:
            if not code:
                errors.append(_("Baris %(line)s: kode kosong.") % {"line": line})
            elif code not in regions:
                errors.append(
                    _(
                        "Baris %(line)s: kode “%(code)s” tidak dikenal. Tulis kode Kemendagri "
                        "sebagai teks, misalnya 53.01 (bukan 53.1)."
                    )
                    % {"line": line, "code": code}
                )
        if not rows:
            errors.append(_("Berkas tidak berisi satu baris data pun di bawah judul kolom."))
        if errors:
            raise forms.ValidationError(errors)
        # The file's order, each Pemda once (a repeated code is harmless).
        self.regions = list({code: regions[code] for _line, code in rows}.values())
        return upload


def _member_rows(data: bytes) -> list[tuple[int, str]]:
    """(line number, code) per data row of a CSV with a `code` column; ValidationError when the
    file as a whole cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(
            _("Berkas bukan teks UTF-8. Simpan ulang sebagai “CSV UTF-8”, lalu unggah lagi.")
        ) from None
    if "\x00" in text:
        raise forms.ValidationError(_("Berkas ini bukan berkas CSV (berisi karakter biner)."))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        if "code" not in header:
            raise forms.ValidationError(
                _("Baris pertama harus berisi judul kolom, dengan kolom bernama code.")
            )
        column = header.index("code")
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, as spreadsheets leave at the end
            if len(rows) >= MEMBER_FILE_MAX_ROWS:
                raise forms.ValidationError(
                    _("Berkas berisi lebih dari 5000 baris data; sebuah klaster tidak sebesar itu.")
                )
            code = cells[column].strip() if column < len(cells) else ""
            rows.append((reader.line_num, code))
    except csv.Error as error:
        raise forms.ValidationError(
            _("Berkas CSV tidak dapat dibaca pada baris %(line)s: %(error)s")
            % {"line": reader.line_num, "error": error}
        ) from None
    return rows
