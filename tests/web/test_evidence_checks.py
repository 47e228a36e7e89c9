"""Automatic evidence checks as people see them: hints for the operator before sending and for the
verifier beside each document, the pending state, re-running, who sees what, and that a hint never
blocks sending or reviewing (issue 12 part 2).

Files come from the labelled set (tests/evidence_set/files, text PDFs only: no OCR here). Tasks run
with the immediate backend when a test lets the on-commit callbacks run.
"""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.evidence import hints, tasks
from sinovda.evidence.checks import ENGINE_VERSION
from sinovda.evidence.models import Document, DocumentCheck, DocumentScan
from sinovda.innovations.models import Answer, ReviewState, State, Submission
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

SET = Path(__file__).resolve().parent.parent / "evidence_set" / "files"
SIPANDAI = "SIPANDAI (Sistem Pelayanan Administrasi Desa Terintegrasi)"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DUMMY = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def draft(cycle, agency):
    return factories.submission(
        cycle, agency=agency, name=SIPANDAI, levels=factories.mandatory_levels(cycle, 2)
    )


@pytest.fixture
def immediate(settings):
    settings.TASKS = IMMEDIATE


def url(name, s, *extra):
    return reverse(
        name, args=[s.cycle.region.code, s.cycle.edition.year, s.innovation.public_id, *extra]
    )


def upload(client, region, filename, subject="SK Inovasi"):
    data = (SET / filename).read_bytes()
    response = client.post(
        reverse("document_upload", args=[region.code]),
        {"file": SimpleUploadedFile(filename, data), "subject": subject},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return Document.objects.get(original_name=filename)


def claim(client, submission, code, level, documents=(), link=""):
    submission.refresh_from_db()
    response = client.post(
        url("answer_edit", submission, code),
        {
            "version": submission.version,
            "level": str(level),
            "documents": [d.pk for d in documents],
            "link": link,
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    return Answer.objects.get(submission=submission, indicator_code=code)


def checks_of(answer, document=None):
    rows = DocumentCheck.objects.filter(answer=answer, document=document)
    return {row.code: row for row in rows}


@pytest.fixture
def checked(client, region, draft, operator, immediate, django_capture_on_commit_callbacks):
    """The operator uploads an SK Bupati and claims indicator 16 tingkat 2 with it."""
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(client, region, "ok_sk_bupati.pdf")
    with django_capture_on_commit_callbacks(execute=True):
        answer = claim(client, draft, "16", 2, [document])
    return document, answer


# --- the checks run after the upload, in the background ---------------------------------------


def test_an_upload_is_read_in_the_background_and_checked_against_the_claim(checked):
    document, answer = checked
    scan = DocumentScan.objects.get(document=document)
    assert scan.state == DocumentScan.State.DONE and scan.text_source == "layer"
    assert scan.engine_version == ENGINE_VERSION and "Ditetapkan di" in scan.text
    own = {
        row.code: row.status for row in DocumentCheck.objects.filter(document=document, answer=None)
    }
    assert own == {"readable": "ok", "text": "ok"}
    against = checks_of(answer, document)
    assert {code: row.status for code, row in against.items()} == {
        "date": "ok",
        "name": "ok",
        "signer": "ok",
        "reuse": "ok",
    }
    assert against["date"].details["found"] == "2022-07-27"
    assert against["date"].details["inputs"]["level"] == 2
    assert "27 Juli 2022" in against["date"].message
    assert against["name"].details["score"] >= 95


def test_hints_appear_for_the_operator_before_sending(client, checked, draft):
    document, _answer = checked
    page = client.get(url("answer_edit", draft, "16")).content.decode()
    assert "Pemeriksaan otomatis bukti dukung" in page
    assert "Tanggal dokumen" in page and "27 Juli 2022" in page
    assert "Ditandatangani Kepala Daerah" in page
    assert "Periksa ulang" in page  # the uploader may ask again
    detail = client.get(url("submission_detail", draft)).content.decode()
    assert f'id="pemeriksaan-{document.pk}"' in detail
    assert "Pemeriksaan otomatis: tidak ada catatan" in detail


def test_hints_appear_for_the_verifier_beside_the_document(client, checked, draft, verifier):
    Submission.objects.filter(pk=draft.pk).update(state=State.SUBMITTED)
    client.force_login(verifier)
    page = client.get(url("review_submission", draft)).content.decode()
    assert 'id="pemeriksaan-' in page
    assert "Nama inovasi" in page and "ditemukan" in page
    assert "Penanda tangan" in page
    assert "Periksa ulang" not in page  # neither the uploader nor the koordinator


def test_a_document_waiting_for_the_worker_shows_as_pending(
    client, region, draft, operator, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY  # queued, never run
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(client, region, "ok_sk_bupati.pdf")
        claim(client, draft, "16", 2, [document])
    assert DocumentScan.objects.get(document=document).state == DocumentScan.State.QUEUED
    page = client.get(url("answer_edit", draft, "16")).content.decode()
    assert "Sedang diperiksa otomatis" in page
    assert "Periksa ulang" not in page  # it is already waiting
    assert not DocumentCheck.objects.exists()


def test_problems_are_explained_and_a_changed_claim_is_checked_again(
    client, region, draft, operator, immediate, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        kadis = upload(client, region, "signer_kadis_for_kd.pdf")
        answer = claim(client, draft, "16", 2, [kadis])
    assert checks_of(answer, kadis)["signer"].status == "problem"
    page = client.get(url("answer_edit", draft, "16")).content.decode()
    assert "Bermasalah" in page and "ditandatangani Kepala Perangkat Daerah" in page
    # Claiming tingkat 1 (SK Kepala Perangkat Daerah) fits the document: the hint follows.
    with django_capture_on_commit_callbacks(execute=True):
        claim(client, draft, "16", 1, [kadis])
    assert checks_of(answer, kadis)["signer"].status == "ok"
    # A stale result is never shown as current: change the level behind the checks' back.
    Answer.objects.filter(pk=answer.pk).update(claimed_level=3)
    page = client.get(url("answer_edit", draft, "16")).content.decode()
    assert "Sedang diperiksa otomatis" in page and "sesuai tingkat 1" not in page


def test_a_renamed_report_is_checked_against_its_new_name(
    draft, checked, django_capture_on_commit_callbacks, immediate
):
    document, answer = checked
    with django_capture_on_commit_callbacks(execute=True):
        submission = Submission.objects.get(pk=draft.pk)
        submission.name = "Posyandu Remaja Ceria"
        submission.save()
    row = checks_of(answer, document)["name"]
    assert row.status == "problem" and row.details["inputs"]["name"] == "Posyandu Remaja Ceria"


# --- hints never decide anything ----------------------------------------------------------------


def test_a_problem_never_blocks_sending_or_reviewing(
    client, region, draft, operator, verifier, immediate, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        old = upload(client, region, "date_too_old.pdf")
        answer = claim(client, draft, "16", 2, [old])
    assert checks_of(answer, old)["date"].status == "problem"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("submission_submit", draft))
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    client.force_login(verifier)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("review_answer", draft, "16"), {"decision": "accepted"})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.review_state, answer.verified_level) == (ReviewState.ACCEPTED, 2)
    before = {r.pk: r.status for r in DocumentCheck.objects.all()}
    version = Submission.objects.get(pk=draft.pk).version
    # Running the checks again changes no claim, no decision, no report.
    with django_capture_on_commit_callbacks(execute=True):
        tasks.run_document(old.pk)
    answer.refresh_from_db()
    assert (answer.review_state, answer.verified_level, answer.claimed_level) == (
        ReviewState.ACCEPTED,
        2,
        2,
    )
    assert Submission.objects.get(pk=draft.pk).version == version
    assert {r.status for r in DocumentCheck.objects.all()} == set(before.values())
    page = client.get(url("review_submission", draft)).content.decode()
    assert "Tanggal dokumen" in page and "di luar jendela" in page


def test_a_review_decision_queues_no_check(
    client, checked, draft, verifier, settings, django_capture_on_commit_callbacks
):
    Submission.objects.filter(pk=draft.pk).update(state=State.SUBMITTED)
    settings.TASKS = IMMEDIATE
    _document, answer = checked
    rows = set(DocumentCheck.objects.filter(answer=answer).values_list("pk", flat=True))
    client.force_login(verifier)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("review_answer", draft, "16"), {"decision": "accepted"})
    assert set(DocumentCheck.objects.filter(answer=answer).values_list("pk", flat=True)) == rows


# --- re-running -----------------------------------------------------------------------------------


def test_the_uploader_and_the_koordinator_may_run_the_checks_again(
    client,
    region,
    checked,
    draft,
    operator,
    coordinator,
    verifier,
    django_capture_on_commit_callbacks,
):
    document, answer = checked
    recheck = reverse("document_recheck", args=[region.code, document.pk])
    next_url = url("answer_edit", draft, "16")
    DocumentCheck.objects.filter(document=document, answer=None).update(status="unknown")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(recheck, {"next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    assert DocumentCheck.objects.get(document=document, answer=None, code="text").status == "ok"
    assert AuditEvent.objects.filter(action="document.recheck", actor=operator).count() == 1
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(recheck, {"next": "https://evil.example/"}).status_code == 302
    assert AuditEvent.objects.filter(action="document.recheck").count() == 2
    client.force_login(verifier)
    assert client.post(recheck).status_code == 403
    colleague = factories.member(region, Role.OPERATOR, agency=document.agency)
    client.force_login(colleague)
    assert client.post(recheck).status_code == 403
    assert client.get(recheck).status_code == 405


def test_a_check_already_waiting_is_not_queued_twice(
    client, region, draft, operator, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DUMMY
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(client, region, "ok_sk_bupati.pdf")
    recheck = reverse("document_recheck", args=[region.code, document.pk])
    page = client.post(recheck, follow=True).content.decode()
    assert "sedang diperiksa" in page
    assert not AuditEvent.objects.filter(action="document.recheck").exists()
    DocumentScan.objects.filter(document=document).update(
        requested_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    )  # stuck for long: may be asked again
    client.post(recheck)
    assert AuditEvent.objects.filter(action="document.recheck").count() == 1


def test_an_old_document_without_checks_can_be_checked(
    client, region, draft, operator, immediate, django_capture_on_commit_callbacks
):
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        document = upload(client, region, "ok_sk_bupati.pdf")
        claim(client, draft, "16", 2, [document])
    DocumentScan.objects.all().delete()
    DocumentCheck.objects.all().delete()
    page = client.get(url("answer_edit", draft, "16")).content.decode()
    assert "belum diperiksa otomatis" in page and "Periksa ulang" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("document_recheck", args=[region.code, document.pk]))
    page = client.get(url("answer_edit", draft, "16")).content.decode()
    assert "Ditandatangani Kepala Daerah" in page


# --- who sees what ------------------------------------------------------------------------------


def test_outsiders_get_404_and_see_no_hints(client, region, checked, draft):
    document, _answer = checked
    elsewhere = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    client.force_login(factories.member(elsewhere, Role.COORDINATOR))
    recheck = reverse("document_recheck", args=[region.code, document.pk])
    assert client.post(recheck).status_code == 404
    assert client.get(url("submission_detail", draft)).status_code == 404
    other_opd = factories.member(region, Role.OPERATOR)
    client.force_login(other_opd)
    assert client.post(recheck).status_code == 404
    assert client.get(url("answer_edit", draft, "16")).status_code == 404


def test_province_roles_see_no_hints_unless_the_region_shares_evidence(
    client, region, checked, draft
):
    Submission.objects.filter(pk=draft.pk).update(state=State.SUBMITTED)
    province_reader = factories.member(region.province, Role.PROVINCE_VIEWER)
    client.force_login(province_reader)
    page = client.get(url("submission_detail", draft)).content.decode()
    assert "Pemeriksaan otomatis" not in page and "pemeriksaan-" not in page
    region.share_with_province = True
    region.save()
    page = client.get(url("submission_detail", draft)).content.decode()
    assert "pemeriksaan-" in page


def test_reuse_names_only_the_opds_own_innovations(
    client,
    region,
    cycle,
    agency,
    draft,
    checked,
    operator,
    coordinator,
    immediate,
    django_capture_on_commit_callbacks,
):
    document, answer = checked
    second = factories.submission(cycle, agency=agency, name="Posyandu Remaja Ceria")
    with django_capture_on_commit_callbacks(execute=True):
        claim(client, second, "16", 2, [document])
    row = checks_of(answer, document)["reuse"]
    assert row.status == "warning" and "Posyandu Remaja Ceria" in row.message
    # The koordinator's region-wide Perbup also backs another OPD's innovation: that OPD's operator
    # is never told about this OPD's innovations, and the other way round.
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        shared = upload(client, region, "ok_perbup.pdf", subject="Perbup inovasi")
    assert shared.agency is None
    other_agency = factories.agency(region, name="Dinas Pendidikan")
    other = factories.submission(cycle, agency=other_agency, name="Sekolah Rahasia Lain")
    other_operator = factories.member(region, Role.OPERATOR, agency=other_agency)
    client.force_login(other_operator)
    with django_capture_on_commit_callbacks(execute=True):
        theirs = claim(client, other, "16", 3, [shared])
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        ours = claim(client, second, "16", 3, [shared])
    # `ours` shares the Perbup with another OPD's innovation only: that one is never named.
    assert checks_of(ours, shared)["reuse"].status == "ok"
    assert "Sekolah Rahasia Lain" not in checks_of(ours, shared)["reuse"].message
    # A document newly shared by another answer of the OPD updates the earlier answer's hint.
    with django_capture_on_commit_callbacks(execute=True):
        claim(client, draft, "23", 3, [shared])
    assert "SIPANDAI" in checks_of(ours, shared)["reuse"].message
    assert "SIPANDAI" not in checks_of(theirs, shared)["reuse"].message
    assert checks_of(theirs, shared)["reuse"].status == "ok"


def test_video_length_and_link_shape(
    client,
    region,
    cycle,
    agency,
    operator,
    verifier,
    immediate,
    django_capture_on_commit_callbacks,
):
    report = factories.submission(cycle, agency=agency, name=SIPANDAI)
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        long_video = upload(client, region, "video_7min.mp4", subject="Video inovasi")
        answer = claim(
            client, report, "35", 3, [long_video], link="https://www.youtube.com/@dinkesoganilir"
        )
    assert checks_of(answer, long_video)["video"].status == "problem"
    assert checks_of(answer)["link"].status == "problem"
    page = client.get(url("answer_edit", report, "35")).content.decode()
    assert "7 menit 2 detik" in page and "lebih dari batas 5 menit 0 detik" in page
    assert "tidak menunjuk ke satu video" in page
    with django_capture_on_commit_callbacks(execute=True):
        claim(client, report, "35", 3, [long_video], link="https://youtu.be/dQw4w9WgXcQ")
    assert checks_of(answer)["link"].status == "ok"
    Submission.objects.filter(pk=report.pk).update(state=State.SUBMITTED)
    client.force_login(verifier)
    page = client.get(url("review_submission", report)).content.decode()
    assert "Tautan YouTube berbentuk benar" in page and "Durasi video" in page


def test_hints_take_a_fixed_number_of_queries(client, region, checked, draft, operator):
    document, answer = checked
    access = _access(operator, region)
    draft = Submission.objects.get(pk=draft.pk)
    answers = list(draft.answers.prefetch_related("documents"))  # as the pages fetch them
    with CaptureQueriesContext(connection) as queries:
        found = hints.for_answers(access, answers)
    assert len(queries) <= 3
    assert found[answer.pk].documents[document.pk].worst == "ok"


def _access(user, region):
    from sinovda.regions.access import access_for

    return access_for(user, region)


def test_a_scan_is_read_by_ocr_and_its_text_checked(
    client, region, draft, operator, immediate, monkeypatch, django_capture_on_commit_callbacks
):
    """The OCR itself is measured on the labelled set; here it is stood in for, to test that what
    it read is stored and checked against the answer."""
    from pypdf import PdfReader

    from sinovda.evidence.checks import extract

    words = " ".join(p.extract_text() for p in PdfReader(SET / "ok_sk_bupati.pdf").pages)
    pages = []

    def fake_ocr(image, result):
        pages.append(image.size)
        return words, 180

    monkeypatch.setattr(extract, "_ocr_image", fake_ocr)
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        scanned = upload(client, region, "scan_ok_bupati.pdf", subject="SK pindaian")
        answer = claim(client, draft, "16", 2, [scanned])
    scan = DocumentScan.objects.get(document=scanned)
    assert (scan.text_source, scan.ocr_pages, scan.ocr_words) == ("ocr", 1, 180)
    assert pages and max(pages[0]) > 2000  # rendered at 200 dpi (A4: 1654 x 2339)
    statuses = {code: row.status for code, row in checks_of(answer, scanned).items()}
    assert statuses == {"date": "ok", "name": "ok", "signer": "ok", "reuse": "ok"}
    page = client.get(url("answer_edit", draft, "16")).content.decode()
    assert "PDF hasil pindaian; teks terbaca dengan OCR" in page


def test_a_scan_ocr_cannot_read_is_a_problem_and_nothing_else_is_guessed(
    client, region, draft, operator, immediate, monkeypatch, django_capture_on_commit_callbacks
):
    from sinovda.evidence.checks import extract

    monkeypatch.setattr(extract, "_ocr_image", lambda image, result: ("ii ~ 27 Juli 2099 ..", 2))
    client.force_login(operator)
    with django_capture_on_commit_callbacks(execute=True):
        scanned = upload(client, region, "scan_unreadable.pdf", subject="SK buram")
        answer = claim(client, draft, "16", 2, [scanned])
    assert DocumentCheck.objects.get(document=scanned, answer=None, code="text").status == "problem"
    statuses = {code: row.status for code, row in checks_of(answer, scanned).items()}
    assert statuses == {"date": "unknown", "name": "unknown", "signer": "unknown", "reuse": "ok"}
    page = client.get(url("answer_edit", draft, "16")).content.decode()
    assert "Pindai ulang dengan lebih jelas" in page
