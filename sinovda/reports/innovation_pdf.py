"""One innovation's report as a PDF: profile, indicators with evidence, maturity, review history.

The profile comes from `innovations.profile.profile_rows` (the national form's order and labels),
the maturity from the scores app (`scores.bridge.submission_maturity`, as the report's own page
shows it), the history from the audit trail. Rendering (HTML + pdf.css -> WeasyPrint, nothing
fetched) is shared with the results report (`reports/pdf.py`).

Evidence is listed by its description (number, date, subject, file name); the files themselves are
never put in the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinovda.audit.models import AuditEvent
from sinovda.innovations.models import ReviewState, State, Submission
from sinovda.innovations.profile import profile_rows
from sinovda.scores.bridge import submission_maturity, unreviewed_policy

from .pdf import Progress, render_pdf

# What each audited action on a report means, for the history (anything else shows its code).
ACTIONS = {
    "submission.create": gettext_lazy("Laporan dibuat"),
    "submission.carry_over": gettext_lazy("Laporan dibawa dari tahun sebelumnya"),
    "submission.edit_profile": gettext_lazy("Profil diubah"),
    "answer.claim": gettext_lazy("Klaim indikator diubah"),
    "submission.submit": gettext_lazy("Dikirim untuk diverifikasi"),
    "answer.review": gettext_lazy("Indikator diperiksa"),
    "submission.comment_field": gettext_lazy("Catatan verifikator atas profil"),
    "submission.reply_comment": gettext_lazy("Tanggapan atas catatan profil"),
    "submission.return": gettext_lazy("Dikembalikan untuk perbaikan"),
    "submission.verify": gettext_lazy("Terverifikasi"),
    "submission.reject": gettext_lazy("Ditolak"),
    "submission.withdraw": gettext_lazy("Ditarik"),
    "submission.reopen": gettext_lazy("Dibuka kembali"),
}


@dataclass(frozen=True)
class EvidenceLine:
    number: str
    date: object  # datetime.date | None
    subject: str
    file_name: str


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    name: str
    mandatory: bool
    claimed_level: int | None
    claimed_score: Decimal
    verified_level: int | None  # None while nobody has reviewed it
    verified_score: Decimal | None
    max_score: Decimal
    review_state: str
    review_label: str
    note: str
    reply: str
    link: str
    evidence: list[EvidenceLine] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryLine:
    at: object  # datetime
    actor: str
    action: str
    detail: str
    note: str


def indicator_lines(spec, submission) -> list[IndicatorLine]:
    """Each SID row of the edition with the claim, the review and the evidence behind it."""
    answers = {a.indicator_code: a for a in submission.answers.prefetch_related("documents").all()}
    lines = []
    for row in spec.sid_rows:
        answer = answers.get(row.code)
        reviewed = answer is not None and answer.review_state != ReviewState.PENDING
        claimed = answer.claimed_level if answer else None
        documents = sorted(answer.documents.all(), key=lambda d: d.pk) if answer else []
        lines.append(
            IndicatorLine(
                code=row.code,
                name=row.name,
                mandatory=row.mandatory,
                claimed_level=claimed,
                claimed_score=row.score_of(claimed),
                verified_level=answer.verified_level if reviewed else None,
                verified_score=row.score_of(answer.verified_level) if reviewed else None,
                max_score=row.max_score,
                review_state=answer.review_state if answer else ReviewState.PENDING,
                review_label=(
                    answer.get_review_state_display() if answer else ReviewState.PENDING.label
                ),
                note=answer.review_note if answer else "",
                reply=answer.reply if answer else "",
                link=answer.link if answer else "",
                evidence=[
                    EvidenceLine(d.number, d.date, d.subject, d.original_name) for d in documents
                ],
            )
        )
    return lines


def _state_label(value) -> str:
    return str(State(value).label) if value in State.values else str(value or "")


def _history_line(event, labels: dict[str, str]) -> HistoryLine:
    before, after = event.before or {}, event.after or {}
    detail, note = "", str(after.get("note") or "")
    if "state" in after and isinstance(after["state"], str):
        detail = " → ".join(
            _state_label(s) for s in (before.get("state"), after["state"]) if s is not None
        )
    if event.action in {"answer.claim", "answer.review"}:
        codes = [code for code, value in after.items() if isinstance(value, dict)]
        detail = ", ".join(_("Indikator %(code)s") % {"code": code} for code in codes)
        if event.action == "answer.review" and codes:
            decision = after[codes[0]]
            state = decision.get("state")
            if state in ReviewState.values:
                detail += f": {ReviewState(state).label}"
            note = str(decision.get("note") or "")
    elif event.action == "submission.comment_field":
        detail = labels.get(after.get("field"), after.get("field") or "")
    elif event.action == "submission.reply_comment":
        detail = labels.get(after.get("field"), after.get("field") or "")
        note = str(after.get("reply") or "")
    actor = event.actor.display_name if event.actor else _("sistem")
    return HistoryLine(
        at=event.created_at,
        actor=actor,
        action=str(ACTIONS.get(event.action, event.action)),
        detail=detail,
        note=note,
    )


def history_lines(submission, labels: dict[str, str]) -> list[HistoryLine]:
    """The report's audit trail, oldest first."""
    events = (
        AuditEvent.objects.for_object(submission)
        .select_related("actor")
        .order_by("created_at", "id")
    )
    return [_history_line(event, labels) for event in events]


def innovation_context(submission) -> dict:
    submission = Submission.objects.select_related(
        "innovation__agency", "cycle__edition", "cycle__region"
    ).get(pk=submission.pk)
    spec = submission.cycle.edition.spec()
    profile = profile_rows(submission)
    labels = {row.code: row.label for row in profile}
    return {
        "submission": submission,
        "cycle": submission.cycle,
        "region": submission.cycle.region,
        "year": submission.cycle.edition.year,
        "agency": submission.innovation.agency,
        "maturity": submission_maturity(submission),
        "policy": unreviewed_policy(),
        "profile": profile,
        "indicators": indicator_lines(spec, submission),
        "comments": [
            (labels.get(c.field, c.field), c)
            for c in submission.field_comments.select_related("author").order_by("created_at")
        ],
        "history": history_lines(submission, labels),
        "today": timezone.localdate(),
    }


def render_html(submission) -> str:
    return render_to_string("reports/pdf/innovation.html", innovation_context(submission))


def write_innovation_pdf(submission, out, progress: Progress) -> None:
    """One innovation's report as a PDF, written to the binary file object `out`."""
    with translation.override(settings.LANGUAGE_CODE):
        progress(10, _("Membaca laporan inovasi"))
        html = render_html(submission)
        progress(40, _("Membuat PDF"))
        render_pdf(html, out, progress=progress)
        progress(100, _("Selesai"))
