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


class Cluster(models.TextChoices):
    """The IGA's special clusters; provinsi, kabupaten and kota follow from Region.kind."""

    TERTINGGAL = "tertinggal", _("Daerah tertinggal")
    PERBATASAN = "perbatasan", _("Daerah perbatasan")
    PAPUA = "papua", _("Wilayah Papua")


class Confidence(models.TextChoices):
    """How sure we are of a list, in the words the editions use (docs/methodology.md)."""

    CONFIRMED = "confirmed", _("Terkonfirmasi")
    REPORTED = "reported", _("Dilaporkan")
    TRANSCRIBED = "transcribed", _("Disalin")
    INFERRED = "inferred", _("Disimpulkan")


class ClusterList(models.Model):
    """Which Pemda belong to one special cluster for the edition years a regulation covers.

    Lists are data with a source, never constants: another ministry sets them for a period and a newer
    regulation replaces them. For an edition year, the list in force is the one whose years cover it
    with the latest `valid_from` (a missing bound is open).
    """

    cluster = models.CharField(_("Klaster"), max_length=12, choices=Cluster.choices)
    title = models.CharField(_("Judul sumber"), max_length=300)
    publisher = models.CharField(_("Penerbit"), max_length=200, blank=True)
    published_on = models.DateField(_("Tanggal terbit"), null=True, blank=True)
    url = models.URLField(_("Tautan sumber"), blank=True, max_length=500)
    confidence = models.CharField(_("Tingkat keyakinan"), max_length=12, choices=Confidence.choices)
    note = models.TextField(_("Catatan"), blank=True)
    valid_from = models.PositiveSmallIntegerField(
        _("Berlaku mulai tahun edisi"), null=True, blank=True
    )
    valid_to = models.PositiveSmallIntegerField(
        _("Berlaku sampai tahun edisi"), null=True, blank=True
    )
    regions = models.ManyToManyField(
        Region, blank=True, related_name="cluster_lists", verbose_name=_("Pemda")
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["cluster", "-valid_from"]
        verbose_name = _("Daftar klaster")
        verbose_name_plural = _("Daftar klaster")

    def __str__(self):
        return f"{self.get_cluster_display()}: {self.title}"

    def covers(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )

    @staticmethod
    def in_force(lists, year: int) -> "ClusterList | None":
        """The list in force for the edition year among one cluster's lists: those covering it, the
        latest valid_from first (an open start is the oldest), then the most recently changed."""
        covering = [lst for lst in lists if lst.covers(year)]
        if not covering:
            return None
        return max(covering, key=lambda lst: (lst.valid_from or 0, lst.updated_at, lst.pk))
