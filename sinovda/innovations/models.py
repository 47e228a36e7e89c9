import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_public_id() -> str:
    """A stable, non-sequential identifier: URLs do not reveal how many innovations exist."""
    return secrets.token_urlsafe(8)


class Innovation(models.Model):
    """An innovation of one OPD, stable across years; each year's report is a Submission."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="innovations"
    )
    agency = models.ForeignKey(
        "regions.Agency",
        on_delete=models.PROTECT,
        related_name="innovations",
        verbose_name=_("OPD"),
    )
    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    name = models.CharField(_("Nama inovasi"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("Inovasi")
        verbose_name_plural = _("Inovasi")

    def __str__(self):
        return self.name


class State(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Dikirim")
    RETURNED = "returned", _("Dikembalikan untuk perbaikan")
    VERIFIED = "verified", _("Terverifikasi")
    REJECTED = "rejected", _("Ditolak")
    WITHDRAWN = "withdrawn", _("Ditarik")


# Submitted at least once and not withdrawn: these are the innovations the Pemda reports (n).
REPORTED_STATES = {State.SUBMITTED, State.RETURNED, State.VERIFIED, State.REJECTED}
# The operator may edit only these.
EDITABLE_STATES = {State.DRAFT, State.RETURNED}


class Stage(models.TextChoices):
    INITIATIVE = "inisiatif", _("Inisiatif")
    TRIAL = "uji_coba", _("Uji coba")
    IMPLEMENTATION = "penerapan", _("Penerapan")


class InitiatorKind(models.TextChoices):
    HEAD = "kepala_daerah", _("Kepala daerah")
    COUNCIL = "anggota_dprd", _("Anggota DPRD")
    AGENCY = "opd", _("OPD")
    CIVIL_SERVANT = "asn", _("ASN")
    PUBLIC = "masyarakat", _("Masyarakat")


class Kind(models.TextChoices):
    DIGITAL = "digital", _("Digital")
    NON_DIGITAL = "non_digital", _("Non-digital")


class Form(models.TextChoices):
    GOVERNANCE = "tata_kelola", _("Inovasi tata kelola pemerintahan daerah")
    PUBLIC_SERVICE = "pelayanan_publik", _("Inovasi pelayanan publik")
    OTHER = "lainnya", _("Inovasi daerah lainnya")


class SubmissionQuerySet(models.QuerySet):
    def for_cycle(self, cycle):
        return self.filter(cycle=cycle)

    def for_agency(self, agency):
        return self.filter(innovation__agency=agency)

    def reported(self):
        return self.filter(state__in=REPORTED_STATES)

    def awaiting_review(self):
        return self.filter(state=State.SUBMITTED)


class Submission(models.Model):
    """One innovation's report for one cycle: its profile, its answers, and where it is in review."""

    innovation = models.ForeignKey(Innovation, on_delete=models.PROTECT, related_name="submissions")
    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.PROTECT, related_name="submissions")
    state = models.CharField(_("Status"), max_length=10, choices=State.choices, default=State.DRAFT)
    # Optimistic locking: every save increments it; a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    carry_over_note = models.TextField(_("Apa yang berubah sejak tahun lalu"), blank=True)

    # --- profile (the edition's profile fields) ---
    name = models.CharField(_("Nama inovasi"), max_length=200)
    stage = models.CharField(_("Tahapan"), max_length=12, choices=Stage.choices, blank=True)
    initiator_kind = models.CharField(
        _("Inisiator"), max_length=16, choices=InitiatorKind.choices, blank=True
    )
    initiator_name = models.CharField(_("Nama inisiator"), max_length=200, blank=True)
    kind = models.CharField(_("Jenis"), max_length=12, choices=Kind.choices, blank=True)
    form = models.CharField(_("Bentuk"), max_length=20, choices=Form.choices, blank=True)
    main_affair = models.CharField(_("Urusan utama"), max_length=80, blank=True)
    other_affairs = models.JSONField(_("Urusan irisan"), default=list, blank=True)
    theme = models.CharField(_("Tematik"), max_length=120, blank=True)
    trial_date = models.DateField(_("Tanggal uji coba"), null=True, blank=True)
    implementation_date = models.DateField(_("Tanggal penerapan"), null=True, blank=True)
    development_date = models.DateField(_("Tanggal pengembangan terbaru"), null=True, blank=True)
    design = models.TextField(_("Rancang bangun"), blank=True)
    goal = models.TextField(_("Tujuan"), blank=True)
    benefit = models.TextField(_("Manfaat"), blank=True)
    result = models.TextField(_("Hasil inovasi"), blank=True)
    budget = models.DecimalField(
        _("Anggaran (Rp)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    video_url = models.URLField(_("Tautan video"), blank=True)
    # The edition's other profile fields (innovations/profile.py), keyed by field code: texts and
    # choices as strings, dates as ISO strings, documents as lists of evidence Document ids.
    profile_extra = models.JSONField(_("Profil menurut edisi"), default=dict, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    # Who sent it last: separation of duties keeps them from reviewing it.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set when the koordinator reopens a decided report outside the cycle's window: until this day
    # (inclusive) the OPD may correct and resend this one report and reviewers may decide it.
    reopened_until = models.DateField(_("Dibuka kembali sampai"), null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("Laporan inovasi")
        verbose_name_plural = _("Laporan inovasi")
        constraints = [
            models.UniqueConstraint(
                fields=["innovation", "cycle"], name="submission_once_per_cycle"
            ),
        ]
        indexes = [models.Index(fields=["cycle", "state"])]

    def __str__(self):
        return f"{self.name} ({self.cycle.edition.year})" if self.cycle_id else self.name

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def affairs(self) -> list[str]:
        """Every urusan the innovation serves: the main one and the overlapping ones."""
        return [a for a in [self.main_affair, *self.other_affairs] if a]


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Belum diperiksa")
    ACCEPTED = "accepted", _("Diterima")
    LOWERED = "lowered", _("Diturunkan")
    REJECTED = "rejected", _("Ditolak")


LEVEL_CHOICES = [(0, _("Tidak ada / tidak terbukti")), (1, "1"), (2, "2"), (3, "3")]


class ReviewedAnswer(models.Model):
    """What an answer claims, what the reviewer verified, and the conversation about it."""

    claimed_level = models.PositiveSmallIntegerField(
        _("Tingkat yang diklaim"), null=True, blank=True, choices=LEVEL_CHOICES
    )
    verified_level = models.PositiveSmallIntegerField(
        _("Tingkat terverifikasi"), null=True, blank=True, choices=LEVEL_CHOICES
    )
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    review_note = models.TextField(_("Catatan verifikator"), blank=True)
    reply = models.TextField(_("Tanggapan"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    documents = models.ManyToManyField("evidence.Document", blank=True, related_name="+")
    link = models.URLField(_("Tautan bukti (misalnya video)"), blank=True)

    class Meta:
        abstract = True


class Answer(ReviewedAnswer):
    """One SID indicator of one submission."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    indicator_code = models.CharField(max_length=8)
    # Who last changed what a verifier judges (level, documents, link, reply): they may not review it.
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["submission", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator_code"], name="answer_once_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(claimed_level__lte=3) & Q(verified_level__lte=3),
                name="answer_levels_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.indicator_code}: {self.claimed_level}"


class RegionAnswer(ReviewedAnswer):
    """One SPD row of one cycle, answered by the koordinator and reviewed by a second person."""

    cycle = models.ForeignKey("cycles.Cycle", on_delete=models.CASCADE, related_name="spd_answers")
    row_code = models.CharField(max_length=8)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["cycle", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "row_code"], name="spd_answer_once_per_row"),
            models.CheckConstraint(
                condition=Q(claimed_level__lte=3) & Q(verified_level__lte=3),
                name="spd_answer_levels_in_range",
            ),
        ]

    def __str__(self):
        return f"SPD {self.row_code}: {self.claimed_level}"


class FieldComment(models.Model):
    """A reviewer's remark on one profile field, and the operator's answer."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="field_comments"
    )
    field = models.CharField(max_length=40)
    note = models.TextField(_("Catatan"))
    reply = models.TextField(_("Tanggapan"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.field}: {self.note[:40]}"
