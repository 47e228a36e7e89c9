"""Official results as stored, dated snapshots: what rankings and the public read, never live drafts."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    # Order matters: for one Pemda and year, rankings prefer the first source that has a result.
    ANNOUNCED = "bskdn", _("Diumumkan BSKDN")
    COMPUTED = "sinovda", _("Dihitung Sinovda")
    SYNTHETIC = "sintetis", _("Data sintetis")


SOURCE_PRECEDENCE = [Source.ANNOUNCED, Source.COMPUTED, Source.SYNTHETIC]


class ResultSnapshotQuerySet(models.QuerySet):
    def standing(self):
        """Snapshots not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)


class ResultSnapshot(models.Model):
    """One Pemda's index for one edition year, as computed by Sinovda when the koordinator finalised
    the cycle, or as published by BSKDN (imported with its citation).

    Immutable once written: a recomputation under a corrected edition, or a correction of an imported
    figure, is a new snapshot; the old one stays readable. Only a withdrawal (with a reason) is ever
    recorded on an existing row.
    """

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="result_snapshots"
    )
    year = models.PositiveSmallIntegerField(_("Tahun edisi"))
    source = models.CharField(_("Sumber"), max_length=10, choices=Source.choices)
    iid = models.DecimalField(_("IID"), max_digits=5, decimal_places=2)
    predicate = models.CharField(_("Predikat"), max_length=40)
    spd = models.DecimalField(_("SPD"), max_digits=6, decimal_places=2, null=True, blank=True)
    sid = models.DecimalField(_("SID"), max_digits=6, decimal_places=2, null=True, blank=True)
    innovations = models.PositiveIntegerField(_("Jumlah inovasi (n)"), null=True, blank=True)
    # Computed snapshots: the cycle and the exact edition document they were computed under.
    cycle = models.ForeignKey(
        "cycles.Cycle", null=True, blank=True, on_delete=models.PROTECT, related_name="snapshots"
    )
    edition = models.ForeignKey(
        "editions.Edition", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    edition_digest = models.CharField(max_length=64, blank=True)
    # A readable citation: what, by whom, when, where.
    citation_title = models.CharField(_("Judul sumber"), max_length=300, blank=True)
    citation_publisher = models.CharField(_("Penerbit"), max_length=200, blank=True)
    citation_date = models.DateField(_("Tanggal sumber"), null=True, blank=True)
    citation_url = models.URLField(_("Tautan sumber"), blank=True, max_length=500)
    note = models.TextField(_("Catatan"), blank=True)
    taken_at = models.DateTimeField(_("Dicatat pada"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)

    objects = ResultSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "region__code", "-taken_at"]
        indexes = [
            models.Index(fields=["year", "region"]),
            models.Index(fields=["region", "year"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(iid__gte=0) & models.Q(iid__lte=100), name="snapshot_iid_0_100"
            ),
            models.CheckConstraint(
                condition=~models.Q(source="sinovda")
                | (models.Q(cycle__isnull=False) & models.Q(edition__isnull=False)),
                name="snapshot_computed_has_cycle_and_edition",
            ),
        ]

    def __str__(self):
        return f"{self.region} {self.year}: {self.iid} ({self.get_source_display()})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("update_fields"):
            raise ValidationError("A result snapshot is immutable; record a new one.")
        if kwargs.get("update_fields") and set(kwargs["update_fields"]) - {
            "withdrawn_at",
            "withdrawn_reason",
        }:
            raise ValidationError("Only a withdrawal may be recorded on a result snapshot.")
        super().save(*args, **kwargs)
