"""The dashboard's cached parts: reused while the cycle's data is unchanged, rebuilt after any write
that changes what they show (scores/dashboard_cache.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sinovda.cycles import actions as cycle_actions
from sinovda.innovations import actions
from sinovda.innovations.models import Answer, State
from sinovda.notifications.models import Notification
from sinovda.regions import actions as region_actions
from sinovda.regions.access import access_for
from sinovda.regions.models import Role
from sinovda.scores import dashboard as board
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def builds(monkeypatch):
    """How many times the dashboard was built (not taken from the cache)."""
    calls = []
    original = board.build

    def counting(cycle, *args, **kwargs):
        calls.append(cycle.pk)
        return original(cycle, *args, **kwargs)

    monkeypatch.setattr(board, "build", counting)
    return calls


@pytest.fixture
def sent(cycle, agency):
    """Two sent reports of the OPD, every indicator claimed at 2."""
    codes = [r.code for r in cycle.edition.spec().sid_rows]
    return [
        factories.submission(
            cycle, agency=agency, name=name, state=State.SUBMITTED, levels=dict.fromkeys(codes, 2)
        )
        for name in ("Satu", "Dua")
    ]


def url(region, year=2023):
    return reverse("dashboard", args=[region.code, year])


def numbers(client, region):
    """The dashboard's summary part (countdown, IIDs, counts), as the person sees it."""
    html = client.get(url(region)).content.decode()
    start = html.index('id="h-deadline"')
    return html[start : html.index('id="h-national"')]


def test_an_unchanged_cycle_is_built_once_for_everyone(
    client, region, cycle, sent, coordinator, verifier, builds
):
    client.force_login(coordinator)
    first = numbers(client, region)
    second = numbers(client, region)
    client.force_login(verifier)
    third = client.get(url(region)).content.decode()
    assert len(builds) == 1
    assert first == second and first in third
    assert "IID klaim" in third and "Kemajuan per OPD" in third


def test_a_review_decision_rebuilds_the_dashboard(
    client, region, cycle, sent, coordinator, verifier, builds
):
    client.force_login(coordinator)
    before = numbers(client, region)
    answer = Answer.objects.filter(submission=sent[0]).first()
    actions.review_answer(access_for(verifier, region), answer, decision="accepted")
    after = numbers(client, region)
    assert len(builds) == 2
    assert before != after  # the verified IID moved


def test_an_operators_claim_and_sending_rebuild_the_dashboard(
    client, region, cycle, agency, coordinator, operator, builds
):
    draft = factories.submission(
        cycle, agency=agency, name="Baru", levels=factories.mandatory_levels(cycle)
    )
    draft.cycle = cycle
    access = access_for(operator, region)
    client.force_login(coordinator)
    numbers(client, region)
    code = cycle.edition.spec().sid_rows[-1].code
    actions.save_answer(access, draft, indicator_code=code, level=1, expected_version=1)
    before = numbers(client, region)
    assert len(builds) == 2  # a draft's claim changes nothing shown but its report's version
    actions.submit(access, draft)
    after = numbers(client, region)
    assert len(builds) == 3
    assert "1 inovasi dilaporkan" not in before and "1 inovasi dilaporkan" in after


def test_a_change_made_outside_the_actions_is_seen_too(
    client, region, cycle, sent, coordinator, builds
):
    client.force_login(coordinator)
    before = numbers(client, region)
    Answer.objects.filter(submission=sent[0]).update(claimed_level=3)  # a script, the admin
    after = numbers(client, region)
    assert before != after and len(builds) == 2


def test_renaming_an_opd_rebuilds_the_dashboard(
    client, region, cycle, sent, agency, coordinator, builds
):
    client.force_login(coordinator)
    assert "Dinas Kesehatan" in client.get(url(region)).content.decode()
    region_actions.update_agency(agency, acting_user=coordinator, name="Dinas Kesehatan Daerah")
    assert "Dinas Kesehatan Daerah" in client.get(url(region)).content.decode()
    assert len(builds) == 2


def test_moving_the_deadlines_rebuilds_the_countdown(client, region, cycle, coordinator, builds):
    client.force_login(coordinator)
    client.get(url(region))
    later = cycle.submit_deadline + datetime.timedelta(days=5)
    cycle_actions.change_cycle_dates(
        cycle, reason="Perpanjangan", acting_user=coordinator, submit_deadline=later
    )
    days = (later - datetime.date.today()).days
    assert f'class="dash-days">{days}<' in client.get(url(region)).content.decode()
    assert len(builds) == 2


def test_an_earlier_cycle_changes_the_year_over_year_line(client, region, coordinator, builds):
    factories.cycle(region, 2024)
    client.force_login(coordinator)
    first = client.get(url(region, 2024)).content.decode()
    assert "Belum ada siklus tahun sebelumnya" in first
    factories.cycle(region, 2023)
    second = client.get(url(region, 2024)).content.decode()
    assert "Belum ada siklus tahun sebelumnya" not in second
    assert len(builds) == 2


def test_the_parts_of_the_page_that_depend_on_the_person_are_not_cached(
    client, region, cycle, sent, coordinator, builds
):
    client.force_login(coordinator)
    coordinator_html = client.get(url(region)).content.decode()
    client.force_login(factories.member(region, Role.LEADER))
    leader_html = client.get(url(region)).content.decode()
    assert len(builds) == 1
    entries = reverse("national_entries", args=[region.code, 2023])
    assert entries in coordinator_html and entries not in leader_html
    assert "Keluar (" in leader_html and leader_html.count("Keluar (") == 1


def test_outsiders_never_reach_the_cached_parts(client, region, cycle, sent, coordinator):
    client.force_login(coordinator)
    client.get(url(region))  # the parts are now cached
    client.force_login(factories.member(factories.region(), Role.COORDINATOR))
    assert client.get(url(region)).status_code == 404
    client.force_login(factories.member(region, Role.OPERATOR, agency=factories.agency(region)))
    assert client.get(url(region)).status_code == 403


# --- what every page pays: the navigation's context processors ----------------------------------


def test_the_navigation_counts_unread_notifications_with_one_query(
    client, region, cycle, coordinator
):
    for k in range(3):
        Notification.objects.create(user=coordinator, region=region, message=f"Pesan {k}")
    client.force_login(coordinator)
    home = reverse("region_home", args=[region.code])
    with CaptureQueriesContext(connection) as captured:
        html = client.get(home).content.decode()
    assert '<span class="badge">3<span class="visually-hidden"> belum dibaca' in html
    counts = [q for q in captured.captured_queries if "innovations_notification" in q["sql"]]
    assert len(counts) == 1
