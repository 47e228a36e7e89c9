"""Running the evidence checks in the background (Django tasks, database backend).

After an upload commits, `check_document` reads the file once (text layer or OCR, a video's length),
stores the text and the file checks, then checks the document against every answer it backs. When a
claim changes (level, documents, link, the innovation's name), `check_answer` redoes the answer's
checks from the stored text, which takes milliseconds. The checks never change a claim or a review:
they write only `DocumentScan` and `DocumentCheck` rows.
"""

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone, translation

from .checks import ENGINE_VERSION, reuse, runner
from .checks.extract import Extracted, extract
from .models import Document, DocumentCheck, DocumentScan

log = logging.getLogger(__name__)


# --- queueing ---------------------------------------------------------------------------------


def schedule_document(document: Document) -> DocumentScan:
    """Mark the document as waiting to be checked and queue the check once the transaction that
    stored it commits (a worker must not look for a row that is not there yet)."""
    scan, _created = DocumentScan.objects.update_or_create(
        document=document,
        defaults={
            "state": DocumentScan.State.QUEUED,
            "requested_at": timezone.now(),
            "started_at": None,
            "finished_at": None,
        },
    )
    transaction.on_commit(partial(check_document.enqueue, document.pk), robust=True)
    return scan


def schedule_answer(answer_id: int, *, force: bool = False) -> None:
    """Redo an answer's checks after the current transaction commits, if anything they depend on
    changed (a review decision, which changes nothing they read, queues nothing). `force`: another
    answer began or stopped using one of its documents (the reuse hint changes)."""
    transaction.on_commit(partial(_enqueue_if_stale, answer_id, force), robust=True)


def schedule_submission(submission) -> None:
    """The innovation's name may have changed: redo the checks made against another name."""
    transaction.on_commit(partial(_enqueue_renamed, submission.pk, submission.name), robust=True)


def _enqueue_if_stale(answer_id: int, force: bool = False) -> None:
    from sinovda.innovations.models import Answer

    answer = (
        Answer.objects.select_related("submission__cycle__edition").filter(pk=answer_id).first()
    )
    if answer is not None and (force or not is_current(answer)):
        check_answer.enqueue(answer_id, force=force)


def _enqueue_renamed(submission_id: int, name: str) -> None:
    stale = (
        DocumentCheck.objects.filter(answer__submission_id=submission_id)
        .exclude(details__inputs__name=name)
        .order_by()
        .values_list("answer_id", flat=True)
        .distinct()
    )
    for answer_id in stale:
        check_answer.enqueue(answer_id)


@task()
def check_document(document_id: int) -> None:
    run_document(document_id)


@task()
def check_answer(answer_id: int, force: bool = False) -> None:
    run_answer(answer_id, force=force)


# --- reading a document -----------------------------------------------------------------------


def local_path(field_file):
    """A path on this machine holding the stored file (the checks' libraries read paths): the file
    itself on local disk; on object storage a temporary copy, streamed in and deleted afterwards."""
    return field_file.storage.local_path(field_file.name)


def run_document(document_id: int) -> DocumentScan | None:
    """Read the document, store its text and file checks, then check it against its answers."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None  # deleted meanwhile
    scan, _created = DocumentScan.objects.get_or_create(
        document=document, defaults={"requested_at": timezone.now()}
    )
    DocumentScan.objects.filter(pk=scan.pk).update(
        state=DocumentScan.State.RUNNING, started_at=timezone.now()
    )
    try:
        try:
            with local_path(document.file) as path:
                extracted = extract(path, document.kind)
        except OSError as exc:  # the stored file is missing
            extracted = Extracted(kind=document.kind, error=f"{type(exc).__name__}: {exc}")
        with translation.override(settings.LANGUAGE_CODE):
            results = runner.file_results(extracted)
        now = timezone.now()
        with transaction.atomic():
            DocumentScan.objects.filter(pk=scan.pk).update(
                state=DocumentScan.State.DONE,
                text=extracted.text,
                text_source=extracted.text_source,
                pages=extracted.pages,
                ocr_pages=extracted.ocr_pages,
                ocr_words=extracted.ocr_words,
                readable=extracted.readable,
                duration=extracted.duration,
                engine_version=ENGINE_VERSION,
                finished_at=now,
                seconds=extracted.seconds.get("total"),
            )
            DocumentCheck.objects.filter(document=document, answer=None).delete()
            DocumentCheck.objects.bulk_create(
                DocumentCheck(
                    document=document,
                    code=r.code,
                    status=r.status,
                    message=r.message,
                    details=r.details,
                    checked_at=now,
                    engine_version=ENGINE_VERSION,
                )
                for r in results
            )
    except Exception:
        log.exception("evidence check of document %s failed", document_id)
        DocumentScan.objects.filter(pk=scan.pk).update(
            state=DocumentScan.State.FAILED, finished_at=timezone.now()
        )
        raise
    from sinovda.innovations.models import Answer

    for answer_id in Answer.documents.through.objects.filter(document_id=document_id).values_list(
        "answer_id", flat=True
    ):
        run_answer(answer_id, force=True)
    scan.refresh_from_db()
    return scan


# --- checking a document against an answer ----------------------------------------------------


def _inputs(answer, document_ids) -> dict:
    """What an answer's checks were made against; a change means they must be redone."""
    return {
        "level": answer.claimed_level,
        "name": answer.submission.name,
        "link": answer.link,
        "documents": sorted(document_ids),
        "engine": ENGINE_VERSION,
    }


def _checked_documents(answer) -> list[Document]:
    """The answer's documents that have been read (the others are checked when they are)."""
    return list(answer.documents.filter(scan__state=DocumentScan.State.DONE).select_related("scan"))


def is_current(answer) -> bool:
    """Whether the stored checks of the answer were made against what it claims now."""
    documents = _checked_documents(answer)
    stored = DocumentCheck.objects.filter(answer=answer).values_list("details", flat=True).first()
    if stored is None:
        return not documents and not answer.link
    return stored.get("inputs") == _inputs(answer, [d.pk for d in documents])


def _context(answer, document=None) -> runner.Context:
    submission = answer.submission
    return runner.Context(
        edition=submission.cycle.edition.spec(),
        indicator_code=answer.indicator_code,
        level=answer.claimed_level or None,
        innovation_name=submission.name,
        link=answer.link,
        uploaded_on=timezone.localdate(document.uploaded_at) if document else None,
        metadata_date=document.date if document else None,
    )


def _from_scan(document, scan) -> Extracted:
    return Extracted(
        kind=document.kind,
        readable=scan.readable,
        pages=scan.pages,
        text=scan.text,
        text_source=scan.text_source,
        ocr_pages=scan.ocr_pages,
        ocr_words=scan.ocr_words,
        duration=scan.duration,
    )


def uses_elsewhere(answer, document) -> list[reuse.Use]:
    """The same bytes backing the OPD's other innovations, this year or earlier. Only the answer's
    own OPD is searched, so nothing of another OPD is ever named."""
    from sinovda.innovations.models import Answer, State

    submission = answer.submission
    agency_id = submission.innovation.agency_id
    same_bytes = Document.objects.filter(
        region_id=document.region_id, sha256=document.sha256
    ).filter(Q(agency_id=agency_id) | Q(agency=None))
    others = (
        Answer.objects.filter(
            documents__in=same_bytes,
            submission__innovation__agency_id=agency_id,
            submission__cycle__edition__year__lte=submission.cycle.edition.year,
        )
        .exclude(submission=submission)
        .exclude(submission__state=State.WITHDRAWN)
        .values_list("submission__name", "submission__cycle__edition__year", "indicator_code")
        .distinct()
    )
    return [reuse.Use(name, year, code) for name, year, code in others]


def run_answer(answer_id: int, *, force: bool = False) -> list[DocumentCheck]:
    """Check each read document of the answer (and its link) against its claim; replaces the
    answer's earlier checks. Does nothing when nothing they depend on changed (unless `force`)."""
    from sinovda.innovations.models import Answer

    answer = (
        Answer.objects.select_related("submission__cycle__edition", "submission__innovation")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None:
        return []
    documents = _checked_documents(answer)
    inputs = _inputs(answer, [d.pk for d in documents])
    existing = list(DocumentCheck.objects.filter(answer=answer))
    if not force and existing and all(row.details.get("inputs") == inputs for row in existing):
        return existing
    now = timezone.now()
    rows = []
    year = answer.submission.cycle.edition.year
    with translation.override(settings.LANGUAGE_CODE):
        for document in documents:
            context = _context(answer, document)
            results = runner.answer_results(_from_scan(document, document.scan), context)
            results.append(reuse.check(uses_elsewhere(answer, document), year=year))
            rows += [_row(r, now, inputs, document=document, answer=answer) for r in results]
        link = runner.link_result(_context(answer))
        if link is not None:
            rows.append(_row(link, now, inputs, answer=answer))
    with transaction.atomic():
        DocumentCheck.objects.filter(answer=answer).delete()
        return DocumentCheck.objects.bulk_create(rows)


def _row(result, now, inputs, *, answer, document=None) -> DocumentCheck:
    return DocumentCheck(
        document=document,
        answer=answer,
        code=result.code,
        status=result.status,
        message=result.message,
        details={**result.details, "inputs": inputs},
        checked_at=now,
        engine_version=ENGINE_VERSION,
    )
