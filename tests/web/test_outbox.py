"""E-mail goes through an outbox: nothing is lost when the mail server is down, nothing is sent twice,
and each person's choice (instant, daily digest, in the app only) is respected."""

import datetime
import smtplib
import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from sinovda.audit.models import AuditEvent
from sinovda.innovations.models import State
from sinovda.notifications import digest, outbox, periodic
from sinovda.notifications.actions import set_delivery
from sinovda.notifications.models import (
    Delivery,
    DeliveryPreference,
    Notification,
    OutboundEmail,
)
from sinovda.notifications.send import notify
from sinovda.notifications.tasks import deliver_outbox
from sinovda.regions.models import Role
from tests import factories

pytestmark = pytest.mark.django_db

LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class DownBackend(LocmemBackend):
    """A mail server that cannot be reached."""

    def open(self):
        raise smtplib.SMTPConnectError(421, "Service not available")


class RefusesOneBackend(LocmemBackend):
    """A server that refuses one address and takes the others."""

    def send_messages(self, messages):
        if any("tolak@" in a for m in messages for a in m.to):
            raise smtplib.SMTPRecipientsRefused({"tolak@example.org": (550, b"no such user")})
        return super().send_messages(messages)


class SlowBackend(LocmemBackend):
    """Takes its time, so two workers overlap."""

    def send_messages(self, messages):
        threading.Event().wait(0.05)
        return super().send_messages(messages)


def mailers(backend):
    return {"default": {"BACKEND": f"{backend.__module__}.{backend.__qualname__}"}}


def time_passes(minutes=0):
    """Everything waiting becomes due (as if the clock moved on)."""
    OutboundEmail.objects.pending().update(
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=minutes, seconds=1)
    )


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def person(region):
    user = factories.member(region, Role.VERIFIER)
    user.email = "vera@example.org"
    user.save(update_fields=["email"])
    return user


def tell(users, region, message="Laporan “Sipintar” dikembalikan untuk perbaikan."):
    return notify(users, region, message, "/notifikasi/")


# --- the outbox ---------------------------------------------------------------------------------


def test_a_notification_and_its_email_are_written_together(region, person):
    (note,) = tell([person], region)
    email = OutboundEmail.objects.get()
    assert note.email == email
    assert email.address == "vera@example.org" and email.status == OutboundEmail.Status.PENDING
    assert "Sipintar" in email.subject and "http://localhost:8000/notifikasi/" in email.body
    assert "/notifikasi/pengaturan/" in email.body  # how to change the choice
    assert mail.outbox == []  # nothing is sent inside the transaction


def test_a_note_on_several_lines_still_makes_a_valid_subject(region, person):
    tell([person], region, "Laporan dikembalikan: lengkapi SK\nlalu kirim ulang.")
    assert outbox.send_due().sent == 1
    assert mail.outbox[0].subject == (
        "Sinovda: Laporan dikembalikan: lengkapi SK lalu kirim ulang."
    )
    assert "lengkapi SK\nlalu kirim ulang." in mail.outbox[0].body


def test_a_rolled_back_change_leaves_neither_message_nor_email(region, person):
    with pytest.raises(RuntimeError), transaction.atomic():
        tell([person], region)
        raise RuntimeError
    assert not Notification.objects.exists() and not OutboundEmail.objects.exists()


def test_each_person_gets_their_own_email(region, person):
    other = factories.member(region, Role.COORDINATOR)
    other.email = "koor@example.org"
    other.save(update_fields=["email"])
    tell([person, other], region)
    outbox.send_due()
    assert sorted(m.to[0] for m in mail.outbox) == ["koor@example.org", "vera@example.org"]
    assert all(len(m.to) == 1 for m in mail.outbox)  # nobody sees the other addresses


def test_people_without_an_address_get_the_message_in_the_app_only(region):
    no_address = factories.member(region, Role.VERIFIER)
    tell([no_address], region)
    assert Notification.objects.filter(user=no_address).exists()
    assert not OutboundEmail.objects.exists()


def test_an_smtp_outage_loses_nothing_and_the_mail_goes_out_later(region, person, settings):
    settings.MAILERS = mailers(DownBackend)
    tell([person], region)
    outcome = outbox.send_due()
    assert (outcome.sent, outcome.retry) == (0, 1)
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.PENDING and email.attempts == 1
    assert "SMTPConnectError" in email.last_error
    wait = email.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=50) < wait <= datetime.timedelta(minutes=1)
    assert outbox.send_due().sent == 0  # not due yet: no hammering of a server that is down

    settings.MAILERS = LOCMEM  # the server is back
    time_passes()
    assert outbox.send_due().sent == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT and email.sent_at and email.last_error == ""
    assert [m.to for m in mail.outbox] == [["vera@example.org"]]
    assert outbox.send_due().sent == 0  # and never again


def test_retries_back_off_then_give_up_visibly(region, person, settings):
    settings.MAILERS = mailers(DownBackend)
    tell([person], region)
    waits = []
    for _ in range(outbox.MAX_ATTEMPTS):
        before = timezone.now()
        outbox.send_due()
        email = OutboundEmail.objects.get()
        if email.status == OutboundEmail.Status.PENDING:
            waits.append(round((email.next_attempt_at - before).total_seconds() / 60))
        time_passes()
    assert waits == [1, 5, 25, 125, 360, 360, 360]
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.FAILED and email.attempts == outbox.MAX_ATTEMPTS
    assert outbox.send_due().sent == 0


def test_the_national_admin_sees_failed_mail_and_can_send_it_again(client, region, person):
    tell([person], region)
    OutboundEmail.objects.update(
        status=OutboundEmail.Status.FAILED, attempts=8, last_error="SMTPConnectError"
    )
    admin = factories.national_admin()
    client.force_login(admin)
    listing = reverse("admin:notifications_outboundemail_changelist")
    html = client.get(listing, {"status__exact": "failed"}).content.decode()
    assert "vera@example.org" in html
    response = client.post(
        listing,
        {"action": "send_again", "_selected_action": [OutboundEmail.objects.get().pk]},
    )
    assert response.status_code == 302
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.PENDING and email.attempts == 0
    assert AuditEvent.objects.filter(action="notifications.outbox_retry", actor=admin).exists()
    outbox.send_due()
    assert len(mail.outbox) == 1


def test_the_outbox_admin_is_not_for_a_koordinator(client, region):
    client.force_login(factories.member(region, Role.COORDINATOR))
    response = client.get(reverse("admin:notifications_outboundemail_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_one_refused_address_does_not_hold_back_the_others(region, person, settings):
    refused = factories.member(region, Role.COORDINATOR)
    refused.email = "tolak@example.org"
    refused.save(update_fields=["email"])
    settings.MAILERS = mailers(RefusesOneBackend)
    tell([person, refused], region)
    outcome = outbox.send_due()
    assert (outcome.sent, outcome.retry) == (1, 1)
    assert [m.to for m in mail.outbox] == [["vera@example.org"]]
    assert OutboundEmail.objects.get(address="tolak@example.org").status == "pending"


# --- two workers --------------------------------------------------------------------------------


def test_a_claimed_row_is_not_claimed_again(region, person):
    tell([person], region)
    first = outbox.claim()
    assert [e.address for e in first] == ["vera@example.org"]
    assert outbox.claim() == []  # a second worker finds nothing
    outbox.send_rows(first)
    assert len(mail.outbox) == 1


def test_a_worker_that_died_lets_its_rows_go_after_the_lease(region, person):
    tell([person], region)
    assert outbox.claim()  # ... and the worker dies before sending
    later = timezone.now() + outbox.LEASE + datetime.timedelta(seconds=1)
    (again,) = outbox.claim(now=later)
    assert again.attempts == 2  # the lost attempt counts, so a row cannot loop for ever


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two connections at once: PostgreSQL only"
)
def test_two_workers_at_once_never_send_the_same_email(settings):
    settings.MAILERS = mailers(SlowBackend)
    region = factories.region(code="16.10", name="Kabupaten Ogan Ilir")
    people = []
    for n in range(12):
        user = factories.member(region, Role.VERIFIER)
        user.email = f"orang{n}@example.org"
        user.save(update_fields=["email"])
        people.append(user)
    tell(people, region)
    start = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            start.wait()
            outcomes.append(outbox.send_due(batch=3))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sent_to = sorted(m.to[0] for m in mail.outbox)
    assert sent_to == sorted(u.email for u in people)  # each once, none twice
    assert sum(o.sent for o in outcomes) == 12
    assert all(o.sent for o in outcomes)  # both workers took part
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()


# --- delivery after the commit, retries as tasks ------------------------------------------------


def test_an_action_mails_after_its_commit(
    client, region, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    cycle = factories.cycle(region, 2023)
    agency = factories.agency(region, short_name="Dinkes")
    operator = factories.member(region, Role.OPERATOR, agency=agency)
    operator.email = "ani@example.org"
    operator.save(update_fields=["email"])
    levels = factories.mandatory_levels(cycle, 3)
    report = factories.submission(cycle, agency=agency, state=State.SUBMITTED, levels=levels)
    client.force_login(factories.member(region, Role.VERIFIER))
    path = reverse("return_submission", args=[region.code, 2023, report.innovation.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"note": "Lengkapi SK inovasi."})
    assert [m.to for m in mail.outbox] == [["ani@example.org"]]
    assert "Lengkapi SK inovasi" in mail.outbox[0].body
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


def test_an_action_still_succeeds_when_the_mail_server_is_down(
    client, region, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.MAILERS = mailers(DownBackend)
    cycle = factories.cycle(region, 2023)
    agency = factories.agency(region, short_name="Dinkes")
    operator = factories.member(region, Role.OPERATOR, agency=agency)
    operator.email = "ani@example.org"
    operator.save(update_fields=["email"])
    levels = factories.mandatory_levels(cycle, 3)
    report = factories.submission(cycle, agency=agency, state=State.SUBMITTED, levels=levels)
    client.force_login(factories.member(region, Role.VERIFIER))
    path = reverse("return_submission", args=[region.code, 2023, report.innovation.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"note": "Lengkapi SK inovasi."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == State.RETURNED
    email = OutboundEmail.objects.get()
    assert email.status == OutboundEmail.Status.PENDING and email.attempts == 1


def test_the_delivery_task_schedules_its_own_retry_once(region, person, settings):
    settings.MAILERS = mailers(DownBackend)
    tell([person], region)
    deliver_outbox.call()
    deliver_outbox.call()  # a second run (another worker, a kick) adds no second retry
    retries = DBTaskResult.objects.filter(task_path=deliver_outbox.module_path, status="READY")
    assert retries.count() == 1
    due = OutboundEmail.objects.get().next_attempt_at
    assert abs(retries.get().run_after - due) < datetime.timedelta(seconds=1)


def test_asking_for_delivery_twice_queues_one_task(region, person):
    assert periodic.enqueue_once(deliver_outbox)
    assert not periodic.enqueue_once(deliver_outbox)
    assert DBTaskResult.objects.filter(task_path=deliver_outbox.module_path).count() == 1


def test_send_outbox_command(region, person):
    tell([person], region)
    call_command("send_outbox", stdout=(out := _Out()))
    assert "1 sent" in out.text and len(mail.outbox) == 1


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, value):
        self.text += value

    def flush(self):
        pass


# --- preferences --------------------------------------------------------------------------------


def test_without_a_choice_email_is_instant(region, person):
    tell([person], region)
    assert OutboundEmail.objects.get().kind == OutboundEmail.Kind.INSTANT


def test_in_the_app_only_means_no_email_at_all(region, person):
    set_delivery(person, Delivery.NONE)
    tell([person], region)
    assert Notification.objects.filter(user=person).exists()
    assert digest.send_digests() == 0
    assert not OutboundEmail.objects.exists()


def test_a_digest_collects_the_days_unread_notifications_into_one_email(region, person):
    set_delivery(person, Delivery.DIGEST)
    tell([person], region, "Laporan “Sipintar” dikembalikan untuk perbaikan.")
    tell([person], region, "Laporan “Simasjid” terverifikasi.")
    (read,) = tell([person], region, "Laporan “Sudah dibaca” ditolak.")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    assert not OutboundEmail.objects.exists()  # nothing instant

    today = timezone.localdate()
    assert digest.send_digests(today) == 1
    email = OutboundEmail.objects.get()
    assert email.kind == OutboundEmail.Kind.DIGEST
    assert email.dedup_key == f"digest:{person.pk}:{today.isoformat()}"
    assert "Sipintar" in email.body and "Simasjid" in email.body
    assert "Sudah dibaca" not in email.body  # already seen in the app
    assert Notification.objects.filter(user=person, email=email).count() == 2

    assert digest.send_digests(today) == 0  # the same day again: nothing
    tell([person], region, "Laporan “Besok” dikembalikan.")
    assert digest.send_digests(today) == 0  # one digest a day, whatever arrives after it
    assert digest.send_digests(today + datetime.timedelta(days=1)) == 1
    newest = OutboundEmail.objects.order_by("-id").first()
    assert "Besok" in newest.body and "Sipintar" not in newest.body
    outbox.send_due()
    assert len(mail.outbox) == 2


def test_a_digest_leaves_out_old_news(region, person):
    set_delivery(person, Delivery.DIGEST)
    (old,) = tell([person], region, "Laporan lama.")
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - digest.MAX_AGE - datetime.timedelta(hours=1)
    )
    assert digest.send_digests() == 0


def test_the_settings_page_shows_and_changes_the_choice(client, person):
    client.force_login(person)
    path = reverse("notification_settings")
    html = client.get(path).content.decode()
    assert 'value="instant" ' in html and "checked" in html.split('value="instant"')[1][:40]
    assert "vera@example.org" in html
    response = client.post(path, {"email": "digest"})
    assert response.status_code == 302
    assert DeliveryPreference.objects.get(user=person).email == Delivery.DIGEST
    event = AuditEvent.objects.get(action="notifications.delivery")
    assert event.actor == person and event.before == {"email": "instant"}
    assert event.after == {"email": "digest"}
    client.post(path, {"email": "digest"})  # no change: nothing recorded
    assert AuditEvent.objects.filter(action="notifications.delivery").count() == 1


def test_a_bad_choice_is_refused_at_the_field(client, person):
    client.force_login(person)
    response = client.post(reverse("notification_settings"), {"email": "pigeon"})
    assert response.status_code == 200
    assert "error-message" in response.content.decode()
    assert not DeliveryPreference.objects.exists()
    response = client.post(reverse("notification_settings"), {})
    assert "Pilih cara menerima pemberitahuan lewat surel." in response.content.decode()


def test_the_settings_page_tells_people_without_an_address(client, region):
    client.force_login(factories.member(region, Role.OPERATOR))
    html = client.get(reverse("notification_settings")).content.decode()
    assert "belum punya alamat surel" in html


def test_the_settings_page_needs_a_sign_in(client):
    response = client.get(reverse("notification_settings"))
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_the_notification_list_links_to_the_settings(client, person):
    client.force_login(person)
    html = client.get(reverse("notification_list")).content.decode()
    assert reverse("notification_settings") in html


def test_send_digests_command(region, person):
    set_delivery(person, Delivery.DIGEST)
    tell([person], region)
    out = _Out()
    call_command("send_digests", stdout=out)
    call_command("send_digests", stdout=out)
    assert "1 digest(s) written" in out.text and "0 digest(s) written" in out.text
    assert [m.subject.startswith("Sinovda: ringkasan pemberitahuan") for m in mail.outbox] == [True]
