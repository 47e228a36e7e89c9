"""The automatic checks as the pages show them: per answer, per document, in a fixed number of queries.

Only documents the person may open get hints (`Document.objects.visible_to`), so a hint never tells
anyone about a file they could not download.
"""

from dataclasses import dataclass, field

from django.db.models import Q, prefetch_related_objects

from .actions import may_recheck
from .checks import ENGINE_VERSION, LABELS, ORDER, SEVERITY, Status
from .models import CheckStatus, Document, DocumentCheck, DocumentScan

ICONS = {"ok": "✓", "warning": "!", "problem": "✗", "unknown": "?"}


@dataclass
class Hint:
    code: str
    status: str
    message: str
    details: dict

    @property
    def label(self) -> str:
        return str(LABELS.get(self.code, self.code))

    @property
    def status_label(self) -> str:
        return str(CheckStatus(self.status).label)

    @property
    def icon(self) -> str:
        return ICONS[self.status]


@dataclass
class DocumentHints:
    document: Document
    state: str  # none (never checked), queued, running, done, failed
    hints: list[Hint] = field(default_factory=list)
    answer_pending: bool = False  # read, but not yet checked against the answer's claim
    can_recheck: bool = False

    @property
    def pending(self) -> bool:
        return self.state in ("queued", "running") or self.answer_pending

    @property
    def worst(self) -> str:
        return max((h.status for h in self.hints), key=lambda s: SEVERITY[Status(s)], default="ok")

    @property
    def notes(self) -> list[Hint]:
        """The hints worth reading: everything but the all-clear ones."""
        return [h for h in self.hints if h.status != Status.OK]

    @property
    def worst_label(self) -> str:
        return str(CheckStatus(self.worst).label)

    @property
    def worst_icon(self) -> str:
        return ICONS[self.worst]


@dataclass
class AnswerHints:
    documents: dict[int, DocumentHints] = field(default_factory=dict)
    link: list[Hint] = field(default_factory=list)


def _ordered(rows) -> list[Hint]:
    rank = {code: i for i, code in enumerate(ORDER)}
    rows = sorted(rows, key=lambda r: rank.get(r.code, len(rank)))
    return [Hint(r.code, r.status, r.message, r.details) for r in rows]


def _current(row, answer) -> bool:
    inputs = row.details.get("inputs") or {}
    return (
        row.engine_version == ENGINE_VERSION
        and inputs.get("level") == answer.claimed_level
        and inputs.get("name") == answer.submission.name
        and inputs.get("link") == answer.link
    )


def for_answers(access, answers) -> dict[int, AnswerHints]:
    """{answer id: AnswerHints} for answers whose documents are prefetched (`documents`)."""
    answers = [a for a in answers if a is not None]
    prefetch_related_objects(answers, "documents")  # a no-op when the view prefetched them
    documents = {d.pk: d for a in answers for d in a.documents.all()}
    if not answers or not access.sees_evidence:
        return {}
    visible = set(
        Document.objects.visible_to(access).filter(pk__in=documents).values_list("pk", flat=True)
    )
    scans = {
        s.document_id: s
        for s in DocumentScan.objects.filter(document_id__in=visible).only("document_id", "state")
    }
    rows = list(
        DocumentCheck.objects.filter(
            Q(document_id__in=visible, answer=None) | Q(answer__in=answers)
        ).only("document_id", "answer_id", "code", "status", "message", "details", "engine_version")
    )
    file_rows: dict[int, list] = {}
    answer_rows: dict[tuple[int, int | None], list] = {}
    for row in rows:
        if row.answer_id is None:
            file_rows.setdefault(row.document_id, []).append(row)
        else:
            answer_rows.setdefault((row.answer_id, row.document_id), []).append(row)
    out = {}
    for answer in answers:
        result = AnswerHints()
        for document in answer.documents.all():
            if document.pk not in visible:
                continue
            scan = scans.get(document.pk)
            state = scan.state if scan else "none"
            own = answer_rows.get((answer.pk, document.pk), [])
            stale = not own or not all(_current(r, answer) for r in own)
            result.documents[document.pk] = DocumentHints(
                document=document,
                state=state,
                hints=_ordered([*file_rows.get(document.pk, []), *([] if stale else own)]),
                answer_pending=state == DocumentScan.State.DONE and stale,
                can_recheck=may_recheck(access, document),
            )
        result.link = _ordered(
            r for r in answer_rows.get((answer.pk, None), []) if _current(r, answer)
        )
        out[answer.pk] = result
    return out
