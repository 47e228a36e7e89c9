"""The year's OPD awards (penghargaan) and their certificates (piagam).

An award is issued once and never edited: a mistake is revoked (with a reason, shown on the public
verification page) and, if needed, issued again under a new number. Numbers are never reused.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _


def new_verification_code() -> str:
    """The secret in a certificate's verification address: unguessable, so a forged certificate
    cannot point at a real award (128 bits)."""
    return secrets.token_urlsafe(16)


class Category(models.TextChoices):
    """What an award is for. The ranked categories are computed by awards/rules.py."""

    MOST_REPORTED = "most_reported", _("Laporan inovasi terbanyak")
    HIGHEST_MATURITY = "highest_maturity", _("Rata-rata kematangan terverifikasi tertinggi")
    MOST_IMPROVED = "most_improved", _("Peningkatan kematangan terbesar dari tahun lalu")
    FIRST_TIME = "first_time", _("Pelapor baru dengan laporan inovasi terbanyak")
    MANUAL = "manual", _("Penghargaan khusus")


# The order in which ranked categories are offered, issued and numbered.
RANKED_CATEGORIES = [
    Category.MOST_REPORTED,
    Category.HIGHEST_MATURITY,
    Category.MOST_IMPROVED,
    Category.FIRST_TIME,
]

# What the certificate says the OPD is awarded for (the rank is filled in).
AWARD_TEXTS = {
    Category.MOST_REPORTED: _("Peringkat %(rank)s OPD dengan laporan inovasi terbanyak"),
    Category.HIGHEST_MATURITY: _(
        "Peringkat %(rank)s OPD dengan rata-rata kematangan inovasi terverifikasi tertinggi"
    ),
    Category.MOST_IMPROVED: _(
        "Peringkat %(rank)s OPD dengan peningkatan kematangan inovasi terbesar dari tahun lalu"
    ),
    Category.FIRST_TIME: _("Peringkat %(rank)s OPD pelapor baru dengan laporan inovasi terbanyak"),
}


def value_text(category: str, value) -> str:
    """The ranked value as people read it: "12 inovasi", "rata-rata 41,50", "naik 6,25"."""
    if value is None:
        return ""
    if category in {Category.MOST_REPORTED, Category.FIRST_TIME}:
        return _("%(count)s inovasi") % {"count": int(value)}
    shown = number_format(value, decimal_pos=2)
    if category == Category.HIGHEST_MATURITY:
        return _("rata-rata %(value)s") % {"value": shown}
    if category == Category.MOST_IMPROVED:
        return _("naik %(value)s") % {"value": shown}
    return shown


class AwardQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)

    def for_cycle(self, cycle):
        return self.filter(cycle=cycle)


class Award(models.Model):
    """One OPD's award in one cycle, and its certificate (number and verification code)."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.PROTECT, related_name="awards")
    agency = models.ForeignKey(
        "regions.Agency", on_delete=models.PROTECT, related_name="awards", verbose_name=_("OPD")
    )
    category = models.CharField(_("Kategori"), max_length=20, choices=Category.choices)
    rank = models.PositiveSmallIntegerField(_("Peringkat"), null=True, blank=True)
    # The ranked value at the time of issue (a count, an average or a change of maturity).
    value = models.DecimalField(_("Nilai"), max_digits=10, decimal_places=2, null=True, blank=True)
    # A hand-picked award: what it is for (printed on the certificate) and why (for the record).
    title = models.CharField(_("Nama penghargaan"), max_length=200, blank=True)
    reason = models.TextField(_("Alasan"), blank=True)

    sequence = models.PositiveIntegerField()  # 1, 2, 3 … within the cycle (region and year)
    number = models.CharField(_("Nomor piagam"), max_length=60, unique=True)
    verification_code = models.CharField(
        max_length=40, unique=True, default=new_verification_code, editable=False
    )
    issued_at = models.DateTimeField(_("Diterbitkan"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("Dicabut"), null=True, blank=True)
    revoked_reason = models.TextField(_("Alasan pencabutan"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "sequence"]
        verbose_name = _("Penghargaan")
        verbose_name_plural = _("Penghargaan")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "sequence"], name="award_sequence_in_cycle"),
            # A ranked category gives an OPD one place a year; to correct it, revoke it first.
            models.UniqueConstraint(
                fields=["cycle", "category", "agency"],
                condition=Q(revoked_at__isnull=True) & ~Q(category="manual"),
                name="award_once_per_ranked_category",
            ),
            models.CheckConstraint(
                condition=Q(category="manual", rank__isnull=True)
                | (~Q(category="manual") & Q(rank__isnull=False)),
                name="award_rank_only_for_ranked_categories",
            ),
        ]

    def __str__(self):
        return f"{self.number} · {self.agency}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_ranked(self) -> bool:
        return self.category != Category.MANUAL

    @property
    def text(self) -> str:
        """What the certificate says the OPD is awarded for."""
        if not self.is_ranked:
            return self.title
        return AWARD_TEXTS[self.category] % {"rank": self.rank}

    @property
    def value_text(self) -> str:
        return value_text(self.category, self.value)


def certificate_number(sequence: int, region_code: str, year: int) -> str:
    """E.g. 001/PIAGAM-IGA/16.10/2023: sequential per region and year."""
    return f"{sequence:03d}/PIAGAM-IGA/{region_code}/{year}"
