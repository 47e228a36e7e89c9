"""Every change to awards is one of these functions: atomic, audited, for the koordinator only.

Certificate numbers are sequential per region and year (one cycle): the cycle row is locked
(select_for_update) before the last number is read, so two people issuing at the same moment wait
for each other instead of taking the same number; the unique constraints are the last guard.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sinovda.audit.models import record, snapshot
from sinovda.cycles.models import Cycle

from . import rules
from .models import RANKED_CATEGORIES, Award, Category, certificate_number

AWARD_FIELDS = (
    "number",
    "cycle",
    "agency",
    "category",
    "rank",
    "value",
    "title",
    "reason",
    "verification_code",
    "issued_at",
)
REVOKE_FIELDS = ("revoked_at", "revoked_reason", "revoked_by")


class AwardRefused(Exception):
    """The action cannot be done; the message says why, for the person who asked."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _require_manager(access, cycle) -> None:
    if not access.can_manage or cycle.region_id != access.region.pk:
        raise PermissionDenied


def _last_sequence(cycle) -> int:
    """Lock the cycle (numbering is per cycle) and return the last number used in it."""
    list(Cycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk", flat=True))
    return Award.objects.filter(cycle=cycle).aggregate(last=Max("sequence"))["last"] or 0


def _issue(cycle, sequence, *, acting_user, issued_at, **fields) -> Award:
    award = Award.objects.create(
        cycle=cycle,
        sequence=sequence,
        number=certificate_number(sequence, cycle.region.code, cycle.edition.year),
        issued_at=issued_at,
        created_by=acting_user,
        **fields,
    )
    record(
        "award.issue",
        actor=acting_user,
        obj=award,
        region=cycle.region,
        after=snapshot(award, AWARD_FIELDS),
    )
    return award


@transaction.atomic
def issue_ranked_awards(access, cycle, selection: dict[str, int], *, expected=None) -> list[Award]:
    """Award the top N of each chosen category ({category: N}), as the preview showed.

    `expected` is the preview's fingerprint: if the ranking changed since (a report was sent or
    reviewed meanwhile), nothing is issued and the koordinator looks at the new preview first.
    """
    _require_manager(access, cycle)
    unknown = set(selection) - set(RANKED_CATEGORIES)
    if unknown or not selection:
        raise AwardRefused(_("Pilih sedikitnya satu kategori penghargaan."))
    sequence = _last_sequence(cycle)
    already = set(
        Award.objects.active()
        .for_cycle(cycle)
        .filter(category__in=list(selection))
        .values_list("category", flat=True)
    )
    if already:
        labels = ", ".join(str(Category(c).label) for c in RANKED_CATEGORIES if c in already)
        raise AwardRefused(
            _(
                "Penghargaan kategori %(categories)s sudah ditetapkan untuk siklus ini. Cabut "
                "penghargaan yang lama lebih dahulu bila ingin menetapkannya ulang."
            )
            % {"categories": labels}
        )
    rankings = rules.rank_all(cycle, selection)
    if expected is not None and rules.fingerprint(rankings) != expected:
        raise AwardRefused(
            _(
                "Peringkat berubah sejak pratinjau dibuat (ada laporan yang dikirim atau diperiksa). "
                "Periksa pratinjau yang baru, lalu tetapkan lagi."
            )
        )
    now = timezone.now()
    awards = []
    for ranking in rankings:
        for placing in ranking.awarded:
            sequence += 1
            awards.append(
                _issue(
                    cycle,
                    sequence,
                    acting_user=access.user,
                    issued_at=now,
                    agency_id=placing.standing.agency_id,
                    category=ranking.category,
                    rank=placing.rank,
                    value=placing.value,
                )
            )
    if not awards:
        raise AwardRefused(
            _("Tidak ada OPD yang memenuhi aturan yang dipilih, jadi tidak ada penghargaan.")
        )
    return awards


@transaction.atomic
def issue_manual_award(access, cycle, *, agency, title: str, reason: str) -> Award:
    """An award the koordinator gives by hand: what it is for and why are both required."""
    _require_manager(access, cycle)
    if agency.region_id != cycle.region_id:
        raise PermissionDenied
    title, reason = title.strip(), reason.strip()
    if not title:
        raise AwardRefused(_("Isi nama penghargaan; nama ini tercetak pada piagam."))
    if not reason:
        raise AwardRefused(_("Isi alasan penghargaan ini; alasan dicatat di jejak audit."))
    sequence = _last_sequence(cycle) + 1
    return _issue(
        cycle,
        sequence,
        acting_user=access.user,
        issued_at=timezone.now(),
        agency=agency,
        category=Category.MANUAL,
        title=title,
        reason=reason,
    )


@transaction.atomic
def revoke_award(access, award: Award, *, reason: str) -> Award:
    """Withdraw an award: its certificate then verifies as revoked, with the date and reason."""
    award = Award.objects.select_for_update().get(pk=award.pk)
    cycle = Cycle.objects.select_related("region").get(pk=award.cycle_id)
    _require_manager(access, cycle)
    if award.is_revoked:
        raise AwardRefused(_("Penghargaan ini sudah dicabut."))
    reason = reason.strip()
    if not reason:
        raise AwardRefused(
            _("Isi alasan pencabutan; alasan ini ditampilkan di halaman pemeriksaan piagam.")
        )
    before = snapshot(award, REVOKE_FIELDS)
    award.revoked_at = timezone.now()
    award.revoked_reason = reason
    award.revoked_by = access.user
    award.save(update_fields=list(REVOKE_FIELDS))
    record(
        "award.revoke",
        actor=access.user,
        obj=award,
        region=cycle.region,
        before=before,
        after=snapshot(award, REVOKE_FIELDS),
    )
    return award
