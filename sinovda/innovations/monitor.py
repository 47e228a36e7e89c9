"""The koordinator's stuck-work monitor: per OPD and stage, what waits, since when, and on whom.

Stages follow a report's life: no report yet, draft, returned (both in the OPD's hands), sent and
waiting for review, in review with some indicators decided (in the verifiers' hands), verified and
rejected (done). "Since" is the moment the report entered its stage as far as the data tells:
a draft's last change, the last return or reopening in the audit trail, the sending, the decision.
The table is built in a fixed number of queries whatever the number of reports.
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.db import models
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinovda.audit.models import AuditEvent
from sinovda.lib.sheets import cell as sheet_cell
from sinovda.regions.models import Agency, Membership, Role

from .lookup import visible_submissions
from .models import Answer, State, Submission
from .reminders import REVIEWER_ROLES, last_reminders


class Stage(models.TextChoices):
    NONE = "belum_ada", gettext_lazy("Belum ada laporan")
    DRAFT = "draf", gettext_lazy("Draf belum dikirim")
    RETURNED = "dikembalikan", gettext_lazy("Dikembalikan, menunggu perbaikan OPD")
    SUBMITTED = "menunggu", gettext_lazy("Dikirim, menunggu verifikasi")
    IN_REVIEW = "diperiksa", gettext_lazy("Sedang diperiksa, sebagian sudah diputuskan")
    VERIFIED = "terverifikasi", gettext_lazy("Terverifikasi")
    REJECTED = "ditolak", gettext_lazy("Ditolak")


STAGE_ORDER = {stage: i for i, stage in enumerate(Stage)}
ON_OPERATOR = {Stage.NONE, Stage.DRAFT, Stage.RETURNED}
ON_REVIEWER = {Stage.SUBMITTED, Stage.IN_REVIEW}
RETURN_ACTIONS = ("submission.return", "submission.reopen")


@dataclass
class Report:
    name: str
    public_id: str
    since: datetime.datetime


@dataclass
class Row:
    agency: Agency
    stage: Stage
    reports: list[Report] = field(default_factory=list)
    since: datetime.datetime | None = None
    days: int | None = None
    holders: list[str] = field(default_factory=list)
    reminded_at: datetime.datetime | None = None

    @property
    def count(self) -> int:
        return len(self.reports)

    @property
    def waiting(self) -> bool:
        """Someone still has to act (the OPD or a verifier)."""
        return self.stage in ON_OPERATOR or self.stage in ON_REVIEWER

    @property
    def on_operator(self) -> bool:
        """The OPD holds this work: the row a reminder is for."""
        return self.stage in ON_OPERATOR

    @property
    def holder_role(self) -> str:
        if self.stage in ON_OPERATOR:
            return _("Operator OPD")
        if self.stage in ON_REVIEWER:
            return _("Verifikator")
        return ""


def _name(full_name: str, username: str) -> str:
    return full_name or username


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _people(region):
    """Active operators by OPD, and the region's reviewers, as display names (one query)."""
    operators, reviewers = {}, []
    for m in (
        Membership.objects.active()
        .filter(region=region, role__in=[Role.OPERATOR, *REVIEWER_ROLES])
        .select_related("user")
        .order_by("user__full_name", "user__username")
    ):
        if m.role == Role.OPERATOR:
            operators.setdefault(m.agency_id, []).append(m.user.display_name)
        else:
            reviewers.append(m.user.display_name)
    return operators, reviewers


def _reviewers_by_report(cycle) -> dict[int, list[str]]:
    """Who has decided indicators of each report waiting for review, the latest first."""
    rows = (
        Answer.objects.filter(
            submission__cycle=cycle,
            submission__state=State.SUBMITTED,
            reviewed_by__isnull=False,
        )
        .values("submission_id", "reviewed_by__full_name", "reviewed_by__username")
        .annotate(last=Max("reviewed_at"))
        .order_by("submission_id", "-last")
    )
    names = {}
    for row in rows:
        names.setdefault(row["submission_id"], []).append(
            _name(row["reviewed_by__full_name"], row["reviewed_by__username"])
        )
    return names


def _returned_at(cycle, report_ids) -> dict[int, datetime.datetime]:
    """When each returned report was last sent back (return, or reopening), from the audit trail."""
    if not report_ids:
        return {}
    rows = (
        AuditEvent.objects.filter(
            region=cycle.region,
            object_type=Submission._meta.label_lower,
            object_id__in=[str(pk) for pk in report_ids],
            action__in=RETURN_ACTIONS,
        )
        .values("object_id")
        .annotate(at=Max("created_at"))
    )
    return {int(row["object_id"]): row["at"] for row in rows}


def _stage_and_since(report, reviewed: bool, returned_at) -> tuple[Stage, datetime.datetime]:
    if report.state == State.DRAFT:
        return Stage.DRAFT, report.updated_at
    if report.state == State.RETURNED:
        return Stage.RETURNED, returned_at.get(report.pk) or report.updated_at
    if report.state == State.SUBMITTED:
        stage = Stage.IN_REVIEW if reviewed else Stage.SUBMITTED
        return stage, report.submitted_at or report.updated_at
    stage = Stage.VERIFIED if report.state == State.VERIFIED else Stage.REJECTED
    return stage, report.decided_at or report.updated_at


def stuck_work(access, cycle, today: datetime.date | None = None) -> list[Row]:
    """One row per OPD and stage that has reports (and one per active OPD with none yet)."""
    today = today or timezone.localdate()
    reports = list(
        visible_submissions(access, cycle)
        .exclude(state=State.WITHDRAWN)
        .select_related(None)
        .select_related("innovation")
        .only(
            "name",
            "state",
            "updated_at",
            "submitted_at",
            "decided_at",
            "innovation__public_id",
            "innovation__agency_id",
        )
        .order_by("name")
    )
    agencies = {a.pk: a for a in Agency.objects.filter(region=cycle.region)}
    operators, reviewers = _people(cycle.region)
    reviewed = _reviewers_by_report(cycle)
    returned_at = _returned_at(cycle, [r.pk for r in reports if r.state == State.RETURNED])
    reminded = last_reminders(cycle, today)

    rows: dict[tuple[int, Stage], Row] = {}
    for report in reports:
        stage, since = _stage_and_since(report, report.pk in reviewed, returned_at)
        agency_id = report.innovation.agency_id
        row = rows.setdefault((agency_id, stage), Row(agencies[agency_id], stage))
        row.reports.append(Report(report.name, report.innovation.public_id, since))
        for name in reviewed.get(report.pk, []):
            if name not in row.holders:
                row.holders.append(name)
    with_reports = {agency_id for agency_id, _stage in rows}
    for agency in agencies.values():
        if agency.is_active and agency.pk not in with_reports:
            rows[(agency.pk, Stage.NONE)] = Row(
                agency, Stage.NONE, since=_start_of(min(cycle.opens_on, today))
            )

    for row in rows.values():
        if row.reports:
            row.reports.sort(key=lambda r: r.since)
            row.since = row.reports[0].since
        row.days = max((today - timezone.localdate(row.since)).days, 0)
        if row.stage in ON_OPERATOR:
            row.holders = operators.get(row.agency.pk, [])
        elif row.stage == Stage.SUBMITTED:
            row.holders = reviewers
        reminder = reminded.get(row.agency.pk)
        row.reminded_at = reminder.created_at if reminder else None
    return list(rows.values())


# --- sorting ------------------------------------------------------------------------------------

SORT_KEYS = {
    "opd": lambda row: (row.agency.name.lower(),),
    "tahap": lambda row: (STAGE_ORDER[row.stage],),
    "jumlah": lambda row: (row.count,),
    "hari": lambda row: (row.days if row.days is not None else -1,),
    "pada": lambda row: (", ".join(row.holders).lower(),),
}
DEFAULT_SORT = "-hari"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """`?urut=hari` (ascending) or `?urut=-hari` (descending); anything else is the default."""
    value = (value or "").strip()
    key = value.lstrip("-")
    if key not in SORT_KEYS:
        value, key = DEFAULT_SORT, DEFAULT_SORT.lstrip("-")
    return key, value.startswith("-")


def sort_rows(rows: list[Row], key: str, descending: bool) -> list[Row]:
    """Sorted by the column, then by OPD and stage so equal values keep a stable order.

    By waiting time, finished rows (verified, rejected) come last either way: they wait on nobody.
    """
    ordered = sorted(rows, key=lambda r: (r.agency.name.lower(), STAGE_ORDER[r.stage]))
    ordered = sorted(ordered, key=SORT_KEYS[key], reverse=descending)
    if key == "hari":
        ordered = [r for r in ordered if r.waiting] + [r for r in ordered if not r.waiting]
    return ordered


# --- CSV ----------------------------------------------------------------------------------------


def as_csv(rows: list[Row]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("OPD"),
            _("Tahap"),
            _("Jumlah laporan"),
            _("Menunggu sejak"),
            _("Lama (hari)"),
            _("Menunggu siapa"),
            _("Peran"),
            _("Laporan"),
            _("Pengingat hari ini"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                sheet_cell(v)
                for v in (
                    row.agency.name,
                    row.stage.label,
                    row.count,
                    timezone.localdate(row.since).isoformat() if row.since else "",
                    row.days,
                    ", ".join(row.holders),
                    row.holder_role,
                    "; ".join(r.name for r in row.reports),
                    timezone.localtime(row.reminded_at).strftime("%H:%M")
                    if row.reminded_at
                    else "",
                )
            ]
        )
    return out.getvalue()
