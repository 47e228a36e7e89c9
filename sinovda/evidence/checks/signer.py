"""Who signed it? The head of the region or the head of an OPD, as the claimed level asks.

An OPD's decree also mentions the Bupati (the Peraturan Bupati it rests on), so only the signature
block counts: what follows the last "Ditetapkan di" (a decree) up to a copy note ("Salinan sesuai
dengan aslinya", signed by the legal office), the promulgation of a Peraturan ("Diundangkan",
signed by the Sekretaris Daerah) or the list of copies ("Tembusan"); without
"Ditetapkan", the end of the text. "a.n. BUPATI ... KEPALA DINAS" (signed on behalf of the head of
the region) names both. Which level asks for which signer is edition data (`[[evidence_rules]]`).
"""

import re

from django.utils.translation import gettext as _

from . import Result, Status
from .names import normalise

HEAD_OF_REGION = "kepala_daerah"
HEAD_OF_AGENCY = "kepala_opd"
_REGION = re.compile(r"(?<!wakil )\b(bupati|wali kota|gubernur)\b")
_AGENCY = re.compile(
    r"\b(kepala (dinas|badan|kantor|satuan|bagian|bidang|pusat|balai|unit|uptd|upt|puskesmas|"
    r"sekolah|perangkat daerah|organisasi perangkat daerah|rumah sakit|pelaksana)|camat|lurah|"
    r"direktur|inspektur|sekretaris (daerah|dprd|dewan))\b"
)
_SET_AT = "ditetapkan di"
_SET_AT_RAW = re.compile(r"ditetapkan\s+di\b", re.IGNORECASE)
_END = re.compile(r"\b(salinan sesuai|tembusan|lampiran|diundangkan)\b")
BLOCK = 500  # characters of the signature block after "ditetapkan di"
TAIL = 700  # characters at the end when there is no "ditetapkan di"


def signature_block(text: str) -> str:
    """The normalised signature block (only the end of a long text is normalised: it is fast)."""
    last = None
    for last in _SET_AT_RAW.finditer(text):  # noqa: B007 - we want the last one
        pass
    if last is not None:
        block = normalise(text[last.start() : last.start() + 2 * BLOCK])[:BLOCK]
    else:
        block = normalise(text[-2 * TAIL :])[-TAIL:]
    end = _END.search(block, len(_SET_AT) if last is not None else 0)
    return block[: end.start()] if end else block


def signers_in(block: str) -> set[str]:
    found = set()
    if _REGION.search(block):
        found.add(HEAD_OF_REGION)
    if _AGENCY.search(block):
        found.add(HEAD_OF_AGENCY)
    return found


LABELS = {
    HEAD_OF_REGION: _("Kepala Daerah (Bupati/Wali Kota/Gubernur)"),
    HEAD_OF_AGENCY: _("Kepala Perangkat Daerah (Kepala Dinas/Badan dan setara)"),
}


def check(text: str, expected: str, *, level: int | None, source: str) -> Result | None:
    """`expected`: kepala_daerah or kepala_opd, what the claimed level asks (None: no check)."""
    if not expected:
        return None
    values = {"expected": LABELS[expected], "level": level, "source": source}
    details = {"expected": expected, "rule": source}
    if not text:
        return Result(
            "signer",
            Status.UNKNOWN,
            _("Penanda tangan tidak dapat diperiksa karena teksnya tidak terbaca."),
            details,
        )
    block = signature_block(text)
    found = signers_in(block)
    details.update(found=sorted(found), block=block[:300])
    if expected in found:
        return Result(
            "signer",
            Status.OK,
            _("Ditandatangani %(expected)s, sesuai tingkat %(level)s yang diklaim (%(source)s).")
            % values,
            details,
        )
    if not found:
        return Result(
            "signer",
            Status.WARNING,
            _(
                "Penanda tangan tidak ditemukan di bagian akhir dokumen. Tingkat %(level)s "
                "meminta dokumen yang ditandatangani %(expected)s (%(source)s)."
            )
            % values,
            details,
        )
    if expected == HEAD_OF_REGION:
        return Result(
            "signer",
            Status.PROBLEM,
            _(
                "Dokumen ini tampaknya ditandatangani Kepala Perangkat Daerah, sedangkan tingkat "
                "%(level)s yang diklaim meminta dokumen yang ditandatangani %(expected)s "
                "(%(source)s). Unggah dokumen yang sesuai atau klaim tingkat yang lebih rendah."
            )
            % values,
            details,
        )
    return Result(
        "signer",
        Status.WARNING,
        _(
            "Dokumen ini ditandatangani Kepala Daerah, sedangkan tingkat %(level)s meminta "
            "dokumen %(expected)s (%(source)s). Bila dokumen ini memang dari Kepala Daerah, "
            "periksa apakah tingkat yang lebih tinggi dapat diklaim."
        )
        % values,
        details,
    )
