"""Anonymous visitors see only published data: nothing of drafts, unpublished reports, reviewer
notes, remarks, documents, budgets, people, or edits made after publishing, on any public page,
search result, excerpt or the sitemap.

Every secret below is a word placed where the public must never read it; each test looks for all
of them (in any letter case) everywhere the public can look.
"""

from urllib.parse import quote, quote_plus

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from sinovda.catalogue import actions
from sinovda.catalogue.models import Publication
from sinovda.evidence.models import Document
from sinovda.innovations import actions as report_actions
from sinovda.innovations.models import Answer, FieldComment, State, Submission
from sinovda.regions.access import access_for
from sinovda.regions.models import Role
from tests import factories
from tests.web.test_catalogue import koordinator_of, verified_report

pytestmark = pytest.mark.django_db

SECRETS = {
    "draft": "Drafrahasia",
    "unpublished": "Terverifikasirahasia",
    "withdrawn": "Ditarikrahasia",
    "rejected": "Ditolakrahasia",
    "review_note": "Catatanverifikatorrahasia",
    "answer_reply": "Balasanoperatorrahasia",
    "answer_link": "Tautanbuktirahasia",
    "field_note": "Komentarprofilrahasia",
    "field_reply": "Tanggapanprofilrahasia",
    "carry_note": "Catatanbawarahasia",
    "document_name": "Berkasrahasia",
    "document_subject": "Perihalrahasia",
    "evidence_document": "Buktidukungrahasia",
    "initiator": "Inisiatorrahasia",
    "later_edit": "Suntinganrahasia",
    "operator_username": "operatorrahasia",
    "operator_name": "Namaoperatorrahasia",
    "koordinator_name": "Namakoordinatorrahasia",
}
BUDGET = ("987654321", "987.654.321", "987,654,321")


def document(region, agency, name, subject):
    doc = Document(
        region=region,
        agency=agency,
        sha256=name.ljust(64, "0"),
        size=9,
        kind="pdf",
        original_name=name,
        subject=subject,
    )
    doc.file.save(name, ContentFile(b"%PDF-1.4\n"), save=False)
    doc.save()
    return doc


@pytest.fixture
def world():
    """One published innovation carrying secrets in every private place, and reports that are
    never public, all in one Pemda."""
    region = factories.region(code="16.10", name="Kabupaten Ogan Ilir")
    cycle = factories.cycle(region, 2023)
    agency = factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")
    operator = factories.member(
        region, Role.OPERATOR, agency=agency, username=SECRETS["operator_username"]
    )
    operator.full_name = SECRETS["operator_name"]
    operator.save(update_fields=["full_name"])
    koordinator = koordinator_of(region)
    koordinator.full_name = SECRETS["koordinator_name"]
    koordinator.save(update_fields=["full_name"])

    budget_file = document(
        region, agency, f"{SECRETS['document_name']}.pdf", SECRETS["document_subject"]
    )
    evidence = document(region, agency, "bukti.pdf", SECRETS["evidence_document"])
    report = verified_report(
        cycle,
        agency,
        name="Posyandu Digital",
        goal="Menurunkan angka stunting di desa.",
        benefit="Pelayanan kesehatan ibu dan anak.",
        initiator_name=SECRETS["initiator"],
        budget=987654321,
        carry_over_note=SECRETS["carry_note"],
        profile_extra={"budget_document": [budget_file.pk]},
    )
    Submission.objects.filter(pk=report.pk).update(created_by=operator, submitted_by=operator)
    answer = Answer.objects.get(submission=report)
    answer.review_note = SECRETS["review_note"]
    answer.reply = SECRETS["answer_reply"]
    answer.link = f"https://{SECRETS['answer_link'].lower()}.example.org/"
    answer.claimed_by = operator
    answer.save()
    answer.documents.add(evidence)
    FieldComment.objects.create(
        submission=report,
        field="goal",
        note=SECRETS["field_note"],
        reply=SECRETS["field_reply"],
        author=koordinator,
    )
    publication = actions.publish(report, acting_user=koordinator)

    # After publishing: reopened and edited, not published again.
    report_actions.reopen(access_for(koordinator, region), report, reason="Perbaiki")
    Submission.objects.filter(pk=report.pk).update(
        goal=f"Menurunkan angka stunting. {SECRETS['later_edit']}"
    )

    factories.submission(cycle, agency, name=f"Inovasi {SECRETS['draft']}", goal=SECRETS["draft"])
    verified_report(
        cycle, agency, name=f"Inovasi {SECRETS['unpublished']}", goal=SECRETS["unpublished"]
    )
    factories.submission(
        cycle,
        agency,
        name=f"Inovasi {SECRETS['rejected']}",
        goal=SECRETS["rejected"],
        state=State.REJECTED,
    )
    withdrawn = verified_report(
        cycle, agency, name=f"Inovasi {SECRETS['withdrawn']}", goal=SECRETS["withdrawn"]
    )
    actions.publish(withdrawn, acting_user=koordinator)
    actions.unpublish(withdrawn.innovation, acting_user=koordinator)
    return {"region": region, "agency": agency, "publication": publication}


def public_pages(client, world):
    """Every public page about this Pemda, and the catalogue searched for every secret: {url:
    page text}, lower case, without the echo of the typed query (the search box shows it)."""
    publication = world["publication"]
    plain = [
        reverse("catalogue"),
        reverse("catalogue") + "?daerah=16.10",
        reverse("catalogue") + "?daerah=16.10&opd=" + str(world["agency"].pk),
        reverse("catalogue_innovation", args=[publication.innovation.public_id]),
        reverse("catalogue_region", args=["16.10"]),
        reverse("catalogue_agency", args=["16.10", world["agency"].pk]),
        reverse("sitemap"),
        reverse("robots_txt"),
    ]
    queries = ["stunting", "kesehatan desa", "posyandu"]
    for secret in [*SECRETS.values(), *BUDGET]:
        queries += [secret, f"{secret.lower()} stunting", f"stunting {secret.upper()}"]
    pages = {}
    for url in plain:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode().lower()
    for query in queries:
        response = client.get(reverse("catalogue"), {"cari": query})
        assert response.status_code == 200, query
        page = response.content.decode().lower()
        for echo in (query, quote_plus(query), quote(query)):
            page = page.replace(echo.lower(), "")
        pages[f"?cari={query}"] = page
    return pages


def test_no_secret_appears_on_any_public_page(client, world):
    for url, page in public_pages(client, world).items():
        for name, secret in SECRETS.items():
            assert secret.lower() not in page, f"{name} leaked on {url}"
        for figure in BUDGET:
            assert figure not in page, f"the budget leaked on {url}"


def test_searching_for_a_secret_finds_nothing(client, world):
    for secret in [*SECRETS.values(), *BUDGET]:
        response = client.get(reverse("catalogue"), {"cari": secret})
        assert response.context["items"] == [], secret


def test_the_public_copy_itself_holds_no_secret(world):
    publication = Publication.objects.get()
    stored = " ".join(
        [
            publication.name,
            publication.summary,
            publication.search_text,
            str(publication.profile),
            str(publication.other_affairs),
        ]
    ).lower()
    for name, secret in SECRETS.items():
        assert secret.lower() not in stored, name
    for figure in BUDGET:
        assert figure not in stored
    assert all(row["kind"] != "documents" for row in publication.profile)


def test_only_the_published_innovation_is_listed(client, world):
    response = client.get(reverse("catalogue"))
    assert [p.name for p in response.context["items"]] == ["Posyandu Digital"]
    region_page = client.get(reverse("catalogue_region", args=["16.10"]))
    assert [p.name for p in region_page.context["items"]] == ["Posyandu Digital"]


def test_signed_in_people_see_the_same_public_data(client, world):
    """A member of the Pemda browsing the catalogue sees only what the public sees."""
    client.force_login(factories.member(world["region"], Role.COORDINATOR))
    for url, page in public_pages(client, world).items():
        for name, secret in SECRETS.items():
            assert secret.lower() not in page, f"{name} leaked on {url}"
