"""Published innovations: a frozen public copy of a verified report, made by the koordinator.

The public never reads a Submission: it reads this copy, so a report reopened and edited after
publication shows nothing new until the koordinator publishes again.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    innovation = models.OneToOneField(
        "innovations.Innovation", on_delete=models.CASCADE, related_name="publication"
    )
    submission = models.ForeignKey(
        "innovations.Submission", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("regions.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("Tahun"))
    # The public copy (filters and the page). Codes as stored on Submission; labels come from its choices.
    name = models.CharField(_("Nama inovasi"), max_length=200)
    stage = models.CharField(_("Tahapan"), max_length=12, blank=True)
    kind = models.CharField(_("Jenis"), max_length=12, blank=True)
    form = models.CharField(_("Bentuk"), max_length=20, blank=True)
    main_affair = models.CharField(_("Urusan utama"), max_length=80, blank=True)
    other_affairs = models.JSONField(_("Urusan irisan"), default=list, blank=True)
    theme = models.CharField(_("Tematik"), max_length=120, blank=True)
    implementation_date = models.DateField(_("Tanggal penerapan"), null=True, blank=True)
    maturity = models.DecimalField(_("Kematangan"), max_digits=6, decimal_places=2)
    maturity_max = models.DecimalField(max_digits=6, decimal_places=2)
    # The profile's public rows in the national form's order: [{"label": ..., "value": ...}, ...].
    profile = models.JSONField(default=list)
    summary = models.TextField(_("Ringkasan"), blank=True)
    search_text = models.TextField(blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "name"]
        indexes = [
            models.Index(fields=["region", "year"]),
            models.Index(fields=["year", "main_affair"]),
            models.Index(fields=["theme"]),
            models.Index(fields=["updated_at"]),
            # The API's keyset order and the catalogue's listing order: a page walks the index.
            models.Index(fields=["-year", "name", "id"], name="catalogue_pub_order_idx"),
            # "Similar innovations": one LIMIT query per urusan and per tematik, in page order.
            models.Index(
                fields=["main_affair", "-year", "-maturity", "name"],
                name="catalogue_pub_affair_idx",
            ),
            models.Index(
                fields=["theme", "-year", "-maturity", "name"], name="catalogue_pub_theme_idx"
            ),
        ]

    def __str__(self):
        return self.name


class CatalogueVersion(models.Model):
    """One row: the version of the public catalogue's data, moved in the same transaction as every
    change of a Publication (catalogue.versions.bump). Cheap to read (one row by primary key), so
    it keys cached pages and the API's validators instead of aggregates over all publications."""

    stamp = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    def __str__(self):
        return self.stamp
