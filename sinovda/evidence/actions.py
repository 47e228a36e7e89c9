"""Storing evidence: one function, atomic and audited, that decides from the bytes what may be kept."""

import hashlib
import logging
import math
import mmap
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from sinovda.audit.models import record, snapshot
from sinovda.lib.storage import StorageUnavailable

from . import tasks
from .models import Document, DocumentScan
from .sniff import HEAD_BYTES, LABELS, Refused, detect_kind, label_list, sniff

log = logging.getLogger(__name__)
MB = 1024 * 1024
CHUNK_BYTES = 64 * 1024
NAME_MAX = 150  # characters of the original name we keep (it is only ever shown)
AUDIT_FIELDS = ("original_name", "kind", "size", "sha256", "number", "date", "subject", "agency")


@dataclass(frozen=True)
class Inspected:
    """What the bytes of an upload turned out to be."""

    kind: str
    sha256: str
    size: int
    name: str  # the sanitised original name


def max_bytes(kind: str) -> int:
    return int(settings.EVIDENCE_MAX_BYTES[kind])


def format_mb(size: int) -> str:
    """12,3 MB (in the current language's number format), rounded up so it never looks under a limit."""
    value = math.ceil(size * 10 / MB) / 10
    return number_format(value, 0 if value == int(value) else 1) + " MB"


def limits_text() -> str:
    """ "PDF 10 MB, JPG 5 MB, PNG 5 MB, MP4 50 MB"."""
    return ", ".join(f"{LABELS[k]} {format_mb(max_bytes(k))}" for k in LABELS)


def too_large(kind: str, size: int | None) -> Refused:
    limit = {"limit": format_mb(max_bytes(kind)), "kind": LABELS[kind]}
    if size is None:
        message = _(
            "Ukuran berkas melebihi batas %(limit)s untuk %(kind)s. Perkecil berkas lalu unggah lagi."
        )
    else:
        limit["size"] = format_mb(size)
        message = _(
            "Ukuran berkas %(size)s melebihi batas %(limit)s untuk %(kind)s. "
            "Perkecil berkas lalu unggah lagi."
        )
    return Refused(message % limit, "too_large")


def not_allowed(kind: str, allowed_kinds) -> Refused:
    if not allowed_kinds:
        return Refused(
            _("Indikator ini tidak menerima berkas. Cantumkan tautan sebagai bukti."),
            "kind_not_allowed",
        )
    accepted = label_list(allowed_kinds)
    return Refused(
        _(
            "Indikator ini hanya menerima %(accepted)s, sedangkan berkas ini %(kind)s. "
            "Unggah bukti dalam bentuk %(accepted)s."
        )
        % {"accepted": accepted, "kind": LABELS[kind]},
        "kind_not_allowed",
    )


_UNSAFE_CHARACTERS = re.compile(r'[<>:"|?*\\]')


def sanitise_name(name, kind: str) -> str:
    """The name as the uploader's computer called it, made safe to show: no folders, no control or
    direction characters, no characters with meaning in HTML or file systems, a bounded length.
    It is never used as a path (files are stored under their hash)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: control characters; Cf: format characters such as U+202E RIGHT-TO-LEFT OVERRIDE, which can
    # make "gpj.exe" look like "exe.jpg"; Zl/Zp: line and paragraph separators.
    name = "".join(
        " " if unicodedata.category(c) in {"Zs", "Zl", "Zp"} else c
        for c in name
        if unicodedata.category(c) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    name = _UNSAFE_CHARACTERS.sub("", name)
    name = " ".join(name.split()).strip(" .")
    if not name:
        return f"berkas.{kind}"
    if len(name) > NAME_MAX:
        path = PurePosixPath(name)
        suffix = path.suffix if 1 < len(path.suffix) <= 6 else ""
        name = name[: NAME_MAX - len(suffix)].rstrip(" .") + suffix
    return name


def _read_head(uploaded_file) -> bytes:
    head = b""
    while len(head) < HEAD_BYTES:
        piece = uploaded_file.read(HEAD_BYTES - len(head))
        if not piece:
            break
        head += piece
    return head


@contextmanager
def _whole(uploaded_file, size: int):
    """The whole file for the scans: mapped from disk when it is on disk (never read into memory),
    else (a small upload Django kept in memory) its bytes."""
    path = getattr(uploaded_file, "temporary_file_path", None)
    if path is not None:
        with open(path(), "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield data
    else:
        uploaded_file.seek(0)
        yield uploaded_file.read(size)


def inspect_upload(uploaded_file, *, allowed_kinds=None) -> Inspected:
    """Read the upload once in chunks (hashing and counting, stopping as soon as it is too large),
    then sniff it. Raises `Refused` with a message that says how to fix the file."""
    uploaded_file.seek(0)
    head = _read_head(uploaded_file)
    kind = detect_kind(head)
    if allowed_kinds is not None and kind not in allowed_kinds:
        raise not_allowed(kind, allowed_kinds)
    limit = max_bytes(kind)
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise too_large(kind, declared)
    digest = hashlib.sha256(head)
    size = len(head)
    while chunk := uploaded_file.read(CHUNK_BYTES):
        size += len(chunk)
        if size > limit:
            raise too_large(kind, declared if declared and declared >= size else None)
        digest.update(chunk)
    with _whole(uploaded_file, size) as data:
        if len(data) != size:  # pragma: no cover - the file changed under us
            raise Refused(_("Berkas berubah saat diperiksa. Unggah lagi."), "changed")
        sniff(data)
    name = sanitise_name(getattr(uploaded_file, "name", ""), kind)
    return Inspected(kind=kind, sha256=digest.hexdigest(), size=size, name=name)


def store_document(
    region,
    uploaded_file,
    *,
    agency,
    number,
    date,
    subject,
    acting_user,
    allowed_kinds=None,
) -> tuple[Document, bool]:
    """Keep an evidence file of the region for `agency` (None: the whole region), or find the same
    file already kept for it.

    Returns (document, created). When a document with the same bytes (sha256) already exists for the
    same OPD, or region-wide, it is returned with created=False and nothing new is stored, so the
    person can reuse it. The same bytes kept by another OPD are not reused: the uploader may not see
    that document, and must not learn that it exists (see `_same_file`).
    Raises `Refused` (with an Indonesian message) for a file we do not accept.
    """
    inspected = inspect_upload(uploaded_file, allowed_kinds=allowed_kinds)
    with transaction.atomic():
        existing = _same_file(region, agency, inspected.sha256)
        if existing is not None:
            return existing, False
        document = Document(
            region=region,
            agency=agency,
            sha256=inspected.sha256,
            size=inspected.size,
            kind=inspected.kind,
            original_name=inspected.name,
            number=number or "",
            date=date,
            subject=subject or "",
            uploaded_by=acting_user if getattr(acting_user, "is_authenticated", False) else None,
        )
        uploaded_file.seek(0)
        try:
            # Streams: from Django's temporary file on disk, in parts (sinovda/lib/storage.py).
            document.file.save(inspected.name, uploaded_file, save=False)
        except StorageUnavailable:
            log.exception("evidence upload of region %s not stored", region.pk)
            raise storage_unavailable() from None
        try:
            try:
                with transaction.atomic():
                    document.save()
            except IntegrityError:
                # The same file was stored by someone else a moment ago: use theirs.
                _discard(document.file)
                return _same_file(region, agency, inspected.sha256), False
            record(
                "document.upload",
                actor=acting_user,
                obj=document,
                region=region,
                after=snapshot(document, AUDIT_FIELDS),
            )
            # The automatic checks run in the background once this transaction commits.
            tasks.schedule_document(document)
        except BaseException:
            _discard(document.file)
            raise
    return document, True


def storage_unavailable() -> Refused:
    return Refused(
        _(
            "Penyimpanan berkas sedang tidak dapat dihubungi; berkas ini belum tersimpan. "
            "Unggah ulang beberapa saat lagi."
        ),
        "storage_unavailable",
    )


def _discard(field_file) -> None:
    """Remove a file whose row was not kept. If the storage fails now, the object stays without a
    row (harmless: nothing points at it) and the original error is what the caller sees."""
    try:
        field_file.delete(save=False)
    except StorageUnavailable:
        log.warning("could not remove unrecorded evidence file %s", field_file.name)


def _same_file(region, agency, sha256: str) -> Document | None:
    """The document with these bytes that an upload for `agency` may reuse: the OPD's own, else a
    region-wide one (every OPD of the region sees those). A region-wide upload reuses only a
    region-wide document, so a koordinator's upload never turns into an OPD's document."""
    scope = Q(agency=None) if agency is None else Q(agency=agency) | Q(agency=None)
    return (
        Document.objects.filter(scope, region=region, sha256=sha256)
        .order_by(F("agency").asc(nulls_last=True))
        .select_related("uploaded_by", "agency")
        .first()
    )


# A check already waiting or running is not queued again before this many seconds (OCR is slow;
# pressing the button twice must not read the file twice).
RECHECK_AFTER_SECONDS = 600


def may_recheck(access, document) -> bool:
    """The uploader and the koordinator may ask for the automatic checks again."""
    uploader = document.uploaded_by_id is not None and document.uploaded_by_id == access.user.pk
    return uploader or access.can_manage


def request_recheck(access, document) -> bool:
    """Run the document's automatic checks again (after a fix of the checks, or a stuck one).
    Returns False when a check of it is already waiting or running. The caller has made sure the
    person may see the document; this refuses anyone but the uploader and the koordinator."""
    if not may_recheck(access, document):
        raise PermissionDenied
    with transaction.atomic():
        scan = DocumentScan.objects.select_for_update().filter(document=document).first()
        if (
            scan is not None
            and scan.pending
            and (timezone.now() - scan.requested_at).total_seconds() < RECHECK_AFTER_SECONDS
        ):
            return False
        tasks.schedule_document(document)
        record(
            "document.recheck",
            actor=access.user,
            obj=document,
            region=access.region,
            before={"state": scan.state if scan else None},
            after={"state": DocumentScan.State.QUEUED},
        )
    return True
