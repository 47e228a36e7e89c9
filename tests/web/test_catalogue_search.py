"""Searching and filtering the public catalogue, on SQLite (FTS5) and PostgreSQL (tsvector).

Run on both: `pytest tests/web/test_catalogue_search.py` and again with DATABASE_URL set.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from sinovda.catalogue import filters, search
from sinovda.catalogue.models import Publication
from sinovda.innovations.models import State
from sinovda.scores.models import ResultSnapshot, Source
from tests import factories
from tests.web.test_catalogue import koordinator_of, published, verified_report

pytestmark = pytest.mark.django_db

SQLITE = connection.vendor == "sqlite"
POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return factories.cycle(region, 2023)


@pytest.fixture
def koordinator(region):
    return koordinator_of(region)


def publish(cycle, koordinator=None, agency=None, **profile):
    report = verified_report(cycle, agency, **profile)
    return published(report, koordinator or koordinator_of(cycle.region))


def names(queryset):
    return [p.name for p in queryset]


def found(client, **params):
    """Names on the catalogue page for these GET parameters."""
    response = client.get(reverse("catalogue"), params)
    assert response.status_code == 200
    return [p.name for p in response.context["items"]], response


@pytest.fixture
def catalogue(cycle, koordinator):
    return {
        "sampah": publish(
            cycle,
            koordinator,
            name="Bank Sampah Desa",
            goal="Warga menabung sampah plastik.",
            benefit="Desa lebih bersih.",
            main_affair="Lingkungan Hidup",
            theme="Kebersihan",
        ),
        "posyandu": publish(
            cycle,
            koordinator,
            name="Posyandu Digital",
            goal="Menurunkan angka stunting dengan pencatatan gizi anak.",
            benefit="Pelayanan kesehatan ibu dan anak terpantau. Sisa sampah medis dipilah.",
            main_affair="Kesehatan",
            other_affairs=["Sosial"],
            theme="Stunting",
        ),
        "kafe": publish(
            cycle,
            koordinator,
            name="Café Literasi",
            goal="Ruang baca di kedai kopi desa.",
            benefit="Minat baca naik.",
            main_affair="Perpustakaan",
        ),
    }


# --- matching -----------------------------------------------------------------------------------


def test_search_finds_names_stories_urusan_and_tematik(catalogue):
    everything = Publication.objects.all()
    assert names(search.matching(everything, "posyandu")) == ["Posyandu Digital"]
    assert names(search.matching(everything, "stunting gizi")) == ["Posyandu Digital"]
    assert "Posyandu Digital" in names(search.matching(everything, "sosial"))  # urusan irisan
    assert names(search.matching(everything, "kebersihan")) == ["Bank Sampah Desa"]  # tematik
    assert names(search.matching(everything, "Ogan Ilir"))  # the Pemda's name is searchable
    assert names(search.matching(everything, "zebra")) == []


def test_a_match_in_the_name_ranks_above_one_in_the_story(catalogue):
    ranked = names(search.matching(Publication.objects.all(), "sampah"))
    assert ranked == ["Bank Sampah Desa", "Posyandu Digital"]


def test_case_and_accents_do_not_matter(catalogue):
    everything = Publication.objects.all()
    for query in ("cafe", "CAFÉ", "Café", "literasi", "LITERASI"):
        assert names(search.matching(everything, query)) == ["Café Literasi"], query


@pytest.mark.skipif(not SQLITE, reason="FTS5 prefix search (SQLite)")
def test_the_last_word_matches_as_a_prefix_on_sqlite(catalogue):
    assert names(search.matching(Publication.objects.all(), "posyan")) == ["Posyandu Digital"]
    assert names(search.matching(Publication.objects.all(), "bank samp")) == ["Bank Sampah Desa"]


@pytest.mark.skipif(not POSTGRES, reason="Indonesian stemming (PostgreSQL)")
def test_indonesian_word_forms_match_on_postgresql(catalogue):
    # "pencatatan" (in the story) and "dicatat" share the stem "catat" in the indonesian
    # configuration.
    assert names(search.matching(Publication.objects.all(), "dicatat")) == ["Posyandu Digital"]


@pytest.mark.skipif(not POSTGRES, reason="websearch syntax (PostgreSQL)")
def test_websearch_minus_excludes_on_postgresql(catalogue):
    assert names(search.matching(Publication.objects.all(), "sampah -posyandu")) == [
        "Bank Sampah Desa"
    ]


SPECIAL = [
    '"',
    '""',
    "*",
    "AND",
    "OR",
    "NOT",
    "NEAR",
    "(",
    ")",
    "-",
    "+",
    "^",
    ":",
    "'",
    "\\",
    "%",
    "_",
    "{}",
    "sampah AND (",
    '"sampah',
    "sampah*",
    "-sampah",
    "name:sampah",
    "sampah NEAR(desa",
    "!:*&|",
    "😀 sampah",
    "ñandú",
    "سلام",
    "a" * 500,
    "kata " * 50,
    "sampah\x00desa",
]


@pytest.mark.parametrize("query", SPECIAL)
def test_special_characters_never_break_the_query(client, catalogue, query):
    result = search.matching(Publication.objects.all(), query)
    list(result)  # evaluated without an error
    search.snippets(list(Publication.objects.all()), query)
    response = client.get(reverse("catalogue"), {"cari": query})
    assert response.status_code == 200


def test_quoted_operators_are_plain_words(catalogue):
    everything = Publication.objects.all()
    assert names(search.matching(everything, "sampah AND")) == []  # "and" is not in any text
    assert "Bank Sampah Desa" in names(search.matching(everything, '"sampah'))


def test_a_query_without_words_finds_nothing(catalogue):
    assert names(search.matching(Publication.objects.all(), "*()")) == []
    assert names(search.matching(Publication.objects.all(), "   ")) == []


def test_matching_works_inside_a_subquery(catalogue):
    """The index is addressed through the table's alias, which a subquery renames."""
    ids = search.matching(Publication.objects.all(), "sampah").values("pk")
    assert set(Publication.objects.filter(pk__in=ids).values_list("name", flat=True)) == {
        "Bank Sampah Desa",
        "Posyandu Digital",
    }


def test_matching_combines_with_filters(catalogue):
    narrowed = filters.apply_filters(Publication.objects.all(), affair="Kesehatan")
    assert names(search.matching(narrowed, "sampah")) == ["Posyandu Digital"]


# --- snippets -----------------------------------------------------------------------------------


def test_snippets_mark_the_words_found(catalogue):
    pub = catalogue["posyandu"]
    excerpt = search.snippets([pub], "stunting")[pub.pk]
    assert "<mark>stunting</mark>" in excerpt


def test_snippets_without_a_query_are_the_summary(catalogue):
    pub = catalogue["posyandu"]
    excerpt = search.snippets([pub], "")[pub.pk]
    assert excerpt.startswith("Menurunkan angka stunting")
    assert "<mark>" not in excerpt


def test_html_in_published_text_is_escaped_in_snippets(client, cycle, koordinator):
    pub = publish(
        cycle,
        koordinator,
        name="Inovasi Berbahaya",
        goal='<script>alert("x")</script> Pelayanan kesehatan <b>gratis</b> & cepat <img src=x>',
        benefit="Rp 5 < Rp 10 & murah",
    )
    excerpt = search.snippets([pub], "kesehatan")[pub.pk]
    assert "<mark>kesehatan</mark>" in excerpt
    for raw in ("<script", "<b>", "<img", "</b>"):
        assert raw not in excerpt
    assert "&amp;" in excerpt
    page = client.get(reverse("catalogue"), {"cari": "kesehatan"}).content.decode()
    assert "<mark>kesehatan</mark>" in page
    assert "<script>alert" not in page and "<img src=x>" not in page
    inovasi = client.get(reverse("catalogue_innovation", args=[pub.innovation.public_id]))
    assert "<script>alert" not in inovasi.content.decode()


def test_marker_characters_typed_by_an_operator_are_not_published(cycle, koordinator):
    pub = publish(cycle, koordinator, goal=f"Teks {search.START}palsu{search.STOP} kesehatan")
    assert search.START not in pub.search_text and search.STOP not in pub.search_text
    assert all(search.START not in row["value"] for row in pub.profile)
    excerpt = search.snippets([pub], "palsu")[pub.pk]
    assert excerpt.count("<mark>") == excerpt.count("</mark>") == 1


def test_marks_are_balanced_or_dropped():
    assert search._marked(f"a {search.START}b") == "a b"
    assert search._marked(f"<i>{search.START}b{search.STOP}") == "&lt;i&gt;<mark>b</mark>"


# --- the page: filters and paging ---------------------------------------------------------------


def test_the_page_searches_and_counts(client, catalogue):
    shown, response = found(client, cari="sampah")
    assert shown == ["Bank Sampah Desa", "Posyandu Digital"]
    page = response.content.decode()
    assert "2 inovasi" in page
    assert 'value="sampah"' in page
    assert '<meta name="robots" content="noindex, follow">' in page  # result pages: not indexed


def test_the_page_says_when_nothing_is_found(client, catalogue):
    shown, response = found(client, cari="zebra")
    assert shown == []
    assert "Tidak ada inovasi terbit yang cocok" in response.content.decode()


def test_the_empty_catalogue_says_so(client):
    shown, response = found(client)
    assert shown == []
    assert "Belum ada inovasi yang diterbitkan" in response.content.decode()
    assert "noindex" not in response.content.decode()


@pytest.fixture
def spread(region, cycle, koordinator):
    """Publications differing in each filtered attribute."""
    province_17 = factories.region(code="17.10", name="Kota Bengkulu", province_code="17")
    elsewhere_cycle = factories.cycle(province_17, 2024)
    health = factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")
    ResultSnapshot.objects.create(
        region=region,
        year=2023,
        source=Source.ANNOUNCED,
        iid=Decimal("61.16"),
        predicate="Sangat Inovatif",
    )
    ResultSnapshot.objects.create(
        region=province_17,
        year=2024,
        source=Source.ANNOUNCED,
        iid=Decimal("40.00"),
        predicate="Inovatif",
    )
    return {
        "a": publish(
            cycle,
            koordinator,
            agency=health,
            name="A Sehat",
            stage="penerapan",
            kind="digital",
            form="pelayanan_publik",
            main_affair="Kesehatan",
            theme="Stunting",
        ),
        "b": publish(
            cycle,
            koordinator,
            name="B Tata",
            stage="uji_coba",
            kind="non_digital",
            form="tata_kelola",
            main_affair="Keuangan",
            other_affairs=["Kesehatan"],
            theme="Reformasi Birokrasi",
        ),
        "c": publish(
            elsewhere_cycle,
            koordinator_of(province_17),
            name="C Kota",
            stage="inisiatif",
            kind="digital",
            form="lainnya",
            main_affair="Perhubungan",
        ),
        "agency": health,
    }


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, ["C Kota", "A Sehat", "B Tata"]),
        ({"daerah": "16.10"}, ["A Sehat", "B Tata"]),
        ({"provinsi": "17"}, ["C Kota"]),
        ({"provinsi": "16"}, ["A Sehat", "B Tata"]),
        ({"bentuk": "tata_kelola"}, ["B Tata"]),
        ({"jenis": "digital"}, ["C Kota", "A Sehat"]),
        ({"tahapan": "uji_coba"}, ["B Tata"]),
        ({"urusan": "Kesehatan"}, ["A Sehat", "B Tata"]),  # main or overlapping
        ({"urusan": "Perhubungan"}, ["C Kota"]),
        ({"tematik": "Stunting"}, ["A Sehat"]),
        ({"tahun": "2024"}, ["C Kota"]),
        ({"predikat": "Sangat Inovatif"}, ["A Sehat", "B Tata"]),
        ({"predikat": "Inovatif"}, ["C Kota"]),
        ({"predikat": "Inovatif", "tahun": "2023"}, []),
        ({"jenis": "digital", "daerah": "16.10"}, ["A Sehat"]),
        ({"cari": "kota", "jenis": "digital"}, ["C Kota"]),
        # Values that name nothing give nothing, and never an error.
        ({"daerah": "99.99"}, []),
        ({"bentuk": "tidak-ada"}, []),
        ({"tahun": "dua ribu"}, []),
        ({"tahun": "99999999999999999999"}, []),
        ({"opd": "abc"}, []),
        ({"opd": "99999999999999999999999"}, []),
        ({"predikat": "Luar Biasa"}, []),
        ({"urusan": "<script>"}, []),
    ],
)
def test_filters(client, spread, params, expected):
    shown, _ = found(client, **params)
    assert shown == expected


def test_the_opd_filter_appears_once_a_region_is_chosen(client, spread):
    _, response = found(client)
    assert 'name="opd"' not in response.content.decode()
    shown, response = found(client, daerah="16.10", opd=str(spread["agency"].pk))
    assert shown == ["A Sehat"]
    assert 'name="opd"' in response.content.decode()
    assert "Dinas Kesehatan" in response.content.decode()


def test_an_unknown_filter_value_stays_visible(client, spread):
    _, response = found(client, bentuk="tidak-ada")
    assert '<option value="tidak-ada" selected>' in response.content.decode()


def test_apply_filters_by_codes(spread):
    everything = Publication.objects.all()
    assert names(filters.apply_filters(everything, region="17.10")) == ["C Kota"]
    assert names(filters.apply_filters(everything, agency=spread["agency"].pk)) == ["A Sehat"]
    assert names(filters.apply_filters(everything, year=2023, predicate="sangat inovatif")) == [
        "A Sehat",
        "B Tata",
    ]
    assert names(filters.apply_filters(everything, year="x")) == []


def test_paging_keeps_the_search_and_filters(client, cycle, koordinator):
    for i in range(23):
        publish(cycle, koordinator, name=f"Layanan Air {i:02d}", main_affair="Kesehatan")
    first, response = found(client, cari="layanan", urusan="Kesehatan")
    assert len(first) == 20
    page = response.content.decode()
    assert "23 inovasi" in page
    assert "halaman=2" in page and "cari=layanan" in page and "urusan=Kesehatan" in page
    second, _ = found(client, cari="layanan", urusan="Kesehatan", halaman="2")
    assert len(second) == 3
    assert not set(first) & set(second)
    for bad in ("abc", "-1", "0", "999"):
        shown, _ = found(client, cari="layanan", halaman=bad)
        assert shown


# --- the index itself ---------------------------------------------------------------------------


@pytest.mark.skipif(not SQLITE, reason="SQLite index")
def test_the_sqlite_index_triggers_exist():
    """A later migration that rebuilds catalogue_publication on SQLite drops these triggers:
    recreate them in that migration (see migration 0002)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s",
            ["catalogue_publication"],
        )
        triggers = {row[0] for row in cursor.fetchall()}
    assert triggers == {
        "catalogue_publication_fts_ai",
        "catalogue_publication_fts_ad",
        "catalogue_publication_fts_au",
        "catalogue_publication_version_ad",  # migration 0005: the data version on delete
    }


@pytest.mark.skipif(not POSTGRES, reason="PostgreSQL index")
def test_the_postgresql_vector_and_configuration_exist():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
            ["catalogue_publication", "search_vector"],
        )
        assert cursor.fetchone()
        cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [search.PG_CONFIG])
        assert cursor.fetchone()
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'catalogue_publication_search_idx'"
        )
        assert "gin" in cursor.fetchone()[0].lower()


def test_the_index_follows_publish_and_unpublish(cycle, koordinator):
    from sinovda.catalogue import actions

    pub = publish(cycle, koordinator, name="Irigasi Tetes", goal="Hemat air sawah.")
    assert names(search.matching(Publication.objects.all(), "irigasi")) == ["Irigasi Tetes"]
    actions.unpublish(pub.innovation, acting_user=koordinator)
    assert names(search.matching(Publication.objects.all(), "irigasi")) == []
    if SQLITE:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")  # noqa: S608
            assert cursor.fetchone()[0] == 0


def test_draft_reports_are_not_searchable(cycle):
    factories.submission(cycle, name="Draf Rahasia Irigasi", state=State.DRAFT)
    verified_report(cycle, name="Terverifikasi Irigasi")  # verified, not published
    assert names(search.matching(Publication.objects.all(), "irigasi")) == []


def test_the_count_stops_at_the_cap_and_says_more(client, catalogue, monkeypatch):
    """The result count is bounded (one LIMITed count), so a word matching every row stays cheap."""
    from sinovda.catalogue import views

    monkeypatch.setattr(views, "COUNT_CAP", 2)
    _names, response = found(client)
    html = response.content.decode()
    assert response.context["page"].paginator.more
    assert "Lebih dari 2 inovasi" in html
    monkeypatch.setattr(views, "COUNT_CAP", 3)
    _names, response = found(client)
    assert not response.context["page"].paginator.more
    assert "3 inovasi" in response.content.decode()


@pytest.mark.skipif(not POSTGRES, reason="the direct SQL of search.page (PostgreSQL)")
@pytest.mark.parametrize("text", ["sehat", "kota", "a", "sehat -tata", "tidak ada"])
@pytest.mark.parametrize(
    "chosen",
    [
        {},
        {"region": "16.10"},
        {"province": "17"},
        {"province": "16", "kind": "digital"},
        {"form": "tata_kelola", "stage": "uji_coba"},
        {"theme": "Stunting", "year": "2023"},
        {"year": "2024"},
        {"region": "99.99"},
    ],
)
def test_the_direct_search_sql_finds_what_the_orm_finds(spread, text, chosen):
    from sinovda.catalogue.views import _listed

    queryset = filters.apply_filters(_listed(), **chosen)
    conditions = search.direct_conditions(chosen)
    assert conditions is not None
    for offset, limit in ((0, 20), (1, 1)):
        orm = search.page(queryset, text, offset, limit, 3)
        direct = search.page(queryset, text, offset, limit, 3, conditions)
        assert direct == orm


@pytest.fixture
def tiers(cycle, koordinator):
    """Eight publications with "irigasi" in the name (2), only in the tematik (2), only in the
    story (3), and nowhere (1), over two years."""
    made = {}
    cycles = {cycle.year: cycle, 2024: factories.cycle(cycle.region, 2024)}
    for key, year, profile in [
        ("name_old", 2023, {"name": "Irigasi Tetes Lama"}),
        ("name_new", 2024, {"name": "Irigasi Sawah Baru"}),
        ("theme_a", 2023, {"name": "Air Tani A", "theme": "Irigasi"}),
        ("theme_b", 2024, {"name": "Air Tani B", "theme": "Irigasi"}),
        ("story_a", 2023, {"name": "Petani Muda A", "result": "Saluran irigasi diperbaiki."}),
        ("story_b", 2024, {"name": "Petani Muda B", "result": "Pompa irigasi bersama."}),
        ("story_c", 2024, {"name": "Petani Muda C", "result": "Jadwal irigasi bergilir."}),
        ("none", 2024, {"name": "Pasar Pagi"}),
    ]:
        made[key] = publish(cycles[year], koordinator, goal="Hasil panen naik.", **profile)
    return made


@pytest.mark.skipif(not POSTGRES, reason="the staged reads of search.page (PostgreSQL)")
def test_every_page_of_a_search_is_its_slice_of_the_full_ranking(tiers):
    """search.page reads the name, then the name and facets, then the whole text, each only when
    the reads before it did not fill the page: every page must still be exactly the ranking's."""
    everything = Publication.objects.all()
    ranking = [p.pk for p in search.matching(everything, "irigasi")]
    assert len(ranking) == 7
    assert ranking[:2] == [tiers["name_new"].pk, tiers["name_old"].pk]
    assert set(ranking[2:4]) == {tiers["theme_a"].pk, tiers["theme_b"].pk}
    conditions = search.direct_conditions({})
    for limit in (1, 2, 3, 5, 20):
        for offset in range(0, 9):
            for given in (None, conditions):
                got = search.page(everything, "irigasi", offset, limit, 100, given)
                assert got.ids == ranking[offset : offset + limit], (offset, limit, given)
                assert got.count == 7


@pytest.mark.skipif(not POSTGRES, reason="ts_headline excerpts (PostgreSQL)")
def test_a_card_marks_the_story_only_where_the_story_is_why_it_was_found(client, tiers):
    _shown, response = found(client, cari="irigasi")
    excerpts = {item.name: str(item.excerpt) for item in response.context["items"]}
    # Found in the story alone: the excerpt shows where.
    assert "<mark>irigasi</mark>" in excerpts["Petani Muda A"]
    # Found in the name: the card's name shows it; the excerpt is the plain summary.
    assert excerpts["Irigasi Tetes Lama"].startswith("Hasil panen naik.")
    assert "<mark>" not in excerpts["Irigasi Tetes Lama"]


def test_a_repeated_search_is_read_from_the_cache(client, catalogue):
    from django.test.utils import CaptureQueriesContext

    first, _ = found(client, cari="sampah")
    with CaptureQueriesContext(connection) as queries:
        again, response = found(client, cari="sampah")
    assert again == first == ["Bank Sampah Desa", "Posyandu Digital"]
    assert "2 inovasi" in response.content.decode()
    # The catalogue version; SQLite then reads the cached ids' cards and snippets.
    assert len(queries) == (1 if POSTGRES else 3)
    # Other words, filters or pages are other entries.
    assert found(client, cari="posyandu")[0] == ["Posyandu Digital"]
    assert found(client, cari="sampah", tahun="2099")[0] == []


def test_an_unpublished_innovation_leaves_a_cached_search_at_once(client, catalogue, koordinator):
    from sinovda.catalogue import actions

    assert "Bank Sampah Desa" in found(client, cari="sampah")[0]
    actions.unpublish(catalogue["sampah"].innovation, acting_user=koordinator)
    shown, response = found(client, cari="sampah")
    assert shown == ["Posyandu Digital"]
    assert "Bank Sampah Desa" not in response.content.decode()


def test_filters_the_direct_search_sql_does_not_write_go_through_the_orm():
    assert search.direct_conditions({"affair": "Kesehatan"}) is None
    assert search.direct_conditions({"predicate": "Inovatif"}) is None
    assert search.direct_conditions({"agency": "12"}) is None
    assert search.direct_conditions({"year": "dua ribu"}) is None
    assert search.direct_conditions({"year": " 2024 ", "kind": "", "form": None}) == [
        ("p.year = %s", [2024])
    ]
