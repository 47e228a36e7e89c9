"""The verifier's journey: per-answer decisions, return, verify, reject, reopen; SPD review."""

import datetime

import pytest
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.innovations.models import RegionAnswer, ReviewState, State
from sinovda.notifications.models import Notification
from sinovda.regions.models import Role
from sinovda.scores.bridge import cycle_scores
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return factories.cycle(region, 2023)


@pytest.fixture
def agency(region):
    return factories.agency(region, short_name="Dinkes")


@pytest.fixture
def operator(region, agency):
    return factories.member(region, Role.OPERATOR, agency=agency)


@pytest.fixture
def verifier(region):
    return factories.member(region, Role.VERIFIER)


@pytest.fixture
def submitted(cycle, agency):
    levels = {**factories.mandatory_levels(cycle, 3), "18": 2}
    return factories.submission(cycle, agency=agency, state=State.SUBMITTED, levels=levels)


def url(name, s, *extra):
    return reverse(
        name, args=[s.cycle.region.code, s.cycle.edition.year, s.innovation.public_id, *extra]
    )


def decide(client, s, code, decision, level="", note=""):
    return client.post(
        url("review_answer", s, code), {"decision": decision, "level": level, "note": note}
    )


def test_queue_lists_submitted_reports_with_pending_counts(
    client, region, cycle, submitted, verifier
):
    factories.submission(cycle, name="Masih Draf")
    client.force_login(verifier)
    html = client.get(reverse("review_queue", args=[region.code, 2023])).content.decode()
    assert submitted.name in html and "Masih Draf" not in html


def test_queue_filters_by_opd_and_waiting_time(client, region, cycle, submitted, verifier):
    other = factories.submission(cycle, name="OPD Lain", state=State.SUBMITTED)
    client.force_login(verifier)
    queue = reverse("review_queue", args=[region.code, 2023])
    html = client.get(queue, {"opd": submitted.innovation.agency_id}).content.decode()
    assert submitted.name in html and other.name not in html
    type(submitted).objects.filter(pk=other.pk).update(
        submitted_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=10)
    )
    html = client.get(queue, {"menunggu": "7"}).content.decode()
    assert other.name in html and submitted.name not in html


def test_operator_cannot_open_the_queue_or_review(client, region, submitted, operator):
    client.force_login(operator)
    assert client.get(reverse("review_queue", args=[region.code, 2023])).status_code == 403
    assert client.get(url("review_submission", submitted)).status_code == 403
    assert decide(client, submitted, "16", "accepted").status_code == 403


def test_leader_reads_but_cannot_review(client, region, submitted):
    client.force_login(factories.member(region, Role.LEADER))
    assert client.get(reverse("review_queue", args=[region.code, 2023])).status_code == 200
    assert client.get(url("review_submission", submitted)).status_code == 403
    assert decide(client, submitted, "16", "accepted").status_code == 403


def test_lowering_needs_a_note_and_a_lower_level(client, submitted, verifier):
    client.force_login(verifier)
    html = client.get(url("review_submission", submitted)).content.decode()
    assert "Keputusan indikator 16" in html
    follow = decide(client, submitted, "16", "lowered", level="2")
    html = client.get(follow["Location"]).content.decode()
    assert "Tulis catatan yang menjelaskan" in html
    decide(client, submitted, "16", "lowered", level="3", note="x")
    answer = submitted.answers.get(indicator_code="16")
    assert answer.review_state == ReviewState.PENDING
    decide(client, submitted, "16", "lowered", level="2", note="SK tidak menyebut nama inovasi.")
    answer.refresh_from_db()
    assert (answer.review_state, answer.verified_level) == (ReviewState.LOWERED, 2)
    assert AuditEvent.objects.filter(action="answer.review").count() == 1


def test_verify_requires_every_claim_reviewed(client, submitted, verifier):
    client.force_login(verifier)
    html = client.post(url("verify_submission", submitted), follow=True).content.decode()
    assert "Periksa dulu semua indikator yang diklaim" in html
    for answer in submitted.answers.all():
        decide(client, submitted, answer.indicator_code, "accepted")
    client.post(url("verify_submission", submitted))
    submitted.refresh_from_db()
    assert submitted.state == State.VERIFIED


def test_full_cycle_return_fix_resubmit_verify_changes_the_verified_iid(
    client, region, cycle, submitted, verifier, operator
):
    client.force_login(verifier)
    decide(client, submitted, "16", "lowered", level="1", note="Perbup belum ditandatangani.")
    client.post(url("return_submission", submitted), {"note": "Perbaiki bukti regulasi."})
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED
    assert Notification.objects.filter(user=operator, message__contains="dikembalikan").exists()

    client.force_login(operator)
    html = client.get(url("submission_detail", submitted)).content.decode()
    assert "Perbup belum ditandatangani." in html
    client.post(
        url("answer_edit", submitted, "16"),
        {
            "version": submitted.version,
            "level": "2",
            "reply": "Sudah diganti dengan Perbup bertanda tangan.",
        },
    )
    client.post(url("submission_submit", submitted))
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    answer = submitted.answers.get(indicator_code="16")
    assert answer.review_state == ReviewState.PENDING  # a changed claim is reviewed again
    assert answer.reply.startswith("Sudah diganti")

    client.force_login(verifier)
    for a in submitted.answers.all():
        decide(client, submitted, a.indicator_code, "accepted")
    client.post(url("verify_submission", submitted))
    submitted.refresh_from_db()
    assert submitted.state == State.VERIFIED
    views = cycle_scores(cycle)
    assert views.verified.n == 1 and views.verified.maturity_sum > 0
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "submission.return",
        "submission.submit",
        "submission.verify",
        "answer.review",
    } <= actions


def test_return_and_reject_need_a_note(client, submitted, verifier):
    client.force_login(verifier)
    client.post(url("return_submission", submitted), {"note": " "})
    client.post(url("reject_submission", submitted), {"note": ""})
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED


def test_rejected_innovation_counts_in_n_with_zero_points(client, cycle, submitted, verifier):
    client.force_login(verifier)
    client.post(url("reject_submission", submitted), {"note": "Bukan inovasi, layanan rutin."})
    submitted.refresh_from_db()
    assert submitted.state == State.REJECTED
    views = cycle_scores(cycle)
    assert views.verified.n == 1 and views.verified.maturity_sum == 0
    assert views.claimed.maturity_sum > 0


def test_only_the_koordinator_reopens_with_a_reason(client, region, cycle, agency, verifier):
    done = factories.submission(cycle, agency=agency, state=State.VERIFIED)
    client.force_login(verifier)
    assert client.post(url("reopen_submission", done), {"note": "x"}).status_code == 403
    client.force_login(factories.member(region, Role.COORDINATOR))
    client.post(url("reopen_submission", done), {"note": ""})
    done.refresh_from_db()
    assert done.state == State.VERIFIED
    client.post(url("reopen_submission", done), {"note": "Bukti video salah unggah."})
    done.refresh_from_db()
    assert done.state == State.RETURNED
    assert (
        AuditEvent.objects.get(action="submission.reopen").after["note"]
        == "Bukti video salah unggah."
    )


def test_review_after_the_review_deadline_is_refused(client, region, agency, verifier):
    today = datetime.date.today()
    cycle = factories.cycle(
        region,
        2023,
        opens_on=today - datetime.timedelta(days=90),
        submit_deadline=today - datetime.timedelta(days=60),
        review_deadline=today - datetime.timedelta(days=1),
    )
    s = factories.submission(cycle, agency=agency, state=State.SUBMITTED, levels={"16": 2})
    client.force_login(verifier)
    decide(client, s, "16", "accepted")
    assert s.answers.get().review_state == ReviewState.PENDING


def test_field_comment_is_shown_to_the_operator(client, submitted, verifier, operator):
    client.force_login(verifier)
    client.post(url("comment_field", submitted), {"field": "goal", "note": "Tujuan terlalu umum."})
    client.force_login(operator)
    assert (
        "Tujuan terlalu umum." in client.get(url("submission_detail", submitted)).content.decode()
    )


def test_spd_is_claimed_by_the_koordinator_and_reviewed_by_someone_else(
    client, region, cycle, verifier
):
    koordinator = factories.member(region, Role.COORDINATOR)
    client.force_login(koordinator)
    code = cycle.edition.spec().spd_rows[0].code
    response = client.post(
        reverse("spd_edit", args=[region.code, 2023, code]), {"level": "3", "version": "0"}
    )
    assert response.status_code == 302
    answer = RegionAnswer.objects.get(cycle=cycle, row_code=code)
    spd_review = reverse("spd_review", args=[region.code, 2023, code])
    client.post(spd_review, {"decision": "accepted"})
    answer.refresh_from_db()
    assert answer.review_state == ReviewState.PENDING  # not by the one who answered
    client.force_login(verifier)
    client.post(spd_review, {"decision": "accepted"})
    answer.refresh_from_db()
    assert (answer.review_state, answer.verified_level) == (ReviewState.ACCEPTED, 3)
    assert cycle_scores(cycle).verified.spd > 0


def test_operator_cannot_answer_spd(client, region, cycle, operator):
    client.force_login(operator)
    code = cycle.edition.spec().spd_rows[0].code
    assert (
        client.post(reverse("spd_edit", args=[region.code, 2023, code]), {"level": "3"}).status_code
        == 403
    )
    assert not RegionAnswer.objects.exists()


def test_queue_query_count_is_constant(
    client, region, cycle, verifier, django_assert_max_num_queries
):
    client.force_login(verifier)
    for _ in range(3):
        factories.submission(cycle, state=State.SUBMITTED, levels={"16": 2})
    queue = reverse("review_queue", args=[region.code, 2023])
    with django_assert_max_num_queries(100) as few:
        client.get(queue)
    for _ in range(30):
        factories.submission(cycle, state=State.SUBMITTED, levels={"16": 2})
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(queue)
