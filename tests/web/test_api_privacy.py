"""The open-data API shows published data only: secrets planted everywhere else never appear.

One region holds a draft, a verified report nobody published, a published innovation whose report
carries reviewer notes, replies, field remarks, an evidence document and an inisiator's name (and
was edited after publishing), an unpublished innovation, results with an admin's note and a
withdrawn result, and the people who did all that. Then every endpoint is read, as JSON and as CSV,
following every `next` link, and no secret may appear in any answer.
"""

import json
import re

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone

from sinovda.catalogue import actions as catalogue_actions
from sinovda.evidence.models import Document
from sinovda.innovations.models import Answer, FieldComment, State, Submission
from sinovda.regions.models import Cluster, ClusterList, Confidence, Role
from sinovda.scores.models import ResultSnapshot, Source
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"
CLUSTERS = ["provinsi", "kabupaten", "kota", "tertinggal", "perbatasan", "papua"]

SECRETS = {
    "draft": "RAHASIADRAF",
    "unpublished_verified": "RAHASIABELUMTERBIT",
    "review_note": "RAHASIACATATANVERIFIKATOR",
    "reply": "RAHASIATANGGAPAN",
    "field_remark": "RAHASIACATATANKOLOM",
    "document_name": "RAHASIABERKAS",
    "document_subject": "RAHASIAPERIHAL",
    "initiator": "RAHASIAINISIATOR",
    "edited_after_publishing": "RAHASIASESUDAHTERBIT",
    "unpublished": "RAHASIADITARIK",
    "snapshot_note": "RAHASIACATATANHASIL",
    "withdrawn_reason": "RAHASIAALASANTARIK",
    "withdrawn_predicate": "RAHASIAPREDIKATTARIK",
    "operator_name": "Operatorina Rahasiawati",
    "operator_email": "operatorina.rahasia@pemda.example",
    "operator_username": "operatorinarahasia",
    "coordinator_name": "Koordinatorius Rahasiawan",
    "coordinator_email": "koordinatorius.rahasia@pemda.example",
    "verifier_name": "Verifikatora Rahasiani",
    "cluster_note": "RAHASIACATATANKLASTER",
}


@pytest.fixture(autouse=True)
def _no_rate_limit(settings):
    settings.SINOVDA_API_RATE = "100000/m"
    cache.clear()


def person(region, role, name, email, agency=None, username=None):
    user = factories.member(region, role, agency=agency, username=username)
    user.full_name = name
    user.email = email
    user.save(update_fields=["full_name", "email"])
    return user


def evidence(region, agency, operator):
    doc = Document(
        region=region,
        agency=agency,
        sha256="a" * 64,
        size=9,
        kind="pdf",
        original_name=f"{SECRETS['document_name']}.pdf",
        subject=SECRETS["document_subject"],
        uploaded_by=operator,
    )
    doc.file.save("bukti.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    doc.save()
    return doc


@pytest.fixture
def planted():
    region = factories.region(code="16.10", name="Kabupaten Ogan Ilir")
    agency = factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")
    operator = person(
        region,
        Role.OPERATOR,
        SECRETS["operator_name"],
        SECRETS["operator_email"],
        agency=agency,
        username=SECRETS["operator_username"],
    )
    coordinator = person(
        region, Role.COORDINATOR, SECRETS["coordinator_name"], SECRETS["coordinator_email"]
    )
    verifier = person(region, Role.VERIFIER, SECRETS["verifier_name"], "verifikatora@pemda.example")
    cycle = factories.cycle(region, 2023)
    doc = evidence(region, agency, operator)

    factories.submission(
        cycle, agency=agency, name=f"Draf {SECRETS['draft']}", goal=SECRETS["draft"]
    )
    factories.submission(
        cycle,
        agency=agency,
        name=f"Laporan {SECRETS['unpublished_verified']}",
        state=State.VERIFIED,
        goal=SECRETS["unpublished_verified"],
    )

    report = factories.submission(
        cycle,
        agency=agency,
        name="Posyandu Digital",
        state=State.VERIFIED,
        initiator_name=SECRETS["initiator"],
        goal="Menurunkan angka stunting",
        levels=dict(list(factories.mandatory_levels(cycle).items())[:1]),
        submitted_by=operator,
        created_by=operator,
    )
    report.profile_extra = {**report.profile_extra, "budget_document": [doc.pk]}
    report.save(update_fields=["profile_extra"])
    answer = Answer.objects.get(submission=report)
    answer.review_note = SECRETS["review_note"]
    answer.reply = SECRETS["reply"]
    answer.reviewed_by = verifier
    answer.claimed_by = operator
    answer.save()
    answer.documents.add(doc)
    FieldComment.objects.create(
        submission=report, field="goal", note=SECRETS["field_remark"], author=verifier
    )
    catalogue_actions.publish(report, acting_user=coordinator)
    # Reopened and edited after publishing: nothing public changes until published again.
    Submission.objects.filter(pk=report.pk).update(
        name=SECRETS["edited_after_publishing"], goal=SECRETS["edited_after_publishing"]
    )

    withdrawn_later = factories.submission(
        cycle, agency=agency, name=f"Inovasi {SECRETS['unpublished']}", state=State.VERIFIED
    )
    catalogue_actions.publish(withdrawn_later, acting_user=coordinator)
    catalogue_actions.unpublish(withdrawn_later.innovation, acting_user=coordinator)

    ResultSnapshot.objects.create(
        region=region,
        year=2023,
        source=Source.ANNOUNCED,
        iid="61.20",
        predicate="Sangat Inovatif",
        citation_title="Keputusan Kepala BSKDN",
        note=SECRETS["snapshot_note"],
        created_by=coordinator,
    )
    ResultSnapshot.objects.create(
        region=region,
        year=2024,
        source=Source.SYNTHETIC,
        iid="12.34",
        predicate=SECRETS["withdrawn_predicate"],
        note=SECRETS["snapshot_note"],
        created_by=coordinator,
        withdrawn_at=timezone.now(),
        withdrawn_reason=SECRETS["withdrawn_reason"],
    )
    papua = ClusterList.objects.create(
        cluster=Cluster.PAPUA,
        title="Provinsi 91-96",
        confidence=Confidence.INFERRED,
        note=SECRETS["cluster_note"],
        updated_by=coordinator,
    )
    papua.regions.add(region)
    return {"region": region, "report": report, "doc": doc, "operator": operator}


def crawl(client, start: str) -> list[tuple[str, bytes]]:
    """The answer at `start` and every page after it (JSON `next` or the CSV Link header)."""
    answers, url = [], start
    while url:
        response = client.get(url)
        assert response.status_code in {200, 404}, (url, response.status_code)
        answers.append((url, response.content))
        url = None
        if response.status_code != 200:
            break
        if response["Content-Type"].startswith("application/json"):
            data = response.json()
            url = data.get("next") if isinstance(data, dict) else None
        elif "Link" in response:
            match = re.search(r'<([^>]+)>; rel="next"', response["Link"])
            url = match.group(1) if match else None
    return answers


def every_path(planted) -> list[str]:
    region = planted["region"]
    public_ids = [s.innovation.public_id for s in Submission.objects.all()]
    lists = [
        "/regions?limit=1",
        "/regions?cluster=papua",
        f"/regions/{region.code}",
        f"/regions/{region.province.code}",
        "/results?limit=1",
        "/results?all=true&limit=1",
        "/results?all=true&year=2024",
        f"/results/{region.code}",
        "/innovations?limit=1",
        "/innovations?year=2023",
        *(f"/innovations/{public_id}" for public_id in public_ids),
        *(f"/rankings/{year}?cluster={c}" for year in (2023, 2024) for c in CLUSTERS),
        "/rankings/2023?province=16",
        "/rankings/2024?cluster=kabupaten&province=16",
    ]
    paths = [f"{API}{p}" for p in lists]
    paths += [p + ("&" if "?" in p else "?") + "format=csv" for p in paths]
    return [*paths, f"{API}/openapi.json", f"{API}/docs"]


def test_no_secret_appears_in_any_answer_json_or_csv(client, planted):
    answers = []
    for path in every_path(planted):
        answers += crawl(client, path)
    assert len(answers) >= 50
    for url, body in answers:
        text = body.decode("utf-8").casefold()
        for what, secret in SECRETS.items():
            assert secret.casefold() not in text, f"{what} leaked through {url}"
        assert planted["doc"].file.name.casefold() not in text, url


def test_searching_for_a_secret_finds_nothing(client, planted):
    for what, secret in SECRETS.items():
        query = secret.split("@")[0].split()[0]  # a word a person could type
        response = client.get(f"{API}/innovations", {"q": query})
        assert response.status_code == 200
        assert response.json()["items"] == [], f"searching for the {what} found something"
        csv_response = client.get(f"{API}/innovations", {"q": query, "format": "csv"})
        assert len(csv_response.content.decode().strip().splitlines()) == 1, what


def test_only_the_published_innovation_is_listed_as_first_published(client, planted):
    items = client.get(f"{API}/innovations").json()["items"]
    assert [item["name"] for item in items] == ["Posyandu Digital"]
    detail = client.get(f"{API}/innovations/{items[0]['public_id']}").json()
    values = " ".join(row["value"] for row in detail["profile"])
    assert "Menurunkan angka stunting" in values


def test_drafts_and_unpublished_reports_are_404_by_their_public_id(client, planted):
    published_id = planted["report"].innovation.public_id
    for submission in Submission.objects.exclude(innovation__public_id=published_id):
        response = client.get(f"{API}/innovations/{submission.innovation.public_id}")
        assert response.status_code == 404, submission.name


def test_no_answer_names_a_person_or_an_internal_id(client, planted):
    forbidden = {
        "created_by",
        "published_by",
        "updated_by",
        "uploaded_by",
        "reviewed_by",
        "submitted_by",
        "note",
        "cycle",
        "cycle_id",
        "submission",
        "submission_id",
        "search_text",
        "email",
        "withdrawn_reason",
    }

    def keys(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from keys(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from keys(inner)

    for path in every_path(planted):
        if "format=csv" in path or path.endswith(("/docs", "/openapi.json")):
            continue
        for url, body in crawl(client, path):
            found = set(keys(json.loads(body))) & forbidden
            assert not found, (url, found)
