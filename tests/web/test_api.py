"""The open-data API (/api/v1/): endpoints, filters, cursor pages, CSV, CORS, rate limit, caching,
docs and licence. What it must never show is tested in test_api_privacy.py; the schema-driven fuzz
run is test_api_fuzz.py."""

import base64
import csv
import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.http import http_date

from sinovda.catalogue import actions as catalogue_actions
from sinovda.cycles.models import Cycle
from sinovda.innovations.models import State
from sinovda.regions.models import Cluster, ClusterList, Confidence, Region, Role
from sinovda.scores.models import ResultSnapshot, Source
from tests import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_rate_limit(settings):
    # The limit's counters live in the cache, which outlives a test.
    settings.SINOVDA_API_RATE = "10000/m"
    cache.clear()
    yield
    cache.clear()


def get_json(client, path, **extra):
    response = client.get(path, **extra)
    assert response.status_code == 200, (path, response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def walk(client, path) -> list[dict]:
    """Every item of a list endpoint, following `next` to the end."""
    items, url, pages = [], path, 0
    while url:
        page = get_json(client, url)
        items += page["items"]
        url = page["next"]
        pages += 1
        assert pages < 200, "the pages never end"
    return items


def cycle_for(region, year):
    existing = Cycle.objects.filter(region=region, edition__year=year).first()
    return existing or factories.cycle(region, year)


def snapshot(region, year, iid, *, source=Source.ANNOUNCED, predicate="Inovatif", **extra):
    values = {
        "citation_title": f"Keputusan Kepala BSKDN tentang IGA {year}",
        "citation_publisher": "BSKDN Kemendagri",
        "citation_date": datetime.date(year, 12, 10),
        "citation_url": "https://bskdn.kemendagri.go.id/iga",
    }
    if source == Source.COMPUTED:
        cycle = cycle_for(region, year)
        values = {"cycle": cycle, "edition": cycle.edition, "edition_digest": "abc123"}
    return ResultSnapshot.objects.create(
        region=region,
        year=year,
        source=source,
        iid=Decimal(iid),
        predicate=predicate,
        innovations=12,
        spd=Decimal("40.50"),
        sid=Decimal("120.25"),
        **{**values, **extra},
    )


def published(region, name="Inovasi Terbit", year=2023, agency=None, **profile):
    """An innovation published the way a koordinator does it (the real action)."""
    cycle = cycle_for(region, year)
    report = factories.submission(cycle, agency=agency, name=name, state=State.VERIFIED, **profile)
    coordinator = (
        region.memberships.filter(role=Role.COORDINATOR).first()
        or factories.member(region, Role.COORDINATOR).memberships.get()
    )
    return catalogue_actions.publish(report, acting_user=coordinator.user)


@pytest.fixture
def nation():
    south_sumatra = factories.province("16", "Sumatera Selatan")
    papua = factories.province("91", "Papua")
    ogan_ilir = factories.region(code="16.10", name="Kabupaten Ogan Ilir")
    palembang = Region.objects.create(
        code="16.71", name="Kota Palembang", kind=Region.Kind.CITY, province=south_sumatra
    )
    jayapura = factories.region(code="91.03", name="Kabupaten Jayapura", province_code="91")
    old = ClusterList.objects.create(
        cluster=Cluster.PAPUA,
        title="Daftar lama",
        confidence=Confidence.INFERRED,
        valid_to=2022,
    )
    old.regions.add(ogan_ilir)  # wrong on purpose: a list out of force must not count
    current = ClusterList.objects.create(
        cluster=Cluster.PAPUA,
        title="Provinsi 91-96 dan kabupaten/kotanya",
        publisher="Kemendagri",
        confidence=Confidence.INFERRED,
        valid_from=2023,
    )
    current.regions.add(papua, jayapura)
    return {
        "south_sumatra": south_sumatra,
        "papua": papua,
        "ogan_ilir": ogan_ilir,
        "palembang": palembang,
        "jayapura": jayapura,
    }


# --- Regions -------------------------------------------------------------------------------------


def test_regions_lists_every_pemda_with_code_kind_province_and_clusters(client, nation):
    items = walk(client, f"{API}/regions?year=2024")
    by_code = {item["code"]: item for item in items}
    assert set(by_code) == {"16", "16.10", "16.71", "91", "91.03"}
    assert by_code["16.10"] == {
        "code": "16.10",
        "name": "Kabupaten Ogan Ilir",
        "kind": "kabupaten",
        "province_code": "16",
        "clusters": [],
    }
    assert by_code["91.03"]["clusters"] == ["papua"]
    assert by_code["16"]["province_code"] is None
    assert [item["code"] for item in items] == sorted(by_code)


def test_region_filters_by_kind_province_and_cluster_in_force(client, nation):
    def codes(query):
        return [item["code"] for item in walk(client, f"{API}/regions?{query}")]

    assert codes("kind=kota") == ["16.71"]
    assert codes("province=16") == ["16", "16.10", "16.71"]
    assert codes("province=16&kind=kabupaten") == ["16.10"]
    assert codes("cluster=papua&year=2024") == ["91", "91.03"]
    # In 2022 only the old list is in force.
    assert codes("cluster=papua&year=2022") == ["16.10"]
    assert codes("cluster=tertinggal&year=2024") == []
    assert codes("province=99") == []


def test_region_detail_shows_the_cluster_list_and_its_source(client, nation):
    data = get_json(client, f"{API}/regions/91.03?year=2024")
    assert data["code"] == "91.03" and data["year"] == 2024
    assert data["clusters"] == ["papua"]
    (listed,) = data["cluster_lists"]
    assert listed["title"] == "Provinsi 91-96 dan kabupaten/kotanya"
    assert listed["publisher"] == "Kemendagri" and listed["valid_from"] == 2023


def test_an_unknown_region_is_404_with_a_message(client, nation):
    response = client.get(f"{API}/regions/99.99")
    assert response.status_code == 404
    assert response.json()["detail"] == "Pemda dengan kode itu tidak ada."


# --- Results -------------------------------------------------------------------------------------


@pytest.fixture
def results(nation):
    ogan_ilir, palembang = nation["ogan_ilir"], nation["palembang"]
    return {
        "synthetic": snapshot(ogan_ilir, 2024, "55.00", source=Source.SYNTHETIC),
        "announced": snapshot(ogan_ilir, 2024, "61.20", predicate="Sangat Inovatif"),
        "old": snapshot(ogan_ilir, 2023, "48.10"),
        "withdrawn": snapshot(
            palembang, 2024, "70.00", withdrawn_at=timezone.now(), withdrawn_reason="salah ketik"
        ),
        "palembang": snapshot(palembang, 2023, "66.66", source=Source.SYNTHETIC),
    }


def test_results_give_the_standing_result_per_pemda_and_year(client, results):
    items = walk(client, f"{API}/results")
    assert [(i["year"], i["region_code"]) for i in items] == [
        (2024, "16.10"),
        (2023, "16.10"),
        (2023, "16.71"),
    ]
    latest = items[0]
    # BSKDN's announcement stands over the synthetic figure; the withdrawn one is never listed.
    assert latest["iid"] == "61.20" and latest["source"] == "bskdn"
    assert latest["predicate"] == "Sangat Inovatif"
    assert latest["spd"] == "40.50" and latest["sid"] == "120.25" and latest["n"] == 12
    assert latest["citation"] == {
        "title": "Keputusan Kepala BSKDN tentang IGA 2024",
        "publisher": "BSKDN Kemendagri",
        "date": "2024-12-10",
        "url": "https://bskdn.kemendagri.go.id/iga",
    }
    assert latest["standing"] is True and latest["synthetic"] is False
    assert items[2]["synthetic"] is True
    assert not {"note", "created_by", "cycle", "cycle_id", "withdrawn_reason"} & set(latest)


def test_all_results_include_superseded_ones_marked_not_standing(client, results):
    items = walk(client, f"{API}/results?all=true&year=2024")
    assert [(i["iid"], i["standing"]) for i in items] == [("55.00", False), ("61.20", True)]


def test_results_filter_by_year_region_province_and_source(client, results, nation):
    def keys(query):
        return [
            (i["year"], i["region_code"], i["iid"]) for i in walk(client, f"{API}/results?{query}")
        ]

    assert keys("year=2023") == [(2023, "16.10", "48.10"), (2023, "16.71", "66.66")]
    assert keys("region=16.71") == [(2023, "16.71", "66.66")]
    assert keys("province=91") == []
    assert len(keys("province=16")) == 3
    # The newest result of that source, which need not be the standing one.
    sourced = walk(client, f"{API}/results?source=sintetis")
    assert [(i["iid"], i["standing"]) for i in sourced] == [("55.00", False), ("66.66", True)]


def test_a_computed_result_carries_its_edition_digest(client, nation):
    snapshot(nation["ogan_ilir"], 2023, "50.00", source=Source.COMPUTED)
    (item,) = walk(client, f"{API}/results")
    assert item["source"] == "sinovda" and item["edition_digest"] == "abc123"
    assert item["citation"] is None


def test_a_pemda_history_has_its_standing_result_per_year(client, results):
    data = get_json(client, f"{API}/results/16.10")
    assert data["region_name"] == "Kabupaten Ogan Ilir"
    assert [(i["year"], i["iid"]) for i in data["items"]] == [(2023, "48.10"), (2024, "61.20")]
    assert client.get(f"{API}/results/99.99").status_code == 404


# --- Rankings ------------------------------------------------------------------------------------


def test_a_ranking_lists_ranked_rows_then_pemda_without_data(client, nation):
    second = factories.region(code="16.11", name="Kabupaten Empat Lawang")
    factories.region(code="16.12", name="Kabupaten Tanpa Data")
    snapshot(nation["ogan_ilir"], 2024, "61.20", predicate="Sangat Inovatif")
    snapshot(nation["ogan_ilir"], 2023, "50.00")
    snapshot(second, 2024, "40.00", source=Source.SYNTHETIC)
    data = get_json(client, f"{API}/rankings/2024?province=16")
    assert data["year"] == 2024 and data["cluster"] == "kabupaten"
    assert data["province_code"] == "16"
    rows = data["rows"]
    assert [(r["rank"], r["region_code"]) for r in rows[:2]] == [(1, "16.10"), (2, "16.11")]
    first = rows[0]
    assert first["iid"] == "61.20" and first["predicate"] == "Sangat Inovatif"
    assert first["previous_iid"] == "50.00" and Decimal(first["change"]) == Decimal("11.20")
    assert first["source"] == "bskdn" and first["n"] == 12 and first["synthetic"] is False
    assert rows[1]["synthetic"] is True
    missing = [r for r in rows if r["rank"] is None]
    assert "16.12" in {r["region_code"] for r in missing}
    assert all(r["iid"] is None for r in missing)
    assert {"predicate": "Sangat Inovatif", "count": 1} in data["predicate_counts"]


def test_a_ranking_checks_its_province_and_cluster(client, nation):
    assert client.get(f"{API}/rankings/2024?province=99").status_code == 404
    assert client.get(f"{API}/rankings/2024?cluster=negara").status_code == 400
    assert client.get(f"{API}/rankings/1800").status_code == 400


def test_a_special_cluster_ranking_names_its_list(client, nation):
    snapshot(nation["jayapura"], 2024, "45.00")
    data = get_json(client, f"{API}/rankings/2024?cluster=papua")
    assert data["cluster_list"]["title"] == "Provinsi 91-96 dan kabupaten/kotanya"
    assert data["list_missing"] is False
    assert "91.03" in {r["region_code"] for r in data["rows"]}


def test_ranking_csv(client, nation):
    snapshot(nation["ogan_ilir"], 2024, "61.20")
    response = client.get(f"{API}/rankings/2024?province=16&format=csv")
    rows = read_csv(response)
    assert rows[0] == [
        "rank",
        "region_code",
        "region_name",
        "iid",
        "predicate",
        "previous_iid",
        "change",
        "n",
        "source",
        "synthetic",
    ]
    assert rows[1][:4] == ["1", "16.10", "Kabupaten Ogan Ilir", "61.20"]


# --- Innovations ---------------------------------------------------------------------------------


def test_innovations_list_published_ones_with_their_public_fields(client, nation):
    agency = factories.agency(nation["ogan_ilir"], name="Dinas Kesehatan", short_name="Dinkes")
    publication = published(nation["ogan_ilir"], "Posyandu Digital", agency=agency)
    (item,) = walk(client, f"{API}/innovations")
    public_id = publication.innovation.public_id
    assert item["public_id"] == public_id
    assert item["name"] == "Posyandu Digital"
    assert item["region"] == {"code": "16.10", "name": "Kabupaten Ogan Ilir"}
    assert item["agency"] == {"id": agency.pk, "name": "Dinas Kesehatan", "short_name": "Dinkes"}
    assert item["year"] == 2023
    assert item["stage"] == {"code": "penerapan", "label": "Penerapan"}
    assert item["kind"] == {"code": "digital", "label": "Digital"}
    assert item["form"] == {"code": "pelayanan_publik", "label": "Inovasi pelayanan publik"}
    assert item["affairs"] == ["Kesehatan"] and item["main_affair"] == "Kesehatan"
    assert item["url"] == f"http://testserver/inovasi/{public_id}/"
    assert Decimal(item["maturity_max"]) > 0
    assert "profile" not in item


def test_an_innovation_page_has_its_profile_rows(client, nation):
    publication = published(nation["ogan_ilir"], "Posyandu Digital", goal="Menurunkan stunting")
    data = get_json(client, f"{API}/innovations/{publication.innovation.public_id}")
    assert data["name"] == "Posyandu Digital"
    assert {"code", "label", "value"} == set(data["profile"][0])
    assert "Menurunkan stunting" in {row["value"] for row in data["profile"]}


def test_an_unpublished_or_unknown_innovation_is_404(client, nation):
    draft = factories.submission(factories.cycle(nation["ogan_ilir"], 2023))
    for public_id in (draft.innovation.public_id, "tidak-ada"):
        response = client.get(f"{API}/innovations/{public_id}")
        assert response.status_code == 404
        assert response.json()["detail"] == "Tidak ada inovasi terbit dengan pengenal itu."


def test_innovation_filters_match_the_catalogue(client, nation):
    ogan_ilir, palembang = nation["ogan_ilir"], nation["palembang"]
    health = published(ogan_ilir, "Posyandu Digital")
    published(palembang, "Pasar Rakyat Online", main_affair="Perdagangan", kind="non_digital")
    published(nation["jayapura"], "Sekolah Kampung", year=2024, stage="uji_coba")
    snapshot(ogan_ilir, 2023, "61.20", predicate="Sangat Inovatif")

    def names(query):
        return sorted(item["name"] for item in walk(client, f"{API}/innovations?{query}"))

    assert names("region=16.10") == ["Posyandu Digital"]
    assert names("province=16") == ["Pasar Rakyat Online", "Posyandu Digital"]
    assert names("kind=non_digital") == ["Pasar Rakyat Online"]
    assert names("affair=Perdagangan") == ["Pasar Rakyat Online"]
    assert names("stage=uji_coba") == ["Sekolah Kampung"]
    assert names("year=2024") == ["Sekolah Kampung"]
    assert names(f"agency={health.agency_id}") == ["Posyandu Digital"]
    assert names("predicate=Sangat Inovatif") == ["Posyandu Digital"]
    assert names("q=posyandu") == ["Posyandu Digital"]
    assert names("q=pasar&province=16") == ["Pasar Rakyat Online"]
    assert names("form=tidak_ada") == []


def test_labels_are_indonesian_whatever_the_language_cookie(client, nation):
    published(nation["ogan_ilir"], "Posyandu Digital")
    client.cookies["django_language"] = "en"
    (item,) = walk(client, f"{API}/innovations")
    assert item["form"]["label"] == "Inovasi pelayanan publik"


# --- Cursor pages --------------------------------------------------------------------------------


def test_region_pages_walk_every_row_once_in_a_stable_order(client, nation):
    for n in range(23):
        factories.region(code=f"16.{20 + n}")
    expected = sorted(Region.objects.values_list("code", flat=True))
    items = walk(client, f"{API}/regions?limit=4")
    codes = [item["code"] for item in items]
    assert codes == expected  # no duplicate, no omission, in code order
    assert walk(client, f"{API}/regions?limit=4") == items


def test_innovation_pages_walk_rows_with_equal_names_and_years(client, nation):
    made = [published(nation["ogan_ilir"], "Inovasi Sama").pk for _ in range(7)]
    made += [published(nation["palembang"], f"Inovasi {n}", year=2024).pk for n in range(5)]
    for limit in (1, 3, 5, 100):
        items = walk(client, f"{API}/innovations?limit={limit}")
        public_ids = [item["public_id"] for item in items]
        assert len(public_ids) == len(set(public_ids)) == len(made)
        assert [item["year"] for item in items] == sorted((i["year"] for i in items), reverse=True)


def test_result_pages_walk_pairs_and_snapshots(client, nation):
    for n in range(9):
        region = factories.region(code=f"16.{30 + n}")
        for year in (2023, 2024):
            snapshot(region, year, f"{40 + n}.00")
            snapshot(region, year, f"{30 + n}.00", source=Source.SYNTHETIC)
    pairs = walk(client, f"{API}/results?limit=4")
    assert len(pairs) == len({(i["year"], i["region_code"]) for i in pairs}) == 18
    rows = walk(client, f"{API}/results?all=true&limit=5")
    assert len(rows) == 36
    assert sum(row["standing"] for row in rows) == 18


def test_rows_added_while_walking_are_neither_skipped_nor_repeated(client, nation):
    for n in range(6):
        factories.region(code=f"16.{40 + n}")
    first = get_json(client, f"{API}/regions?limit=3")
    factories.region(code="16.01")  # sorts before the cursor: not in the rest of this walk
    rest = walk(client, first["next"])
    codes = [item["code"] for item in first["items"] + rest]
    assert len(codes) == len(set(codes))
    assert "16.01" not in codes and len(codes) == Region.objects.count() - 1


def test_next_keeps_the_filters_and_the_limit(client, nation):
    for n in range(5):
        factories.region(code=f"16.{50 + n}")
    page = get_json(client, f"{API}/regions?province=16&kind=kabupaten&limit=2")
    assert page["next"].startswith("http://testserver/api/v1/regions?")
    assert "province=16" in page["next"] and "kind=kabupaten" in page["next"]
    assert "limit=2" in page["next"] and "cursor=" in page["next"]


def _cursor(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "bukan-kursor",
        "%%%",
        _cursor(["regions"]),
        _cursor(["regions", ["16.10"]]),
        _cursor(["regions", [16, 1]]),
        _cursor(["regions", ["16.10", True]]),
        _cursor(["innovations", [2023, "x", 1]]),  # another list's cursor
        _cursor({"a": 1}),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_a_bad_cursor_is_400_with_a_clear_message(client, nation, cursor):
    response = client.get(f"{API}/regions", {"cursor": cursor})
    assert response.status_code == 400
    assert "Kursor tidak valid" in response.json()["detail"]


@pytest.mark.parametrize("limit", ["0", "101", "-1", "banyak"])
def test_a_limit_out_of_range_is_400(client, nation, limit):
    response = client.get(f"{API}/innovations", {"limit": limit})
    assert response.status_code == 400
    assert "limit" in response.json()["detail"]


def test_a_nul_byte_in_a_parameter_is_400_not_a_crash(client, nation):
    response = client.get(f"{API}/regions", {"province": "16\x00"})
    assert response.status_code == 400


def test_queries_per_page_do_not_grow_with_the_rows(client, nation):
    def queries(path) -> int:
        cache.clear()  # rankings are cached: count a cold page
        with CaptureQueriesContext(connection) as captured:
            get_json(client, path)
        return len(captured)

    paths = [
        "/regions?limit=100",
        "/results?limit=100",
        "/results?all=true&limit=100",
        "/rankings/2024",
        "/innovations?limit=100&predicate=Inovatif",
    ]

    def grow(start, count):
        for n in range(start, start + count):
            region = factories.region(code=f"16.{n}")
            for year in (2023, 2024):
                snapshot(region, year, f"{n}.00")
            snapshot(region, 2024, "10.00", source=Source.SYNTHETIC)
            published(region, f"Inovasi {n}", year=2024)

    grow(20, 2)
    small = {path: queries(f"{API}{path}") for path in paths}
    grow(30, 8)
    large = {path: queries(f"{API}{path}") for path in paths}
    assert large == small


# --- CSV -----------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_every_list_answers_csv_with_a_header_row(client, results):
    published(results["announced"].region, "Posyandu Digital")
    for path, first_column in [
        ("/regions", "code"),
        ("/results", "region_code"),
        ("/results/16.10", "region_code"),
        ("/rankings/2024", "rank"),
        ("/innovations", "public_id"),
    ]:
        rows = read_csv(client.get(f"{API}{path}?format=csv"))
        assert rows[0][0] == first_column, path
        assert len(rows) > 1, path
        assert {len(row) for row in rows} == {len(rows[0])}, path


def test_csv_rows_match_the_json(client, results):
    json_items = walk(client, f"{API}/results")
    rows = read_csv(client.get(f"{API}/results?format=csv"))
    header, body = rows[0], rows[1:]
    assert len(body) == len(json_items)
    first = dict(zip(header, body[0], strict=True))
    assert first["iid"] == json_items[0]["iid"] == "61.20"
    assert first["citation_publisher"] == "BSKDN Kemendagri"
    assert first["standing"] == "true" and first["synthetic"] == "false"


def test_csv_cells_never_run_as_formulas(client, nation):
    published(nation["ogan_ilir"], '=HYPERLINK("http://evil.example","klik")')
    rows = read_csv(client.get(f"{API}/innovations?format=csv"))
    name = rows[1][rows[0].index("name")]
    assert name.startswith("'=")


def test_csv_pages_link_the_next_page(client, nation):
    for n in range(4):
        factories.region(code=f"16.{60 + n}")
    response = client.get(f"{API}/regions?format=csv&limit=2")
    assert len(read_csv(response)) == 3
    match = re.search(r'<([^>]+)>; rel="next"', response["Link"])
    assert match and "format=csv" in match.group(1) and "cursor=" in match.group(1)


# --- CORS ----------------------------------------------------------------------------------------


def test_cors_allows_get_from_any_origin(client, nation):
    response = client.get(f"{API}/regions", headers={"Origin": "https://data.example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response


def test_cors_preflight_allows_get_only(client, nation):
    response = client.options(
        f"{API}/regions",
        headers={"Origin": "https://data.example.org", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    methods = {m.strip() for m in response["Access-Control-Allow-Methods"].split(",")}
    assert "GET" in methods and not methods & {"POST", "PUT", "PATCH", "DELETE"}


def test_cors_is_not_granted_outside_the_api(client, nation):
    response = client.get("/", headers={"Origin": "https://data.example.org"})
    assert "Access-Control-Allow-Origin" not in response


# --- Rate limit ----------------------------------------------------------------------------------


def test_too_many_requests_get_429_with_retry_after(client, nation, settings):
    settings.SINOVDA_API_RATE = "3/m"
    cache.clear()
    for _ in range(3):
        assert client.get(f"{API}/regions").status_code == 200
    response = client.get(f"{API}/innovations")
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another client has its own allowance.
    assert client.get(f"{API}/regions", REMOTE_ADDR="10.9.8.7").status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, nation, settings):
    settings.SINOVDA_API_RATE = "2/h"
    settings.TRUSTED_PROXY_COUNT = 0
    cache.clear()
    for n in range(2):
        client.get(f"{API}/regions", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = client.get(f"{API}/regions", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600


def test_behind_a_trusted_proxy_each_client_is_counted_apart(client, nation, settings):
    settings.SINOVDA_API_RATE = "1/m"
    settings.TRUSTED_PROXY_COUNT = 1
    cache.clear()
    for n in range(3):
        response = client.get(f"{API}/regions", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        assert response.status_code == 200
    again = client.get(f"{API}/regions", HTTP_X_FORWARDED_FOR="203.0.113.0")
    assert again.status_code == 429


def test_ipv6_clients_are_counted_per_64_block(client, nation, settings):
    settings.SINOVDA_API_RATE = "1/m"
    cache.clear()
    assert client.get(f"{API}/regions", REMOTE_ADDR="2001:db8:1:2::1").status_code == 200
    assert client.get(f"{API}/regions", REMOTE_ADDR="2001:db8:1:2::99").status_code == 429
    assert client.get(f"{API}/regions", REMOTE_ADDR="2001:db8:1:3::1").status_code == 200


# --- Conditional requests ------------------------------------------------------------------------


def test_every_answer_has_validators_and_cache_control(client, results):
    response = client.get(f"{API}/results")
    assert response["ETag"].startswith('W/"')
    assert response["Last-Modified"]
    assert response["Cache-Control"] == "public, max-age=60"
    assert 'rel="license"' in response["Link"]


def test_if_none_match_gives_304_until_the_data_changes(client, results):
    first = client.get(f"{API}/results")
    etag = first["ETag"]
    again = client.get(f"{API}/results", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag and again["Cache-Control"] == "public, max-age=60"
    snapshot(results["announced"].region, 2025, "70.00")
    changed = client.get(f"{API}/results", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_a_withdrawal_changes_the_etag(client, results):
    etag = client.get(f"{API}/results")["ETag"]
    announced = results["announced"]
    announced.withdrawn_at = timezone.now()
    announced.withdrawn_reason = "dikoreksi"
    announced.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    assert client.get(f"{API}/results", headers={"If-None-Match": etag}).status_code == 200


def test_each_query_has_its_own_etag(client, results):
    etags = {
        client.get(f"{API}/results{query}")["ETag"]
        for query in ("", "?year=2023", "?format=csv", "?limit=1")
    }
    assert len(etags) == 4


def test_if_modified_since_gives_304_when_nothing_changed_since(client, results):
    last_modified = client.get(f"{API}/results")["Last-Modified"]
    same = client.get(f"{API}/results", headers={"If-Modified-Since": last_modified})
    assert same.status_code == 304
    earlier = http_date(timezone.now().timestamp() - 3 * 24 * 3600)
    older = client.get(f"{API}/results", headers={"If-Modified-Since": earlier})
    assert older.status_code == 200


def test_unpublishing_changes_the_innovations_etag(client, nation):
    publication = published(nation["ogan_ilir"], "Posyandu Digital")
    etag = client.get(f"{API}/innovations")["ETag"]
    coordinator = nation["ogan_ilir"].memberships.get(role=Role.COORDINATOR).user
    catalogue_actions.unpublish(publication.innovation, acting_user=coordinator)
    response = client.get(f"{API}/innovations", headers={"If-None-Match": etag})
    assert response.status_code == 200 and response.json()["items"] == []


# --- Docs, schema, licence -----------------------------------------------------------------------


def test_the_docs_page_uses_only_bundled_static_files(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, "the page loads its assets"
    for url in urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a shipped static file"
    assert "http://" not in html and "https://" not in html and "//cdn" not in html
    # Swagger UI's settings: the schema from here, no call to the online validator.
    settings_json = re.search(r'id="swagger-settings">(.*?)</script>', html, re.S).group(1)
    swagger = json.loads(settings_json)
    assert swagger["url"] == f"{API}/openapi.json"
    assert swagger["validatorUrl"] is None


def test_the_docs_page_runs_under_the_content_security_policy(client):
    response = client.get(f"{API}/docs")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    html = response.content.decode()
    # No inline script runs: the only inline <script> is JSON data.
    for attributes in re.findall(r"<script([^>]*)>\s*[^<\s]", html):
        assert 'type="application/json"' in attributes


def test_the_schema_states_the_licence_and_the_fields(client):
    schema = get_json(client, f"{API}/openapi.json")
    info = schema["info"]
    assert info["title"] == "Sinovda Open Data API" and info["version"] == "1"
    assert info["license"] == {
        "name": "CC BY 4.0",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert "ODbL" in info["description"] and "sintetis" in info["description"]
    assert {
        "/api/v1/regions",
        "/api/v1/regions/{code}",
        "/api/v1/results",
        "/api/v1/results/{code}",
        "/api/v1/rankings/{year}",
        "/api/v1/innovations",
        "/api/v1/innovations/{public_id}",
    } <= set(schema["paths"])
    synthetic = schema["components"]["schemas"]["ResultOut"]["properties"]["synthetic"]
    assert "BUKAN hasil nyata" in synthetic["description"]


def test_the_schema_and_docs_are_cacheable(client):
    response = client.get(f"{API}/openapi.json")
    assert response["Cache-Control"] == "public, max-age=60" and response["Last-Modified"]
    again = client.get(f"{API}/openapi.json", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


# --- Permissions: every endpoint anonymous, read-only --------------------------------------------


def api_routes() -> list[str]:
    """Every route of the api-v1 namespace but ninja's root (a 404 that names the docs)."""

    def walk_patterns(patterns, prefix="", inside=False):
        for p in patterns:
            if isinstance(p, URLResolver):
                within = inside or p.namespace == "api-v1"
                yield from walk_patterns(p.url_patterns, prefix + str(p.pattern), within)
            elif inside and isinstance(p, URLPattern) and p.name != "api-root":
                yield prefix + str(p.pattern)

    return list(walk_patterns(get_resolver().url_patterns))


def concrete(route: str, public_id: str) -> str:
    path = route.replace("<code>", "16.10").replace("<year>", "2024")
    return "/" + path.replace("<public_id>", public_id)


def test_every_api_route_is_anonymous_and_read_only(client, results):
    public_id = published(results["announced"].region, "Posyandu Digital").innovation.public_id
    routes = api_routes()
    assert len(routes) >= 9, routes  # 7 endpoints, the schema and the docs
    for route in routes:
        path = concrete(route, public_id)
        assert client.get(path).status_code == 200, path
        for method in (client.post, client.put, client.patch, client.delete):
            response = method(path)
            assert response.status_code == 405, (method.__name__, path, response.status_code)
