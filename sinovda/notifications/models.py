from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboundEmailQuerySet(models.QuerySet):
    def due(self, now=None):
        """Pending rows whose time has come and that no worker holds (or whose hold expired)."""
        now = now or timezone.now()
        return self.filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
            status=OutboundEmail.Status.PENDING,
            next_attempt_at__lte=now,
        )

    def pending(self):
        return self.filter(status=OutboundEmail.Status.PENDING)

    def failed(self):
        return self.filter(status=OutboundEmail.Status.FAILED)


class OutboundEmail(models.Model):
    """One e-mail to one person, written in the transaction of what it tells; a worker sends it.

    Nothing is sent inside a request: if the mail server is down the row stays pending and is tried
    again later (sinovda/notifications/outbox.py), so an outage delays mail but loses none.
    """

    class Kind(models.TextChoices):
        INSTANT = "instant", _("Langsung")
        DIGEST = "digest", _("Ringkasan harian")

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbound_emails"
    )
    address = models.EmailField(_("Alamat surel"))
    subject = models.CharField(_("Subjek"), max_length=200)
    body = models.TextField(_("Isi"))
    kind = models.CharField(_("Jenis"), max_length=8, choices=Kind.choices, default=Kind.INSTANT)
    # One e-mail per event: a second writer with the same key (a re-run, a second worker) is refused
    # by the database instead of sending twice.
    dedup_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(
        _("Status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("Dibuat"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("Percobaan"), default=0)
    next_attempt_at = models.DateTimeField(_("Percobaan berikutnya"), default=timezone.now)
    # A worker that claims the row holds it until this time; a worker that died lets it go.
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(_("Terkirim"), null=True, blank=True)
    last_error = models.TextField(_("Kesalahan terakhir"), blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("Surel keluar")
        verbose_name_plural = _("Surel keluar")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return f"{self.address}: {self.subject}"


class Notification(models.Model):
    """An in-app message ("Laporan Anda dikembalikan"), also sent by e-mail as the person prefers."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The e-mail that carried it (instant or in a digest); empty: not e-mailed (yet).
    email = models.ForeignKey(
        OutboundEmail,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )

    class Meta:
        # The table was created by the innovations app; the model moved here without moving data.
        db_table = "innovations_notification"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"], name="innovations_user_id_9a61a6_idx")]

    def __str__(self):
        return self.message


class Delivery(models.TextChoices):
    """How a person wants e-mail; the in-app notification is always written."""

    INSTANT = "instant", _("Langsung, satu surel untuk setiap pemberitahuan")
    DIGEST = "digest", _("Ringkasan harian, satu surel setiap pagi")
    NONE = "none", _("Tidak, cukup di aplikasi")


class DeliveryPreference(models.Model):
    """A person's choice of e-mail delivery. No row means instant (the behaviour before choices)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delivery_preference"
    )
    email = models.CharField(
        _("Kirim pemberitahuan lewat surel"),
        max_length=8,
        choices=Delivery.choices,
        default=Delivery.INSTANT,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Pengaturan pemberitahuan")
        verbose_name_plural = _("Pengaturan pemberitahuan")

    def __str__(self):
        return f"{self.user}: {self.email}"


class Reminder(models.Model):
    """A reminder that was sent, keyed so that the same reminder is never sent twice.

    The row is written in the transaction that writes the notifications it announces: a second
    worker, a re-run of the daily job, or a second click on "Kirim pengingat" hits the unique key
    and sends nothing. Who is reminded of what is decided by the apps above (innovations/reminders.py);
    this app only stores the fact.
    """

    class Kind(models.TextChoices):
        AGENCY = "opd", _("Pengingat kepada OPD")
        QUEUE = "antrean", _("Ringkasan antrean verifikasi")

    key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(_("Jenis"), max_length=8, choices=Kind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    cycle = models.ForeignKey(
        "cycles.Cycle", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        "regions.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Penerima ringkasan antrean; kosong untuk pengingat kepada OPD."),
    )
    on_date = models.DateField(_("Tanggal"))
    # Empty for the daily schedule; the koordinator who clicked "Kirim pengingat" otherwise.
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("Pengingat")
        verbose_name_plural = _("Pengingat")
        indexes = [models.Index(fields=["cycle", "on_date"], name="reminder_cycle_day_idx")]

    def __str__(self):
        return self.key
