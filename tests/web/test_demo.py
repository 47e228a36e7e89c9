import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.core import demo_innovations
from sinovda.cycles.models import Cycle, Phase
from sinovda.editions.models import Edition
from sinovda.evidence.models import Document
from sinovda.innovations import affairs, rules
from sinovda.innovations.models import (
    Answer,
    FieldComment,
    Innovation,
    RegionAnswer,
    ReviewState,
    State,
    Submission,
)
from sinovda.regions.models import Agency, Cluster, ClusterList, Membership, Region, Role
from sinovda.scores import snapshots
from sinovda.scores.bridge import cycle_scores
from sinovda.scores.models import ResultSnapshot, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_editions", verbosity=0)
    call_command("load_demo", verbosity=0)


def test_regions_file_loads_sumatera_selatan_with_real_codes(demo):
    sumsel = Region.objects.get(code="16")
    assert sumsel.regencies.count() == 17
    assert Region.objects.get(code="16.10").name == "Kabupaten Ogan Ilir"
    assert Region.objects.filter(kind=Region.Kind.PROVINCE).count() == 38
    assert ClusterList.objects.filter(cluster=Cluster.PAPUA, regions__code="91").exists()


def test_demo_region_has_its_opds_people_and_cycle(demo):
    ogan_ilir = Region.objects.get(code="16.10")
    assert Agency.objects.filter(region=ogan_ilir).count() == 19
    assert ogan_ilir.coordinator_agency.short_name == "Balitbangda"
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Role}
    years = sorted(Cycle.objects.filter(region=ogan_ilir).values_list("edition__year", flat=True))
    assert years == [2022, 2023]


def test_demo_results_cite_their_sources_and_mark_invented_values(demo):
    sumsel = Region.objects.filter(province__code="16")
    standing = snapshots.standing(2023, regions=sumsel)
    ogan_ilir = standing[Region.objects.get(code="16.10").pk]
    assert (str(ogan_ilir.iid), ogan_ilir.predicate, ogan_ilir.source) == (
        "61.16",
        "Sangat Inovatif",
        Source.ANNOUNCED,
    )
    assert ogan_ilir.citation_title.startswith("Hasil IGA 2023 Kabupaten Ogan Ilir")
    assert ogan_ilir.citation_publisher == "Pemerintah Kabupaten Ogan Ilir (Balitbangda)"
    assert len(standing) == 17
    assert ResultSnapshot.objects.filter(source=Source.SYNTHETIC).exists()
    # A citation is readable text, never an internal file path.
    announced = ResultSnapshot.objects.exclude(source=Source.COMPUTED)
    for title in announced.values_list("citation_title", flat=True):
        assert title and ".md" not in title and "/" not in title, title
    # Ogan Ilir has results for 2022 and 2023 and none for 2024 (no public figure, no closed cycle).
    years = [s.year for s in snapshots.history(Region.objects.get(code="16.10"))]
    assert years == [2022, 2023]


def test_demo_finalises_the_closed_cycles_of_ogan_ilir(demo):
    computed = ResultSnapshot.objects.filter(region__code="16.10", source=Source.COMPUTED)
    closed = [c for c in (_cycle(2022), _cycle(2023)) if c.phase() == Phase.CLOSED]
    assert [c.edition.year for c in closed][:1] == [2022]  # 2023 only once its review is over
    assert sorted(computed.values_list("year", flat=True)) == [c.edition.year for c in closed]
    result_2022 = computed.get(year=2022)
    assert (result_2022.iid, result_2022.predicate) == (Decimal("51.20"), "Inovatif")
    assert result_2022.cycle == _cycle(2022) and result_2022.created_by.username == "koordinator"
    assert result_2022.spd is not None and result_2022.sid is not None
    assert AuditEvent.objects.filter(action="result.finalise").count() == len(closed)


def _demo_state():
    models = [
        Agency,
        Membership,
        ResultSnapshot,
        Edition,
        Cycle,
        Innovation,
        Submission,
        Answer,
        RegionAnswer,
        FieldComment,
        Document,
        AuditEvent,
    ]
    return (
        [m.objects.count() for m in models],
        list(Submission.objects.order_by("pk").values_list("pk", "state", "version", "previous")),
        list(Answer.objects.order_by("pk").values_list("claimed_level", "verified_level")),
        sorted(str(p) for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()),
    )


def test_demo_is_idempotent(demo):
    before = _demo_state()
    call_command("load_demo", verbosity=0)
    assert _demo_state() == before


def test_province_coordinator_sees_the_ranking_but_cannot_manage(client, demo):
    client.post(reverse("login"), {"username": "provinsi", "password": "sinovda-demo-2023"})
    # The province's own link leads to the (now public) province ranking, for the year asked.
    response = client.get(reverse("province_ranking", args=["16"]) + "?tahun=2023", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kabupaten Ogan Ilir" in html and "61,16" in html  # Indonesian decimal comma
    assert client.get(reverse("agency_list", args=["16.10"])).status_code == 200
    assert client.get(reverse("person_list", args=["16.10"])).status_code == 403
    assert client.get(reverse("agency_list", args=["11.01"])).status_code == 404


def test_ranking_of_a_kabupaten_is_404(client, demo):
    client.post(reverse("login"), {"username": "koordinator", "password": "sinovda-demo-2023"})
    assert client.get(reverse("province_ranking", args=["16.10"])).status_code == 404


def _cycle(year):
    return Cycle.objects.select_related("edition", "region").get(
        region__code="16.10", edition__year=year
    )


def test_2023_cycle_has_about_90_innovations_in_every_state(demo):
    cycle = _cycle(2023)
    submissions = Submission.objects.filter(cycle=cycle)
    states = Counter(submissions.values_list("state", flat=True))
    assert 85 <= submissions.count() <= 95
    # Every state but "withdrawn" (2022 has those): 90 sent, and one draft that cannot be sent.
    assert set(states) == set(State.values) - {State.WITHDRAWN}
    assert states[State.VERIFIED] > submissions.count() / 2
    # 19 OPDs report, unevenly; Disdukcapil is the 5th most active (as in the real 2023 ranking).
    per_agency = Counter(submissions.values_list("innovation__agency__short_name", flat=True))
    assert len(per_agency) == 19
    ranking = [short for short, _n in per_agency.most_common()]
    assert ranking.index("Disdukcapil") == 4
    assert per_agency["Disdukcapil"] > per_agency[ranking[5]]
    # Every basic service is served; themes come from the edition.
    reported = submissions.reported()
    assert set(affairs.BASIC_SERVICES) <= set(reported.values_list("main_affair", flat=True))
    assert set(submissions.values_list("theme", flat=True)) <= set(
        cycle.edition.spec().tematik.items
    )
    # Sent reports are complete by the edition's own rules; every mandatory indicator is answered.
    for submission in reported:
        assert rules.submission_problems(submission) == [], submission.name
    # Reviews: most accepted, some lowered, a few rejected, each change explained.
    decisions = Counter(
        Answer.objects.filter(submission__cycle=cycle).values_list("review_state", flat=True)
    )
    assert decisions[ReviewState.ACCEPTED] > decisions[ReviewState.LOWERED] > 0
    assert decisions[ReviewState.REJECTED] > 0
    assert not Answer.objects.filter(
        review_state__in=[ReviewState.LOWERED, ReviewState.REJECTED], review_note=""
    ).exists()
    for returned in submissions.filter(state=State.RETURNED):
        assert returned.answers.exclude(review_note="").exists()
        assert returned.field_comments.exists()
    rejected = submissions.filter(state=State.REJECTED).first()
    note = AuditEvent.objects.for_object(rejected).get(action="submission.reject").after["note"]
    assert note
    # SPD: every row answered by the koordinator and reviewed by the verifikator.
    spd = RegionAnswer.objects.filter(cycle=cycle)
    assert sorted(spd.values_list("row_code", flat=True)) == sorted(
        row.code for row in cycle.edition.spec().spd_rows
    )
    assert set(spd.values_list("answered_by__username", "reviewed_by__username")) == {
        ("koordinator", "verifikator")
    }
    # Everything invented is marked.
    assert all(
        r.endswith("[Data demo sintetis]") for r in submissions.values_list("result", flat=True)
    )


def test_disdukcapil_innovations_have_their_profiles(demo):
    edition = _cycle(2023).edition.spec()
    for name, kind in [
        ("Sanjo Barokah", "non_digital"),
        ("Aku Mandiri", "digital"),
        ("Lope Capil", "non_digital"),
    ]:
        s = Submission.objects.get(cycle__edition__year=2023, name=name)
        assert s.innovation.agency.short_name == "Disdukcapil"
        assert (s.kind, s.form, s.main_affair) == (
            kind,
            "pelayanan_publik",
            "Administrasi Kependudukan dan Pencatatan Sipil",
        )
        for field in [*rules.REQUIRED_PROFILE, "theme", "trial_date", "budget", "video_url"]:
            assert getattr(s, field), (name, field)
        assert rules.word_count(s.design) >= 300
        for part in ("Dasar hukum", "Permasalahan", "Isu strategis", "Metode pembaharuan"):
            assert part in s.design
        window = edition.eligibility
        assert any(
            window.start <= d <= window.end
            for d in (s.implementation_date, s.development_date)
            if d
        )
    sanjo = Submission.objects.get(cycle__edition__year=2023, name="Sanjo Barokah")
    assert sanjo.implementation_date.year == 2018 and sanjo.state == State.VERIFIED
    assert "ODGJ" in sanjo.design or "gangguan jiwa" in sanjo.design
    aku = Submission.objects.get(cycle__edition__year=2023, name="Aku Mandiri")
    assert "Lakso Burgo" in aku.design and "23.271" in aku.design
    lope = next(i for i in demo_innovations.IDEAS if i.name == "Lope Capil")
    assert "SINTETIS" in lope.note
    # Field Trip Education (launched 28-07-2023) falls outside the 2023 window: it stays a draft.
    trip = Submission.objects.get(cycle__edition__year=2023, name="Field Trip Education")
    assert trip.state == State.DRAFT and str(trip.implementation_date) == "2023-07-28"


def test_90_innovations_of_2023_are_sent_as_ogan_ilir_reported(demo):
    reported = Submission.objects.filter(cycle__edition__year=2023).reported()
    assert reported.count() == 90


def test_verified_iid_lands_in_the_published_predicate(demo):
    for year, target, predicate in [
        (2023, Decimal("61.16"), "Sangat Inovatif"),
        (2022, Decimal("51.20"), "Inovatif"),
    ]:
        views = cycle_scores(_cycle(year))
        assert views.verified.predicate == predicate, year
        assert abs(views.verified.iid - target) < Decimal("0.5"), (year, views.verified.iid)
        assert views.claimed.iid >= views.verified.iid


def test_2022_edition_is_inferred_and_its_cycle_carries_over(demo):
    edition = Edition.objects.get(year=2022)
    assert (
        edition.is_published and edition.data["label"] == "IID / IGA 2022 (disimpulkan dari 2023)"
    )
    confidences = []

    def walk(node):
        if isinstance(node, dict):
            if "confidence" in node:
                confidences.append(node["confidence"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(edition.data)
    assert confidences and set(confidences) == {"inferred"}
    assert "S-DEMO-INFER2022" in edition.data["sources"]
    assert edition.spec().eligibility.end.year == 2021

    cycle = _cycle(2022)
    assert cycle.phase() == Phase.CLOSED and cycle.opens_on.year == 2022
    old = Submission.objects.filter(cycle=cycle)
    assert 65 <= old.count() <= 75
    assert old.filter(state=State.VERIFIED).count() > 0.8 * old.count()
    linked = Submission.objects.filter(cycle__edition__year=2023, previous__isnull=False)
    assert linked.count() == old.count()
    for submission in linked.select_related("previous"):
        assert submission.previous.cycle_id == cycle.pk
        assert submission.previous.innovation_id == submission.innovation_id
    assert Innovation.objects.filter(region__code="16.10").count() == 91  # 90 sent + 1 draft


def test_evidence_files_exist_and_one_document_backs_many_answers(demo):
    documents = Document.objects.filter(region__code="16.10")
    assert 20 <= documents.count() <= 130
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    for document in documents:
        data = (root / document.file.name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == document.sha256
        assert len(data) == document.size
        assert data.startswith(b"%PDF-" if document.kind == "pdf" else b"\x89PNG")
    sanjo = documents.get(subject__endswith="inovasi Sanjo Barokah")
    assert b"Sanjo Barokah" in (root / sanjo.file.name).read_bytes()
    perbup = documents.get(subject__startswith="Peraturan Bupati Ogan Ilir")
    backed = Answer.objects.filter(documents=perbup)
    assert backed.values("submission").distinct().count() >= 10
    assert RegionAnswer.objects.filter(documents__isnull=False).exists()


def test_disdukcapil_is_awarded_5th_by_number_of_reports_the_second_year_running(demo):
    from sinovda.awards.models import Award

    for year in (2022, 2023):
        fifth = Award.objects.get(
            cycle__region__code="16.10",
            cycle__edition__year=year,
            category="most_reported",
            rank=5,
        )
        assert fifth.agency.short_name == "Disdukcapil", year
    region = Region.objects.get(code="16.10")
    assert region.head_title == "Bupati Ogan Ilir"
    call_command("load_demo", verbosity=0)  # idempotent: no second set of awards
    assert Award.objects.filter(cycle__region__code="16.10").count() == 5 + 5 + 3
