"""How the year's OPD awards are ranked, from the numbers the dashboard shows.

Every number comes from the scores app (`scores.dashboard.build`): the reports each OPD has sent
(states submitted, returned, verified, rejected), how many are verified, and the average verified
maturity exactly as the dashboard shows it (rounded to two decimals, a rejected report counting 0).
This module only orders those rows; it never computes a score of its own.

The rules (only OPDs whose value is above zero are ranked):

- most innovations reported: the number of reports sent this year;
- highest average verified maturity: the average over the reports sent this year;
- most improved: this year's average verified maturity minus the average of the region's previous
  cycle (the most recent earlier year); only OPDs that sent reports in both years and improved;
- first-time reporter: OPDs that sent reports this year and none in any earlier cycle of the region,
  ranked by the number of reports sent this year.

Ties are broken in a fixed order, so every place is distinct and the same data always gives the
same ranking (TIE_RULES below, shown on the awards page):

- counts (most reported, first-time reporter): more reports sent, then more verified reports, then
  the higher average verified maturity, then the earlier first sending, then the OPD's name (A–Z);
- average maturity: the higher average, then more reports sent, then more verified reports, then
  the earlier first sending, then the OPD's name;
- most improved: the larger increase, then the higher average this year, then more reports sent,
  then the earlier first sending, then the OPD's name.

"First sending" is the earliest `submitted_at` among the OPD's sent reports of the year (the time a
report was last sent, so a report sent again after a return counts from its new sending).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min
from django.utils.translation import gettext_lazy as _

from sinovda.cycles.models import Cycle
from sinovda.innovations.models import REPORTED_STATES, Submission
from sinovda.scores import dashboard

from .models import RANKED_CATEGORIES, Category, value_text

MAX_TOP = 50
NEVER = datetime.datetime.max.replace(tzinfo=datetime.UTC)

# Shown on the awards page: the same order as the sort keys below.
_BY_COUNTS_TIE_RULE = _(
    "Bila jumlah laporan sama: lebih banyak laporan terverifikasi, lalu rata-rata kematangan "
    "terverifikasi lebih tinggi, lalu laporan yang dikirim lebih dahulu, lalu nama OPD (A–Z)."
)
TIE_RULES = {
    Category.MOST_REPORTED: _BY_COUNTS_TIE_RULE,
    Category.HIGHEST_MATURITY: _(
        "Bila rata-ratanya sama: lebih banyak laporan terkirim, lalu lebih banyak laporan "
        "terverifikasi, lalu laporan yang dikirim lebih dahulu, lalu nama OPD (A–Z)."
    ),
    Category.MOST_IMPROVED: _(
        "Bila kenaikannya sama: rata-rata kematangan tahun ini lebih tinggi, lalu lebih banyak "
        "laporan terkirim, lalu laporan yang dikirim lebih dahulu, lalu nama OPD (A–Z)."
    ),
    Category.FIRST_TIME: _BY_COUNTS_TIE_RULE,  # ranked by the same key (_by_counts)
}

RULE_TEXTS = {
    Category.MOST_REPORTED: _("Jumlah laporan inovasi yang dikirim tahun ini."),
    Category.HIGHEST_MATURITY: _(
        "Rata-rata kematangan terverifikasi laporan yang dikirim tahun ini (laporan yang ditolak "
        "bernilai 0), seperti di dasbor."
    ),
    Category.MOST_IMPROVED: _(
        "Rata-rata kematangan terverifikasi tahun ini dikurangi rata-rata siklus sebelumnya; hanya "
        "OPD yang mengirim laporan pada kedua tahun dan nilainya naik."
    ),
    Category.FIRST_TIME: _(
        "OPD yang mengirim laporan tahun ini dan belum pernah mengirim laporan pada siklus "
        "sebelumnya, menurut jumlah laporan yang dikirim tahun ini."
    ),
}


@dataclass(frozen=True)
class Standing:
    """One OPD's numbers in a cycle, as the dashboard shows them."""

    agency_id: int
    name: str
    short_name: str
    reported: int
    verified: int
    avg_verified: Decimal | None
    first_sent: datetime.datetime | None
    previous_avg: Decimal | None = None  # the previous cycle's average, if it sent reports then
    is_first_time: bool = False

    @property
    def change(self) -> Decimal | None:
        if self.avg_verified is None or self.previous_avg is None:
            return None
        return self.avg_verified - self.previous_avg


@dataclass(frozen=True)
class Placing:
    rank: int
    standing: Standing
    value: Decimal
    tied: bool  # the value equals a neighbour's: the tie rule decided the order
    category: str

    @property
    def value_text(self) -> str:
        return value_text(self.category, self.value)


@dataclass
class Ranking:
    category: str
    top: int
    placings: list[Placing] = field(default_factory=list)  # every OPD ranked, best first
    previous_year: int | None = None  # most improved: the year compared with

    @property
    def label(self) -> str:
        return Category(self.category).label

    @property
    def awarded(self) -> list[Placing]:
        return self.placings[: self.top]

    @property
    def tie_rule(self) -> str:
        return TIE_RULES[self.category]

    @property
    def rule_text(self) -> str:
        return RULE_TEXTS[self.category]


def previous_cycle(cycle: Cycle) -> Cycle | None:
    """The region's most recent earlier cycle (as the dashboard compares years)."""
    return (
        Cycle.objects.filter(region=cycle.region, edition__year__lt=cycle.edition.year)
        .select_related("edition", "region")
        .order_by("-edition__year")
        .first()
    )


def standings(cycle: Cycle, *, with_previous: bool = True) -> tuple[list[Standing], int | None]:
    """Every OPD that sent reports this cycle, with what the rules need; and the year compared."""
    board = dashboard.build(cycle)
    first_sent = dict(
        Submission.objects.filter(cycle=cycle, state__in=REPORTED_STATES)
        .values("innovation__agency")
        .annotate(first=Min("submitted_at"))
        .values_list("innovation__agency", "first")
    )
    reported_before = set(
        Submission.objects.filter(
            cycle__region=cycle.region,
            cycle__edition__year__lt=cycle.edition.year,
            state__in=REPORTED_STATES,
        )
        .values_list("innovation__agency", flat=True)
        .distinct()
    )
    previous_avg, previous_year = {}, None
    before = previous_cycle(cycle) if with_previous else None
    if before is not None:
        previous_year = before.edition.year
        previous_avg = {
            row.pk: row.avg_verified for row in dashboard.build(before).agencies if row.reported
        }
    rows = [
        Standing(
            agency_id=row.pk,
            name=row.name,
            short_name=row.short_name,
            reported=row.reported,
            verified=row.counts.get("verified", 0),
            avg_verified=row.avg_verified,
            first_sent=first_sent.get(row.pk),
            previous_avg=previous_avg.get(row.pk),
            is_first_time=row.pk not in reported_before,
        )
        for row in board.agencies
        if row.reported
    ]
    return rows, previous_year


def _zero(value):
    return value if value is not None else Decimal(0)


def _by_counts(s: Standing):
    return (
        -s.reported,
        -s.verified,
        -_zero(s.avg_verified),
        s.first_sent or NEVER,
        s.name.casefold(),
    )


def _by_maturity(s: Standing):
    return (
        -_zero(s.avg_verified),
        -s.reported,
        -s.verified,
        s.first_sent or NEVER,
        s.name.casefold(),
    )


def _by_change(s: Standing):
    return (
        -_zero(s.change),
        -_zero(s.avg_verified),
        -s.reported,
        s.first_sent or NEVER,
        s.name.casefold(),
    )


# category: (who may be ranked, the value ranked, the sort key with its tie-breakers)
RULES = {
    Category.MOST_REPORTED: (lambda s: True, lambda s: Decimal(s.reported), _by_counts),
    Category.HIGHEST_MATURITY: (lambda s: True, lambda s: s.avg_verified, _by_maturity),
    Category.MOST_IMPROVED: (lambda s: s.change is not None, lambda s: s.change, _by_change),
    Category.FIRST_TIME: (lambda s: s.is_first_time, lambda s: Decimal(s.reported), _by_counts),
}


def rank(category: str, top: int, rows: list[Standing], previous_year=None) -> Ranking:
    """Order the OPDs for one category; places are 1, 2, 3 … (the tie rule leaves no ties)."""
    eligible, value_of, key = RULES[category]
    chosen = [s for s in rows if eligible(s) and _zero(value_of(s)) > 0]
    chosen.sort(key=key)
    values = [value_of(s) for s in chosen]
    placings = []
    for position, standing in enumerate(chosen):
        value = values[position]
        tied = (position > 0 and values[position - 1] == value) or (
            position + 1 < len(values) and values[position + 1] == value
        )
        placings.append(Placing(position + 1, standing, value, tied, category))
    return Ranking(category, top, placings, previous_year)


def rank_all(cycle: Cycle, selection: dict[str, int]) -> list[Ranking]:
    """The rankings of the chosen categories ({category: top N}), in RANKED_CATEGORIES order."""
    wanted = [c for c in RANKED_CATEGORIES if c in selection]
    rows, previous_year = standings(cycle, with_previous=Category.MOST_IMPROVED in wanted)
    return [rank(c, selection[c], rows, previous_year) for c in wanted]


def fingerprint(rankings: list[Ranking]) -> str:
    """A short digest of who would be awarded what, to notice a change between preview and issue."""
    data = [
        [r.category, r.top, [[p.standing.agency_id, p.rank, str(p.value)] for p in r.awarded]]
        for r in rankings
    ]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:20]
