"""The synthetic nation (`generate_nation`) and the national recompute from the database."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from sinovda.catalogue.models import Publication
from sinovda.core import nation
from sinovda.cycles.models import Cycle
from sinovda.editions.models import Edition
from sinovda.innovations.models import (
    Answer,
    Innovation,
    RegionAnswer,
    ReviewState,
    State,
    Submission,
)
from sinovda.regions.models import Agency, ClusterList, Region
from sinovda.scores import bridge
from sinovda.scores.models import ResultSnapshot, Source
from sinovda.scores.recompute import recompute_year
from tests import factories

pytestmark = pytest.mark.django_db
TAG = nation.SYNTHETIC_TAG
REGIONS_CSV = Path(nation.__file__).resolve().parents[1] / "regions" / "data" / "regions.csv"


@pytest.fixture
def regions():
    """Two provinces with three kab/kota: a small country."""
    south = factories.province("16", "Sumatera Selatan")
    papua = factories.province("91", "Papua")
    return [
        south,
        factories.region("16.10", "Kabupaten Ogan Ilir", "16"),
        factories.region("16.71", "Kota Palembang", "16"),
        papua,
        factories.region("91.03", "Kabupaten Jayapura", "91"),
    ]


def generate(**options):
    return nation.generate(**{"scale": 0.1, "seed": 7, **options})


def snapshot_of_nation():
    """What a run produced, independent of primary keys."""
    return {
        "innovations": sorted(
            Innovation.objects.values_list("region__code", "public_id", "name", "agency__name")
        ),
        "answers": sorted(
            Answer.objects.values_list(
                "submission__innovation__public_id",
                "indicator_code",
                "claimed_level",
                "verified_level",
                "review_state",
            )
        ),
        "states": sorted(Submission.objects.values_list("innovation__public_id", "state")),
        "publications": sorted(Publication.objects.values_list("innovation__public_id", "name")),
        "snapshots": sorted(
            ResultSnapshot.objects.values_list("region__code", "year", "iid", "predicate")
        ),
    }


# --- generate_nation ----------------------------------------------------------------------------


def test_every_pemda_gets_opds_cycles_innovations_answers_and_snapshots(regions):
    counts = generate()

    assert counts.regions == len(regions) == Region.objects.count()
    editions = Edition.objects.count()
    assert editions >= 4  # the edition files 2023..2026, loaded because none were there
    for region in regions:
        assert 8 <= Agency.objects.filter(region=region).count() <= 20
        assert Cycle.objects.filter(region=region).count() == editions
        assert Innovation.objects.filter(region=region).exists()
        assert sorted(
            ResultSnapshot.objects.filter(region=region).values_list("year", flat=True)
        ) == [2022, 2023, 2024, 2025]
    spec = Edition.objects.get(year=nation.SUBMISSION_YEAR).spec()
    sid = sorted(row.code for row in spec.sid_rows)
    for submission in Submission.objects.all():
        assert submission.cycle.edition.year == nation.SUBMISSION_YEAR
        assert sorted(submission.answers.values_list("indicator_code", flat=True)) == sid
    assert RegionAnswer.objects.count() == len(regions) * len(spec.spd_rows)
    assert counts.innovations == Innovation.objects.count() == Submission.objects.count()
    assert counts.answers == Answer.objects.count() == counts.innovations * len(sid)
    assert counts.publications == Publication.objects.count() > 0
    assert counts.snapshots == ResultSnapshot.objects.count() == 4 * len(regions)


def test_the_year_of_the_reports_is_closed_and_decided(regions):
    generate(scale=0.3)

    cycle = Cycle.objects.filter(edition__year=nation.SUBMISSION_YEAR).first()
    assert cycle.phase() == "selesai"
    states = set(Submission.objects.values_list("state", flat=True))
    assert State.VERIFIED in states
    verified = Answer.objects.filter(submission__state=State.VERIFIED)
    assert set(verified.values_list("review_state", flat=True)) == {
        ReviewState.ACCEPTED,
        ReviewState.LOWERED,
    }
    assert not verified.filter(verified_level__isnull=True).exists()
    lowered = verified.filter(review_state=ReviewState.LOWERED).first()
    assert lowered.verified_level < lowered.claimed_level
    # Only verified reports are published, with their verified maturity.
    for publication in Publication.objects.select_related("submission"):
        assert publication.submission.state == State.VERIFIED
        assert publication.year == nation.SUBMISSION_YEAR
        assert publication.region_id == publication.innovation.region_id
        expected = bridge.submission_maturity(publication.submission).verified
        assert publication.maturity == expected


def test_everything_generated_is_marked_synthetic(regions):
    generate()

    assert not Agency.objects.exclude(name__endswith=TAG).exists()
    assert not Innovation.objects.exclude(name__endswith=TAG).exists()
    assert not Submission.objects.exclude(name__endswith=TAG).exists()
    for field in ("result", "goal", "benefit"):
        assert not Submission.objects.exclude(**{f"{field}__endswith": TAG}).exists()
    assert not RegionAnswer.objects.exclude(review_note__endswith=TAG).exists()
    for publication in Publication.objects.all():
        assert publication.name.endswith(TAG)
        assert TAG in publication.summary
        assert all(row["value"].endswith(TAG) for row in publication.profile if row["story"])
        assert TAG in publication.search_text
    snapshots = ResultSnapshot.objects.all()
    assert {s.source for s in snapshots} == {Source.SYNTHETIC}
    assert {s.citation_title for s in snapshots} == {"Data sintetis untuk uji dan benchmark"}


def test_the_last_snapshot_is_the_result_of_the_generated_answers(regions):
    generate()

    for cycle in Cycle.objects.filter(edition__year=nation.SUBMISSION_YEAR):
        verified = bridge.cycle_scores(cycle).verified
        snapshot = ResultSnapshot.objects.get(region=cycle.region, year=nation.SUBMISSION_YEAR)
        assert snapshot.iid == verified.iid
        assert snapshot.predicate == verified.predicate
        assert snapshot.innovations == verified.n
        assert snapshot.cycle_id == cycle.pk
    for snapshot in ResultSnapshot.objects.filter(year__lt=nation.SUBMISSION_YEAR):
        assert Decimal(0) <= snapshot.iid <= Decimal(100)
        assert snapshot.predicate


def test_the_same_seed_gives_the_same_nation_and_a_rerun_replaces_it(regions):
    generate()
    first = snapshot_of_nation()
    agencies = Agency.objects.count()

    generate()

    assert snapshot_of_nation() == first
    assert Agency.objects.count() == agencies
    assert ResultSnapshot.objects.count() == 4 * len(regions)


def test_another_seed_gives_another_nation(regions):
    generate(seed=1)
    first = snapshot_of_nation()
    generate(seed=2)
    assert snapshot_of_nation()["innovations"] != first["innovations"]


def test_scale_multiplies_the_innovations_of_every_pemda(regions):
    generate(scale=0.1)
    small = dict(
        Region.objects.values_list("code").annotate(n=Count("innovations")).values_list("code", "n")
    )
    generate(scale=0.4)
    for region in regions:
        large = Innovation.objects.filter(region=region).count()
        assert large >= 4 * small[region.code] - 2  # rounding of each Pemda's count


def test_one_province_is_that_provinces_part_of_the_nation(regions):
    generate()
    national = [row for row in snapshot_of_nation()["innovations"] if row[0].startswith("16")]

    generate(province="16")  # regenerates only Sumatera Selatan

    assert [r for r in snapshot_of_nation()["innovations"] if r[0].startswith("16")] == national
    assert Innovation.objects.filter(region__code="91.03").exists()  # Papua untouched


def test_an_empty_database_gets_every_pemda_and_the_editions_first():
    with open(REGIONS_CSV, encoding="utf-8") as f:
        pemda = sum(1 for _line in f) - 1  # the header

    counts = generate(scale=0.05, province="16")

    assert Region.objects.count() == pemda  # load_regions ran: every Pemda of the regions data
    assert ClusterList.objects.exists()  # and the cluster lists it loads
    south = Region.objects.filter(code__startswith="16")
    assert counts.regions == south.count() > 10
    assert set(Innovation.objects.values_list("region__code", flat=True)) <= set(
        south.values_list("code", flat=True)
    )
    assert Edition.objects.filter(year=nation.SUBMISSION_YEAR).exists()


def test_it_refuses_to_run_beside_real_innovations(regions):
    cycle = factories.cycle(regions[1], 2023)
    real = factories.submission(cycle, name="Sanjo Barokah")

    with pytest.raises(nation.Refused):
        generate()
    assert not Agency.objects.filter(name__endswith=TAG).exists()

    generate(force=True)  # forced: the real data stays as it was
    real.refresh_from_db()
    assert real.name == "Sanjo Barokah"
    assert Innovation.objects.filter(name="Sanjo Barokah").count() == 1
    assert Innovation.objects.filter(name__endswith=TAG).exists()

    generate(force=True)  # and a rerun replaces only the synthetic data
    assert Innovation.objects.filter(name="Sanjo Barokah").count() == 1


def test_forced_generation_keeps_real_opds_and_spd_answers(regions):
    region = regions[1]
    factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")
    edition = factories.edition(nation.SUBMISSION_YEAR)
    cycle = factories.cycle(region, nation.SUBMISSION_YEAR)
    code = edition.spec().spd_rows[0].code
    RegionAnswer.objects.create(cycle=cycle, row_code=code, claimed_level=3)
    factories.submission(cycle, name="Inovasi nyata")

    generate(force=True)
    generate(force=True)

    assert Agency.objects.filter(
        region=region, short_name="Dinkes", name="Dinas Kesehatan"
    ).exists()
    assert list(RegionAnswer.objects.filter(cycle=cycle).values_list("row_code", flat=True)) == [
        code
    ]
    assert Innovation.objects.filter(region=region, name__endswith=TAG).exists()


def test_the_command_prints_counts_and_time(regions):
    out = io.StringIO()
    call_command("generate_nation", "--scale", "0.1", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "Pemda 5," in text
    assert "waktu:" in text
    assert Innovation.objects.exists()


def test_the_command_refuses_beside_real_innovations_and_bad_scale(regions):
    factories.submission(factories.cycle(regions[1], 2023), name="Inovasi nyata")
    with pytest.raises(CommandError, match="bukan data sintetis"):
        call_command("generate_nation", "--scale", "0.1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="scale"):
        call_command("generate_nation", "--scale", "0", "--force", stdout=io.StringIO())
    with pytest.raises(CommandError, match="99"):
        call_command("generate_nation", "--province", "99", "--force", stdout=io.StringIO())


# --- recompute_year -----------------------------------------------------------------------------


def mixed_cycle(region, year=2025, seed=0):
    """A cycle with every state of report and every review state of answer, some answers
    missing or empty, and SPD answers partly reviewed."""
    cycle = factories.cycle(region, year)
    spec = cycle.edition.spec()
    sid = [row.code for row in spec.sid_rows]
    agency = factories.agency(region)
    states = [
        State.VERIFIED,
        State.VERIFIED,
        State.REJECTED,
        State.SUBMITTED,
        State.RETURNED,
        State.DRAFT,
        State.WITHDRAWN,
    ]
    review = [
        ReviewState.ACCEPTED,
        ReviewState.LOWERED,
        ReviewState.PENDING,
        ReviewState.REJECTED,
    ]
    answers = []
    for number, state in enumerate(states):
        report = factories.submission(
            cycle,
            agency=agency,
            state=state,
            main_affair=["Kesehatan", "Pendidikan", "Sosial", ""][(number + seed) % 4],
            other_affairs=[["Pertanian"], [], ["Sosial", "Pangan"]][(number + seed) % 3],
        )
        for k, code in enumerate(sid):
            if (k + number + seed) % 7 == 6:
                continue  # not answered
            claimed = (k + seed) % 4
            if k % 5 == 4:  # some claims empty (None)
                claimed = (k * 3 + number + seed) % 4 or None
            decision = review[(k + number + seed) % 4]
            verified = None
            if decision == ReviewState.ACCEPTED:
                verified = claimed
            elif decision == ReviewState.LOWERED:
                verified = max(0, (claimed or 0) - 1)
            elif decision == ReviewState.REJECTED:
                verified = 0
            elif k % 2:  # pending again (reopened) with the earlier review's level still there
                verified = max(0, (claimed or 0) - 1)
            answers.append(
                Answer(
                    submission=report,
                    indicator_code=code,
                    claimed_level=claimed,
                    verified_level=verified,
                    review_state=decision,
                )
            )
    Answer.objects.bulk_create(answers)
    for k, row in enumerate(spec.spd_rows):
        decision = review[(k + seed) % 4]
        RegionAnswer.objects.create(
            cycle=cycle,
            row_code=row.code,
            claimed_level=(k + seed) % 3 + 1,
            verified_level=None if decision == ReviewState.PENDING and k % 2 else (k + seed) % 3,
            review_state=decision,
        )
    return cycle


def assert_equal_to_bridge(results, cycles):
    assert set(results) == {c.region_id for c in cycles}
    for cycle in cycles:
        expected = bridge.cycle_scores(cycle).verified
        got = results[cycle.region_id]
        assert (got.iid, got.predicate, got.spd, got.sid, got.n) == (
            expected.iid,
            expected.predicate,
            expected.spd,
            expected.sid,
            expected.n,
        )
        assert got.cycle_id == cycle.pk and got.edition_id == cycle.edition_id


@pytest.mark.parametrize("unreviewed", ["zero", "claimed"])
def test_recompute_year_equals_the_bridge_per_cycle(regions, settings, unreviewed):
    settings.SINOVDA_UNREVIEWED_COUNTS_AS = unreviewed
    cycles = [mixed_cycle(region, seed=k) for k, region in enumerate(regions[1:])]
    cycles.append(factories.cycle(regions[0], 2025))  # a cycle nobody reported in
    mixed_cycle(regions[0], year=2024)  # another year: not part of 2025

    results = recompute_year(2025)

    assert_equal_to_bridge(results, cycles)
    assert results[regions[0].pk].n == 0
    assert results[regions[1].pk].n == 5  # drafts and withdrawn reports are not reported


def test_recompute_year_equals_the_bridge_on_the_generated_nation(regions):
    generate(scale=0.3)
    cycles = list(Cycle.objects.filter(edition__year=nation.SUBMISSION_YEAR))

    assert_equal_to_bridge(recompute_year(nation.SUBMISSION_YEAR), cycles)


def test_recompute_year_can_be_limited_to_some_regions(regions):
    cycles = [mixed_cycle(region) for region in regions[1:3]]
    results = recompute_year(2025, regions=[regions[1]])
    assert_equal_to_bridge(results, cycles[:1])
    assert recompute_year(2030) == {}


def test_recompute_year_uses_five_queries_whatever_the_number_of_pemda(regions):
    mixed_cycle(regions[1])
    with CaptureQueriesContext(connection) as one:
        recompute_year(2025)
    for k, region in enumerate(regions[2:]):
        mixed_cycle(region, seed=k)
    with CaptureQueriesContext(connection) as four:
        recompute_year(2025)
    assert len(one) == len(four) == 5


def test_the_recompute_command_prints_the_count(regions):
    mixed_cycle(regions[1])
    out = io.StringIO()
    call_command("recompute_results", "--year", "2025", stdout=out)
    assert "2025: 1 Pemda, 5 reported innovations" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("recompute_results", "--year", "2030", stdout=io.StringIO())
