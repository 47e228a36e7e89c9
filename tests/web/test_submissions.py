"""The operator's journey and every action's permission, through the Django test client."""

import datetime

import pytest
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.innovations.models import Answer, Innovation, State, Submission
from sinovda.notifications.models import Notification
from sinovda.regions.models import Role
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
    return factories.agency(
        region, name="Dinas Kependudukan dan Pencatatan Sipil", short_name="Disdukcapil"
    )


@pytest.fixture
def operator(region, agency):
    return factories.member(region, Role.OPERATOR, agency=agency)


def url(name, s, *extra):
    return reverse(
        name, args=[s.cycle.region.code, s.cycle.edition.year, s.innovation.public_id, *extra]
    )


def test_operator_creates_a_draft_for_its_own_opd(client, region, cycle, agency, operator):
    client.force_login(operator)
    other = factories.agency(region)
    response = client.post(
        reverse("submission_create", args=[region.code, 2023]),
        {"name": "Sanjo Barokah", "agency": other.pk},  # a forged OPD is ignored: own OPD only
    )
    assert response.status_code == 200
    assert "Pilih OPD dari daftar." in response.content.decode()
    response = client.post(
        reverse("submission_create", args=[region.code, 2023]),
        {"name": "Sanjo Barokah", "agency": agency.pk},
    )
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert (submission.state, submission.innovation.agency) == (State.DRAFT, agency)
    assert AuditEvent.objects.filter(action="submission.create").count() == 1


def test_the_same_name_cannot_be_reported_twice_in_a_cycle(client, region, cycle, agency, operator):
    factories.submission(cycle, agency=agency, name="Aku Mandiri")
    client.force_login(operator)
    response = client.post(
        reverse("submission_create", args=[region.code, 2023]),
        {"name": "aku mandiri", "agency": agency.pk},
    )
    assert "sudah dilaporkan di siklus ini" in response.content.decode()
    assert Innovation.objects.count() == 1


def test_draft_profile_saves_partially_and_keeps_typed_text_on_error(
    client, cycle, agency, operator
):
    submission = factories.submission(cycle, agency=agency, name="Lope Capil", design="")
    client.force_login(operator)
    response = client.post(
        url("profile_edit", submission),
        {
            "version": submission.version,
            "name": "Lope Capil",
            "design": "Teks saya",
            "budget": "banyak",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tulis anggaran dalam rupiah dengan angka saja" in html
    assert "Teks saya" in html  # nothing typed is lost
    response = client.post(
        url("profile_edit", submission),
        {"version": submission.version, "name": "Lope Capil", "design": "Teks saya"},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.design == "Teks saya" and submission.version == 2


def test_second_save_from_a_stale_page_is_refused(client, cycle, agency, operator, region):
    submission = factories.submission(cycle, agency=agency)
    koordinator = factories.member(region, Role.COORDINATOR)
    stale = submission.version
    client.force_login(koordinator)
    assert (
        client.post(
            url("profile_edit", submission),
            {"version": stale, "name": submission.name, "goal": "A"},
        ).status_code
        == 302
    )
    client.force_login(operator)
    response = client.post(
        url("profile_edit", submission), {"version": stale, "name": submission.name, "goal": "B"}
    )
    assert "sudah diubah orang lain" in response.content.decode()
    submission.refresh_from_db()
    assert submission.goal == "A"


def test_answer_level_is_stored_and_score_is_computed_on_the_server(
    client, cycle, agency, operator
):
    submission = factories.submission(cycle, agency=agency)
    client.force_login(operator)
    response = client.post(
        url("answer_edit", submission, "16"),
        {"version": submission.version, "level": "3", "score": "999", "verified_level": "3"},
    )
    assert response.status_code == 302
    answer = Answer.objects.get(submission=submission, indicator_code="16")
    assert (answer.claimed_level, answer.verified_level) == (3, None)
    html = client.get(url("submission_detail", submission)).content.decode()
    assert "9 dari 111" in html or "9,00 dari 111" in html  # indicator 16: weight 3 x level 3


def test_level_4_is_refused_at_the_field(client, cycle, agency, operator):
    submission = factories.submission(cycle, agency=agency)
    client.force_login(operator)
    response = client.post(
        url("answer_edit", submission, "16"), {"version": submission.version, "level": "4"}
    )
    assert "Pilih salah satu tingkat yang tersedia." in response.content.decode()
    assert not Answer.objects.exists()


def test_unknown_indicator_is_404(client, cycle, agency, operator):
    submission = factories.submission(cycle, agency=agency)
    client.force_login(operator)
    assert client.get(url("answer_edit", submission, "99")).status_code == 404


def test_detail_shows_missing_mandatory_indicators_and_what_they_are_worth(
    client, cycle, agency, operator
):
    submission = factories.submission(cycle, agency=agency)
    client.force_login(operator)
    html = client.get(url("submission_detail", submission)).content.decode()
    assert "Indikator wajib 16" in html
    assert "Bernilai hingga" in html


def test_submit_checks_the_profile_rules_of_the_edition(client, cycle, agency, operator):
    submission = factories.submission(
        cycle, agency=agency, design="terlalu pendek", implementation_date=datetime.date(2019, 1, 1)
    )
    client.force_login(operator)
    response = client.post(url("submission_submit", submission), follow=True)
    html = response.content.decode()
    assert "Indikator wajib 16" in html
    assert "hanya menerima inovasi yang diterapkan atau dikembangkan antara" in html
    submission.refresh_from_db()
    assert submission.state == State.DRAFT


def test_complete_report_is_submitted_audited_and_reviewers_notified(
    client, region, cycle, agency, operator
):
    verifier = factories.member(region, Role.VERIFIER)
    submission = factories.submission(
        cycle, agency=agency, levels=factories.mandatory_levels(cycle)
    )
    client.force_login(operator)
    client.post(url("submission_submit", submission))
    submission.refresh_from_db()
    assert submission.state == State.SUBMITTED and submission.submitted_at
    assert AuditEvent.objects.filter(action="submission.submit").count() == 1
    assert Notification.objects.filter(user=verifier).count() == 1


def test_rancang_bangun_minimum_applies_where_the_edition_has_one(client, region, agency, operator):
    cycle = factories.cycle(region, 2026)
    # 2026 counts the six rancang bangun parts together: shorten one so the total is under 300.
    extra = factories.complete_profile(cycle)["profile_extra"]
    submission = factories.submission(
        cycle,
        agency=agency,
        levels=factories.mandatory_levels(cycle),
        profile_extra={**extra, "design_legal_basis": "satu dua"},
    )
    client.force_login(operator)
    html = client.post(url("submission_submit", submission), follow=True).content.decode()
    assert "meminta paling sedikit 300 kata" in html


def test_cannot_submit_before_the_window_opens_or_after_the_deadline(
    client, region, agency, operator
):
    today = datetime.date.today()
    cycle = factories.cycle(
        region,
        2023,
        opens_on=today - datetime.timedelta(days=60),
        submit_deadline=today - datetime.timedelta(days=1),
        review_deadline=today + datetime.timedelta(days=30),
    )
    submission = factories.submission(
        cycle, agency=agency, levels=factories.mandatory_levels(cycle)
    )
    client.force_login(operator)
    html = client.post(url("submission_submit", submission), follow=True).content.decode()
    assert "Penjaringan tidak sedang dibuka" in html
    submission.refresh_from_db()
    assert submission.state == State.DRAFT


def test_submitted_report_cannot_be_edited(client, cycle, agency, operator):
    submission = factories.submission(cycle, agency=agency, state=State.SUBMITTED)
    client.force_login(operator)
    response = client.post(
        url("answer_edit", submission, "16"), {"version": submission.version, "level": "3"}
    )
    assert response.status_code == 302
    assert not Answer.objects.exists()


def test_operator_withdraws_its_draft(client, cycle, agency, operator):
    submission = factories.submission(cycle, agency=agency)
    client.force_login(operator)
    client.post(url("submission_withdraw", submission))
    submission.refresh_from_db()
    assert submission.state == State.WITHDRAWN
    assert AuditEvent.objects.filter(action="submission.withdraw").exists()


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.LEADER])
def test_readers_see_but_cannot_edit(client, region, cycle, agency, role):
    submission = factories.submission(cycle, agency=agency)
    client.force_login(factories.member(region, role))
    assert client.get(url("submission_detail", submission)).status_code == 200
    assert client.get(url("profile_edit", submission)).status_code == 403
    assert client.post(url("submission_submit", submission)).status_code == 403


def test_operator_of_another_opd_gets_404(client, region, cycle, agency):
    submission = factories.submission(cycle, agency=agency)
    client.force_login(factories.member(region, Role.OPERATOR))
    assert client.get(url("submission_detail", submission)).status_code == 404
    assert client.get(url("profile_edit", submission)).status_code == 404
    assert client.post(url("submission_submit", submission)).status_code == 404


def test_operator_list_shows_only_its_own_opd(client, region, cycle, agency, operator):
    mine = factories.submission(cycle, agency=agency, name="Punya Saya")
    factories.submission(cycle, name="Punya OPD Lain")
    client.force_login(operator)
    html = client.get(reverse("submission_list", args=[region.code, 2023])).content.decode()
    assert mine.name in html and "Punya OPD Lain" not in html


def test_carry_over_copies_last_years_report_and_shows_the_diff(client, region, agency, operator):
    old_cycle = factories.cycle(
        region,
        2023,
        opens_on=datetime.date(2023, 6, 1),
        submit_deadline=datetime.date(2023, 8, 31),
        review_deadline=datetime.date(2023, 10, 31),
    )
    previous = factories.submission(
        old_cycle, agency=agency, name="Aku Mandiri", state=State.VERIFIED, levels={"16": 2}
    )
    new_cycle = factories.cycle(region, 2024)
    client.force_login(operator)
    html = client.get(reverse("carry_over_list", args=[region.code, 2024])).content.decode()
    assert "Aku Mandiri" in html
    carry = reverse("carry_over", args=[region.code, 2024, previous.innovation.public_id])
    assert "Tulis apa yang berubah" in client.post(carry, {"note": ""}).content.decode()
    response = client.post(carry, {"note": "Kini melayani akta kematian."})
    assert response.status_code == 302
    copy = Submission.objects.get(cycle=new_cycle)
    assert copy.previous == previous and copy.state == State.DRAFT
    assert copy.answers.get(indicator_code="16").claimed_level == 2
    client.post(url("answer_edit", copy, "16"), {"version": copy.version, "level": "3"})
    html = client.get(url("submission_diff", copy)).content.decode()
    assert "berubah" in html and "Kini melayani akta kematian." in html


def test_list_query_count_is_constant(client, region, cycle, agency, django_assert_max_num_queries):
    client.force_login(factories.member(region, Role.COORDINATOR))
    for _ in range(3):
        factories.submission(cycle, agency=agency)
    with django_assert_max_num_queries(100) as few:
        client.get(reverse("submission_list", args=[region.code, 2023]))
    for _ in range(30):
        factories.submission(cycle)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("submission_list", args=[region.code, 2023]))
