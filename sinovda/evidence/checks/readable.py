"""Does the file open? A PDF parses (pypdf), a picture decodes (Pillow), an MP4 parses (mutagen)."""

from django.utils.translation import gettext as _

from . import Result, Status
from .extract import Extracted

KIND_LABELS = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "mp4": "MP4"}


def check(extracted: Extracted) -> Result:
    kind = KIND_LABELS.get(extracted.kind, extracted.kind.upper())
    details = {"kind": extracted.kind, "pages": extracted.pages}
    if not extracted.readable:
        details["error"] = extracted.error
        return Result(
            "readable",
            Status.PROBLEM,
            _(
                "Berkas %(kind)s ini tidak dapat dibuka; mungkin rusak atau terpotong saat "
                "diunggah. Buka berkasnya di komputer Anda, lalu unggah ulang berkas yang utuh."
            )
            % {"kind": kind},
            details,
        )
    if extracted.kind == "pdf":
        message = _("PDF dapat dibuka (%(pages)s halaman).") % {"pages": extracted.pages}
    elif extracted.kind == "mp4":
        details["duration"] = extracted.duration
        message = _("Video MP4 dapat dibuka.")
    else:
        message = _("Gambar %(kind)s dapat dibuka.") % {"kind": kind}
    return Result("readable", Status.OK, message, details)
