"""Rankings by cluster (issue 10 item 2): the rule (ties, missing Pemda, change), the clusters (by kind,
by the list in force), the public pages and their CSV, and a query count that does not grow with the
number of Pemda."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sinovda.regions.models import ClusterList, Region, Role
from sinovda.scores import rankings
from sinovda.scores.models import ResultSnapshot, Source
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Tests roll back, and SQLite reuses ids: a cached ranking of an earlier test could otherwise
    # carry the same data version.
    cache.clear()
    rankings.clear_local_cache()
    yield
    cache.clear()
    rankings.clear_local_cache()


def kab(code, name=None, province="16"):
    return factories.region(code=code, name=name or f"Kabupaten {code}", province_code=province)


def kota(code, name=None, province="16"):
    region = kab(code, name or f"Kota {code}", province)
    region.kind = Region.Kind.CITY
    region.save(update_fields=["kind"])
    return region


def result(region, year, iid, source=Source.ANNOUNCED, predicate="Inovatif", **extra):
    values = {
        "citation_title": f"Hasil IGA {year}",
        "citation_publisher": "BSKDN Kemendagri",
        "innovations": 40,
    }
    values.update(extra)
    if source == Source.COMPUTED:
        cycle = factories.cycle(region, year)
        values.update(cycle=cycle, edition=cycle.edition)
    return ResultSnapshot.objects.create(
        region=region,
        year=year,
        source=source,
        iid=Decimal(str(iid)),
        predicate=predicate,
        **values,
    )


def codes(ranking):
    return [(row.rank, row.region.code) for row in ranking.rows]


# --- the rule -------------------------------------------------------------------------------------


def test_equal_iids_share_a_rank_and_are_listed_by_code():
    a, b, c, d = kab("16.03"), kab("16.01"), kab("16.02"), kab("16.04")
    result(a, 2023, "50.00")
    result(b, 2023, "60.00")
    result(c, 2023, "50.00")
    result(d, 2023, "40.00")
    assert codes(rankings.ranking(2023, "kabupaten")) == [
        (1, "16.01"),
        (2, "16.02"),
        (2, "16.03"),
        (4, "16.04"),
    ]


def test_regions_without_a_result_are_listed_after_the_ranked_ones_never_dropped():
    ranked, _missing, withdrawn = kab("16.05"), kab("16.01"), kab("16.02")
    result(ranked, 2023, "55.10")
    gone = result(withdrawn, 2023, "70.00")
    gone.withdrawn_at = gone.taken_at
    gone.withdrawn_reason = "salah ketik"
    gone.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    ranking = rankings.ranking(2023, "kabupaten")
    assert codes(ranking) == [(1, "16.05"), (None, "16.01"), (None, "16.02")]
    assert [row.snapshot for row in ranking.missing] == [None, None]


def test_change_is_the_iid_minus_the_standing_iid_of_the_year_before():
    up, down, new = kab("16.01"), kab("16.02"), kab("16.03")
    result(up, 2022, "50.00")
    result(up, 2023, "52.50")
    result(down, 2022, "61.00")
    result(down, 2023, "60.25")
    result(new, 2023, "45.00")
    rows = {row.region.code: row for row in rankings.ranking(2023, "kabupaten").rows}
    assert rows["16.01"].change == Decimal("2.50")
    assert rows["16.01"].previous_iid == Decimal("50.00")
    assert rows["16.02"].change == Decimal("-0.75")
    assert rows["16.03"].change is None and rows["16.03"].previous_iid is None


def test_the_standing_source_is_announced_then_computed_then_synthetic():
    both, computed = kab("16.01"), kab("16.02")
    result(both, 2023, "40.00", Source.SYNTHETIC)
    result(both, 2023, "55.00", Source.ANNOUNCED)
    result(computed, 2023, "30.00", Source.SYNTHETIC)
    result(computed, 2023, "35.00", Source.COMPUTED)
    rows = {row.region.code: row for row in rankings.ranking(2023, "kabupaten").rows}
    assert (rows["16.01"].snapshot.source, rows["16.01"].snapshot.iid) == ("bskdn", Decimal("55"))
    assert (rows["16.02"].snapshot.source, rows["16.02"].snapshot.iid) == ("sinovda", Decimal("35"))


def test_predicate_counts_follow_the_editions_band_order():
    factories.edition(2023)
    for i, (iid, predicate) in enumerate(
        [
            ("30", "Kurang Inovatif"),
            ("70", "Sangat Inovatif"),
            ("50", "Inovatif"),
            ("52", "Inovatif"),
        ]
    ):
        result(kab(f"16.0{i + 1}"), 2023, iid, predicate=predicate)
    assert rankings.ranking(2023, "kabupaten").predicate_counts == [
        ("Sangat Inovatif", 1),
        ("Inovatif", 2),
        ("Kurang Inovatif", 1),
        ("Tidak Dapat Dinilai", 0),
    ]


def test_without_an_edition_the_counts_follow_the_order_found():
    result(kab("16.01"), 2019, "30", predicate="Kurang Inovatif")
    result(kab("16.02"), 2019, "70", predicate="Sangat Inovatif")
    assert rankings.ranking(2019, "kabupaten").predicate_counts == [
        ("Sangat Inovatif", 1),
        ("Kurang Inovatif", 1),
    ]


# --- clusters -------------------------------------------------------------------------------------


def test_provinsi_kabupaten_and_kota_follow_the_kind_of_region():
    regency, city = kab("16.01"), kota("16.71")
    province = Region.objects.get(code="16")
    for region, iid in ((regency, 50), (city, 60), (province, 70)):
        result(region, 2023, iid)
    assert [r.region.code for r in rankings.ranking(2023, "kabupaten").rows] == ["16.01"]
    assert [r.region.code for r in rankings.ranking(2023, "kota").rows] == ["16.71"]
    assert [r.region.code for r in rankings.ranking(2023, "provinsi").rows] == ["16"]
    province_page = rankings.ranking(2023, rankings.KABKOTA, province)
    assert [r.region.code for r in province_page.rows] == ["16.71", "16.01"]


def cluster_list(cluster, regions, valid_from=None, valid_to=None, title=None, note=""):
    lst = ClusterList.objects.create(
        cluster=cluster,
        title=title or f"Daftar {cluster} {valid_from}",
        confidence="reported",
        valid_from=valid_from,
        valid_to=valid_to,
        note=note,
    )
    lst.regions.set(regions)
    return lst


def test_special_clusters_use_the_list_in_force_for_the_year_and_a_newer_list_replaces_it():
    old_member, new_member = kab("16.01"), kab("16.02")
    for year in (2023, 2024, 2026):
        result(old_member, year, 50)
        result(new_member, year, 60)
    old = cluster_list("tertinggal", [old_member], 2020, 2025)
    new = cluster_list("tertinggal", [new_member], 2024)
    assert rankings.ranking(2023, "tertinggal").cluster_list == old
    assert [r.region.code for r in rankings.ranking(2023, "tertinggal").rows] == ["16.01"]
    assert rankings.ranking(2024, "tertinggal").cluster_list == new  # latest valid_from wins
    assert [r.region.code for r in rankings.ranking(2024, "tertinggal").rows] == ["16.02"]
    assert [r.region.code for r in rankings.ranking(2026, "tertinggal").rows] == ["16.02"]
    assert rankings.years("tertinggal") == [2026, 2024, 2023]


def test_a_special_cluster_without_a_list_or_with_an_empty_one_is_a_missing_list():
    result(kab("16.01"), 2023, 50)
    assert rankings.ranking(2023, "perbatasan").list_missing
    empty = cluster_list("perbatasan", [], note="Daftar BNPP belum diperoleh.")
    ranking = rankings.ranking(2023, "perbatasan")
    assert ranking.list_missing and ranking.cluster_list == empty and ranking.rows == []
    assert rankings.ranking(2023, "kabupaten").list_missing is False


def test_the_empty_list_page_says_the_list_is_not_loaded_with_its_note(client):
    result(kab("16.01"), 2023, 50)
    cluster_list("perbatasan", [], note="Daftar kabupaten/kota BNPP belum diperoleh.")
    html = client.get(reverse("ranking_national"), {"klaster": "perbatasan"}).content.decode()
    assert "Daftar belum dimuat" in html
    assert "Daftar kabupaten/kota BNPP belum diperoleh." in html
    assert "<table" not in html


def test_a_cluster_list_in_a_province_covers_only_its_members_there():
    inside, outside = kab("16.01"), kab("12.04", province="12")
    result(inside, 2023, 50)
    result(outside, 2023, 55)
    cluster_list("tertinggal", [inside, outside], 2020, 2025)
    province = Region.objects.get(code="12")
    ranking = rankings.ranking(2023, "tertinggal", province)
    assert [r.region.code for r in ranking.rows] == ["12.04"]
    assert not ranking.list_missing
    assert rankings.ranking(2023, "tertinggal", Region.objects.get(code="16")).rows[0].rank == 1


def test_position_among_the_kind_and_the_province():
    a, b = kab("16.01"), kab("16.02")
    other = kab("12.01", province="12")
    result(a, 2023, 50)
    result(b, 2023, 60)
    result(other, 2023, 70)
    position = rankings.position(a, 2023)
    assert (position.rank, position.ranked, position.scope_label) == (3, 3, "Kabupaten")
    assert (position.province_rank, position.province_ranked) == (2, 2)
    assert rankings.position(kab("16.03"), 2023) is None


# --- the public pages -----------------------------------------------------------------------------


def test_anonymous_visitors_see_the_national_and_province_pages(client):
    result(kab("16.01", "Kabupaten Ogan Ilir"), 2023, "61.16")
    national = client.get(reverse("ranking_national"))
    assert national.status_code == 200
    html = national.content.decode()
    assert "Kabupaten Ogan Ilir" in html and "61,16" in html  # Indonesian decimal comma
    assert "<title>Peringkat IID Kabupaten 2023" in html
    province = client.get(reverse("ranking_province", args=["16"]))
    assert province.status_code == 200
    assert "Kabupaten Ogan Ilir" in province.content.decode()


def test_the_province_page_is_404_for_a_kabupaten_or_an_unknown_code(client):
    kab("16.01")
    assert client.get(reverse("ranking_province", args=["16.01"])).status_code == 404
    assert client.get(reverse("ranking_province", args=["99"])).status_code == 404


def test_the_province_page_shows_the_provinces_own_result_above_its_kab_kota(client):
    kab("16.01")
    province = Region.objects.get(code="16")
    result(province, 2023, "58.40", citation_title="Hasil IGA 2023 provinsi")
    result(province, 2022, "55.00")
    html = client.get(reverse("ranking_province", args=["16"])).content.decode()
    assert "58,40" in html and "peringkat 1 dari 1 provinsi" in html and "naik 3,40" in html
    assert html.index("58,40") < html.index("Kabupaten 16.01")


def test_the_year_opens_on_the_latest_year_with_results_for_the_cluster(client):
    result(kab("16.01"), 2023, 50)
    result(kota("16.71"), 2024, 50)
    page = client.get(reverse("ranking_national"), {"klaster": "kabupaten"})
    assert page.context["year"] == 2023
    page = client.get(reverse("ranking_national"), {"klaster": "kota"})
    assert page.context["year"] == 2024


@pytest.mark.parametrize(
    "query",
    [
        {"tahun": "abc"},
        {"tahun": "99999999999999999999"},
        {"tahun": "-1"},
        {"klaster": "bukan-klaster"},
        {"klaster": ["a", "b"]},
        {"sorot": "<script>"},
        {"provinsi": "xx"},
        {"provinsi": "99"},
        {"format": "pdf"},
    ],
)
def test_bad_query_values_fall_back_to_the_defaults(client, query):
    result(kab("16.01"), 2023, 50)
    response = client.get(reverse("ranking_national"), query)
    assert response.status_code == 200
    assert response.context["year"] == 2023 and response.context["cluster"] == "kabupaten"
    assert client.get(reverse("ranking_province", args=["16"]), query).status_code == 200


def test_the_province_selector_goes_to_the_province_page(client):
    kab("16.01")
    response = client.get(reverse("ranking_national"), {"provinsi": "16", "tahun": "2023"})
    assert response.status_code == 302
    assert response["Location"] == reverse("ranking_province", args=["16"]) + "?tahun=2023"


def test_the_change_is_shown_with_an_arrow_sign_and_words(client):
    region = kab("16.01")
    result(region, 2022, "50.00")
    result(region, 2023, "52.50")
    html = client.get(reverse("ranking_national")).content.decode()
    assert "↑ +2,50" in html and "naik 2,50" in html


def test_sources_are_readable_citations_and_synthetic_rows_are_marked(client):
    announced, synthetic = kab("16.01"), kab("16.02")
    result(
        announced,
        2023,
        60,
        citation_title="Pengumuman IGA 2023",
        citation_publisher="BSKDN Kemendagri",
        citation_url="https://bskdn.kemendagri.go.id/iga-2023",
    )
    result(synthetic, 2023, 40, Source.SYNTHETIC, citation_title="Data contoh")
    html = client.get(reverse("ranking_national")).content.decode()
    assert 'href="https://bskdn.kemendagri.go.id/iga-2023"' in html
    assert "Pengumuman IGA 2023</a>, BSKDN Kemendagri" in html
    assert "Diumumkan BSKDN" in html and "Data sintetis" in html
    assert "bukan hasil resmi" in html


def test_the_chart_highlights_the_requested_pemda_or_the_signed_in_persons_region(client):
    own, other = kab("16.01", "Kabupaten Ogan Ilir"), kab("16.02", "Kabupaten Banyuasin")
    result(own, 2023, "61.16")
    result(other, 2023, "50.00")
    html = client.get(reverse("ranking_national"), {"sorot": "16.02"}).content.decode()
    assert "<svg" in html and "Kabupaten Banyuasin · 50,00" in html
    assert '<option value="16.02" selected>Kabupaten Banyuasin</option>' in html
    assert '<tr id="pemda-16.02" aria-current="true">' in html
    client.force_login(factories.member(own, Role.COORDINATOR))
    html = client.get(reverse("ranking_national")).content.decode()
    assert "Kabupaten Ogan Ilir · 61,16" in html
    assert 'cx="' in html and "," not in html.split('cx="')[1].split('"')[0]  # SVG numbers


def csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_has_the_same_rows_as_the_page_and_is_formula_safe(client):
    a, b, _missing = kab("16.01", "Kabupaten Satu"), kab("16.02"), kab("16.03")
    result(a, 2023, "55.00", citation_title='=HYPERLINK("http://x")', citation_publisher="@pub")
    result(b, 2023, "55.00", Source.SYNTHETIC)
    result(b, 2022, "56.50", Source.SYNTHETIC)
    response = client.get(reverse("ranking_national"), {"klaster": "kabupaten", "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "peringkat-iid-2023-kabupaten.csv" in response["Content-Disposition"]
    header, *rows = csv_rows(response)
    assert header[:6] == ["peringkat", "kode", "pemda", "provinsi", "tahun", "iid"]
    page = client.get(reverse("ranking_national"), {"klaster": "kabupaten"})
    assert [r[1] for r in rows] == [line.row.region.code for line in page.context["lines"]]
    by_code = {r[1]: dict(zip(header, r, strict=True)) for r in rows}
    assert by_code["16.01"]["peringkat"] == "1" and by_code["16.02"]["peringkat"] == "1"
    assert by_code["16.01"]["judul_sumber"] == '\'=HYPERLINK("http://x")'
    assert by_code["16.01"]["penerbit_sumber"] == "'@pub"
    assert by_code["16.02"]["perubahan"] == "-1.50"  # a number stays a number
    assert by_code["16.02"]["keterangan"] == "data sintetis"
    assert (
        by_code["16.03"]["peringkat"] == "" and by_code["16.03"]["keterangan"] == "belum ada data"
    )


def test_the_province_csv_lists_the_provinces_kab_kota(client):
    result(kab("16.01"), 2023, 50)
    kab("16.02")
    response = client.get(reverse("ranking_province", args=["16"]), {"format": "csv"})
    _header, *rows = csv_rows(response)
    assert [r[1] for r in rows] == ["16.01", "16.02"]
    assert "peringkat-iid-2023-16.csv" in response["Content-Disposition"]


def _nation(n):
    """n kab/kota in a few provinces, each with results for two years, and a tertinggal list."""
    members = []
    for i in range(n):
        province = f"{11 + i % 5}"
        region = factories.region(code=f"{province}.{i // 5 + 1:02d}", province_code=province)
        if i % 7:
            result(region, 2022, 40 + i % 30)
            result(region, 2023, 45 + i % 40, Source.SYNTHETIC if i % 3 else Source.ANNOUNCED)
        members.append(region)
    cluster_list("tertinggal", members[::2], 2020, 2025)


@pytest.mark.parametrize(
    "page",
    [
        ("ranking_national", [], {}),
        ("ranking_national", [], {"klaster": "tertinggal"}),
        ("ranking_national", [], {"format": "csv"}),
        ("ranking_province", ["11"], {}),
    ],
)
def test_the_number_of_queries_does_not_grow_with_the_number_of_regions(client, page):
    name, args, query = page

    def count():
        cache.clear()
        rankings.clear_local_cache()
        counts = []
        for _cold_then_warm in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(name, args=args), query).status_code == 200
            counts.append(len(queries))
        return counts

    _nation(10)
    few = count()
    ResultSnapshot.objects.all().delete()
    ClusterList.objects.all().delete()
    Region.objects.exclude(kind=Region.Kind.PROVINCE).delete()
    _nation(100)
    many = count()
    assert many == few
    cold, warm = few
    assert cold <= 14 and warm <= 4  # cached: the data version, the province list (and the page's)


def test_a_cached_ranking_follows_new_results(client):
    region = kab("16.01")
    result(region, 2023, 50)
    assert rankings.ranking(2023, "kabupaten").rows[0].snapshot.iid == Decimal("50")
    result(region, 2023, 65)  # a correction (newer announced result)
    assert rankings.ranking(2023, "kabupaten").rows[0].snapshot.iid == Decimal("65")
    with CaptureQueriesContext(connection) as queries:
        rankings.ranking(2023, "kabupaten")
    assert len(queries) == 1  # the data version only
    cache.clear()  # the process's own unpickled copy goes with the shared cache
    with CaptureQueriesContext(connection) as queries:
        rankings.ranking(2023, "kabupaten")
    assert len(queries) > 1


def test_the_old_province_page_redirects_to_the_public_one(client):
    kab("16.01")
    province = Region.objects.get(code="16")
    client.force_login(factories.member(province, Role.PROVINCE_COORDINATOR))
    response = client.get(reverse("province_ranking", args=["16"]), {"tahun": "2023"})
    assert response.status_code == 302
    assert response["Location"] == reverse("ranking_province", args=["16"]) + "?tahun=2023"
    assert client.get(reverse("province_ranking", args=["16.01"])).status_code == 404


# --- pre-rendered page bodies (catalogue.rankings_warm) -------------------------------------------


def test_a_new_result_shows_on_the_next_request_after_a_cached_page(client):
    region = kab("16.01", "Kabupaten Ogan Ilir")
    result(region, 2023, "50.00")
    assert "50,00" in client.get(reverse("ranking_national"), {"tahun": 2023}).content.decode()
    result(region, 2023, "65.43")  # a new snapshot: a new data version, a new body key
    html = client.get(reverse("ranking_national"), {"tahun": 2023}).content.decode()
    assert "65,43" in html and "50,00" not in html
    province = client.get(reverse("ranking_province", args=["16"]), {"tahun": 2023})
    assert "65,43" in province.content.decode()


def test_the_warm_task_renders_every_page_once_per_data_version(client, monkeypatch):
    from sinovda.catalogue import rankings_views, rankings_warm

    region = kab("16.01", "Kabupaten Ogan Ilir")
    result(region, 2023, "50.00")
    provinces = Region.objects.filter(kind=Region.Kind.PROVINCE).count()
    pages = (len(rankings.CLUSTERS) + provinces) * 2  # one year, two languages
    assert rankings_warm.warm_rankings_if_changed.call() == pages
    assert rankings_warm.warm_rankings_if_changed.call() == 0  # same version: nothing to do
    # A visitor's request renders no body: it is in the cache already.
    rendered = []
    original = rankings_views.render_body
    monkeypatch.setattr(
        rankings_views, "render_body", lambda *args: rendered.append(args) or original(*args)
    )
    assert "50,00" in client.get(reverse("ranking_national")).content.decode()
    assert client.get(reverse("ranking_province", args=["16"])).status_code == 200
    assert rendered == []
    result(region, 2023, "70.00")
    assert rankings_warm.warm_if_changed() == pages  # a new version: warmed again
    rendered.clear()
    assert "70,00" in client.get(reverse("ranking_national")).content.decode()
    assert rendered == []


def test_the_warm_command_fills_the_cache(client):
    from django.core.management import call_command

    result(kab("16.01"), 2023, "50.00")
    out = io.StringIO()
    call_command("warm_rankings", stdout=out)
    assert "ranking pages rendered" in out.getvalue()


def test_each_language_has_its_own_cached_body(client):
    from sinovda.catalogue import rankings_warm

    result(kab("16.01"), 2023, "50.00")
    rankings_warm.warm()
    indonesian = client.get(reverse("ranking_national")).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(reverse("ranking_national")).content.decode()
    assert 'lang="id"' in indonesian and 'lang="en"' in english
    # The body's own text follows the language (a source label is translated in both catalogues).
    assert "Peringkat Indeks Inovasi Daerah 2023" in indonesian
    assert "Peringkat Indeks Inovasi Daerah 2023" not in english


def test_a_highlighted_pemda_is_never_shared_with_other_visitors(client):
    from sinovda.catalogue import rankings_warm

    own, other = kab("16.01", "Kabupaten Ogan Ilir"), kab("16.02", "Kabupaten Banyuasin")
    result(own, 2023, "61.16")
    result(other, 2023, "50.00")
    rankings_warm.warm()
    marked = '<tr id="pemda-16.02" aria-current="true">'
    assert marked in client.get(reverse("ranking_national"), {"sorot": "16.02"}).content.decode()
    plain = client.get(reverse("ranking_national")).content.decode()
    assert marked not in plain and 'aria-current="true"' not in plain.split("<table")[1]
    client.force_login(factories.member(own, Role.COORDINATOR))
    mine = client.get(reverse("ranking_national")).content.decode()
    assert '<tr id="pemda-16.01" aria-current="true">' in mine
    client.logout()
    html = client.get(reverse("ranking_national")).content.decode()
    assert '<tr id="pemda-16.01" aria-current="true">' not in html
    # An unknown or ill-formed code highlights nothing (and is not a cache key of its own).
    bad = client.get(reverse("ranking_national"), {"sorot": "99.99"}).content.decode()
    assert 'aria-current="true"' not in bad.split("<table")[1]
