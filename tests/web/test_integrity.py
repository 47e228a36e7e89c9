"""Integrity of review data: judged answers, stale edits, cycle dates, separation of duties,
carry-over, and what a province sees (security issue 8, items 2-4, 6, 8, 11)."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.evidence.models import Document
from sinovda.innovations import actions
from sinovda.innovations.models import Answer, FieldComment, RegionAnswer, ReviewState, State
from sinovda.regions.access import access_for
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
STALE = "sudah diubah orang lain sejak Anda membukanya"


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return factories.cycle(region, 2023)


@pytest.fixture
def agency(region):
    return factories.agency(region, short_name="Disdukcapil")


@pytest.fixture
def operator(region, agency):
    return factories.member(region, Role.OPERATOR, agency=agency)


@pytest.fixture
def verifier(region):
    return factories.member(region, Role.VERIFIER)


@pytest.fixture
def koordinator(region):
    return factories.member(region, Role.COORDINATOR)


def url(name, s, *extra):
    return reverse(
        name, args=[s.cycle.region.code, s.cycle.edition.year, s.innovation.public_id, *extra]
    )


def document(region, agency=None, name="sk.pdf"):
    """A stored document with real bytes, so a download that is allowed really answers 200."""
    doc = Document(
        region=region,
        agency=agency,
        sha256=name.ljust(64, "0"),
        size=9,
        kind="pdf",
        original_name=name,
    )
    doc.file.save(name, ContentFile(b"%PDF-1.4\n"), save=False)
    doc.save()
    return doc


def closed_cycle(region, year=2023):
    return factories.cycle(
        region,
        year,
        opens_on=TODAY - 90 * DAY,
        submit_deadline=TODAY - 60 * DAY,
        review_deadline=TODAY - DAY,
    )


def review_phase_cycle(region, year=2023):
    return factories.cycle(
        region,
        year,
        opens_on=TODAY - 90 * DAY,
        submit_deadline=TODAY - DAY,
        review_deadline=TODAY + 30 * DAY,
    )


# --- 2. an accepted answer that changes goes back to "not reviewed" -----------------------------


@pytest.fixture
def accepted(cycle, agency, region):
    """A returned report whose indicator 16 was accepted at level 2 with one document."""
    s = factories.submission(cycle, agency=agency, state=State.RETURNED)
    answer = Answer.objects.create(
        submission=s,
        indicator_code="16",
        claimed_level=2,
        verified_level=2,
        review_state=ReviewState.ACCEPTED,
        review_note="",
        link="https://youtu.be/lama",
        reply="",
    )
    answer.documents.set([document(region, agency, "sk-lama.pdf")])
    return s


def answer_post(s, **overrides):
    answer = s.answers.get(indicator_code="16")
    data = {
        "version": s.version,
        "level": answer.claimed_level,
        "link": answer.link,
        "documents": [d.pk for d in answer.documents.all()],
        "reply": answer.reply,
    }
    return {**data, **overrides}


@pytest.mark.parametrize("change", ["documents", "link", "reply", "level"])
def test_changing_what_the_verifier_judged_sends_the_answer_back_for_review(
    client, region, agency, operator, accepted, change
):
    new_document = document(region, agency, "sk-baru.pdf")
    answer = accepted.answers.get()
    answer.review_note = "Lampirkan SK yang ditandatangani."  # a note makes the reply field appear
    answer.save()
    overrides = {
        "documents": {"documents": [new_document.pk]},
        "link": {"link": "https://youtu.be/baru"},
        "reply": {"reply": "SK sudah diganti."},
        "level": {"level": 1},
    }[change]
    client.force_login(operator)
    response = client.post(url("answer_edit", accepted, "16"), answer_post(accepted, **overrides))
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.review_state, answer.verified_level) == (ReviewState.PENDING, None)
    assert answer.claimed_by == operator
    event = AuditEvent.objects.filter(action="answer.claim").latest("id")
    assert set(event.before["16"]) >= {"level", "documents", "link", "reply"}
    assert event.before["16"] != event.after["16"]
    assert event.after["16"]["review_state"] == ReviewState.PENDING


def test_saving_an_accepted_answer_unchanged_keeps_the_decision(client, operator, accepted):
    client.force_login(operator)
    client.post(url("answer_edit", accepted, "16"), answer_post(accepted))
    answer = accepted.answers.get()
    assert (answer.review_state, answer.verified_level) == (ReviewState.ACCEPTED, 2)


def test_changing_the_documents_of_a_reviewed_spd_answer_needs_review_again(
    region, cycle, koordinator
):
    access = access_for(koordinator, region)
    row = cycle.edition.spec().spd_rows[0].code
    actions.save_spd_answer(access, cycle, row_code=row, level=2, expected_version=0)
    RegionAnswer.objects.filter(cycle=cycle).update(
        review_state=ReviewState.ACCEPTED, verified_level=2
    )
    actions.save_spd_answer(
        access,
        cycle,
        row_code=row,
        level=2,
        documents=[document(region)],
        expected_version=1,
    )
    answer = RegionAnswer.objects.get(cycle=cycle)
    assert (answer.review_state, answer.verified_level, answer.version) == ("pending", None, 2)


# --- 3. a missing version is a stale edit --------------------------------------------------------


@pytest.mark.parametrize("version", [None, "", "abc", "-1"])
def test_an_answer_edit_without_a_valid_version_is_refused_as_stale(
    client, operator, accepted, version
):
    data = answer_post(accepted, level=1)
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    client.force_login(operator)
    response = client.post(url("answer_edit", accepted, "16"), data)
    assert response.status_code == 200 and STALE in response.content.decode()
    assert accepted.answers.get().claimed_level == 2


def test_a_profile_edit_without_a_version_is_refused_as_stale(client, cycle, agency, operator):
    s = factories.submission(cycle, agency=agency, name="Sanjo Barokah")
    client.force_login(operator)
    response = client.post(url("profile_edit", s), {"name": "Nama Baru"})
    assert STALE in response.content.decode()
    s.refresh_from_db()
    assert s.name == "Sanjo Barokah"


@pytest.mark.parametrize("version", [None, "", "7"])
def test_spd_edit_without_the_current_version_is_refused(
    client, region, cycle, koordinator, version
):
    row = cycle.edition.spec().spd_rows[0].code
    actions.save_spd_answer(
        access_for(koordinator, region), cycle, row_code=row, level=1, expected_version=0
    )
    data = {"level": "3"}
    if version is not None:
        data["version"] = version
    client.force_login(koordinator)
    response = client.post(reverse("spd_edit", args=[region.code, 2023, row]), data)
    assert response.status_code == 200
    assert "Jawaban SPD ini sudah diubah orang lain" in response.content.decode()
    assert RegionAnswer.objects.get(cycle=cycle).claimed_level == 1


def test_spd_action_refuses_a_missing_version(region, cycle, koordinator):
    row = cycle.edition.spec().spd_rows[0].code
    access = access_for(koordinator, region)
    actions.save_spd_answer(access, cycle, row_code=row, level=1, expected_version=0)
    with pytest.raises(actions.StaleEdit):
        actions.save_spd_answer(access, cycle, row_code=row, level=3, expected_version=None)
    with pytest.raises(actions.StaleEdit):  # someone answered the row after the page was opened
        actions.save_spd_answer(access, cycle, row_code=row, level=3, expected_version=0)


# --- 4. closed cycles do not change --------------------------------------------------------------


def test_spd_of_a_closed_cycle_cannot_be_claimed_or_reviewed(client, region, koordinator, verifier):
    cycle = closed_cycle(region)
    row = cycle.edition.spec().spd_rows[0].code
    answer = RegionAnswer.objects.create(
        cycle=cycle, row_code=row, claimed_level=1, answered_by=koordinator
    )
    client.force_login(koordinator)
    response = client.post(
        reverse("spd_edit", args=[region.code, 2023, row]), {"level": "3", "version": "1"}
    )
    assert response.status_code == 302
    client.force_login(verifier)
    client.post(reverse("spd_review", args=[region.code, 2023, row]), {"decision": "accepted"})
    answer.refresh_from_db()
    assert (answer.claimed_level, answer.review_state) == (1, ReviewState.PENDING)
    assert not AuditEvent.objects.filter(action__startswith="spd.").exists()
    page = client.get(reverse("spd_list", args=[region.code, 2023])).content.decode()
    assert "sudah ditutup" in page


def test_drafts_of_a_closed_cycle_cannot_be_created_or_changed(client, region, agency, operator):
    cycle = closed_cycle(region)
    s = factories.submission(cycle, agency=agency, name="Draf Lama")
    client.force_login(operator)
    response = client.post(url("profile_edit", s), {"name": "Nama Baru", "version": s.version})
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.name == "Draf Lama"
    access = access_for(operator, region)
    with pytest.raises(actions.ActionRefused, match="sudah ditutup"):
        actions.create_submission(access, cycle, agency=agency, name="Baru")


def test_a_report_returned_in_the_review_phase_can_be_resent(client, region, agency, operator):
    cycle = review_phase_cycle(region)
    levels = factories.mandatory_levels(cycle)
    s = factories.submission(cycle, agency=agency, state=State.RETURNED, levels=levels)
    client.force_login(operator)
    client.post(url("submission_submit", s))
    s.refresh_from_db()
    assert s.state == State.SUBMITTED and s.submitted_by == operator


def test_a_draft_cannot_be_sent_in_the_review_phase(client, region, agency, operator):
    cycle = review_phase_cycle(region)
    levels = factories.mandatory_levels(cycle)
    s = factories.submission(cycle, agency=agency, levels=levels)
    client.force_login(operator)
    client.post(url("submission_submit", s))
    s.refresh_from_db()
    assert s.state == State.DRAFT


def test_a_sent_report_cannot_be_withdrawn_after_the_deadline(client, region, agency, operator):
    cycle = review_phase_cycle(region)
    s = factories.submission(cycle, agency=agency, state=State.SUBMITTED)
    client.force_login(operator)
    client.post(url("submission_withdraw", s))
    s.refresh_from_db()
    assert s.state == State.SUBMITTED


def test_reopening_in_a_closed_cycle_needs_a_date_and_lets_the_opd_resend(
    client, region, agency, operator, koordinator, verifier
):
    cycle = closed_cycle(region)
    levels = factories.mandatory_levels(cycle)
    s = factories.submission(cycle, agency=agency, state=State.VERIFIED, levels=levels)
    client.force_login(koordinator)
    client.post(url("reopen_submission", s), {"note": "SK salah lampir."})
    s.refresh_from_db()
    assert s.state == State.VERIFIED  # refused: no date
    until = TODAY + 7 * DAY
    client.post(url("reopen_submission", s), {"note": "SK salah lampir.", "until": until})
    s.refresh_from_db()
    assert (s.state, s.reopened_until) == (State.RETURNED, until)
    event = AuditEvent.objects.get(action="submission.reopen")
    assert event.after["reopened_until"] == until.isoformat()

    client.force_login(operator)
    page = client.get(url("submission_detail", s)).content.decode()
    assert "mengirim ulang sampai" in page
    client.post(url("submission_submit", s))
    s.refresh_from_db()
    assert s.state == State.SUBMITTED

    client.force_login(verifier)
    for code in levels:
        client.post(url("review_answer", s, code), {"decision": "accepted"})
    client.post(url("verify_submission", s))
    s.refresh_from_db()
    assert s.state == State.VERIFIED


def test_extending_a_closed_cycle_lets_opds_resend(client, region, agency, operator, koordinator):
    cycle = closed_cycle(region)
    levels = factories.mandatory_levels(cycle)
    s = factories.submission(cycle, agency=agency, state=State.RETURNED, levels=levels)
    client.force_login(operator)
    client.post(url("submission_submit", s))
    s.refresh_from_db()
    assert s.state == State.RETURNED
    client.force_login(koordinator)
    response = client.post(
        reverse("cycle_change", args=[region.code, 2023]),
        {
            "opens_on": cycle.opens_on,
            "submit_deadline": TODAY + 7 * DAY,
            "review_deadline": TODAY + 14 * DAY,
            "reason": "Perpanjangan sesuai surat BSKDN.",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="cycle.change_dates").exists()
    client.force_login(operator)
    client.post(url("submission_submit", s))
    s.refresh_from_db()
    assert s.state == State.SUBMITTED


def test_reopen_date_cannot_be_in_the_past(client, region, agency, koordinator):
    cycle = closed_cycle(region)
    s = factories.submission(cycle, agency=agency, state=State.VERIFIED)
    client.force_login(koordinator)
    client.post(url("reopen_submission", s), {"note": "Salah.", "until": TODAY - DAY})
    s.refresh_from_db()
    assert s.state == State.VERIFIED


# --- 6. separation of duties ---------------------------------------------------------------------


def test_one_koordinator_cannot_claim_send_accept_and_verify_alone(
    client, region, cycle, agency, koordinator, verifier
):
    access = access_for(koordinator, region)
    s = actions.create_submission(access, cycle, agency=agency, name="Inovasi Sendiri")
    s.__class__.objects.filter(pk=s.pk).update(**factories.complete_profile(cycle))
    s.refresh_from_db()
    for code, level in factories.mandatory_levels(cycle).items():
        s.refresh_from_db()
        actions.save_answer(access, s, indicator_code=code, level=level, expected_version=s.version)
    actions.submit(access, s)
    s.refresh_from_db()
    answer = s.answers.first()
    with pytest.raises(actions.ActionRefused, match="Anda yang mengisi klaim"):
        actions.review_answer(access, answer, decision="accepted")
    with pytest.raises(actions.ActionRefused, match="Anda yang mengirim laporan"):
        actions.verify(access, s)
    with pytest.raises(actions.ActionRefused, match="Anda yang mengirim laporan"):
        actions.return_for_revision(access, s, note="Perbaiki.")

    client.force_login(koordinator)
    page = client.get(url("review_submission", s)).content.decode()
    assert "Anda yang mengisi klaim indikator ini" in page
    assert "Verifikasi laporan" not in page

    other = access_for(verifier, region)
    for answer in s.answers.all():
        actions.review_answer(other, answer, decision="accepted")
    actions.verify(other, s)
    s.refresh_from_db()
    assert s.state == State.VERIFIED


def test_whoever_changed_one_claim_may_not_review_that_claim(
    region, cycle, agency, operator, koordinator
):
    levels = {**factories.mandatory_levels(cycle), "18": 1}
    s = factories.submission(cycle, agency=agency, state=State.SUBMITTED, levels=levels)
    Answer.objects.filter(submission=s, indicator_code="18").update(claimed_by=koordinator)
    access = access_for(koordinator, region)
    with pytest.raises(actions.ActionRefused, match="Anda yang mengisi klaim"):
        actions.review_answer(access, s.answers.get(indicator_code="18"), decision="accepted")
    other = s.answers.exclude(indicator_code="18").first()
    actions.review_answer(access, other, decision="accepted")  # a claim someone else entered


def test_a_one_person_pemda_may_allow_self_review_and_each_is_marked(
    client, region, cycle, agency, koordinator
):
    client.force_login(koordinator)
    policy = reverse("region_policy", args=[region.code])
    response = client.post(policy, {"allow_self_review": "on"})
    assert "Tulis alasan perubahan" in response.content.decode()
    region.refresh_from_db()
    assert not region.allow_self_review
    client.post(policy, {"allow_self_review": "on", "reason": "SK tim inovasi: satu orang."})
    region.refresh_from_db()
    assert region.allow_self_review
    change = AuditEvent.objects.get(action="region.change_policy")
    assert change.before["allow_self_review"] is False and change.after["allow_self_review"]

    s = factories.submission(cycle, agency=agency, state=State.SUBMITTED, levels={"16": 2})
    s.__class__.objects.filter(pk=s.pk).update(submitted_by=koordinator)
    s.refresh_from_db()
    access = access_for(koordinator, region)
    actions.review_answer(access, s.answers.get(), decision="accepted")
    assert AuditEvent.objects.filter(action="answer.review").latest("id").after["self_review"]


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.LEADER, Role.OPERATOR])
def test_only_the_koordinator_changes_the_region_policy(client, region, role):
    client.force_login(factories.member(region, role))
    policy = reverse("region_policy", args=[region.code])
    assert client.post(policy, {"allow_self_review": "on", "reason": "x"}).status_code == 403
    region.refresh_from_db()
    assert not region.allow_self_review


# --- 8. carry-over only from a report that was sent ----------------------------------------------


@pytest.fixture
def next_cycle(region, cycle):
    return factories.cycle(region, 2024)


@pytest.mark.parametrize("state", [State.DRAFT, State.WITHDRAWN])
def test_a_never_sent_report_cannot_be_carried_over(
    client, region, cycle, next_cycle, agency, operator, state
):
    draft = factories.submission(cycle, agency=agency, state=state, levels={"16": 2})
    with pytest.raises(actions.ActionRefused, match="sudah dikirim"):
        actions.carry_over(access_for(operator, region), draft, next_cycle, note="Berkembang.")
    client.force_login(operator)
    path = reverse("carry_over", args=[region.code, 2024, draft.innovation.public_id])
    client.post(path, {"note": "Berkembang."})
    assert not next_cycle.submissions.exists()


def test_carry_over_keeps_names_unique_in_the_new_cycle(
    region, cycle, next_cycle, agency, operator
):
    old = factories.submission(cycle, agency=agency, name="Lope Capil", state=State.VERIFIED)
    factories.submission(next_cycle, agency=agency, name="LOPE CAPIL")
    with pytest.raises(actions.rules.RuleError):
        actions.carry_over(access_for(operator, region), old, next_cycle, note="Berkembang.")
    assert next_cycle.submissions.count() == 1


def test_a_verified_report_carries_what_was_proven(region, cycle, next_cycle, agency, operator):
    old = factories.submission(cycle, agency=agency, state=State.VERIFIED, levels={"16": 3})
    Answer.objects.filter(submission=old).update(review_state=ReviewState.LOWERED, verified_level=1)
    new = actions.carry_over(access_for(operator, region), old, next_cycle, note="Berkembang.")
    answer = new.answers.get(indicator_code="16")
    assert (answer.claimed_level, answer.review_state) == (1, ReviewState.PENDING)


# --- 11. province roles, and the operator's reply to a profile remark -----------------------------


@pytest.fixture
def province_viewer(region):
    return factories.member(region.province, Role.PROVINCE_VIEWER)


def test_province_roles_see_sent_reports_but_not_drafts_or_evidence(
    client, region, cycle, agency, province_viewer
):
    draft = factories.submission(cycle, agency=agency, name="Draf Rahasia")
    sent = factories.submission(cycle, agency=agency, name="Sudah Dikirim", state=State.SUBMITTED)
    evidence = document(region, agency, "sk-opd.pdf")
    Answer.objects.create(submission=sent, indicator_code="16", claimed_level=2).documents.set(
        [evidence]
    )
    client.force_login(province_viewer)
    listing = client.get(reverse("submission_list", args=[region.code, 2023])).content.decode()
    assert "Sudah Dikirim" in listing and "Draf Rahasia" not in listing
    assert client.get(url("submission_detail", draft)).status_code == 404
    queue = reverse("review_queue", args=[region.code, 2023])
    assert "Draf Rahasia" not in client.get(queue, {"status": "draft"}).content.decode()
    detail = client.get(url("submission_detail", sent)).content.decode()
    assert "sk-opd.pdf" not in detail
    download = reverse("document_download", args=[region.code, evidence.pk])
    assert client.get(download).status_code == 404

    region.share_with_province = True
    region.save()
    listing = client.get(reverse("submission_list", args=[region.code, 2023])).content.decode()
    assert "Draf Rahasia" in listing
    assert "sk-opd.pdf" in client.get(url("submission_detail", sent)).content.decode()
    assert client.get(download).status_code == 200


def test_operator_replies_to_a_profile_remark_while_the_report_is_returned(
    client, region, cycle, agency, operator, verifier
):
    s = factories.submission(cycle, agency=agency, state=State.RETURNED)
    comment = FieldComment.objects.create(
        submission=s, field="goal", note="Tujuan terlalu umum.", author=verifier
    )
    client.force_login(operator)
    reply_url = url("comment_reply", s, comment.pk)
    client.post(reply_url, {"reply": ""})
    comment.refresh_from_db()
    assert comment.reply == ""
    client.post(reply_url, {"reply": "Tujuan sudah dirinci per kecamatan."})
    comment.refresh_from_db()
    assert comment.reply == "Tujuan sudah dirinci per kecamatan."
    assert AuditEvent.objects.filter(action="submission.reply_comment").exists()
    assert "Tujuan sudah dirinci" in client.get(url("submission_detail", s)).content.decode()


def test_a_reply_is_refused_once_the_report_is_sent_or_from_another_opd(
    client, region, cycle, agency, operator, verifier
):
    s = factories.submission(cycle, agency=agency, state=State.SUBMITTED)
    comment = FieldComment.objects.create(submission=s, field="goal", note="Umum.", author=verifier)
    client.force_login(operator)
    client.post(url("comment_reply", s, comment.pk), {"reply": "Sudah."})
    comment.refresh_from_db()
    assert comment.reply == ""
    stranger = factories.member(region, Role.OPERATOR)
    client.force_login(stranger)
    assert client.post(url("comment_reply", s, comment.pk), {"reply": "x"}).status_code == 404
