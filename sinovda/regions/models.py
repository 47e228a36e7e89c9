from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sinovda.lib.storage import private_storage


class Region(models.Model):
    """A Pemda: a provinsi, kabupaten or kota, identified by its Kemendagri code (e.g. 16.10)."""

    class Kind(models.TextChoices):
        PROVINCE = "provinsi", _("Provinsi")
        REGENCY = "kabupaten", _("Kabupaten")
        CITY = "kota", _("Kota")

    code = models.CharField(_("Kode Kemendagri"), max_length=13, unique=True)
    name = models.CharField(_("Nama"), max_length=120)
    kind = models.CharField(_("Jenis"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="regencies",
        limit_choices_to={"kind": "provinsi"},
        verbose_name=_("Provinsi"),
    )
    is_tertinggal = models.BooleanField(_("Daerah tertinggal"), default=False)
    is_perbatasan = models.BooleanField(_("Daerah perbatasan"), default=False)
    is_papua = models.BooleanField(_("Wilayah Papua"), default=False)
    coordinator_agency = models.ForeignKey(
        "Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Perangkat daerah koordinator"),
    )
    # Who signs the region's reports and certificates (set on the settings page).
    head_name = models.CharField(_("Nama kepala daerah"), max_length=150, blank=True)
    head_title = models.CharField(
        _("Jabatan kepala daerah"),
        max_length=150,
        blank=True,
        help_text=_("Seperti tertulis di bawah tanda tangan, misalnya Bupati Ogan Ilir."),
    )
    # The region's emblem (lambang daerah) for report covers and certificates: a sniffed PNG or JPG
    # in private storage, never served directly.
    emblem = models.FileField(
        _("Lambang daerah"),
        storage=private_storage,
        upload_to="emblems/",
        blank=True,
        max_length=200,
    )
    # Policy settings the koordinator changes on the region's settings page (audited, with a reason).
    allow_self_review = models.BooleanField(
        _("Satu orang boleh mengisi dan memeriksa"),
        default=False,
        help_text=_(
            "Hanya untuk Pemda yang tim inovasinya satu orang. Bila aktif, orang yang mengisi atau "
            "mengirim klaim boleh memeriksanya sendiri; setiap pemeriksaan seperti itu ditandai "
            "di jejak audit."
        ),
    )
    share_with_province = models.BooleanField(
        _("Bagikan draf dan bukti dukung kepada provinsi"),
        default=False,
        help_text=_(
            "Tanpa ini, peran provinsi hanya melihat laporan yang sudah dikirim dan skornya, "
            "tanpa draf dan tanpa berkas bukti dukung."
        ),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("Pemda")
        verbose_name_plural = _("Pemda")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="provinsi", province__isnull=True)
                | (~Q(kind="provinsi") & Q(province__isnull=False)),
                name="region_province_only_for_regencies",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_province(self) -> bool:
        return self.kind == self.Kind.PROVINCE

    @property
    def clusters(self) -> list[str]:
        labels = []
        if self.is_tertinggal:
            labels.append(str(_("Daerah tertinggal")))
        if self.is_perbatasan:
            labels.append(str(_("Daerah perbatasan")))
        if self.is_papua:
            labels.append(str(_("Wilayah Papua")))
        return labels


class AgencyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Agency(models.Model):
    """An OPD (perangkat daerah) of one Pemda."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("Pemda")
    )
    name = models.CharField(_("Nama perangkat daerah"), max_length=200)
    short_name = models.CharField(_("Singkatan"), max_length=40)
    is_active = models.BooleanField(_("Aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("OPD")
        verbose_name_plural = _("OPD")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="agency_unique_name_in_region"),
            models.UniqueConstraint(
                fields=["region", "short_name"], name="agency_unique_short_name_in_region"
            ),
        ]

    def __str__(self):
        return self.short_name or self.name


class Role(models.TextChoices):
    OPERATOR = "operator", _("Operator OPD")
    VERIFIER = "verifikator", _("Verifikator")
    COORDINATOR = "koordinator", _("Koordinator")
    LEADER = "pimpinan", _("Pimpinan")
    PROVINCE_COORDINATOR = "koordinator_provinsi", _("Koordinator provinsi")
    PROVINCE_VIEWER = "pemantau_provinsi", _("Pemantau provinsi")


# Roles that read every submission and dashboard of their own region.
REGION_READERS = {Role.VERIFIER, Role.COORDINATOR, Role.LEADER}
# Roles held on a province that read (never write) the regions of that province.
PROVINCE_ROLES = {Role.PROVINCE_COORDINATOR, Role.PROVINCE_VIEWER}


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)


class Membership(models.Model):
    """A person's role in one Pemda (and, for an operator, in one OPD of it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="memberships")
    agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("OPD"),
    )
    role = models.CharField(_("Peran"), max_length=24, choices=Role.choices)
    is_active = models.BooleanField(_("Aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["region", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "region"], name="membership_one_per_region"),
            models.CheckConstraint(
                condition=Q(role="operator", agency__isnull=False)
                | (~Q(role="operator") & Q(agency__isnull=True)),
                name="membership_agency_only_for_operators",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.region}"

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR

    @property
    def is_province_role(self) -> bool:
        return self.role in PROVINCE_ROLES


class PublishedIndex(models.Model):
    """An IID result published by the ministry (or synthetic, for the demo), used for rankings."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="published_indices")
    year = models.PositiveSmallIntegerField(_("Tahun"))
    iid = models.DecimalField(_("IID"), max_digits=5, decimal_places=2)
    predicate = models.CharField(_("Predikat"), max_length=40)
    innovations = models.PositiveIntegerField(_("Jumlah inovasi"), null=True, blank=True)
    source = models.CharField(_("Sumber"), max_length=200)
    is_synthetic = models.BooleanField(_("Data sintetis"), default=False)

    class Meta:
        ordering = ["-year", "-iid"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="published_index_once_a_year")
        ]

    def __str__(self):
        return f"{self.region} {self.year}: {self.iid}"
