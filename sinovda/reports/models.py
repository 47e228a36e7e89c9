"""The year's outputs: generated files (jobs), and what was handed to the national application."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinovda.lib.storage import private_storage


def output_path(job, filename):
    # Generated files live beside the evidence, outside every served folder, one folder per job.
    return f"outputs/{job.region_id}/{job.pk}/{filename}"


class OutputKind(models.TextChoices):
    HANDOFF = "handoff", _("Paket aplikasi nasional")
    REPORT = "report", _("Laporan hasil")
    REKAP = "rekap", _("Rekap Excel")
    CERTIFICATES = "certificates", _("Piagam penghargaan")
    INNOVATION = "innovation", _("Laporan satu inovasi")


class OutputJobQuerySet(models.QuerySet):
    def for_cycle(self, cycle):
        return self.filter(cycle=cycle)

    def expired(self, now=None):
        return self.filter(expires_at__lt=now or timezone.now())


class OutputJob(models.Model):
    """One generated file: requested by a person, made by a background worker, kept for a while."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        RUNNING = "running", _("Sedang dibuat")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(
        "cycles.Cycle", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    submission = models.ForeignKey(
        "innovations.Submission", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("Jenis"), max_length=16, choices=OutputKind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    step = models.CharField(max_length=200, blank=True)  # what the worker is doing now
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(
        storage=private_storage, upload_to=output_path, max_length=300, blank=True
    )
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = OutputJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "cycle", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at < timezone.now()


class NationalEntry(models.Model):
    """An innovation report the koordinator has entered into the national IID application."""

    submission = models.OneToOneField(
        "innovations.Submission", on_delete=models.CASCADE, related_name="national_entry"
    )
    registration_number = models.CharField(
        _("Nomor registrasi aplikasi nasional"), max_length=60, blank=True
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("Dimasukkan pada"))
    # The fingerprint of what was entered, so a later change of the report shows as "berubah".
    content_hash = models.CharField(max_length=64, blank=True)

    def __str__(self):
        return f"{self.submission} → {self.registration_number or '-'}"


class HandoffPack(models.Model):
    """A hand-off pack that was generated: what each innovation looked like, to show what changed
    in the next one."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="+")
    job = models.OneToOneField(OutputJob, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # {public_id: {"name": ..., "hash": ..., "fields": {number: value}, "documents": [...]}}
    manifest = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.cycle} · {self.created_at:%Y-%m-%d %H:%M}"
