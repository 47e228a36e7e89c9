"""What of a verified report becomes public: the public copy, built field by field.

Public: the innovation's name, OPD and Pemda, year, tahapan, jenis, bentuk, urusan (main and
overlapping), tematik, the dates, the story (rancang bangun, tujuan, manfaat, hasil, misi, prioritas,
perkembangan), the video link, and the verified maturity. A field is public only when this module
names it (by code, or by its group for the parts of the rancang bangun, tujuan and hasil) and it is
neither a document nor a number: a field an edition adds later stays private until someone decides
here that it is public.

Never public: evidence files and document ids (document fields), the budget (an operator's figure
that nobody verifies, and a spending detail the Pemda publishes through its own channels), the
inisiator's name (a person, not an institution; the inisiator kind is public), reviewer notes, field
remarks and replies, claimed levels, who entered, sent, reviewed or published the report. See
docs/catalogue.md.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.text import Truncator

from sinovda.innovations.models import State, Submission
from sinovda.innovations.profile import profile_rows
from sinovda.scores.bridge import submission_maturity

from .search import START, STOP

PUBLIC_CODES = frozenset(
    {
        "stage",
        "initiator_kind",
        "kind",
        "form",
        "theme",
        "priority",
        "mission",
        "affairs",
        "trial_date",
        "implementation_date",
        "developed",
        "development_date",
        "design",
        "goal",
        "benefit",
        "result",
        "video_url",
    }
)
PUBLIC_GROUPS = frozenset({"rancang_bangun", "tujuan", "hasil"})
PRIVATE_TYPES = frozenset({"document", "number"})
# Shown in the page's header rather than among the profile rows.
HEADER_CODES = frozenset({"name", "agency"})
# Kept out of search_text: they are indexed with more weight from their own columns.
FACET_CODES = frozenset({"theme", "affairs"})
SUMMARY_CHARS = 300


def is_public(field) -> bool:
    """Whether an edition's profile field is part of the public copy."""
    if field.type in PRIVATE_TYPES:
        return False
    return field.code in PUBLIC_CODES or field.group in PUBLIC_GROUPS


def clean_text(value: str) -> str:
    """Published text without the search's excerpt markers (search.START/STOP) and NULs."""
    return (value or "").replace(START, "").replace(STOP, "").replace("\x00", "")


@dataclass(frozen=True)
class PublicCopy:
    fields: dict  # Publication field values
    rows: list[dict]


def public_rows(submission: Submission) -> list[dict]:
    """The report's public profile rows in the national form's order: code, number, label, value,
    kind (text, choice, date, url) and whether it is a story text (shown as a section)."""
    edition = submission.cycle.edition.spec()
    fields = {f.code: f for f in edition.profile_fields}
    # The public side speaks Indonesian whatever the koordinator's language is.
    with translation.override("id"):
        rows = profile_rows(submission)
    public = []
    for row in rows:
        field = fields[row.code]
        if row.code in HEADER_CODES or not is_public(field):
            continue
        value = clean_text(row.value).strip()
        if not value:
            continue
        public.append(
            {
                "code": row.code,
                "number": row.number,
                "label": row.label,
                "value": value,
                "kind": row.kind,
                "story": field.type == "longtext",
            }
        )
    return public


def summary_of(rows: list[dict]) -> str:
    """About 300 characters from the tujuan and manfaat, cut at a word."""
    parts = [r["value"] for r in rows if r["code"] in ("goal", "benefit")]
    if not parts:
        parts = [r["value"] for r in rows if r["story"]][:1]
    text = " ".join(" ".join(parts).split())
    return Truncator(text).chars(SUMMARY_CHARS)


def search_text_of(submission: Submission, rows: list[dict]) -> str:
    """The public words the search reads with the lowest weight: the Pemda, the OPD and every
    public row but tematik and urusan (those have their own, heavier, columns)."""
    innovation = submission.innovation
    parts = [submission.cycle.region.name, innovation.agency.name, innovation.agency.short_name]
    parts += [r["value"] for r in rows if r["code"] not in FACET_CODES]
    return clean_text("\n".join(p for p in parts if p))


def public_copy(submission: Submission) -> PublicCopy:
    """The Publication field values for a verified report (the maturity as verified)."""
    if submission.state != State.VERIFIED:
        raise ValueError("only a verified report has a public copy")
    rows = public_rows(submission)
    maturity = submission_maturity(submission)
    innovation = submission.innovation
    fields = {
        "submission": submission,
        "region": submission.cycle.region,
        "agency": innovation.agency,
        "year": submission.cycle.edition.year,
        "name": clean_text(submission.name or innovation.name).strip()[:200],
        "stage": submission.stage,
        "kind": submission.kind,
        "form": submission.form,
        "main_affair": clean_text(submission.main_affair),
        "other_affairs": [clean_text(a) for a in submission.other_affairs or [] if a],
        "theme": clean_text(submission.theme),
        "implementation_date": submission.implementation_date,
        "maturity": Decimal(maturity.verified).quantize(Decimal("0.01")),
        "maturity_max": Decimal(maturity.max).quantize(Decimal("0.01")),
        "profile": rows,
        "summary": summary_of(rows),
        "search_text": search_text_of(submission, rows),
    }
    return PublicCopy(fields=fields, rows=rows)


def latest_verified(innovation) -> Submission | None:
    """The innovation's newest verified report: the one a publication is made from."""
    return (
        Submission.objects.filter(innovation=innovation, state=State.VERIFIED)
        .select_related("cycle__edition", "cycle__region", "innovation__agency")
        .order_by("-cycle__edition__year")
        .first()
    )
