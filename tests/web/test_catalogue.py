"""The public catalogue: publishing (who may, what, audited, frozen) and the public pages.

Maturity here comes from one indicator: row 16 scores 3 points per level in every shipped edition,
so a report verified at level L on row 16 has maturity 3L.
"""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sinovda.audit.models import AuditEvent
from sinovda.awards.models import Award, Category
from sinovda.catalogue import actions
from sinovda.catalogue.models import Publication
from sinovda.innovations import actions as report_actions
from sinovda.innovations.models import Answer, ReviewState, State, Submission
from sinovda.regions.access import access_for
from sinovda.regions.models import Region, Role
from sinovda.scores.models import ResultSnapshot, Source
from tests import factories

pytestmark = pytest.mark.django_db


# --- helpers (also used by test_catalogue_privacy.py and test_catalogue_search.py) -------------


def verified_report(cycle, agency=None, name=None, level=2, **profile):
    """A verified report whose row 16 is claimed and verified at `level` (maturity 3 * level)."""
    report = factories.submission(
        cycle, agency, name=name, state=State.VERIFIED, levels={"16": level}, **profile
    )
    Answer.objects.filter(submission=report).update(
        verified_level=level, review_state=ReviewState.ACCEPTED
    )
    report.decided_at = timezone.now()
    report.save(update_fields=["decided_at"])
    return report


def koordinator_of(region):
    return factories.member(region, Role.COORDINATOR)


def published(report, by=None):
    by = by or koordinator_of(report.cycle.region)
    return actions.publish(report, acting_user=by)


def page_url(publication):
    return reverse("catalogue_innovation", args=[publication.innovation.public_id])


def manage_url(cycle):
    return reverse("catalogue_manage", args=[cycle.region.code, cycle.edition.year])


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return factories.cycle(region, 2023)


@pytest.fixture
def agency(region):
    return factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")


@pytest.fixture
def koordinator(region):
    return koordinator_of(region)


@pytest.fixture
def report(cycle, agency):
    return verified_report(
        cycle,
        agency,
        name="Posyandu Digital",
        goal="Menurunkan angka stunting di desa.",
        benefit="Ibu dan anak terpantau setiap bulan.",
        theme="Stunting",
        other_affairs=["Sosial"],
        video_url="https://video.example.org/posyandu",
    )


# --- publishing: who may ------------------------------------------------------------------------


ROLES_THAT_READ = [Role.VERIFIER, Role.LEADER]


@pytest.mark.parametrize("role", ROLES_THAT_READ)
def test_readers_see_the_page_but_may_not_publish(client, region, cycle, report, role):
    client.force_login(factories.member(region, role))
    assert client.get(manage_url(cycle)).status_code == 200
    response = client.post(manage_url(cycle), {"aksi": "terbitkan", "inovasi": _pid(report)})
    assert response.status_code == 403
    assert not Publication.objects.exists()


def test_an_operator_may_neither_see_nor_publish(client, region, cycle, report, agency):
    client.force_login(factories.member(region, Role.OPERATOR, agency=agency))
    assert client.get(manage_url(cycle)).status_code == 403
    response = client.post(manage_url(cycle), {"aksi": "terbitkan", "inovasi": _pid(report)})
    assert response.status_code == 403
    assert not Publication.objects.exists()


def test_a_province_role_reads_but_may_not_publish(client, region, cycle, report):
    province_person = factories.member(region.province, Role.PROVINCE_COORDINATOR)
    client.force_login(province_person)
    assert client.get(manage_url(cycle)).status_code == 200
    response = client.post(manage_url(cycle), {"aksi": "terbitkan", "inovasi": _pid(report)})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        actions.publish(report, acting_user=province_person)
    assert not Publication.objects.exists()


def test_people_of_another_region_get_404(client, cycle, report):
    elsewhere = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    client.force_login(koordinator_of(elsewhere))
    assert client.get(manage_url(cycle)).status_code == 404
    response = client.post(manage_url(cycle), {"aksi": "terbitkan", "inovasi": _pid(report)})
    assert response.status_code == 404
    assert not Publication.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, cycle, report):
    for response in (
        client.get(manage_url(cycle)),
        client.post(manage_url(cycle), {"aksi": "terbitkan", "inovasi": _pid(report)}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith("/masuk/")
    assert not Publication.objects.exists()


def test_the_koordinator_publishes_and_withdraws(client, cycle, report, koordinator):
    client.force_login(koordinator)
    response = client.post(
        manage_url(cycle), {"aksi": "terbitkan", "inovasi": _pid(report)}, follow=True
    )
    assert "diterbitkan di katalog publik" in response.content.decode()
    publication = Publication.objects.get()
    assert publication.submission == report
    assert publication.published_by == koordinator
    assert client.get(page_url(publication)).status_code == 200

    response = client.post(
        manage_url(cycle), {"aksi": "tarik", "inovasi": _pid(report)}, follow=True
    )
    assert "ditarik dari katalog publik" in response.content.decode()
    assert not Publication.objects.exists()
    client.logout()
    assert client.get(page_url(publication)).status_code == 404


def test_a_national_admin_may_publish(client, cycle, report):
    client.force_login(factories.national_admin())
    client.post(manage_url(cycle), {"aksi": "terbitkan", "inovasi": _pid(report)})
    assert Publication.objects.filter(innovation=report.innovation).exists()


def test_an_unknown_innovation_or_action_changes_nothing(client, cycle, report, koordinator):
    client.force_login(koordinator)
    assert (
        client.post(manage_url(cycle), {"aksi": "terbitkan", "inovasi": "tidak-ada"}).status_code
        == 404
    )
    response = client.post(manage_url(cycle), {"aksi": "hapus", "inovasi": _pid(report)})
    assert response.status_code == 302
    assert not Publication.objects.exists()


def _pid(report):
    return report.innovation.public_id


# --- publishing: what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", [State.DRAFT, State.SUBMITTED, State.RETURNED, State.REJECTED, State.WITHDRAWN]
)
def test_only_verified_reports_are_published(client, cycle, agency, koordinator, state):
    report = factories.submission(cycle, agency, state=state)
    with pytest.raises(actions.PublishRefused, match="terverifikasi"):
        actions.publish(report, acting_user=koordinator)
    client.force_login(koordinator)
    response = client.post(
        manage_url(cycle), {"aksi": "terbitkan", "inovasi": _pid(report)}, follow=True
    )
    assert "Hanya laporan yang sudah terverifikasi" in response.content.decode()
    assert not Publication.objects.exists()
    assert not AuditEvent.objects.filter(action="catalogue.publish").exists()


def test_the_public_copy_holds_the_public_fields(report, koordinator):
    publication = published(report, koordinator)
    assert publication.name == "Posyandu Digital"
    assert publication.year == 2023
    assert publication.region == report.cycle.region
    assert publication.agency == report.innovation.agency
    assert (publication.stage, publication.kind, publication.form) == (
        "penerapan",
        "digital",
        "pelayanan_publik",
    )
    assert publication.main_affair == "Kesehatan"
    assert publication.other_affairs == ["Sosial"]
    assert publication.theme == "Stunting"
    assert publication.maturity == Decimal("6.00")
    assert publication.maturity_max > publication.maturity
    assert publication.summary.startswith("Menurunkan angka stunting di desa.")
    labels = [row["label"] for row in publication.profile]
    assert "Tujuan Inovasi" in labels and "Tautan Video" in labels
    assert "Nama Inisiator" not in labels  # a person's name
    assert "Anggaran (Rp)" not in labels
    assert "Ogan Ilir" in publication.search_text


def test_publishing_is_audited_before_and_after(report, koordinator):
    first = published(report, koordinator)
    event = AuditEvent.objects.get(action="catalogue.publish")
    assert event.actor == koordinator
    assert event.region == report.cycle.region
    assert event.object_id == str(report.innovation.pk)
    assert event.before is None
    assert event.after["submission"] == report.pk
    assert event.after["maturity"] == "6.00"

    again = published(report, koordinator)
    assert again.pk == first.pk
    second = AuditEvent.objects.filter(action="catalogue.publish").order_by("id").last()
    assert second.before["submission"] == report.pk
    assert second.after["submission"] == report.pk

    actions.unpublish(report.innovation, acting_user=koordinator)
    withdrawn = AuditEvent.objects.get(action="catalogue.unpublish")
    assert withdrawn.before["name"] == "Posyandu Digital"
    assert withdrawn.after is None


def test_withdrawing_what_is_not_published_is_refused(report, koordinator):
    with pytest.raises(actions.PublishRefused):
        actions.unpublish(report.innovation, acting_user=koordinator)
    assert not AuditEvent.objects.filter(action="catalogue.unpublish").exists()


def test_the_public_copy_stays_until_published_again(client, region, report, koordinator):
    publication = published(report, koordinator)
    access = access_for(koordinator, region)
    report_actions.reopen(access, report, reason="Bukti salah")
    Submission.objects.filter(pk=report.pk).update(
        name="Posyandu Diubah", goal="Teks baru yang belum diverifikasi."
    )
    Answer.objects.filter(submission=report).update(
        verified_level=3, review_state=ReviewState.ACCEPTED
    )

    client.logout()
    page = client.get(page_url(publication)).content.decode()
    assert "Posyandu Digital" in page
    assert "Teks baru" not in page and "Posyandu Diubah" not in page
    assert "6,00" in page  # the maturity as published
    catalogue = client.get(reverse("catalogue"), {"cari": "baru"}).content.decode()
    assert "Posyandu" not in catalogue

    # Not verified now: it cannot be published again yet.
    report.refresh_from_db()
    with pytest.raises(actions.PublishRefused):
        actions.publish(report, acting_user=koordinator)
    # Verified again: publishing refreshes the copy.
    Submission.objects.filter(pk=report.pk).update(state=State.VERIFIED)
    report.refresh_from_db()
    published(report, koordinator)
    page = client.get(page_url(publication)).content.decode()
    assert "Posyandu Diubah" in page and "Teks baru" in page and "9,00" in page


def test_publishing_again_uses_the_newest_verified_report(region, agency, report, koordinator):
    cycle_2024 = factories.cycle(region, 2024)
    newer = factories.complete_profile(cycle_2024)
    later = Submission.objects.create(
        innovation=report.innovation,
        cycle=cycle_2024,
        name="Posyandu Digital 2024",
        state=State.VERIFIED,
        **newer,
    )
    publication = published(report, koordinator)  # asked from the 2023 page
    assert publication.submission == later
    assert publication.year == 2024
    assert publication.name == "Posyandu Digital 2024"


def test_bulk_publish_of_a_cycle(client, cycle, agency, report, koordinator):
    other = verified_report(cycle, agency, name="Sampah Jadi Emas")
    factories.submission(cycle, agency, name="Masih Draf")
    client.force_login(koordinator)
    response = client.post(manage_url(cycle), {"aksi": "terbitkan_semua"}, follow=True)
    assert "2 inovasi diterbitkan atau diperbarui" in response.content.decode()
    assert set(Publication.objects.values_list("submission_id", flat=True)) == {
        report.pk,
        other.pk,
    }
    assert AuditEvent.objects.filter(action="catalogue.publish").count() == 2


def test_bulk_publish_without_verified_reports_is_refused(client, cycle, agency, koordinator):
    factories.submission(cycle, agency, state=State.SUBMITTED)
    client.force_login(koordinator)
    response = client.post(manage_url(cycle), {"aksi": "terbitkan_semua"}, follow=True)
    assert "Belum ada laporan terverifikasi" in response.content.decode()
    assert not Publication.objects.exists()


def test_the_page_shows_what_is_published_and_what_changed(client, cycle, report, koordinator):
    waiting = verified_report(cycle, name="Belum Terbit")
    published(report, koordinator)
    Submission.objects.filter(pk=report.pk).update(
        decided_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    client.force_login(koordinator)
    page = client.get(manage_url(cycle)).content.decode()
    assert "1 dari 2 laporan terverifikasi sudah terbit" in page
    assert "terbitkan lagi untuk memperbarui" in page
    assert waiting.name in page
    assert "Terbitkan semua yang terverifikasi" in page


def test_a_reopened_published_report_is_listed_for_withdrawal(client, region, report, koordinator):
    published(report, koordinator)
    report_actions.reopen(access_for(koordinator, region), report, reason="Perbaiki")
    client.force_login(koordinator)
    page = client.get(manage_url(report.cycle)).content.decode()
    assert "tidak lagi terverifikasi" in page
    assert "Dikembalikan untuk perbaikan" in page


def test_the_cycle_page_links_to_the_catalogue_page(client, cycle, koordinator):
    client.force_login(koordinator)
    page = client.get(reverse("cycle_detail", args=[cycle.region.code, 2023])).content.decode()
    assert manage_url(cycle) in page


# --- public pages -------------------------------------------------------------------------------


def test_the_innovation_page(client, report, koordinator):
    publication = published(report, koordinator)
    response = client.get(page_url(publication))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Posyandu Digital · Kabupaten Ogan Ilir · Sinovda</title>" in page
    assert "6,00 dari" in page
    assert "Menurunkan angka stunting di desa." in page
    assert reverse("catalogue_region", args=["16.10"]) in page
    assert reverse("catalogue_agency", args=["16.10", report.innovation.agency_id]) in page
    assert (
        '<a href="https://video.example.org/posyandu" rel="noopener nofollow">Tautan Video</a>'
        in page
    )


def test_the_innovation_page_has_open_graph_tags(client, report, koordinator):
    publication = published(report, koordinator)
    page = client.get(page_url(publication)).content.decode()
    assert '<meta property="og:title" content="Posyandu Digital">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:url" content="http://testserver{page_url(publication)}">' in page
    description = re.search(r'<meta property="og:description" content="([^"]*)">', page)
    assert description and description.group(1).startswith("Menurunkan angka stunting")


def test_an_unknown_or_unpublished_innovation_is_404(client, report):
    assert client.get(page_url_of(report)).status_code == 404
    assert client.get(reverse("catalogue_innovation", args=["tidak-ada"])).status_code == 404


def page_url_of(report):
    return reverse("catalogue_innovation", args=[report.innovation.public_id])


# --- the catalogue's data version ----------------------------------------------------------------


def _version():
    from sinovda.catalogue import versions

    return versions.current()[0]


def test_publishing_and_unpublishing_move_the_version(report, koordinator):
    before = _version()
    publication = published(report, koordinator)
    published_version = _version()
    assert published_version != before
    actions.unpublish(publication.innovation, acting_user=koordinator)
    assert _version() not in (before, published_version)


def test_deleting_an_innovation_moves_the_version(report, koordinator):
    """An innovation with a publication cannot go before the publication (its reports are
    protected by the public copy): removing it starts with deleting the publication (e.g. in the
    admin), which moves the version in that transaction."""
    publication = published(report, koordinator)
    innovation = publication.innovation
    before = _version()
    publication.delete()
    assert _version() != before
    Submission.objects.filter(innovation=innovation).delete()
    innovation.delete()
    assert not Publication.objects.exists()


def test_deleting_publications_in_bulk_moves_the_version(report, koordinator):
    published(report, koordinator)
    before = _version()
    Publication.objects.all().delete()
    assert _version() != before


def test_an_unpublished_innovation_page_is_gone_at_once(client, report, koordinator):
    """The innovation page is cached per version: deleting the publication makes it a 404."""
    publication = published(report, koordinator)
    url = page_url(publication)
    assert client.get(url).status_code == 200
    Publication.objects.filter(pk=publication.pk).delete()
    assert client.get(url).status_code == 404


def test_a_non_web_video_link_is_not_a_link(client, cycle, koordinator):
    report = verified_report(cycle, video_url="ftp://files.example.org/video.mp4")
    page = client.get(page_url(published(report, koordinator))).content.decode()
    assert 'href="ftp://' not in page


def test_similar_innovations_elsewhere(client, report, koordinator):
    elsewhere = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    other_cycle = factories.cycle(elsewhere, 2023)
    same_affair = verified_report(other_cycle, name="Klinik Keliling", main_affair="Kesehatan")
    same_theme = verified_report(
        other_cycle, name="Gizi Anak", main_affair="Pendidikan", theme="Stunting"
    )
    unrelated = verified_report(other_cycle, name="Pasar Daring", main_affair="Perdagangan")
    same_region = verified_report(report.cycle, name="Puskesmas Ramah")
    other_koordinator = koordinator_of(elsewhere)
    for each in (same_affair, same_theme, unrelated):
        published(each, other_koordinator)
    published(same_region, koordinator)
    page = client.get(page_url(published(report, koordinator))).content.decode()
    similar = page.split("Inovasi serupa di daerah lain")[1]
    assert "Klinik Keliling" in similar and "Gizi Anak" in similar
    assert "Pasar Daring" not in similar and "Puskesmas Ramah" not in similar


def test_the_region_page_without_any_data(client):
    factories.region(code="16.12", name="Kabupaten Musi Rawas")
    response = client.get(reverse("catalogue_region", args=["16.12"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Belum ada data hasil IID" in page
    assert "Belum ada inovasi yang diterbitkan" in page
    assert "Belum ada penghargaan OPD" in page


def test_an_unknown_region_is_404(client):
    assert client.get(reverse("catalogue_region", args=["99.99"])).status_code == 404


def snapshot(region, year, iid, predicate, source=Source.ANNOUNCED, **extra):
    return ResultSnapshot.objects.create(
        region=region, year=year, source=source, iid=iid, predicate=predicate, **extra
    )


def test_the_region_page(client, region, cycle, agency, report, koordinator):
    snapshot(region, 2022, Decimal("48.10"), "Inovatif")
    snapshot(
        region,
        2023,
        Decimal("61.16"),
        "Sangat Inovatif",
        citation_title="Hasil IGA 2023",
        citation_publisher="BSKDN Kemendagri",
        citation_url="https://bskdn.example.go.id/iga2023",
    )
    award = Award.objects.create(
        cycle=cycle,
        agency=agency,
        category=Category.MANUAL,
        title="Inovasi pelayanan terbaik",
        reason="ALASAN INTERNAL",
        sequence=1,
        number="001/PIAGAM-IGA/16.10/2023",
        issued_at=timezone.now(),
    )
    Award.objects.create(
        cycle=cycle,
        agency=agency,
        category=Category.MANUAL,
        title="Penghargaan yang dicabut",
        sequence=2,
        number="002/PIAGAM-IGA/16.10/2023",
        issued_at=timezone.now(),
        revoked_at=timezone.now(),
        revoked_reason="salah",
    )
    published(report, koordinator)
    response = client.get(reverse("catalogue_region", args=["16.10"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "61,16" in page and "48,10" in page and "Sangat Inovatif" in page
    assert "<svg" in page and "<polyline" in page
    assert 'href="https://bskdn.example.go.id/iga2023" rel="noopener nofollow"' in page
    assert "Inovasi pelayanan terbaik" in page
    assert reverse("award_verify", args=[award.verification_code]) in page
    assert "ALASAN INTERNAL" not in page
    assert "Penghargaan yang dicabut" not in page
    assert "Posyandu Digital" in page
    assert reverse("catalogue_agency", args=["16.10", agency.pk]) in page
    assert '<meta property="og:title"' in page


def test_the_region_page_shows_its_rank(client, region):
    snapshot(region, 2023, Decimal("61.16"), "Sangat Inovatif")
    rival = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    snapshot(rival, 2023, Decimal("70.00"), "Sangat Inovatif")
    page = client.get(reverse("catalogue_region", args=["16.10"])).content.decode()
    assert "Peringkat tahun 2023" in page
    assert re.search(r'class="dash-iid">2</p>', page)


def test_the_agency_page(client, region, agency, report, koordinator):
    published(report, koordinator)
    verified_report(report.cycle, agency, name="Belum Terbit Juga")
    response = client.get(reverse("catalogue_agency", args=["16.10", agency.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dinas Kesehatan" in page and "Posyandu Digital" in page
    assert "Belum Terbit Juga" not in page


def test_an_agency_of_another_region_is_404(client, agency):
    elsewhere = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    assert client.get(reverse("catalogue_agency", args=["16.11", agency.pk])).status_code == 404
    other = factories.agency(elsewhere)
    assert client.get(reverse("catalogue_agency", args=["16.10", other.pk])).status_code == 404
    assert client.get(reverse("catalogue_agency", args=["16.10", 999999])).status_code == 404


def test_the_header_and_landing_link_to_the_catalogue(client, koordinator):
    landing = client.get(reverse("home")).content.decode()
    assert landing.count(f'href="{reverse("catalogue")}"') >= 2  # header and landing text
    client.force_login(koordinator)
    page = client.get(reverse("region_home", args=["16.10"])).content.decode()
    assert f'href="{reverse("catalogue")}"' in page


# --- sitemap and robots.txt ---------------------------------------------------------------------


def test_the_sitemap_lists_only_public_pages(client, region, cycle, report, koordinator):
    publication = published(report, koordinator)
    hidden = verified_report(cycle, name="Tidak Terbit")
    withdrawn = published(verified_report(cycle, name="Ditarik"), koordinator)
    actions.unpublish(withdrawn.innovation, acting_user=koordinator)
    with_result = factories.region(code="16.12", name="Kabupaten Musi Rawas")
    snapshot(with_result, 2023, Decimal("50.00"), "Inovatif")
    factories.region(code="16.13", name="Kabupaten Tanpa Data")

    response = client.get(reverse("sitemap"))
    xml = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert f"http://testserver{page_url(publication)}" in xml
    assert hidden.innovation.public_id not in xml
    assert withdrawn.innovation.public_id not in xml
    assert "http://testserver/katalog/16.10/" in xml
    assert "http://testserver/katalog/16.12/" in xml
    assert "/katalog/16.13/" not in xml
    assert "http://testserver/katalog/</loc>" in xml
    assert f"http://testserver{reverse('ranking_national')}</loc>" in xml
    assert f"http://testserver{reverse('ranking_province', args=['16'])}</loc>" in xml
    assert "/peringkat/17/" not in xml  # no Pemda of province 17 has public data


def test_robots_txt(client):
    response = client.get(reverse("robots_txt"))
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    for line in ("Disallow: /r/", "Disallow: /admin/", "Disallow: /masuk/", "Allow: /"):
        assert line in text.splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in text


# --- performance --------------------------------------------------------------------------------


def _fill(region, count):
    """`count` more published innovations in the region (public copies written directly)."""
    cycle = factories.cycle_of(region, 2023)
    agency = factories.agency(region)
    for _ in range(count):
        report = factories.submission(cycle, agency, state=State.VERIFIED)
        Publication.objects.create(
            innovation=report.innovation,
            submission=report,
            region=region,
            agency=agency,
            year=2023,
            name=f"Inovasi Layanan {report.pk}",
            main_affair="Kesehatan",
            maturity=Decimal("6"),
            maturity_max=Decimal("100"),
            summary="Layanan kesehatan desa.",
            search_text="Layanan kesehatan desa yang dekat dengan warga.",
            published_at=timezone.now(),
        )


def _many(region_count, per_region, start=0):
    """Published innovations spread over new regions, each with a standing result."""
    for i in range(start, start + region_count):
        region = factories.region(code=f"17.{10 + i:02d}", province_code="17")
        factories.cycle(region, 2023)
        snapshot(region, 2023, Decimal("55.00"), "Inovatif")
        _fill(region, per_region)


def _queries(client, url, params=None):
    """Queries of the page once warm: rankings keep their own caches (scores.rankings), so the
    first request after a change of results may take more; the catalogue caches nothing."""
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [{}, {"cari": "layanan kesehatan"}, {"urusan": "Kesehatan", "predikat": "Inovatif"}],
)
def test_the_catalogue_page_takes_the_same_queries_for_10_or_50(client, params):
    _many(2, 5)
    few = _queries(client, reverse("catalogue"), params)
    _many(4, 10, start=2)
    assert Publication.objects.count() == 50
    assert _queries(client, reverse("catalogue"), params) == few


def test_the_innovation_page_takes_the_same_queries_for_10_or_50(client):
    _many(2, 5)
    first = Publication.objects.order_by("pk").first()
    few = _queries(client, page_url(first))
    _many(4, 10, start=2)
    assert _queries(client, page_url(first)) == few


def test_the_region_page_takes_the_same_queries_for_10_or_50(client):
    _many(1, 10)
    region_page = reverse("catalogue_region", args=["17.10"])
    few = _queries(client, region_page)
    _fill(Region.objects.get(code="17.10"), 40)
    assert _queries(client, region_page) == few


def test_the_publishing_page_takes_the_same_queries_for_5_or_20(client, cycle, koordinator):
    for _ in range(5):
        published(verified_report(cycle), koordinator)
    client.force_login(koordinator)
    few = _queries(client, manage_url(cycle))
    for _ in range(15):
        verified_report(cycle)
    assert _queries(client, manage_url(cycle)) == few
