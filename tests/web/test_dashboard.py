"""The region dashboard of a cycle: who may see it, and that every number is the engine's."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sinovda import methodology
from sinovda.innovations.models import Answer, Innovation, RegionAnswer, ReviewState, State
from sinovda.innovations.models import Submission as SubmissionModel
from sinovda.regions.models import Role
from sinovda.scores import dashboard as board
from tests import factories

pytestmark = pytest.mark.django_db
D = datetime.date

# --- data helpers: rows in the database and the same data as the engine's plain input ----------


def sid_codes(year=2023):
    return [r.code for r in factories.edition(year).spec().sid_rows]


def spd_codes(year=2023):
    return [r.code for r in factories.edition(year).spec().spd_rows]


class Data:
    """Builds DB rows and, alongside, the RegionInput the engine should see."""

    def __init__(self, cycle):
        self.cycle = cycle
        self.innovations = []
        self.spd_claimed, self.spd_verified = {}, {}

    def submission(
        self,
        agency,
        name,
        claimed,
        verified=None,
        state=State.SUBMITTED,
        urusan="Kesehatan",
        others=(),
    ):
        """`claimed`: {code: level}; `verified`: {code: level} for reviewed answers only."""
        verified = verified or {}
        innovation = Innovation.objects.create(region=self.cycle.region, agency=agency, name=name)
        submission = SubmissionModel.objects.create(
            innovation=innovation,
            cycle=self.cycle,
            state=state,
            name=name,
            main_affair=urusan,
            other_affairs=list(others),
        )
        Answer.objects.bulk_create(
            Answer(
                submission=submission,
                indicator_code=code,
                claimed_level=level,
                verified_level=verified.get(code),
                review_state=(
                    ReviewState.PENDING
                    if code not in verified
                    else ReviewState.ACCEPTED
                    if verified[code] == level
                    else ReviewState.LOWERED
                ),
            )
            for code, level in claimed.items()
        )
        if state in {State.SUBMITTED, State.RETURNED, State.VERIFIED, State.REJECTED}:
            self.innovations.append(
                methodology.InnovationInput(
                    id=str(submission.pk),
                    name=name,
                    claimed=dict(claimed),
                    verified=dict(verified),
                    urusan=frozenset([urusan, *others]),
                    rejected=state == State.REJECTED,
                )
            )
        return submission

    def spd(self, code, claimed, verified=None):
        RegionAnswer.objects.create(
            cycle=self.cycle,
            row_code=code,
            claimed_level=claimed,
            verified_level=verified,
            review_state=ReviewState.PENDING if verified is None else ReviewState.ACCEPTED,
        )
        self.spd_claimed[code] = claimed
        if verified is not None:
            self.spd_verified[code] = verified

    def expected(self, policy="zero"):
        region = methodology.RegionInput(
            innovations=list(self.innovations),
            spd_levels=dict(self.spd_claimed),
            spd_verified=dict(self.spd_verified),
        )
        return methodology.score_views(self.cycle.edition.spec(), region, policy)


def all_at(level, year=2023):
    return dict.fromkeys(sid_codes(year), level)


@pytest.fixture(autouse=True)
def _fresh_memo():
    board.clear_memo()
    yield
    board.clear_memo()


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return factories.cycle(region, 2023)


@pytest.fixture
def coordinator(region):
    return factories.member(region, Role.COORDINATOR)


def url(region, year=2023):
    return reverse("dashboard", args=[region.code, year])


def iid_shown(html, view):
    match = re.search(rf'data-view="{view}">([0-9.,]+)<', html)
    assert match, f"no {view} IID on the page"
    return Decimal(match.group(1).replace(",", "."))


def sample(cycle, n_agencies=3, per_agency=3):
    """A mixed cycle: every state, partial reviews, a rejection, SPD answers."""
    data = Data(cycle)
    year = cycle.edition.year
    codes = sid_codes(year)
    agencies = [factories.agency(cycle.region) for _ in range(n_agencies)]
    k = 0
    for agency in agencies:
        for j in range(per_agency):
            k += 1
            claimed = {c: (k + i) % 4 or None for i, c in enumerate(codes)}
            verified = {c: max(0, (lvl or 0) - 1) for c, lvl in list(claimed.items())[: 5 + j]}
            state = [State.SUBMITTED, State.VERIFIED, State.RETURNED, State.DRAFT][k % 4]
            if k % 7 == 0:
                state = State.REJECTED
            data.submission(agency, f"Inovasi {k}", claimed, verified, state=state)
    if not data.cycle.spd_answers.exists():
        for i, code in enumerate(spd_codes(year)):
            data.spd(code, 1 + i % 3, None if i % 2 else max(1, i % 3))
    return data, agencies


# --- permissions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role,status",
    [
        (Role.COORDINATOR, 200),
        (Role.VERIFIER, 200),
        (Role.LEADER, 200),
        (Role.OPERATOR, 403),
    ],
)
def test_roles_of_the_region(client, region, cycle, role, status):
    client.force_login(factories.member(region, role))
    assert client.get(url(region)).status_code == status


@pytest.mark.parametrize("role", [Role.PROVINCE_VIEWER, Role.PROVINCE_COORDINATOR])
def test_province_roles_read_their_kab_kota(client, region, cycle, role):
    client.force_login(factories.member(region.province, role))
    assert client.get(url(region)).status_code == 200


def test_other_regions_and_other_provinces_get_404(client, region, cycle):
    client.force_login(factories.member(factories.region(code="16.11"), Role.COORDINATOR))
    assert client.get(url(region)).status_code == 404
    other_province = factories.region(code="17.01", province_code="17").province
    client.force_login(factories.member(other_province, Role.PROVINCE_VIEWER))
    assert client.get(url(region)).status_code == 404


def test_national_admin_reads_it(client, region, cycle):
    client.force_login(factories.national_admin())
    assert client.get(url(region)).status_code == 200


def test_unknown_cycle_is_404(client, region, cycle, coordinator):
    client.force_login(coordinator)
    assert client.get(url(region, 2024)).status_code == 404


def test_anonymous_is_sent_to_login(client, region, cycle):
    response = client.get(url(region))
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_menu_link_goes_to_the_latest_cycle(client, region, cycle, coordinator):
    factories.cycle(region, 2024)
    client.force_login(coordinator)
    home = client.get(reverse("region_home", args=[region.code])).content.decode()
    assert reverse("dashboard_latest", args=[region.code]) in home
    response = client.get(reverse("dashboard_latest", args=[region.code]))
    assert response.status_code == 302 and response["Location"] == url(region, 2024)
    detail = client.get(reverse("cycle_detail", args=[region.code, 2023])).content.decode()
    assert url(region) in detail


def test_menu_link_without_a_cycle_explains(client, region, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("dashboard_latest", args=[region.code]), follow=True)
    assert "Belum ada siklus" in response.content.decode()


def test_operators_do_not_see_the_link(client, region, cycle):
    client.force_login(factories.member(region, Role.OPERATOR))
    home = client.get(reverse("region_home", args=[region.code])).content.decode()
    assert reverse("dashboard_latest", args=[region.code]) not in home


# --- the numbers are the engine's -------------------------------------------------------------


def test_iid_predicate_and_breakdown_equal_the_engine(client, region, cycle, coordinator):
    data, _ = sample(cycle)
    expected = data.expected()
    client.force_login(coordinator)
    response = client.get(url(region))
    html = response.content.decode()
    d = response.context["d"]
    for view in ("claimed", "verified"):
        want = getattr(expected, view)
        got = getattr(d, view)
        assert iid_shown(html, view) == want.iid
        assert (got.iid, got.predicate, got.n, got.spd, got.sid, got.count_score) == (
            want.iid,
            want.predicate,
            want.n,
            want.spd,
            want.sid,
            want.count_score,
        )
        assert want.predicate in html
    # the chart and the table: one bar per aspect and variable, plus the count score
    want_bars = [
        (a.code, a.score, b.score)
        for a, b in zip(expected.claimed.breakdown, expected.verified.breakdown, strict=True)
    ] + [
        (v.code, v.score, w.score)
        for a, b in zip(expected.claimed.breakdown, expected.verified.breakdown, strict=True)
        for v, w in zip(a.variables, b.variables, strict=True)
    ]
    got_bars = {bar.code: (bar.claimed, bar.verified) for bar in d.bars}
    for code, claimed, verified in want_bars:
        assert got_bars[code] == (claimed, verified)
        assert f'value="{claimed.quantize(Decimal("0.01")):.2f}"' in html
    assert got_bars["count"] == (expected.claimed.count_score, expected.verified.count_score)
    # unreviewed answers count as 0 in the verified view, and the page says so
    assert d.policy == "zero"
    assert "belum diperiksa dihitung 0" in html


def test_policy_claimed_is_followed_and_explained(client, region, cycle, coordinator, settings):
    settings.SINOVDA_UNREVIEWED_COUNTS_AS = "claimed"
    data, _ = sample(cycle)
    client.force_login(coordinator)
    response = client.get(url(region))
    assert response.context["d"].verified.iid == data.expected("claimed").verified.iid
    assert "dihitung sesuai klaimnya" in response.content.decode()


def test_page_obeys_the_content_security_policy(client, region, cycle, coordinator):
    sample(cycle)
    client.force_login(coordinator)
    html = client.get(url(region)).content.decode()
    assert "style=" not in html
    assert "<script" not in html
    assert html.count("<meter") >= 2 * 9  # two views × (2 aspects + 6+ variables + count)


def test_gap_to_the_next_predicate(client, region, cycle, coordinator):
    data = Data(cycle)
    agency = factories.agency(region)
    for i in range(4):
        data.submission(agency, f"Inovasi {i}", all_at(2), all_at(2))
    for code in spd_codes():
        data.spd(code, 1, 1)
    expected = data.expected().verified
    spec = cycle.edition.spec()
    band = min((p for p in spec.predicates if p.min > expected.iid), key=lambda p: p.min)
    client.force_login(coordinator)
    response = client.get(url(region))
    d = response.context["d"]
    assert d.gap_verified.next_predicate == band.label
    assert d.gap_verified.points == band.min - expected.iid
    assert d.advice.next_predicate == band.label and d.advice.target_iid == band.min
    points = f"{band.min - expected.iid:.2f}".replace(".", ",")
    assert f"Kurang {points} poin menuju predikat {band.label}" in response.content.decode()


def test_top_band_says_so(client, region, cycle, coordinator):
    data = Data(cycle)
    agency = factories.agency(region)
    for i in range(12):
        data.submission(agency, f"Inovasi {i}", all_at(3), all_at(3), state=State.VERIFIED)
    for code in spd_codes():
        data.spd(code, 3, 3)
    assert data.expected().verified.predicate == "Sangat Inovatif"
    client.force_login(coordinator)
    response = client.get(url(region))
    html = response.content.decode()
    assert response.context["d"].gap_verified.next_predicate is None
    assert "Sudah di predikat tertinggi." in html
    assert "sudah di predikat tertinggi; tidak ada langkah" in html


def test_plan_names_innovations_and_links_them(client, region, cycle, coordinator):
    data = Data(cycle)
    agency = factories.agency(region)
    # SPD full and innovations just below "Sangat Inovatif": the plan raises indicators
    levels = {code: 2 if i < 18 else 3 for i, code in enumerate(sid_codes())}
    subs = [data.submission(agency, f"Layanan Cepat {i}", levels, levels) for i in range(10)]
    for code in spd_codes():
        data.spd(code, 3, 3)
    client.force_login(coordinator)
    response = client.get(url(region))
    d = response.context["d"]
    advice = methodology.advise(
        cycle.edition.spec(),
        methodology.RegionInput(data.innovations, data.spd_claimed, data.spd_verified),
        "verified",
        "zero",
    )
    assert [(r.kind, r.gain) for r in d.plan] == [(c.kind, c.gain) for c in advice.plan[:10]]
    assert d.by_indicator == list(advice.by_indicator[:10])
    html = response.content.decode()
    by_id = {str(s.pk): s for s in subs}
    raises = [r for r in d.plan if r.kind == "raise_sid"]
    assert len(raises) == 10 and d.plan_total == len(advice.plan) > 10
    assert "Ditampilkan 10 langkah" in html
    for row in raises:
        sub = by_id[row.innovation_id]
        link = reverse("submission_detail", args=[region.code, 2023, sub.innovation.public_id])
        assert f'<a href="{link}">{sub.name}</a>' in html
    assert f"+{advice.plan[0].gain:.2f}".replace(".", ",") in html


# --- progress per OPD -------------------------------------------------------------------------


def test_counts_per_state_and_average_maturity_per_opd(client, region, cycle, coordinator):
    data = Data(cycle)
    a, b, idle = (factories.agency(region, short_name=s) for s in ("OPDA", "OPDB", "IDLE"))
    data.submission(a, "A1", all_at(3), all_at(2), state=State.VERIFIED)
    data.submission(a, "A2", all_at(1), {}, state=State.SUBMITTED)
    data.submission(a, "A3", all_at(2), {}, state=State.DRAFT)
    data.submission(a, "A4", all_at(2), {}, state=State.WITHDRAWN)
    data.submission(b, "B1", all_at(3), all_at(3), state=State.REJECTED)
    data.submission(b, "B2", all_at(2), {}, state=State.RETURNED)
    data.submission(b, "B3", all_at(2), all_at(2), state=State.VERIFIED)
    spec = cycle.edition.spec()
    client.force_login(coordinator)
    response = client.get(url(region))
    d = response.context["d"]
    rows = {r.short_name: r for r in d.agencies}
    assert rows["OPDA"].counts == {
        "draft": 1,
        "submitted": 1,
        "returned": 0,
        "verified": 1,
        "rejected": 0,
        "withdrawn": 1,
    }
    assert rows["OPDB"].counts["rejected"] == 1 and rows["OPDB"].counts["returned"] == 1
    assert rows["IDLE"].total == 0 and rows["IDLE"].avg_claimed is None

    def m(levels, view="claimed", rejected=False):
        inn = methodology.InnovationInput(
            id="x", claimed=levels, verified=levels, rejected=rejected
        )
        return methodology.maturity(spec, inn, view, "zero")

    q = Decimal("0.01")
    assert rows["OPDA"].reported == 2
    assert rows["OPDA"].avg_claimed == ((m(all_at(3)) + m(all_at(1))) / 2).quantize(q)
    # A2 is not reviewed: 0 in the verified view
    assert rows["OPDA"].avg_verified == (m(all_at(2)) / 2).quantize(q)
    # B1 is rejected: 0 verified, but still reported
    assert rows["OPDB"].reported == 3
    assert rows["OPDB"].avg_verified == (m(all_at(2)) / 3).quantize(q)
    # leaderboards: most reported, then highest verified maturity; idle OPDs are not ranked
    assert [(r.short_name, r.rank_reported) for r in d.top_reported] == [("OPDB", 1), ("OPDA", 2)]
    assert [r.short_name for r in d.top_maturity] == ["OPDA", "OPDB"]
    html = response.content.decode()
    assert "Pelaporan terbanyak" in html and rows["OPDB"].name in html


def test_equal_counts_share_a_rank(client, region, cycle, coordinator):
    data = Data(cycle)
    for short in ("X1", "X2", "X3"):
        agency = factories.agency(region, short_name=short)
        data.submission(agency, f"{short}-a", all_at(1))
        if short != "X3":
            data.submission(agency, f"{short}-b", all_at(1))
    client.force_login(coordinator)
    d = client.get(url(region)).context["d"]
    assert [r.rank_reported for r in d.top_reported] == [1, 1, 3]


# --- basic services (urusan wajib pelayanan dasar) --------------------------------------------


def test_basic_services_without_a_gate(client, region, cycle, coordinator):
    data = Data(cycle)
    agency = factories.agency(region)
    data.submission(agency, "Sekolah", all_at(1), urusan="Pendidikan")
    data.submission(agency, "Puskesmas", all_at(1), urusan="kesehatan", others=["Sosial"])
    client.force_login(coordinator)
    response = client.get(url(region))
    d = response.context["d"]
    assert not d.gate_applies
    covered = {c.urusan for c in d.coverage if c.claimed}
    assert covered == {"Pendidikan", "Kesehatan", "Sosial"}  # case-insensitive, like the engine
    assert len(d.coverage) == 6
    assert "syarat ini tidak berlaku" in response.content.decode()


def test_basic_services_gate_of_2026(client, region, coordinator):
    cycle = factories.cycle(region, 2026)
    spec = cycle.edition.spec()
    listed = list(spec.count_rule.basic_services_urusan)
    data = Data(cycle)
    agency = factories.agency(region)
    for i, urusan in enumerate(listed[:5]):
        state = State.REJECTED if i == 0 else State.SUBMITTED
        data.submission(agency, f"Inovasi {i}", all_at(2, 2026), urusan=urusan, state=state)
    expected = data.expected()
    assert expected.claimed.count_gate_met and not expected.verified.count_gate_met
    client.force_login(coordinator)
    response = client.get(url(region, 2026))
    d = response.context["d"]
    assert d.gate_applies and d.gate_required == spec.count_rule.basic_services_min
    assert d.covered_claimed == len(expected.claimed.basic_services_covered) == 5
    assert d.covered_verified == len(expected.verified.basic_services_covered) == 4
    assert d.claimed.count_gate_met and not d.verified.count_gate_met
    html = response.content.decode()
    assert "syarat terpenuhi" in html and "syarat belum terpenuhi" in html
    assert "hanya oleh inovasi yang ditolak" in html


# --- deadlines and year over year ------------------------------------------------------------


@pytest.mark.parametrize(
    "offsets,phase,text",
    [
        ((5, 10, 20), "belum_dibuka", "hari lagi penjaringan dibuka"),
        ((-5, 7, 20), "penjaringan", "hari lagi menuju batas akhir pengiriman"),
        ((-5, 0, 20), "penjaringan", "hari terakhir OPD mengirim laporan"),
        ((-20, -5, 9), "verifikasi", "hari lagi menuju batas akhir verifikasi"),
        ((-30, -20, -1), "selesai", "Siklus selesai"),
    ],
)
def test_deadline_countdown(client, region, coordinator, offsets, phase, text):
    today = datetime.date.today()
    opens, submit, review = (today + datetime.timedelta(days=o) for o in offsets)
    factories.cycle(region, 2023, opens_on=opens, submit_deadline=submit, review_deadline=review)
    client.force_login(coordinator)
    response = client.get(url(region))
    deadline = response.context["d"].deadline
    assert deadline.phase == phase
    assert deadline.days_to_submit == offsets[1] and deadline.days_to_review == offsets[2]
    assert text in response.content.decode()


def test_year_over_year(client, region, coordinator):
    agency = factories.agency(region)
    before = Data(factories.cycle(region, 2023))
    before.submission(agency, "Lama", all_at(1), all_at(1))
    now = Data(factories.cycle(region, 2024))
    now.submission(agency, "Baru", all_at(3, 2024), all_at(3, 2024))
    old_iid = before.expected().verified.iid
    new_iid = now.expected().verified.iid
    client.force_login(coordinator)
    response = client.get(url(region, 2024))
    previous = response.context["d"].previous
    assert (previous.year, previous.iid, previous.change) == (2023, old_iid, new_iid - old_iid)
    html = response.content.decode()
    assert f"+{new_iid - old_iid:.2f}".replace(".", ",") in html
    # the first cycle has nothing to compare with
    first = client.get(url(region, 2023))
    assert first.context["d"].previous is None
    assert "Belum ada siklus tahun sebelumnya" in first.content.decode()


# --- the memo never serves stale numbers, and the page stays at a fixed number of queries ------


def test_changed_answers_change_the_numbers(client, region, cycle, coordinator):
    data = Data(cycle)
    agency = factories.agency(region)
    submission = data.submission(agency, "Satu", all_at(1), all_at(1))
    client.force_login(coordinator)
    first = client.get(url(region)).context["d"].verified.iid
    Answer.objects.filter(submission=submission).update(verified_level=3, claimed_level=3)
    second = client.get(url(region)).context["d"].verified.iid
    assert second > first


def test_query_count_does_not_grow_with_the_data(
    client, region, coordinator, django_assert_max_num_queries
):
    earlier = factories.cycle(region, 2023)  # year over year adds its own fixed queries
    current = factories.cycle(region, 2024)
    for cycle in (earlier, current):
        sample(cycle, n_agencies=2, per_agency=2)
    client.force_login(coordinator)
    client.get(url(region, 2024))  # warm-up (session, content types)
    board.clear_memo()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url(region, 2024)).status_code == 200
    for cycle in (earlier, current):
        sample(cycle, n_agencies=6, per_agency=6)  # 10× the OPDs, submissions and answers
    assert current.submissions.count() >= 10 * 4
    board.clear_memo()
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url(region, 2024)).status_code == 200
