"""Automatic evidence checks: hints for the operator and the verifier, never a verdict.

Each check is a module with a function over what `extract.extract` read from the file (text, page
count, video duration) and, for the checks that depend on the answer, a `Context` (edition,
indicator, claimed level, innovation name, link). They import nothing from the database, so the
labelled test set (tests/evidence_set) runs them without one; `sinovda/evidence/tasks.py` runs them in
the background after an upload and stores the results as `DocumentCheck` rows.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

# Raised whenever a check changes what it reports: stored results of an older version are redone.
ENGINE_VERSION = "1"


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"
    UNKNOWN = "unknown"


# Worst first: a document's summary shows its worst status.
SEVERITY = {Status.PROBLEM: 3, Status.WARNING: 2, Status.UNKNOWN: 1, Status.OK: 0}

# Checks on the file alone, and checks against the answer it backs; in the order they are shown.
FILE_CHECKS = ("readable", "text")
ANSWER_CHECKS = ("date", "name", "signer", "video", "reuse")
LINK_CHECK = "link"
ORDER = (*FILE_CHECKS, *ANSWER_CHECKS, LINK_CHECK)

LABELS = {
    "readable": _("Berkas dapat dibuka"),
    "text": _("Teks dokumen"),
    "date": _("Tanggal dokumen"),
    "name": _("Nama inovasi"),
    "signer": _("Penanda tangan"),
    "video": _("Durasi video"),
    "reuse": _("Pemakaian berkas"),
    "link": _("Tautan bukti"),
}


@dataclass(frozen=True)
class Result:
    """One check's outcome: a status, a sentence for people, and details for the record."""

    code: str
    status: Status
    message: str
    details: dict = field(default_factory=dict)


def worst(statuses) -> Status:
    return max(statuses, key=lambda s: SEVERITY[Status(s)], default=Status.OK)
