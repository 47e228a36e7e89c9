"""The public catalogue: search, an innovation's page, a Pemda's and an OPD's pages, robots.txt.

Everything here reads Publication rows (the frozen public copies), the regions and OPDs, issued
awards, and results through the scores app. Nothing reads a report, an answer or a document.
"""

import hashlib
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import urlencode

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from sinovda.awards.models import Award
from sinovda.innovations.models import Form, Innovation, Kind, Stage
from sinovda.regions.access import public_view
from sinovda.regions.models import Agency, Region
from sinovda.scores import rankings, snapshots

from . import filter_form, fragments, search, versions
from .chart import history_chart
from .filters import apply_filters
from .models import Publication
from .sitemaps import SITEMAPS

PAGE_SIZE = 20
SIMILAR = 4
# A search or filter counts its matches only up to here ("lebih dari 1.000 inovasi"): counting
# every match of a common word costs as much as the rest of the page.
COUNT_CAP = 1000
# A search counts only up to here: counting reads each match's whole public text (its stored
# vector), about 5 µs a row, so a common word's count to 1,000 cost more than the rest of the page
# (docs/catalogue.md, "Performance"). Five pages of the best matches; more words narrow the rest.
SEARCH_COUNT_CAP = 100
MAX_PARAM = 120
FORM_LABELS = dict(Form.choices)
KIND_LABELS = dict(Kind.choices)
STAGE_LABELS = dict(Stage.choices)


def _param(request, name) -> str:
    """One GET value as typed, bounded, without control characters (a NUL breaks PostgreSQL)."""
    value = request.GET.get(name, "")[:MAX_PARAM]
    return "".join(ch for ch in value if ch.isprintable()).strip()


def _cards(publications):
    """Publications ready for a card: labels of their codes."""
    for publication in publications:
        publication.form_label = FORM_LABELS.get(publication.form, publication.form)
        publication.kind_label = KIND_LABELS.get(publication.kind, publication.kind)
        publication.stage_label = STAGE_LABELS.get(publication.stage, publication.stage)
    return publications


def _listed():
    """Publications for cards: the long texts (profile rows, search text) stay in the database."""
    return Publication.objects.select_related("region", "agency", "innovation").defer(
        "profile", "search_text"
    )


class CappedPaginator(Paginator):
    """Counts at most cap + 1 rows (one bounded query); `more` says the count was cut, and the
    pages go as far as the counted rows."""

    def __init__(self, object_list, per_page, cap=None):
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap

    @cached_property
    def count(self):
        if isinstance(self.object_list, Found):
            return self.object_list.count()
        return self.object_list[: self.cap + 1].count()

    @property
    def more(self) -> bool:
        return self.count > self.cap


class Found:
    """The matches of a search, for the paginator: the requested page, its cards with their
    excerpts, and the capped count come from one query on PostgreSQL (search.page); elsewhere
    the rows and excerpts take two more."""

    def __init__(self, queryset, query: str, page_number, conditions=None, stamp=None):
        self.queryset = queryset
        self.query = query
        self.conditions = conditions  # search.direct_conditions of the filters (None: the ORM's)
        self.stamp = stamp  # the catalogue version read before any data (None: no caching)
        try:
            number = max(1, int(page_number))
        except (TypeError, ValueError):
            number = 1
        self.offset = (number - 1) * PAGE_SIZE
        self._page = None

    def _load(self, offset: int) -> search.Page:
        if self._page is None or self.offset != offset:
            self.offset = offset
            self._page = self._cached_page(offset)
        return self._page

    def _cached_page(self, offset: int) -> search.Page:
        """search.page (ids, capped count and, on PostgreSQL, the cards: plain values), cached
        under the catalogue version when the filters are ones its SQL writes directly: the same
        words and filters again (the next visitor of a popular search, paging back) cost a cache
        read instead of the page query."""

        def read():
            return search.page(
                self.queryset, self.query, offset, PAGE_SIZE, SEARCH_COUNT_CAP + 1, self.conditions
            )

        if self.stamp is None or self.conditions is None:
            return read()
        parts = (self.stamp, self.query, self.conditions, offset, PAGE_SIZE, SEARCH_COUNT_CAP)
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        return fragments.cached(f"sinovda:catalogue:search:{digest}", read)

    def count(self) -> int:
        return self._load(self.offset).count

    def __getitem__(self, bounds: slice) -> list:
        found = self._load(bounds.start or 0)
        wanted = bounds.stop - (bounds.start or 0)
        if found.cards is not None:  # PostgreSQL: the cards came with the page
            return [_card(row) for row in found.cards[:wanted]]
        ids = found.ids[:wanted]
        by_pk = {row.pk: row for row in _listed().filter(pk__in=ids)}
        rows = [by_pk[pk] for pk in ids if pk in by_pk]
        excerpts = search.snippets(rows, self.query)
        for row in rows:
            row.excerpt = excerpts[row.pk]
        return rows


@dataclass
class Card:
    """What a search result's card shows (templatetags.catalogue_cards), without a model
    instance: the fields the page query read, named as on Publication."""

    pk: int
    name: str
    year: int
    form: str
    kind: str
    stage: str
    summary: str
    region: SimpleNamespace
    agency: SimpleNamespace
    innovation: SimpleNamespace
    excerpt: object = None


def _card(row: dict) -> Card:
    card = Card(
        pk=row["pk"],
        name=row["name"],
        year=row["year"],
        form=row["form"],
        kind=row["kind"],
        stage=row["stage"],
        summary=row["summary"],
        region=SimpleNamespace(name=row["region_name"]),
        agency=SimpleNamespace(name=row["agency_name"]),
        innovation=SimpleNamespace(public_id=row["public_id"]),
    )
    card.excerpt = search.marked(row["excerpt"]) or search.summary_excerpt(card)
    return card


@public_view
@require_safe
def catalogue(request):
    """Search and filter the published innovations."""
    stamp, _changed = versions.current()  # before any data: the caches below are keyed by it
    query = " ".join(_param(request, "cari").split())
    chosen = {name: _param(request, name) for name in filter_form.PARAMS}
    filters = {filter_form.PARAMS[name]: value for name, value in chosen.items()}
    publications = apply_filters(_listed(), **filters)
    cap = COUNT_CAP
    if query:
        conditions = search.direct_conditions(filters)
        publications = Found(publications, query, request.GET.get("halaman"), conditions, stamp)
        cap = SEARCH_COUNT_CAP
    page = CappedPaginator(publications, PAGE_SIZE, cap).get_page(request.GET.get("halaman"))
    items = _cards(list(page.object_list))
    if not query:
        for item in items:
            item.excerpt = search.summary_excerpt(item)
    kept = {"cari": query, **chosen}
    context = {
        "page": page,
        "count_cap": cap,
        "items": items,
        "query": query,
        "chosen": chosen,
        "filtered": bool(query or any(chosen.values())),
        "filters_open": any(chosen.values()),
        "filter_query": urlencode({k: v for k, v in kept.items() if v}),
        "filter_fields": filter_form.fields_html(chosen, stamp),
        "page_url": request.build_absolute_uri(request.path),
    }
    return render(request, "catalogue/catalogue.html", context)


# Names by scalar subqueries, read only for the rows kept, rather than joins: planning a query with
# three more joined tables cost more than running it (search.CARD_COLUMNS, docs/catalogue.md).
SIMILAR_BRANCH = (
    "SELECT * FROM (SELECT p.id AS pk, p.name AS name, p.year AS year, p.form AS form, "
    "p.kind AS kind, p.stage AS stage, p.summary AS summary, p.maturity AS maturity, "
    "(SELECT r.name FROM {region} r WHERE r.id = p.region_id) AS region_name, "
    "(SELECT a.name FROM {agency} a WHERE a.id = p.agency_id) AS agency_name, "
    "(SELECT i.public_id FROM {innovation} i WHERE i.id = p.innovation_id) AS public_id "
    "FROM {publication} p "
    "WHERE p.{field} = %s AND p.region_id <> %s "
    "ORDER BY p.year DESC, p.maturity DESC, p.name LIMIT %s) AS {field}_rows"
)


def _similar(publication) -> list[Card]:
    """A few published innovations of other Pemda serving the same urusan or tematik: the first
    few of each (a LIMIT read of its index, catalogue_pub_affair_idx / catalogue_pub_theme_idx),
    in one query, merged in the page's order (newest year, highest maturity, name)."""
    quote = connection.ops.quote_name
    tables = {
        "publication": quote(Publication._meta.db_table),
        "region": quote(Region._meta.db_table),
        "agency": quote(Agency._meta.db_table),
        "innovation": quote(Innovation._meta.db_table),
    }
    branches, params = [], []
    for field in ("main_affair", "theme"):
        value = getattr(publication, field)
        if value:
            branches.append(SIMILAR_BRANCH.format(field=field, **tables))
            params += [value, publication.region_id, SIMILAR]
    if not branches:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(branches), params)  # noqa: S608 - constants only
        names = [column[0] for column in cursor.description]
        rows = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    ordered = sorted(rows.values(), key=lambda r: r["name"])
    ordered.sort(key=lambda r: (r["year"], r["maturity"]), reverse=True)
    return _cards([_card({**row, "excerpt": None}) for row in ordered[:SIMILAR]])


def _is_web_link(value: str) -> bool:
    return value.lower().startswith(("https://", "http://"))


@public_view
@require_safe
def innovation(request, public_id):
    """One published innovation: its public profile, maturity and story. The page's parts are
    cached per catalogue version (read first) and language (fragments)."""
    stamp, _changed = versions.current()
    key = fragments.key("innovation", request, stamp)
    parts = fragments.cached(key, lambda: _innovation_parts(request, public_id))
    if parts is None:
        raise Http404
    return render(request, "catalogue/innovation.html", parts)


PAGE_COLUMNS = (
    "SELECT p.id, p.name, p.year, p.main_affair, p.theme, p.region_id, p.agency_id, "
    "p.maturity, p.maturity_max, p.profile, p.summary, p.published_at, "
    "r.code, r.name, (SELECT a.name FROM {agency} a WHERE a.id = p.agency_id) "
    "FROM {publication} p JOIN {region} r ON r.id = p.region_id "
    "WHERE p.innovation_id = (SELECT i.id FROM {innovation} i WHERE i.public_id = %s)"
)


def _public_copy(public_id: str) -> SimpleNamespace | None:
    """What the innovation page shows of a publication, with its Pemda and OPD, in one plain
    query (no model instances: the page reads a dozen values)."""
    quote = connection.ops.quote_name
    sql = PAGE_COLUMNS.format(
        publication=quote(Publication._meta.db_table),
        innovation=quote(Innovation._meta.db_table),
        region=quote(Region._meta.db_table),
        agency=quote(Agency._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [public_id])  # noqa: S608 - table names from the models
        row = cursor.fetchone()
    if row is None:
        return None
    (pk, name, year, main_affair, theme, region_id, agency_id, maturity, maturity_max, profile,
     summary, published_at, region_code, region_name, agency_name) = row  # fmt: skip
    field = Publication._meta.get_field
    return SimpleNamespace(
        pk=pk,
        name=name,
        year=year,
        main_affair=main_affair,
        theme=theme,
        region_id=region_id,
        agency_id=agency_id,
        # Values as the model would give them (SQLite stores JSON as text, decimals as numbers).
        maturity=field("maturity").to_python(maturity),
        maturity_max=field("maturity_max").to_python(maturity_max),
        profile=field("profile").from_db_value(profile, None, connection)
        if isinstance(profile, str)
        else profile,
        summary=summary,
        published_at=published_at,
        region=SimpleNamespace(code=region_code, name=region_name),
        agency=SimpleNamespace(name=agency_name),
    )


def _innovation_parts(request, public_id) -> dict | None:
    publication = _public_copy(public_id)
    if publication is None:
        return None
    rows = publication.profile or []
    facts = [r for r in rows if not r.get("story") and r.get("kind") != "url"]
    story = [r for r in rows if r.get("story")]
    links = [r for r in rows if r.get("kind") == "url" and _is_web_link(r.get("value", ""))]
    context = {
        "publication": publication,
        "facts": facts,
        "story": story,
        "links": links,
        "similar": _similar(publication),
        "page_url": request.build_absolute_uri(request.path),
    }
    return {
        "title": f"{publication.name} · {publication.region.name}",
        "head": render_to_string("catalogue/_innovation_head.html", context),
        "content": render_to_string("catalogue/_innovation_content.html", context),
    }


def _region_or_404(region_code) -> Region:
    region = Region.objects.select_related("province").filter(code=region_code).first()
    if region is None:
        raise Http404
    return region


def _awards(**where):
    return (
        Award.objects.active()
        .filter(**where)
        .select_related("agency", "cycle__edition")
        .order_by("-cycle__edition__year", "sequence")
    )


def _agency_counts(region, awards) -> list[dict]:
    """The region's OPDs with published innovations or awards, with their counts."""
    counts = {
        row["agency_id"]: row
        for row in Publication.objects.filter(region=region)
        .order_by()
        .values("agency_id", "agency__name")
        .annotate(published=Count("id"))
    }
    rows = {
        pk: {"pk": pk, "name": row["agency__name"], "published": row["published"], "awards": 0}
        for pk, row in counts.items()
    }
    for award in awards:
        row = rows.setdefault(
            award.agency_id,
            {"pk": award.agency_id, "name": award.agency.name, "published": 0, "awards": 0},
        )
        row["awards"] += 1
    return sorted(rows.values(), key=lambda r: (-r["published"], r["name"]))


@public_view
@require_safe
def region(request, region_code):
    """A Pemda: its standing result per year, predikat and rank, OPD awards, published
    innovations and its OPDs."""
    region = _region_or_404(region_code)
    history = snapshots.history(region)
    latest = history[-1] if history else None
    position = rankings.position(region, latest.year) if latest else None
    awards = list(_awards(agency__region=region))
    publications = _listed().filter(region=region)
    page = Paginator(publications, PAGE_SIZE).get_page(request.GET.get("halaman"))
    context = {
        "region": region,
        "history": list(reversed(history)),
        "latest": latest,
        "position": position,
        "chart": history_chart(history),
        "awards": awards,
        "agencies": _agency_counts(region, awards),
        "page": page,
        "items": _cards(list(page.object_list)),
        "page_url": request.build_absolute_uri(request.path),
    }
    return render(request, "catalogue/region.html", context)


@public_view
@require_safe
def agency(request, region_code, pk):
    """One OPD: its published innovations and the awards it received."""
    region = _region_or_404(region_code)
    agency = Agency.objects.filter(pk=pk, region=region).first()
    if agency is None:
        raise Http404
    publications = _listed().filter(agency=agency)
    page = Paginator(publications, PAGE_SIZE).get_page(request.GET.get("halaman"))
    context = {
        "region": region,
        "agency": agency,
        "awards": list(_awards(agency=agency)),
        "page": page,
        "items": _cards(list(page.object_list)),
        "page_url": request.build_absolute_uri(request.path),
    }
    return render(request, "catalogue/agency.html", context)


# Signed-in and private parts of the site: nothing there for a search engine.
ROBOTS_DISALLOW = ["/r/", "/admin/", "/masuk/", "/keluar/", "/sandi/", "/notifikasi/", "/audit/"]


@public_view
@require_safe
def robots_txt(request):
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in ROBOTS_DISALLOW]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@public_view
@require_safe
def sitemap_xml(request):
    return sitemap_view(request, sitemaps=SITEMAPS)
