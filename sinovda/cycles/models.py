import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    NOT_OPEN = "belum_dibuka", _("Belum dibuka")
    REPORTING = "penjaringan", _("Penjaringan")
    REVIEW = "verifikasi", _("Verifikasi")
    CLOSED = "selesai", _("Selesai")


class CycleQuerySet(models.QuerySet):
    def for_region(self, region):
        return self.filter(region=region)


class Cycle(models.Model):
    """One Pemda taking part in one edition year: when it reports and when its reports are reviewed.

    Dates are whole days in the installation's time zone and inclusive: a deadline of 31 August means
    operators can submit until 23:59 that day.
    """

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="cycles")
    edition = models.ForeignKey(
        "editions.Edition", on_delete=models.PROTECT, related_name="cycles", verbose_name=_("Edisi")
    )
    opens_on = models.DateField(_("Penjaringan dibuka"))
    submit_deadline = models.DateField(_("Batas akhir pengiriman"))
    review_deadline = models.DateField(_("Batas akhir verifikasi"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["region", "-edition__year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "edition"], name="cycle_once_per_edition"),
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("submit_deadline"))
                & models.Q(submit_deadline__lte=models.F("review_deadline")),
                name="cycle_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.region} · {self.edition.year}"

    @property
    def year(self) -> int:
        return self.edition.year

    def phase(self, today: datetime.date | None = None) -> str:
        today = today or timezone.localdate()
        if today < self.opens_on:
            return Phase.NOT_OPEN
        if today <= self.submit_deadline:
            return Phase.REPORTING
        if today <= self.review_deadline:
            return Phase.REVIEW
        return Phase.CLOSED

    def get_phase_display(self, today=None) -> str:
        return Phase(self.phase(today)).label

    def accepts_submissions(self, today: datetime.date | None = None) -> bool:
        """Operators may submit only inside the reporting window."""
        return self.phase(today) == Phase.REPORTING

    def accepts_reviews(self, today: datetime.date | None = None) -> bool:
        return self.phase(today) in {Phase.REPORTING, Phase.REVIEW}

    def days_left_to_submit(self, today: datetime.date | None = None) -> int:
        today = today or timezone.localdate()
        return (self.submit_deadline - today).days
