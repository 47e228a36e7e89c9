"""Is there text to read? A PDF's text layer, or what OCR read from a scan or a picture.

A decree or report that is a scan nobody can read (blurred, dark, too small) is a common reason for
a return; a photo of an activity without words is normal, so pictures are never a problem here.
"""

from django.utils.translation import gettext as _

from . import Result, Status
from .extract import Extracted, letters

# A scan with fewer words read with confidence than this is not readable.
MIN_OCR_WORDS = 25


def check(extracted: Extracted) -> Result | None:
    if not extracted.readable or extracted.kind == "mp4":
        return None
    details = {
        "source": extracted.text_source,
        "letters": letters(extracted.text),
        "ocr_pages": extracted.ocr_pages,
        "ocr_words": extracted.ocr_words,
        "pages": extracted.pages,
        "seconds": extracted.seconds,
    }
    picture = extracted.kind in ("jpg", "png")
    if extracted.ocr_error:
        details["ocr_error"] = extracted.ocr_error
        return Result(
            "text",
            Status.UNKNOWN,
            _("Teks belum dapat dibaca otomatis (OCR tidak berjalan). Periksa ulang nanti."),
            details,
        )
    if extracted.text_source == "layer":
        return Result(
            "text",
            Status.OK,
            _("PDF memiliki teks yang dapat dibaca (bukan hasil pindaian)."),
            details,
        )
    if extracted.ocr_words >= MIN_OCR_WORDS:
        if picture:
            message = _("Teks pada gambar terbaca dengan OCR (%(words)s kata).")
        else:
            message = _(
                "PDF hasil pindaian; teks terbaca dengan OCR (%(words)s kata dari %(pages)s "
                "halaman yang dibaca)."
            )
        return Result(
            "text",
            Status.OK,
            message % {"words": extracted.ocr_words, "pages": extracted.ocr_pages},
            details,
        )
    if picture:
        return Result(
            "text",
            Status.UNKNOWN,
            _(
                "Hampir tidak ada teks terbaca pada gambar ini. Itu wajar untuk foto kegiatan; "
                "untuk dokumen, unggah PDF yang jelas."
            ),
            details,
        )
    return Result(
        "text",
        Status.PROBLEM,
        _(
            "PDF ini hasil pindaian yang hampir tidak terbaca (%(words)s kata terbaca). "
            "Pindai ulang dengan lebih jelas (lurus, terang, minimal 200 dpi) atau unggah PDF "
            "asli dari aplikasi pengolah kata."
        )
        % {"words": extracted.ocr_words},
        details,
    )
