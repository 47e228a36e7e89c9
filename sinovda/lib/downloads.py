"""Responses that hand a private file to the person who may have it, and nothing more.

Every download is an attachment that must never run as part of our site: no sniffing, a sandboxing
Content-Security-Policy (no scripts, no plugins, no same-origin access even if a browser decided to
render it), never cached. Behind nginx (EVIDENCE_X_ACCEL_PREFIX) with files on local disk, the web
server sends the bytes from an `internal` location after this permission-checked view said yes. On
object storage the view streams the object itself, piece by piece, with the same headers: no bucket
address, signed or not, ever reaches a browser (docs/decisions.md).
"""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .storage import StorageUnavailable

DOWNLOAD_CSP = "default-src 'none'; sandbox"
CHUNK_BYTES = 64 * 1024  # per read from disk or from the storage's connection
RETRY_AFTER_SECONDS = 30


def as_attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def storage_unavailable_response():
    """503 while the storage cannot be reached: a plain sentence, and when to try again."""
    response = HttpResponse(
        _("Penyimpanan berkas sedang tidak dapat dihubungi. Unduh lagi beberapa saat lagi."),
        content_type="text/plain; charset=utf-8",
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def private_file(field_file, *, content_type: str, filename: str):
    """The stored file of `field_file` (private storage) as a safe attachment; 404 if it is gone,
    503 if the storage cannot be reached."""
    storage = field_file.storage
    prefix = getattr(settings, "EVIDENCE_X_ACCEL_PREFIX", "")
    if prefix and getattr(storage, "is_local", True):
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(field_file.name)
        return as_attachment(response, filename)
    try:
        if hasattr(storage, "stream"):
            handle, size = storage.stream(field_file.name)
        else:
            handle, size = field_file.open("rb"), None
    except FileNotFoundError:
        raise Http404 from None
    except StorageUnavailable:
        return storage_unavailable_response()
    response = FileResponse(handle, content_type=content_type)
    response.block_size = CHUNK_BYTES
    if size is not None:
        response["Content-Length"] = str(size)
    return as_attachment(response, filename)
