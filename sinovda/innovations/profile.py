"""A report's profile as the national application's form lays it out: numbered, labelled, in order.

Exports (the hand-off pack, the PDFs, the rekap) read the profile only through `profile_rows`, so the
national numbering and labels live in one place (../shared/reference/national-form.md). Which fields
an edition has is the edition's data; this module turns a submission into rows.
"""

from dataclasses import dataclass, field

from django.utils import formats

from .models import Submission


@dataclass(frozen=True)
class ProfileRow:
    code: str  # our field name (Submission attribute or profile field code)
    number: str  # the national form's numbering, e.g. "1.15"
    label: str  # the national form's label, verbatim
    value: str  # the value as text, ready to copy into the national application
    kind: str = "text"  # text, choice, date, number, url, documents
    documents: list = field(default_factory=list)  # evidence Documents for file fields


# (number, national label, our field) in the national form's order.
NATIONAL_FIELDS = [
    ("1.1", "Nama Inovasi", "name"),
    ("1.2", "Dibuat Oleh", "agency"),
    ("1.3", "Tahapan Inovasi", "stage"),
    ("1.4", "Inisiator Inovasi Daerah", "initiator_kind"),
    ("1.5", "Nama Inisiator", "initiator_name"),
    ("1.6", "Jenis Inovasi", "kind"),
    ("1.7", "Bentuk Inovasi Daerah", "form"),
    ("1.8", "Tematik", "theme"),
    ("1.11", "Urusan Pemerintahan", "affairs"),
    ("1.12", "Waktu Uji Coba Inovasi Daerah", "trial_date"),
    ("1.13", "Waktu Penerapan Inovasi Daerah", "implementation_date"),
    ("1.15", "Rancang Bangun", "design"),
    ("1.16", "Tujuan Inovasi", "goal"),
    ("1.17", "Manfaat yang Diperoleh", "benefit"),
    ("1.19", "Hasil Inovasi", "result"),
    ("-", "Anggaran (Rp)", "budget"),
    ("-", "Tautan Video", "video_url"),
]


def _text(submission: Submission, name: str) -> tuple[str, str]:
    if name == "agency":
        return submission.innovation.agency.name, "text"
    if name == "affairs":
        main, others = submission.main_affair, submission.other_affairs
        value = main + (f" (beririsan: {', '.join(others)})" if others else "")
        return value, "choice"
    value = getattr(submission, name)
    if value in (None, ""):
        return "", "text"
    model_field = Submission._meta.get_field(name)
    if model_field.choices:
        return str(getattr(submission, f"get_{name}_display")()), "choice"
    if name.endswith("_date"):
        return formats.date_format(value, "j F Y"), "date"
    if name == "budget":
        return formats.number_format(value, 0, force_grouping=True), "number"
    if name == "video_url":
        return value, "url"
    return str(value), "text"


def profile_rows(submission: Submission) -> list[ProfileRow]:
    """The submission's profile in the national form's order, as text."""
    rows = []
    for number, label, name in NATIONAL_FIELDS:
        value, kind = _text(submission, name)
        rows.append(ProfileRow(code=name, number=number, label=label, value=value, kind=kind))
    return rows
