"""The national IID application: what a report looks like now, and which reports the koordinator
has entered into it.

The national application has no interface to Sinovda: the koordinator re-types every verified report
from the hand-off pack. A report's fingerprint (`Snapshot.hash`) covers what is re-typed (the profile
rows, the verified level of every indicator, the evidence files by their sha256 and links), so the
pack and the national-entries page can both tell which entered reports changed since. Both read the
snapshots here, so they always agree.

Snapshots are built under the installation's language: the profile's dates and choices are text in
the national application's language, and a page viewed in English must not make every report look
changed.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sinovda.audit.models import record, snapshot
from sinovda.evidence.models import Document
from sinovda.innovations.actions import ActionRefused
from sinovda.innovations.models import Answer, State, Submission
from sinovda.innovations.profile import ProfileRow, profile_rows
from sinovda.scores import bridge

from .models import NationalEntry

REGISTRATION_MAX = NationalEntry._meta.get_field("registration_number").max_length
ENTRY_FIELDS = ("registration_number", "entered_by", "entered_at", "content_hash")


# --- what a report looks like now --------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorEvidence:
    """One SID row of a report: its verified level and what backs it."""

    code: str
    level: int | None  # the verified level as the scores app reads it; None = not verified
    documents: tuple = ()  # evidence Documents, in a stable order (oldest first)
    link: str = ""


@dataclass
class Snapshot:
    """A verified report as the national application will receive it."""

    submission: Submission
    rows: list[ProfileRow]
    indicators: dict[str, IndicatorEvidence]  # by SID row code, every row of the edition
    hash: str = field(default="", init=False)

    def __post_init__(self):
        self.hash = hashlib.sha256(_canonical(self._content()).encode()).hexdigest()

    @property
    def entry(self) -> NationalEntry | None:
        return getattr(self.submission, "national_entry", None)

    def _content(self) -> dict:
        return {
            "profile": [
                [r.number, r.label, r.value, [_sha(d) for d in r.documents]] for r in self.rows
            ],
            "indicators": {
                code: [ev.level, sorted(d.sha256 for d in ev.documents), ev.link]
                for code, ev in self.indicators.items()
            },
        }

    def manifest(self) -> dict:
        """What the hand-off pack remembers of this report, to say what changed in the next one."""
        documents = {d.pk for ev in self.indicators.values() for d in ev.documents}
        documents |= {d.pk for r in self.rows for d in r.documents if hasattr(d, "pk")}
        return {
            "name": self.submission.name,
            "hash": self.hash,
            "fields": {field_key(r): r.value for r in self.rows},
            "documents": sorted(documents),
            "indicators": {
                code: {
                    "level": ev.level,
                    "evidence": sorted(d.sha256 for d in ev.documents),
                    "link": ev.link,
                }
                for code, ev in self.indicators.items()
            },
        }


def field_key(row: ProfileRow) -> str:
    """The national number of a profile row; rows without one (budget, video) go by their label."""
    return row.number if row.number.strip(" -") else row.label


def field_title(row: ProfileRow) -> str:
    """ "1.16 Tujuan Inovasi"; a row without a national number by its label alone."""
    return f"{row.number} {row.label}" if row.number.strip(" -") else row.label


def _sha(document) -> str:
    return getattr(document, "sha256", str(document))


def _canonical(data) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def verified_submissions(cycle):
    """The cycle's verified reports: what goes to the national application, in name order."""
    return (
        Submission.objects.filter(cycle=cycle, state=State.VERIFIED)
        .select_related("innovation__agency", "national_entry__entered_by")
        .order_by("name", "pk")
    )


def snapshots(cycle, submissions=None) -> list[Snapshot]:
    """Snapshots of the given reports of the cycle (default: every verified one), in a fixed number
    of queries whatever their number (the dashboard shows the entries' progress)."""
    submissions = list(verified_submissions(cycle) if submissions is None else submissions)
    if not submissions:
        return []
    spec = cycle.edition.spec()
    region = bridge.region_input(
        cycle,
        [
            {
                "pk": s.pk,
                "name": s.name,
                "state": s.state,
                "main_affair": s.main_affair,
                "other_affairs": s.other_affairs,
            }
            for s in submissions
        ],
    )
    verified = {inn.id: inn.verified or {} for inn in region.innovations}
    evidence = _evidence([s.pk for s in submissions])
    codes = [row.code for row in spec.sid_rows]
    out = []
    with translation.override(settings.LANGUAGE_CODE):
        for submission in submissions:
            submission.cycle = cycle
            levels = verified.get(str(submission.pk), {})
            own = evidence.get(submission.pk, {})
            indicators = {
                code: IndicatorEvidence(code, levels.get(code), *own.get(code, ((), "")))
                for code in codes
            }
            out.append(Snapshot(submission, profile_rows(submission), indicators))
    return out


def _evidence(submission_ids) -> dict[int, dict[str, tuple[tuple, str]]]:
    """{submission id: {indicator code: (documents oldest first, link)}} in three queries; a
    document backing many answers is one object (rows, not model instances, for the answers: the
    dashboard builds this on every view)."""
    answers = Answer.objects.filter(submission__in=submission_ids).values_list(
        "pk", "submission_id", "indicator_code", "link"
    )
    pairs = list(
        Answer.documents.through.objects.filter(answer__submission__in=submission_ids)
        .order_by("document_id")
        .values_list("answer_id", "document_id")
    )
    documents = Document.objects.in_bulk({document for _, document in pairs})
    backing: dict[int, list] = {}
    for answer, document in pairs:
        backing.setdefault(answer, []).append(documents[document])
    out: dict[int, dict] = {}
    for pk, submission, code, link in answers:
        out.setdefault(submission, {})[code] = (tuple(backing.get(pk, ())), link)
    return out


def current_hash(submission) -> str:
    return snapshots(submission.cycle, [submission])[0].hash


# --- entered or not ----------------------------------------------------------------------------


class Status:
    NOT_ENTERED = "belum"
    ENTERED = "sudah"
    CHANGED = "berubah"


def status_for(entry: NationalEntry | None, digest: str) -> str:
    """Belum / sudah / berubah: a report entered with another fingerprint has changed since."""
    if entry is None:
        return Status.NOT_ENTERED
    if entry.content_hash != digest:
        return Status.CHANGED
    return Status.ENTERED


@dataclass(frozen=True)
class EntryRow:
    snapshot: Snapshot

    @property
    def submission(self) -> Submission:
        return self.snapshot.submission

    @property
    def entry(self) -> NationalEntry | None:
        return self.snapshot.entry

    @property
    def status(self) -> str:
        return status_for(self.entry, self.snapshot.hash)


@dataclass(frozen=True)
class Progress:
    total: int  # verified reports of the cycle
    entered: int  # of which marked as entered (changed ones included)
    changed: int  # entered, but the report changed since

    @property
    def percent(self) -> int:
        return round(100 * self.entered / self.total) if self.total else 0


def entry_rows(cycle) -> list[EntryRow]:
    return [EntryRow(s) for s in snapshots(cycle)]


def progress(cycle) -> Progress:
    """The cycle's progress without a snapshot of every report: only entered ones can have
    changed, so only they are fingerprinted (the dashboard shows this on every view)."""
    reports = verified_submissions(cycle)
    entered = list(reports.filter(national_entry__isnull=False))
    rows = [EntryRow(s) for s in snapshots(cycle, entered)]
    return Progress(
        total=reports.count(),
        entered=len(rows),
        changed=sum(row.status == Status.CHANGED for row in rows),
    )


def progress_of(rows: list[EntryRow]) -> Progress:
    statuses = [r.status for r in rows]
    return Progress(
        total=len(statuses),
        entered=sum(s != Status.NOT_ENTERED for s in statuses),
        changed=statuses.count(Status.CHANGED),
    )


# --- actions ---------------------------------------------------------------------------------


def _locked(access, submission) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("cycle__edition", "cycle__region", "innovation__agency")
        .get(pk=submission.pk, cycle__region=access.region)
    )


def _entry_audit(entry: NationalEntry | None) -> dict | None:
    return snapshot(entry, ENTRY_FIELDS) if entry is not None else None


@transaction.atomic
def mark_entered(access, submission, registration_number: str = "") -> NationalEntry:
    """The koordinator has entered this verified report into the national application (again,
    after a change): remember who, when, the registration number and the report's fingerprint."""
    if not access.can_manage:
        raise PermissionDenied
    submission = _locked(access, submission)
    if submission.state != State.VERIFIED:
        raise ActionRefused(
            _(
                "Hanya laporan yang sudah terverifikasi yang dapat ditandai sudah dimasukkan ke "
                "aplikasi nasional."
            )
        )
    number = " ".join((registration_number or "").split())
    if len(number) > REGISTRATION_MAX:
        raise ActionRefused(
            _(
                "Nomor registrasi paling panjang %(limit)s karakter. Salin nomor dari aplikasi "
                "nasional tanpa tambahan."
            )
            % {"limit": REGISTRATION_MAX}
        )
    entry = NationalEntry.objects.filter(submission=submission).first()
    before = _entry_audit(entry)
    if entry is None:
        entry = NationalEntry(submission=submission)
    entry.registration_number = number
    entry.entered_by = access.user if getattr(access.user, "is_authenticated", False) else None
    entry.entered_at = timezone.now()
    entry.content_hash = current_hash(submission)
    entry.save()
    record(
        "national_entry.mark",
        actor=access.user,
        obj=submission,
        region=access.region,
        before=before,
        after=_entry_audit(entry),
    )
    return entry


@transaction.atomic
def unmark_entered(access, submission) -> None:
    """Undo a mark made by mistake: the report counts as not entered again."""
    if not access.can_manage:
        raise PermissionDenied
    submission = _locked(access, submission)
    entry = NationalEntry.objects.select_for_update().filter(submission=submission).first()
    if entry is None:
        raise ActionRefused(_("Laporan ini belum ditandai sudah dimasukkan ke aplikasi nasional."))
    before = _entry_audit(entry)
    entry.delete()
    record(
        "national_entry.unmark",
        actor=access.user,
        obj=submission,
        region=access.region,
        before=before,
        after=None,
    )
