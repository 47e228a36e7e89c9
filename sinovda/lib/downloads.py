"""Responses that hand a private file to the person who may have it, and nothing more.

Every download is an attachment that must never run as part of our site: no sniffing, a sandboxing
Content-Security-Policy (no scripts, no plugins, no same-origin access even if a browser decided to
render it), never cached. Behind nginx (EVIDENCE_X_ACCEL_PREFIX) the web server sends the bytes from
an `internal` location after this permission-checked view said yes.
"""

from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

DOWNLOAD_CSP = "default-src 'none'; sandbox"


def as_attachment(response, filename: str):
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def private_file(field_file, *, content_type: str, filename: str):
    """The stored file of `field_file` (private storage) as a safe attachment; 404 if it is gone."""
    prefix = getattr(settings, "EVIDENCE_X_ACCEL_PREFIX", "")
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(field_file.name)
    else:
        try:
            handle = field_file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(handle, content_type=content_type)
    return as_attachment(response, filename)
