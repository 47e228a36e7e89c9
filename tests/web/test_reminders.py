"""Reminders at D-14/7/3/1 to the OPDs that have work waiting, the verifiers' daily queue, and the
daily job that runs them: the right people, the right words, never twice."""

import datetime
import io
import threading

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sinovda.innovations import reminders
from sinovda.innovations.models import State, Submission
from sinovda.notifications import outbox, periodic
from sinovda.notifications.actions import set_delivery
from sinovda.notifications.models import Delivery, Notification, OutboundEmail, Reminder
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2023, 8, 24)  # a Thursday; the deadline a week later


def with_email(user, address):
    user.email = address
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return factories.cycle(
        region,
        2023,
        opens_on=datetime.date(2023, 6, 1),
        submit_deadline=TODAY + datetime.timedelta(days=7),
        review_deadline=datetime.date(2023, 10, 31),
    )


@pytest.fixture
def opds(region, cycle):
    """Dinkes has a draft, Disdik a returned report, Dishub nothing, Bappeda sent everything,
    Dinsos has a draft but no operator."""
    names = {}
    for short in ["Dinkes", "Disdik", "Dishub", "Bappeda", "Dinsos"]:
        agency = factories.agency(region, name=f"Dinas {short}", short_name=short)
        operator = None
        if short != "Dinsos":
            operator = with_email(
                factories.member(region, Role.OPERATOR, agency=agency), f"{short.lower()}@x.id"
            )
        names[short] = (agency, operator)
    factories.submission(cycle, agency=names["Dinkes"][0], name="Sipintar")
    factories.submission(cycle, agency=names["Dinkes"][0], name="Simasjid", state=State.VERIFIED)
    factories.submission(cycle, agency=names["Disdik"][0], name="Guru Hebat", state=State.RETURNED)
    factories.submission(cycle, agency=names["Bappeda"][0], name="Rencana", state=State.SUBMITTED)
    factories.submission(cycle, agency=names["Dinsos"][0], name="Peduli")
    return names


def notes_of(user):
    return list(Notification.objects.filter(user=user).values_list("message", flat=True))


# --- reminders to OPDs --------------------------------------------------------------------------


def test_opds_with_work_waiting_are_reminded_once_a_day(opds):
    summary = reminders.send_daily(TODAY)
    assert summary.agencies == 3
    reminded = set(Reminder.objects.filter(kind="opd").values_list("agency__short_name", flat=True))
    assert reminded == {"Dinkes", "Disdik", "Dishub"}  # Bappeda sent all; Dinsos has nobody

    (dinkes,) = notes_of(opds["Dinkes"][1])
    assert "Dinkes: 1 draf belum dikirim, 0 laporan dikembalikan" in dinkes
    assert "1 laporan sudah dikirim" in dinkes
    assert "tinggal 7 hari lagi, yaitu 31 Agustus 2023" in dinkes
    (disdik,) = notes_of(opds["Disdik"][1])
    assert "1 laporan dikembalikan belum dikirim ulang" in disdik
    (dishub,) = notes_of(opds["Dishub"][1])
    assert "Dishub belum mengirim satu pun laporan inovasi." in dishub
    assert notes_of(opds["Bappeda"][1]) == []

    email = OutboundEmail.objects.get(address="dinkes@x.id")
    assert "Draf yang belum dikirim:\n- Sipintar" in email.body
    assert "/r/16.10/siklus/2023/inovasi/" in email.body  # the link to the OPD's reports
    outbox.send_due()
    assert {m.to[0] for m in mail.outbox} == {"dinkes@x.id", "disdik@x.id", "dishub@x.id"}


def test_running_the_job_twice_sends_nothing_twice(opds):
    reminders.send_daily(TODAY)
    again = reminders.send_daily(TODAY)
    assert again.agencies == 0
    assert Reminder.objects.filter(kind="opd").count() == 3
    assert Notification.objects.count() == 3
    assert OutboundEmail.objects.count() == 3


def test_every_operator_of_the_opd_is_told(region, opds):
    agency = opds["Dinkes"][0]
    second = factories.member(region, Role.OPERATOR, agency=agency)
    reminders.send_daily(TODAY)
    assert len(notes_of(second)) == 1
    assert len(notes_of(opds["Dinkes"][1])) == 1


def test_inactive_operators_are_not_told(opds):
    agency, operator = opds["Dinkes"]
    operator.memberships.update(is_active=False)
    reminders.send_daily(TODAY)
    assert notes_of(operator) == []
    assert not Reminder.objects.filter(agency=agency).exists()


@pytest.mark.parametrize("days_before", [14, 7, 3, 1])
def test_reminders_go_out_at_d14_d7_d3_d1(opds, days_before):
    day = TODAY + datetime.timedelta(days=7 - days_before)
    assert reminders.send_daily(day).agencies == 3
    assert f"tinggal {days_before} hari lagi" in notes_of(opds["Dishub"][1])[0]


@pytest.mark.parametrize("days_before", [15, 13, 8, 6, 4, 2, 0, -1])
def test_no_reminder_on_other_days(opds, days_before):
    day = TODAY + datetime.timedelta(days=7 - days_before)
    assert reminders.send_daily(day).agencies == 0
    assert not Reminder.objects.filter(kind="opd").exists()


def test_no_reminder_before_the_window_opens(region, opds, cycle):
    cycle.opens_on = TODAY + datetime.timedelta(days=1)
    cycle.save(update_fields=["opens_on"])
    assert reminders.send_daily(TODAY).agencies == 0


def test_withdrawn_reports_do_not_count_as_sent(region, cycle):
    agency = factories.agency(region, short_name="Dispar")
    operator = factories.member(region, Role.OPERATOR, agency=agency)
    factories.submission(cycle, agency=agency, state=State.WITHDRAWN)
    reminders.send_daily(TODAY)
    assert "Dispar belum mengirim satu pun laporan inovasi." in notes_of(operator)[0]


def test_a_digest_person_gets_the_reminder_in_the_mornings_digest(opds):
    operator = opds["Dishub"][1]
    set_delivery(operator, Delivery.DIGEST)
    summary = reminders.send_daily(TODAY)
    assert summary.digests == 1
    email = OutboundEmail.objects.get(address="dishub@x.id")
    assert email.kind == OutboundEmail.Kind.DIGEST
    assert "Dishub belum mengirim satu pun laporan inovasi." in email.body


def test_an_in_app_only_person_gets_no_email(opds):
    operator = opds["Dishub"][1]
    set_delivery(operator, Delivery.NONE)
    reminders.send_daily(TODAY)
    assert len(notes_of(operator)) == 1
    assert not OutboundEmail.objects.filter(address="dishub@x.id").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two connections at once: PostgreSQL only"
)
def test_two_workers_running_the_job_at_once_send_each_reminder_once(region, cycle, opds):
    verifier = factories.member(region, Role.VERIFIER)
    start = threading.Barrier(2)
    errors = []

    def worker():
        try:
            start.wait()
            reminders.send_daily(TODAY)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Reminder.objects.filter(kind="opd").count() == 3
    for short in ["Dinkes", "Disdik", "Dishub"]:
        assert len(notes_of(opds[short][1])) == 1
    assert len(notes_of(verifier)) == 1
    assert OutboundEmail.objects.count() == 3


# --- the verifiers' queue -----------------------------------------------------------------------


@pytest.fixture
def queue(region, cycle):
    agency = factories.agency(region, short_name="Dinkes")
    reports = []
    for name, days in [("Baru", 1), ("Lama", 12), ("Sedang", 5)]:
        report = factories.submission(cycle, agency=agency, name=name, state=State.SUBMITTED)
        sent = timezone.make_aware(
            datetime.datetime.combine(TODAY - datetime.timedelta(days=days), datetime.time(9))
        )
        Submission.objects.filter(pk=report.pk).update(submitted_at=sent)
        reports.append(report)
    factories.submission(cycle, agency=agency, name="Draf", state=State.DRAFT)
    return reports


def test_verifiers_and_the_koordinator_get_their_queue_oldest_first(region, queue):
    verifier = with_email(factories.member(region, Role.VERIFIER), "vera@x.id")
    koordinator = factories.member(region, Role.COORDINATOR)
    leader = factories.member(region, Role.LEADER)
    summary = reminders.send_daily(TODAY)
    assert summary.queues == 2
    (message,) = notes_of(verifier)
    assert message == (
        "Antrean verifikasi 2023: 3 laporan menunggu diperiksa; yang terlama sudah menunggu 12 hari."
    )
    assert len(notes_of(koordinator)) == 1
    assert notes_of(leader) == []
    body = OutboundEmail.objects.get(address="vera@x.id").body
    assert (
        body.index("Lama (Dinkes), menunggu 12 hari")
        < body.index("Sedang (Dinkes), menunggu 5 hari")
        < body.index("Baru (Dinkes), menunggu 1 hari")
    )
    assert "Draf" not in body
    assert "/r/16.10/siklus/2023/verifikasi/" in body


def test_the_queue_comes_once_a_day(region, queue):
    verifier = factories.member(region, Role.VERIFIER)
    reminders.send_daily(TODAY)
    reminders.send_daily(TODAY)
    assert len(notes_of(verifier)) == 1
    reminders.send_daily(TODAY + datetime.timedelta(days=1))
    assert len(notes_of(verifier)) == 2


def test_an_empty_queue_sends_nothing(region, cycle):
    verifier = factories.member(region, Role.VERIFIER)
    assert reminders.send_daily(TODAY).queues == 0
    assert notes_of(verifier) == []


def test_no_queue_after_the_review_deadline(region, cycle, queue):
    verifier = factories.member(region, Role.VERIFIER)
    reminders.send_daily(cycle.review_deadline + datetime.timedelta(days=1))
    assert notes_of(verifier) == []


def test_other_regions_verifiers_get_nothing(region, queue):
    elsewhere = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    outsider = factories.member(elsewhere, Role.VERIFIER)
    factories.member(region, Role.VERIFIER)
    reminders.send_daily(TODAY)
    assert notes_of(outsider) == []


# --- running the daily job ----------------------------------------------------------------------


def test_the_command_runs_the_day_and_sends_the_mail(opds):
    out = io.StringIO()
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert "3 OPD reminder(s)" in out.getvalue()
    assert len(mail.outbox) == 3
    call_command("send_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert len(mail.outbox) == 3


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "24/08/2023")


def test_the_daily_task_can_be_scheduled_once(settings):
    out = io.StringIO()
    call_command("send_reminders", "--schedule", stdout=out)
    call_command("send_reminders", "--schedule", stdout=out)
    waiting = DBTaskResult.objects.filter(
        task_path=reminders.daily_reminders.module_path, status="READY"
    )
    assert waiting.count() == 1
    run_at = timezone.localtime(waiting.get().run_after)
    assert (run_at.hour, run_at.minute) == (periodic.DAILY_AT.hour, periodic.DAILY_AT.minute)
    assert timezone.now() < run_at <= timezone.now() + datetime.timedelta(days=1)
    assert "already queued" in out.getvalue()


def test_the_daily_task_runs_the_day_and_queues_tomorrow(opds):
    result = reminders.daily_reminders.call()
    assert result["agencies"] == 0  # today is not a reminder day for this cycle
    assert DBTaskResult.objects.filter(
        task_path=reminders.daily_reminders.module_path, status="READY"
    ).exists()


def test_the_next_daily_run_is_the_coming_six_oclock():
    tz = timezone.get_current_timezone()
    morning = datetime.datetime(2023, 8, 24, 5, 0, tzinfo=tz)
    assert periodic.next_daily_run(morning) == datetime.datetime(2023, 8, 24, 6, 0, tzinfo=tz)
    later = datetime.datetime(2023, 8, 24, 6, 0, tzinfo=tz)
    assert periodic.next_daily_run(later) == datetime.datetime(2023, 8, 25, 6, 0, tzinfo=tz)


def test_a_backend_that_cannot_wait_skips_the_schedule(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert periodic.schedule_daily(reminders.daily_reminders) is None
