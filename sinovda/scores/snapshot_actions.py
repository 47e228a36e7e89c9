"""Every change to official results is one of these functions: atomic, audited, permission-checked.

- `finalise_cycle`: the koordinator (or a national admin) fixes a closed cycle's verified result as a
  computed snapshot, tied to the exact edition document it was computed under.
- `import_results`: a national admin loads results announced by BSKDN from a CSV file.
- `withdraw_snapshot`: a national admin withdraws a wrong snapshot, with a reason.

Snapshots are never updated: a new figure is a new row, and the old one stays readable
(docs/results.md).
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinovda.audit.models import record
from sinovda.cycles.models import Cycle, Phase
from sinovda.innovations.models import State, Submission
from sinovda.regions.access import access_for

from . import bridge
from .models import ResultSnapshot, Source
from .results_import import ImportPlan, plan_import

CENT = Decimal("0.01")
# An undecided report still open after a reopening: the cycle's data are not final yet.
UNDECIDED_STATES = {State.SUBMITTED, State.RETURNED}


class SnapshotRefused(Exception):
    """The action cannot be done; the message says why, for the person who asked."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ImportRejected(Exception):
    """The file has errors; nothing was written. `plan.errors` lists every one."""

    def __init__(self, plan: ImportPlan):
        super().__init__(f"{len(plan.errors)} error(s)")
        self.plan = plan


def edition_digest(edition) -> str:
    """sha256 of the edition document in canonical JSON (sorted keys, no spaces, UTF-8), so the
    same document always gives the same digest and any correction gives another."""
    canonical = json.dumps(edition.data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _cents(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """The numbers a computed snapshot stores, as they would be stored."""

    iid: Decimal
    predicate: str
    spd: Decimal
    sid: Decimal
    innovations: int

    @classmethod
    def of_result(cls, result) -> "Figures":
        return cls(
            _cents(result.iid), result.predicate, _cents(result.spd), _cents(result.sid), result.n
        )

    @classmethod
    def of_snapshot(cls, snap: ResultSnapshot) -> "Figures":
        return cls(snap.iid, snap.predicate, snap.spd, snap.sid, snap.innovations)

    def as_audit(self) -> dict:
        return {
            "iid": str(self.iid),
            "predicate": self.predicate,
            "spd": str(self.spd),
            "sid": str(self.sid),
            "n": self.innovations,
        }


def latest_computed(cycle) -> ResultSnapshot | None:
    """The newest computed snapshot of the cycle still standing (not withdrawn)."""
    return (
        ResultSnapshot.objects.standing()
        .filter(cycle=cycle, source=Source.COMPUTED)
        .order_by("-taken_at", "-pk")
        .first()
    )


def finalise_refusal(cycle, today=None) -> str | None:
    """Why the cycle's result cannot be fixed today (None when it can). Pages show this sentence
    instead of the button; `finalise_cycle` raises it."""
    today = today or timezone.localdate()
    if cycle.phase(today) != Phase.CLOSED:
        return _(
            "Hasil siklus %(year)s baru dapat ditetapkan setelah batas akhir verifikasi "
            "(%(date)s) lewat, agar semua laporan sudah diputuskan."
        ) % {"year": cycle.edition.year, "date": cycle.review_deadline.strftime("%d-%m-%Y")}
    reopened = (
        Submission.objects.filter(
            cycle=cycle, state__in=UNDECIDED_STATES, reopened_until__gte=today
        )
        .order_by("name")
        .values_list("name", flat=True)
        .first()
    )
    if reopened is not None:
        return _(
            "Laporan “%(name)s” sedang dibuka kembali dan belum diputuskan. Tetapkan hasil "
            "setelah laporan itu diputuskan lagi."
        ) % {"name": reopened}
    return None


@transaction.atomic
def finalise_cycle(cycle, acting_user, note: str = "") -> ResultSnapshot:
    """Store the cycle's verified result as a computed snapshot.

    Refused before the review deadline has passed, and when nothing changed since the last
    finalisation (same edition document, same numbers). A corrected edition or changed data give a
    new snapshot; the earlier one stays.
    """
    if not access_for(acting_user, cycle.region).can_manage:
        raise PermissionDenied
    # Lock the cycle so two people finalising at once do not both write the same snapshot.
    cycle = Cycle.objects.select_for_update().select_related("edition", "region").get(pk=cycle.pk)
    refusal = finalise_refusal(cycle)
    if refusal:
        raise SnapshotRefused(refusal)
    figures = Figures.of_result(bridge.cycle_scores(cycle).verified)
    digest = edition_digest(cycle.edition)
    previous = latest_computed(cycle)
    if (
        previous is not None
        and previous.edition_digest == digest
        and Figures.of_snapshot(previous) == figures
    ):
        raise SnapshotRefused(_("Hasil sudah ditetapkan dan tidak berubah."))
    snap = ResultSnapshot.objects.create(
        region=cycle.region,
        year=cycle.edition.year,
        source=Source.COMPUTED,
        iid=figures.iid,
        predicate=figures.predicate,
        spd=figures.spd,
        sid=figures.sid,
        innovations=figures.innovations,
        cycle=cycle,
        edition=cycle.edition,
        edition_digest=digest,
        note=note.strip(),
        created_by=acting_user,
    )
    before = None
    if previous is not None:
        before = {
            **Figures.of_snapshot(previous).as_audit(),
            "snapshot": previous.pk,
            "edition_digest": previous.edition_digest,
        }
    record(
        "result.finalise",
        actor=acting_user,
        obj=snap,
        region=cycle.region,
        before=before,
        after={
            **figures.as_audit(),
            "year": cycle.edition.year,
            "edition_digest": digest,
            "note": snap.note,
        },
    )
    return snap


def _require_national_admin(acting_user) -> None:
    if not getattr(acting_user, "is_superuser", False):
        raise PermissionDenied


def import_results(rows, acting_user, source_defaults=None, *, label: str = "") -> ImportPlan:
    """Create announced (BSKDN) snapshots from checked rows, all or nothing.

    `rows`: (line, {column: text}) pairs as `results_import.read_csv` gives, or plain mappings.
    `source_defaults`: publisher / date / url used where a row leaves them empty.
    `acting_user` None means the command line (`manage.py import_results`).
    Raises ImportRejected (nothing written) if any row has an error. A row identical to the
    announced figure already standing is skipped, so importing the same file twice changes nothing.
    """
    if acting_user is not None:
        _require_national_admin(acting_user)
    with transaction.atomic():
        plan = plan_import(rows, source_defaults)
        if not plan.ok:
            raise ImportRejected(plan)
        now = timezone.now()
        ResultSnapshot.objects.bulk_create(
            (p.snapshot(acting_user=acting_user, taken_at=now) for p in plan.create),
            batch_size=500,
        )
        record(
            "result.import",
            actor=acting_user,
            after={
                "file": label,
                "rows": plan.rows,
                "created": len(plan.new),
                "corrected": len(plan.corrections),
                "skipped": len(plan.skip),
                "years": sorted({p.year for p in plan.create}),
            },
        )
    return plan


@transaction.atomic
def withdraw_snapshot(snapshot: ResultSnapshot, acting_user, reason: str) -> ResultSnapshot:
    """Take a snapshot out of rankings and public pages; the row and its reason stay readable."""
    _require_national_admin(acting_user)
    reason = (reason or "").strip()
    if not reason:
        raise SnapshotRefused(_("Tulis alasan penarikan hasil ini."))
    snap = ResultSnapshot.objects.select_for_update().select_related("region").get(pk=snapshot.pk)
    if snap.withdrawn_at is not None:
        raise SnapshotRefused(_("Hasil ini sudah ditarik sebelumnya."))
    snap.withdrawn_at = timezone.now()
    snap.withdrawn_reason = reason
    snap.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    record(
        "result.withdraw",
        actor=acting_user,
        obj=snap,
        region=snap.region,
        before={"withdrawn_at": None},
        after={
            "withdrawn_at": snap.withdrawn_at,
            "reason": reason,
            "year": snap.year,
            "source": snap.source,
            "iid": str(snap.iid),
        },
    )
    return snap
