"""The koordinator's stuck-work monitor: per OPD and stage what waits, since when and on whom;
sorting, the CSV, the one-click reminder and who may use it."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from sinovda.audit.models import AuditEvent, record
from sinovda.innovations import monitor
from sinovda.innovations.models import Answer, ReviewState, State, Submission
from sinovda.notifications.models import Notification, Reminder
from sinovda.regions.access import access_for
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def days_ago(days, hour=9):
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def person(region, role, name, agency=None):
    user = factories.member(region, role, agency=agency)
    user.full_name = name
    user.save(update_fields=["full_name"])
    return user


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return factories.cycle(region, 2023, opens_on=timezone.localdate() - datetime.timedelta(30))


@pytest.fixture
def koordinator(region):
    return person(region, Role.COORDINATOR, "Kiki Koordinator")


@pytest.fixture
def verifier(region):
    return person(region, Role.VERIFIER, "Vera Verifikator")


@pytest.fixture
def world(region, cycle, koordinator, verifier):
    """One OPD per stage, each waiting a known number of days."""
    agencies = {
        short: factories.agency(region, name=f"Dinas {short}", short_name=short)
        for short in ["Dinkes", "Disdik", "Bappeda", "Dishub", "Dinsos", "Kominfo", "Dispar"]
    }
    ani = person(region, Role.OPERATOR, "Ani Operator", agency=agencies["Dinkes"])
    person(region, Role.OPERATOR, "Budi Operator", agency=agencies["Disdik"])
    person(region, Role.OPERATOR, "Kiko Operator", agency=agencies["Kominfo"])

    def report(short, name, state, **times):
        s = factories.submission(
            cycle, agency=agencies[short], name=name, state=state, levels={"1": 2, "2": 2}
        )
        Submission.objects.filter(pk=s.pk).update(**times)
        return s

    report("Dinkes", "Sipintar", State.DRAFT, updated_at=days_ago(5))
    report("Dinkes", "Sehat Desa", State.DRAFT, updated_at=days_ago(2))
    returned = report("Disdik", "Guru Hebat", State.RETURNED, updated_at=days_ago(1))
    event = record("submission.return", actor=verifier, obj=returned, region=region)
    AuditEvent.objects.filter(pk=event.pk).update(created_at=days_ago(3))
    report("Bappeda", "Rencana", State.SUBMITTED, submitted_at=days_ago(10))
    in_review = report("Dishub", "Angkot", State.SUBMITTED, submitted_at=days_ago(6))
    Answer.objects.filter(submission=in_review, indicator_code="1").update(
        review_state=ReviewState.ACCEPTED,
        verified_level=2,
        reviewed_by=verifier,
        reviewed_at=days_ago(1),
    )
    report("Dinsos", "Peduli", State.VERIFIED, decided_at=days_ago(4))
    report("Dispar", "Wisata", State.REJECTED, decided_at=days_ago(8))
    return {"agencies": agencies, "ani": ani}


def page(cycle):
    return reverse("monitor", args=[cycle.region.code, cycle.year])


def remind_url(cycle):
    return reverse("monitor_remind", args=[cycle.region.code, cycle.year])


def rows_by_agency(access, cycle):
    return {(r.agency.short_name, r.stage): r for r in monitor.stuck_work(access, cycle)}


def test_each_opd_and_stage_says_what_waits_since_when_and_on_whom(
    region, cycle, koordinator, world
):
    rows = rows_by_agency(access_for(koordinator, region), cycle)
    S = monitor.Stage
    assert set(rows) == {
        ("Dinkes", S.DRAFT),
        ("Disdik", S.RETURNED),
        ("Bappeda", S.SUBMITTED),
        ("Dishub", S.IN_REVIEW),
        ("Dinsos", S.VERIFIED),
        ("Dispar", S.REJECTED),
        ("Kominfo", S.NONE),
    }
    draft = rows[("Dinkes", S.DRAFT)]
    assert (draft.count, draft.days, draft.holders) == (2, 5, ["Ani Operator"])
    assert [r.name for r in draft.reports] == ["Sipintar", "Sehat Desa"]  # oldest first
    returned = rows[("Disdik", S.RETURNED)]
    assert (returned.days, returned.holders) == (3, ["Budi Operator"])  # from the audit trail
    waiting = rows[("Bappeda", S.SUBMITTED)]
    assert waiting.days == 10
    assert waiting.holders == ["Kiki Koordinator", "Vera Verifikator"]  # any reviewer
    in_review = rows[("Dishub", S.IN_REVIEW)]
    assert (in_review.days, in_review.holders) == (6, ["Vera Verifikator"])  # who started
    assert rows[("Dinsos", S.VERIFIED)].days == 4 and rows[("Dinsos", S.VERIFIED)].holders == []
    assert rows[("Dispar", S.REJECTED)].days == 8
    nothing = rows[("Kominfo", S.NONE)]
    assert (nothing.count, nothing.days, nothing.holders) == (0, 30, ["Kiko Operator"])
    assert {r.agency.short_name for r in rows.values() if r.on_operator} == {
        "Dinkes",
        "Disdik",
        "Kominfo",
    }


def test_the_page_shows_the_table(client, region, cycle, koordinator, world):
    factories.agency(region, name="Dinas Sepi", short_name="Sepi")  # no operator: no button
    client.force_login(koordinator)
    html = client.get(page(cycle)).content.decode()
    for text in [
        "Dinas Dinkes",
        "Draf belum dikirim",
        "Dikembalikan, menunggu perbaikan OPD",
        "Dikirim, menunggu verifikasi",
        "Sedang diperiksa, sebagian sudah diputuskan",
        "Belum ada laporan",
        "Ani Operator",
        "10 hari",
        "Sipintar",
    ]:
        assert text in html, text
    assert "belum ada orangnya" in html
    assert html.count('name="opd"') == 3  # one per OPD row waiting on its operators


def test_a_reader_sees_the_table_without_reminder_buttons(client, region, cycle, verifier, world):
    client.force_login(verifier)
    response = client.get(page(cycle))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ani Operator" in html and 'name="opd"' not in html
    leader = factories.member(region, Role.LEADER)
    client.force_login(leader)
    assert 'name="opd"' not in client.get(page(cycle)).content.decode()


def test_operators_are_refused_and_outsiders_do_not_see_it(client, cycle, world):
    client.force_login(world["ani"])
    assert client.get(page(cycle)).status_code == 403
    assert (
        client.post(remind_url(cycle), {"opd": world["agencies"]["Dinkes"].pk}).status_code == 403
    )
    elsewhere = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    client.force_login(factories.member(elsewhere, Role.COORDINATOR))
    assert client.get(page(cycle)).status_code == 404
    assert (
        client.post(remind_url(cycle), {"opd": world["agencies"]["Dinkes"].pk}).status_code == 404
    )


def test_a_province_reader_sees_no_drafts_unless_shared(client, region, cycle, world):
    province_viewer = factories.member(region.province, Role.PROVINCE_VIEWER)
    rows = rows_by_agency(access_for(province_viewer, region), cycle)
    assert not any(stage == monitor.Stage.DRAFT for _, stage in rows)
    client.force_login(province_viewer)
    html = client.get(page(cycle)).content.decode()
    assert "Sipintar" not in html and 'name="opd"' not in html


def test_sorting_by_column(client, cycle, koordinator, world):
    client.force_login(koordinator)

    def order(sort):
        response = client.get(page(cycle), {"urut": sort, "format": "csv"})
        return [row[0] for row in csv.reader(io.StringIO(response.content.decode()))][1:]

    assert order("opd") == sorted(order("opd"))
    assert order("-opd") == sorted(order("opd"), reverse=True)
    by_days = order("-hari")
    assert by_days[0] == "Dinas Kominfo" and by_days[1] == "Dinas Bappeda"  # 30, then 10 days
    assert order("hari") == [
        "Dinas Disdik",  # 3 days
        "Dinas Dinkes",  # 5
        "Dinas Dishub",  # 6
        "Dinas Bappeda",  # 10
        "Dinas Kominfo",  # 30
        "Dinas Dinsos",  # verified 4 days ago: done rows come last
        "Dinas Dispar",  # rejected 8 days ago
    ]
    assert by_days[-2:] == ["Dinas Dispar", "Dinas Dinsos"]
    assert sorted(order("pada")[:2]) == ["Dinas Dinsos", "Dinas Dispar"]  # done: nobody
    assert order("tahap")[0] == "Dinas Kominfo" and order("-tahap")[0] == "Dinas Dispar"
    assert order("-jumlah")[0] == "Dinas Dinkes"  # two drafts
    assert order("nonsense") == by_days  # the default: the longest wait first
    html = client.get(page(cycle), {"urut": "opd"}).content.decode()
    assert 'aria-sort="ascending"' in html and "?urut=-opd" in html


def test_the_csv_is_the_same_table_and_safe_to_open(client, region, cycle, koordinator, world):
    factories.agency(region, name='=HYPERLINK("http://x")', short_name="Jahat")
    client.force_login(koordinator)
    response = client.get(page(cycle), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == [
        "OPD",
        "Tahap",
        "Jumlah laporan",
        "Menunggu sejak",
        "Lama (hari)",
        "Menunggu siapa",
    ]
    dinkes = next(r for r in rows if r[0] == "Dinas Dinkes")
    assert dinkes[1] == "Draf belum dikirim" and dinkes[2] == "2" and dinkes[4] == "5"
    assert dinkes[5] == "Ani Operator" and dinkes[7] == "Sipintar; Sehat Desa"
    assert any(r[0] == '\'=HYPERLINK("http://x")' for r in rows)
    assert not any(cell.startswith("=") for r in rows for cell in r)


def test_one_click_reminds_the_opd_once_a_day(client, region, cycle, koordinator, world):
    dinkes = world["agencies"]["Dinkes"]
    client.force_login(koordinator)
    response = client.post(remind_url(cycle), {"opd": dinkes.pk, "urut": "opd"}, follow=True)
    assert "Pengingat dikirim kepada operator Dinkes." in response.content.decode()
    assert response.redirect_chain[-1][0].endswith("?urut=opd")
    (note,) = Notification.objects.filter(user=world["ani"])
    assert "Koordinator Kiki Koordinator mengingatkan OPD Anda." in note.message
    assert "2 draf belum dikirim" in note.message
    reminder = Reminder.objects.get(agency=dinkes)
    assert reminder.sent_by == koordinator
    assert AuditEvent.objects.filter(action="reminder.send", actor=koordinator).count() == 1
    html = response.content.decode()
    assert "Sudah diingatkan hari ini pukul" in html

    again = client.post(remind_url(cycle), {"opd": dinkes.pk}, follow=True)
    assert "Dinkes sudah diingatkan hari ini pukul" in again.content.decode()
    assert "Pengingat berikutnya dapat dikirim besok." in again.content.decode()
    assert Notification.objects.filter(user=world["ani"]).count() == 1
    assert AuditEvent.objects.filter(action="reminder.send").count() == 1


def test_the_click_is_refused_when_nothing_waits_or_nobody_can_act(
    client, region, cycle, koordinator, world
):
    client.force_login(koordinator)
    response = client.post(remind_url(cycle), {"opd": world["agencies"]["Dinsos"].pk}, follow=True)
    assert "Tidak ada yang menunggu Dinsos" in response.content.decode()
    response = client.post(remind_url(cycle), {"opd": world["agencies"]["Dispar"].pk}, follow=True)
    assert "Tidak ada yang menunggu Dispar" in response.content.decode()
    lonely = factories.agency(region, short_name="Sepi")
    response = client.post(remind_url(cycle), {"opd": lonely.pk}, follow=True)
    assert "Sepi belum punya operator aktif" in response.content.decode()
    assert not Reminder.objects.exists()


def test_a_verifier_cannot_send_a_reminder(client, cycle, verifier, world):
    client.force_login(verifier)
    response = client.post(remind_url(cycle), {"opd": world["agencies"]["Dinkes"].pk})
    assert response.status_code == 403
    assert not Reminder.objects.exists()


def test_an_opd_of_another_region_cannot_be_reminded(client, cycle, koordinator, world):
    elsewhere = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    other = factories.agency(elsewhere, short_name="Lain")
    client.force_login(koordinator)
    assert client.post(remind_url(cycle), {"opd": other.pk}).status_code == 404
    assert client.post(remind_url(cycle), {"opd": "abc"}).status_code == 404
    assert client.get(remind_url(cycle)).status_code == 405


def test_the_cycle_page_links_to_the_monitor(client, cycle, koordinator):
    client.force_login(koordinator)
    html = client.get(reverse("cycle_detail", args=[cycle.region.code, cycle.year])).content
    assert page(cycle) in html.decode()


def test_the_query_count_does_not_grow_with_the_reports(
    client, region, cycle, koordinator, world, django_assert_max_num_queries
):
    client.force_login(koordinator)
    with django_assert_max_num_queries(100) as few:
        assert client.get(page(cycle)).status_code == 200
    agencies = list(world["agencies"].values())
    verifier2 = person(region, Role.VERIFIER, "Vino Verifikator")
    for n in range(30):
        agency = agencies[n % len(agencies)]
        state = [State.DRAFT, State.RETURNED, State.SUBMITTED, State.VERIFIED][n % 4]
        s = factories.submission(cycle, agency=agency, state=state, levels={"1": 2})
        if state == State.SUBMITTED:
            Answer.objects.filter(submission=s).update(
                review_state=ReviewState.ACCEPTED, reviewed_by=verifier2, reviewed_at=days_ago(1)
            )
        if state == State.RETURNED:
            record("submission.return", actor=verifier2, obj=s, region=region)
        person(region, Role.OPERATOR, f"Operator {n}", agency=factories.agency(region))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(page(cycle)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(page(cycle), {"format": "csv"}).status_code == 200
