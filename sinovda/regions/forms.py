from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from .models import Agency, Role

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
