from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .storage import private_storage


def evidence_path(instance, filename):
    # Files are named by their hash, never by what the uploader called them. The same bytes may be
    # kept once per OPD and once for the whole Pemda, so the owner is part of the path.
    owner = instance.agency_id or "pemda"
    return f"{instance.region_id}/{owner}/{instance.sha256[:2]}/{instance.sha256}.{instance.kind}"


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPG = "jpg", "JPG"
    PNG = "png", "PNG"
    MP4 = "mp4", "MP4"


# The extensions a download name may end with for each kind; any other gets the kind's added.
EXTENSIONS = {"pdf": (".pdf",), "jpg": (".jpg", ".jpeg"), "png": (".png",), "mp4": (".mp4", ".m4v")}


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, access):
        """The documents of the accessed region this person may open, in one query.

        Region readers (verifikator, koordinator, pimpinan, national admin) see all of them; province
        roles none, unless the region shares its evidence with the province. An operator sees those
        uploaded for its own OPD, those attached to an answer of its own OPD's submissions, and the
        region-wide documents the koordinator uploaded without an OPD (a Perbup on regional
        innovation backs many OPDs' innovations). Anyone else sees none.
        """
        documents = self.filter(region=access.region)
        if access.can_read:
            # Province roles read scores and sent reports, not evidence files, unless the region
            # shares them (docs/decisions.md).
            return documents if access.sees_evidence else documents.none()
        if access.agency is None:
            return documents.none()
        from sinovda.innovations.models import Answer

        attached = Answer.documents.through.objects.filter(
            answer__submission__innovation__agency=access.agency
        ).values("document_id")
        return documents.filter(
            models.Q(agency=access.agency) | models.Q(agency=None) | models.Q(pk__in=attached)
        )


class Document(models.Model):
    """A piece of evidence (bukti dukung) of one Pemda; one document can back many answers."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="documents")
    # PROTECT: deleting an OPD must never turn its documents into region-wide ones (visible to every
    # OPD); OPDs are deactivated, not deleted.
    agency = models.ForeignKey(
        "regions.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(storage=private_storage, upload_to=evidence_path, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=4, choices=FileKind.choices)
    original_name = models.CharField(_("Nama berkas"), max_length=200)
    number = models.CharField(_("Nomor dokumen"), max_length=120, blank=True)
    date = models.DateField(_("Tanggal dokumen"), null=True, blank=True)
    subject = models.CharField(_("Tentang"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("Bukti dukung")
        verbose_name_plural = _("Bukti dukung")
        # The same bytes are kept once per OPD and once region-wide (store_document reuses within
        # what the uploader may see): an OPD never learns that another OPD has the same file.
        constraints = [
            models.UniqueConstraint(
                fields=["region", "agency", "sha256"],
                condition=models.Q(agency__isnull=False),
                name="document_once_per_agency",
            ),
            models.UniqueConstraint(
                fields=["region", "sha256"],
                condition=models.Q(agency__isnull=True),
                name="document_once_region_wide",
            ),
        ]

    def __str__(self):
        return self.subject or self.original_name

    @property
    def content_type(self) -> str:
        from .sniff import CONTENT_TYPES

        return CONTENT_TYPES[self.kind]

    @property
    def download_name(self) -> str:
        """The original name, with the extension of the kind the bytes really are."""
        name = self.original_name or "berkas"
        if not name.lower().endswith(EXTENSIONS.get(self.kind, ())):
            name = f"{name}.{self.kind}"
        return name


class CheckStatus(models.TextChoices):
    OK = "ok", _("Baik")
    WARNING = "warning", _("Perlu diperhatikan")
    PROBLEM = "problem", _("Bermasalah")
    UNKNOWN = "unknown", _("Tidak dapat diperiksa")


class DocumentScan(models.Model):
    """The background reading of one document: where it stands, and the text it gave.

    The text is kept so the checks that depend on an answer (date window, name, signer) can run
    again when the claim changes without reading the file (OCR takes seconds a page) again.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Menunggu giliran")
        RUNNING = "running", _("Sedang diperiksa")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="scan")
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    text = models.TextField(blank=True)
    text_source = models.CharField(max_length=8, blank=True)  # layer, ocr, none
    pages = models.PositiveIntegerField(default=0)
    ocr_pages = models.PositiveSmallIntegerField(default=0)
    ocr_words = models.PositiveIntegerField(default=0)  # words OCR read with confidence
    readable = models.BooleanField(default=False)
    duration = models.FloatField(null=True, blank=True)  # MP4, seconds
    engine_version = models.CharField(max_length=10, blank=True)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)  # time the reading took

    def __str__(self):
        return f"{self.document_id}: {self.state}"

    @property
    def pending(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)


class DocumentCheck(models.Model):
    """One automatic check of a piece of evidence: a hint for people, never a decision.

    File checks (readable, text) have no answer. Checks against a claim (date window, innovation
    name, signer, video length, reuse) belong to the document and the answer it backs; the check of
    an answer's link has an answer and no document.
    """

    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.CASCADE, related_name="checks"
    )
    answer = models.ForeignKey(
        "innovations.Answer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence_checks",
    )
    code = models.CharField(max_length=10)
    status = models.CharField(max_length=8, choices=CheckStatus.choices)
    message = models.TextField()  # Indonesian, as shown
    # The facts behind the message (found date, matched text, score, duration, the rule) and the
    # claim it was checked against ("inputs"), so a changed claim shows the result is out of date.
    details = models.JSONField(default=dict, blank=True)
    checked_at = models.DateTimeField()
    engine_version = models.CharField(max_length=10)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["document", "code"]),
            models.Index(fields=["answer", "code"]),
            models.Index(fields=["code", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(document__isnull=False) | models.Q(answer__isnull=False),
                name="document_check_has_subject",
            ),
            models.UniqueConstraint(
                fields=["document", "code"],
                condition=models.Q(answer__isnull=True),
                name="document_check_once_per_file",
            ),
            models.UniqueConstraint(
                fields=["document", "answer", "code"],
                condition=models.Q(answer__isnull=False, document__isnull=False),
                name="document_check_once_per_answer",
            ),
            models.UniqueConstraint(
                fields=["answer", "code"],
                condition=models.Q(document__isnull=True),
                name="document_check_once_per_link",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.status}"
