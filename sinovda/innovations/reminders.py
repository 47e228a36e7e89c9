"""Reminders before the submit deadline, the verifiers' daily queue, and the daily job that runs them.

* At D-14, D-7, D-3 and D-1 before a cycle's submit deadline (inside the reporting window), every OPD
  with drafts not sent, returned reports not sent again, or nothing sent at all gets one message a
  day (to its active operators) summarising what waits, with a link to its reports.
* Every day of the reporting and review windows, each verifikator and koordinator of a region whose
  queue is not empty gets the queue: how many reports wait, oldest first, and for how many days.
* The koordinator can remind one OPD from the monitor ("Kirim pengingat"), at most once a day.

Each reminder writes a `notifications.Reminder` row with a unique key (cycle, OPD or person, kind,
day) in the same transaction as its notifications, so a re-run, a second worker or a second click
sends nothing. Delivery (in the app, e-mail as each person prefers) is the notifications app's.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sinovda.audit.models import record
from sinovda.cycles.models import Cycle
from sinovda.notifications import digest, periodic
from sinovda.notifications.models import Reminder
from sinovda.notifications.send import notify
from sinovda.notifications.tasks import deliver_soon
from sinovda.regions.models import Agency, Membership, Role

from .actions import ActionRefused
from .models import REPORTED_STATES, State, Submission

REMINDER_DAYS = (14, 7, 3, 1)
REVIEWER_ROLES = (Role.VERIFIER, Role.COORDINATOR)
QUEUE_LISTED = 20  # reports named in a queue e-mail; the rest are counted


@dataclass
class AgencyWork:
    """What one OPD has in one cycle: the reports still in its hands, and how many it sent."""

    agency: Agency
    drafts: list[str] = field(default_factory=list)
    returned: list[str] = field(default_factory=list)
    sent: int = 0

    @property
    def waiting(self) -> bool:
        return bool(self.drafts or self.returned or not self.sent)

    def summary(self) -> dict:
        return {"drafts": len(self.drafts), "returned": len(self.returned), "sent": self.sent}


@dataclass
class Summary:
    agencies: int = 0
    queues: int = 0
    digests: int = 0


def agency_work(cycle, agency=None) -> list[AgencyWork]:
    """Every active OPD of the cycle's region (or just `agency`) and its reports, in two queries."""
    agencies = Agency.objects.filter(region=cycle.region)
    agencies = agencies.filter(pk=agency.pk) if agency is not None else agencies.active()
    work = {a.pk: AgencyWork(a) for a in agencies.order_by("name")}
    reports = (
        Submission.objects.filter(cycle=cycle, innovation__agency_id__in=list(work))
        .order_by("name")
        .values_list("innovation__agency_id", "name", "state")
    )
    for agency_id, name, state in reports:
        item = work[agency_id]
        if state == State.DRAFT:
            item.drafts.append(name)
        elif state == State.RETURNED:
            item.returned.append(name)
        if state in REPORTED_STATES:
            item.sent += 1
    return list(work.values())


def operators_by_agency(region) -> dict[int, list]:
    people = {}
    for m in (
        Membership.objects.active()
        .filter(region=region, role=Role.OPERATOR)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    ):
        people.setdefault(m.agency_id, []).append(m.user)
    return people


def _deadline_sentence(cycle, day) -> str:
    days = (cycle.submit_deadline - day).days
    values = {
        "year": cycle.year,
        "days": days,
        "deadline": formats.date_format(cycle.submit_deadline, "j F Y"),
    }
    if days > 0:
        sentence = _(
            "Batas akhir pengiriman laporan inovasi %(year)s tinggal %(days)s hari lagi, "
            "yaitu %(deadline)s."
        )
    elif days == 0:
        sentence = _(
            "Batas akhir pengiriman laporan inovasi %(year)s adalah hari ini, %(deadline)s."
        )
    else:
        sentence = _("Batas akhir pengiriman laporan inovasi %(year)s sudah lewat (%(deadline)s).")
    return sentence % values


def _state_sentence(work: AgencyWork) -> str:
    if not work.drafts and not work.returned and not work.sent:
        return _("%(agency)s belum mengirim satu pun laporan inovasi.") % {
            "agency": work.agency.short_name
        }
    return _(
        "%(agency)s: %(drafts)s draf belum dikirim, %(returned)s laporan dikembalikan belum "
        "dikirim ulang, %(sent)s laporan sudah dikirim."
    ) % {
        "agency": work.agency.short_name,
        "drafts": len(work.drafts),
        "returned": len(work.returned),
        "sent": work.sent,
    }


def _agency_details(work: AgencyWork) -> str:
    parts = []
    if work.drafts:
        parts.append(
            "\n".join([_("Draf yang belum dikirim:"), *(f"- {name}" for name in work.drafts)])
        )
    if work.returned:
        parts.append(
            "\n".join(
                [
                    _("Laporan dikembalikan yang belum dikirim ulang:"),
                    *(f"- {name}" for name in work.returned),
                ]
            )
        )
    return "\n\n".join(parts)


def agency_key(cycle, agency, day) -> str:
    return f"opd:{cycle.pk}:{agency.pk}:{day.isoformat()}"


def remind_agency(cycle, work: AgencyWork, operators, day, *, by=None) -> Reminder | None:
    """One reminder to one OPD for `day`; None when it was reminded that day already."""
    key = agency_key(cycle, work.agency, day)
    sentences = [_state_sentence(work), _deadline_sentence(cycle, day)]
    if by is not None:
        sentences.insert(
            0, _("Koordinator %(name)s mengingatkan OPD Anda.") % {"name": by.display_name}
        )
    message = " ".join(sentences)
    url = reverse("submission_list", args=[cycle.region.code, cycle.year])
    try:
        with transaction.atomic():
            reminder = Reminder.objects.create(
                key=key,
                kind=Reminder.Kind.AGENCY,
                region=cycle.region,
                cycle=cycle,
                agency=work.agency,
                on_date=day,
                sent_by=by,
                summary=work.summary(),
            )
            notify(operators, cycle.region, message, url, details=_agency_details(work), key=key)
            if by is not None:
                record(
                    "reminder.send",
                    actor=by,
                    obj=work.agency,
                    region=cycle.region,
                    after={"cycle": cycle.year, **work.summary()},
                )
    except IntegrityError:
        return None
    return reminder


def deadline_cycles(day) -> list[Cycle]:
    """Cycles whose submit deadline is 14, 7, 3 or 1 days after `day`, with their window open."""
    deadlines = [day + datetime.timedelta(days=n) for n in REMINDER_DAYS]
    return list(
        Cycle.objects.filter(submit_deadline__in=deadlines, opens_on__lte=day).select_related(
            "region", "edition"
        )
    )


def send_agency_reminders(day) -> int:
    sent = 0
    for cycle in deadline_cycles(day):
        operators = operators_by_agency(cycle.region)
        for work in agency_work(cycle):
            people = operators.get(work.agency.pk)
            if work.waiting and people and remind_agency(cycle, work, people, day):
                sent += 1
    return sent


# --- the verifiers' queue ----------------------------------------------------------------------


def queue_key(cycle, user, day) -> str:
    return f"antrean:{cycle.pk}:{user.pk}:{day.isoformat()}"


def _queue_text(cycle, waiting, day) -> tuple[str, str]:
    def days(report):
        return (day - timezone.localdate(report.submitted_at)).days if report.submitted_at else 0

    message = _(
        "Antrean verifikasi %(year)s: %(count)s laporan menunggu diperiksa; yang terlama sudah "
        "menunggu %(days)s hari."
    ) % {"year": cycle.year, "count": len(waiting), "days": days(waiting[0])}
    lines = [_("Laporan yang menunggu, dari yang terlama:")]
    for report in waiting[:QUEUE_LISTED]:
        lines.append(
            "- "
            + _("%(name)s (%(agency)s), menunggu %(days)s hari")
            % {
                "name": report.name,
                "agency": report.innovation.agency.short_name,
                "days": days(report),
            }
        )
    if len(waiting) > QUEUE_LISTED:
        lines.append(_("Dan %(count)s laporan lainnya.") % {"count": len(waiting) - QUEUE_LISTED})
    return message, "\n".join(lines)


def send_queue_digests(day) -> int:
    """Each reviewer of a region with reports waiting gets the queue once a day."""
    cycles = Cycle.objects.filter(opens_on__lte=day, review_deadline__gte=day).select_related(
        "region", "edition"
    )
    by_cycle = {c.pk: c for c in cycles}
    waiting = {}
    for report in (
        Submission.objects.filter(cycle__in=list(by_cycle), state=State.SUBMITTED)
        .select_related("innovation__agency")
        .order_by("submitted_at", "name")
    ):
        waiting.setdefault(report.cycle_id, []).append(report)
    regions = {by_cycle[pk].region_id for pk in waiting}
    reviewers = {}
    for m in (
        Membership.objects.active()
        .filter(region_id__in=regions, role__in=REVIEWER_ROLES)
        .select_related("user")
    ):
        reviewers.setdefault(m.region_id, []).append(m.user)
    sent = 0
    for cycle_id, reports in waiting.items():
        cycle = by_cycle[cycle_id]
        message, details = _queue_text(cycle, reports, day)
        url = reverse("review_queue", args=[cycle.region.code, cycle.year])
        for user in reviewers.get(cycle.region_id, []):
            key = queue_key(cycle, user, day)
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        key=key,
                        kind=Reminder.Kind.QUEUE,
                        region=cycle.region,
                        cycle=cycle,
                        user=user,
                        on_date=day,
                        summary={"waiting": len(reports)},
                    )
                    notify([user], cycle.region, message, url, details=details, key=key)
            except IntegrityError:
                continue
            sent += 1
    return sent


# --- the daily job -----------------------------------------------------------------------------


def send_daily(day: datetime.date | None = None) -> Summary:
    """Everything that goes out once a day, in the installation's language: reminders to OPDs,
    the reviewers' queues, then the personal digests (which then carry that morning's reminders to
    people who chose a digest). Safe to run twice."""
    day = day or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        summary = Summary(
            agencies=send_agency_reminders(day),
            queues=send_queue_digests(day),
        )
        summary.digests = digest.send_digests(day)
    return summary


@task()
def daily_reminders() -> dict:
    """The daily job as a task that enqueues its next run (started by `send_reminders --schedule`)."""
    try:
        summary = send_daily()
    finally:
        periodic.schedule_daily(daily_reminders)
    deliver_soon()
    return {"agencies": summary.agencies, "queues": summary.queues, "digests": summary.digests}


# --- the koordinator's one click ---------------------------------------------------------------


def last_reminders(cycle, day) -> dict[int, Reminder]:
    """The OPD reminders of `day` in this cycle, by OPD."""
    return {
        r.agency_id: r
        for r in Reminder.objects.filter(cycle=cycle, kind=Reminder.Kind.AGENCY, on_date=day)
    }


def send_agency_reminder(access, cycle, agency) -> Reminder:
    """The koordinator reminds one OPD now (at most once a day per OPD, counting the schedule's)."""
    if not access.can_manage:
        raise ActionRefused(_("Hanya koordinator yang dapat mengirim pengingat."))
    day = timezone.localdate()
    (work,) = agency_work(cycle, agency)
    if not work.waiting:
        raise ActionRefused(
            _("Tidak ada yang menunggu %(agency)s: semua laporannya sudah dikirim.")
            % {"agency": agency.short_name}
        )
    operators = operators_by_agency(cycle.region).get(agency.pk)
    if not operators:
        raise ActionRefused(
            _("%(agency)s belum punya operator aktif. Tambahkan operator di halaman Pengguna.")
            % {"agency": agency.short_name}
        )
    reminder = remind_agency(cycle, work, operators, day, by=access.user)
    if reminder is None:
        earlier = Reminder.objects.get(key=agency_key(cycle, agency, day))
        raise ActionRefused(
            _(
                "%(agency)s sudah diingatkan hari ini pukul %(time)s. Pengingat berikutnya dapat "
                "dikirim besok."
            )
            % {
                "agency": agency.short_name,
                "time": formats.time_format(timezone.localtime(earlier.created_at), "H:i"),
            }
        )
    return reminder
