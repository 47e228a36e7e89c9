"""The public catalogue: search, an innovation's page, a Pemda's and an OPD's pages, robots.txt.

Everything here reads Publication rows (the frozen public copies), the regions and OPDs, issued
awards, and results through the scores app. Nothing reads a report, an answer or a document.
"""

from urllib.parse import urlencode

from django.contrib.sitemaps.views import sitemap as sitemap_view
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.decorators.http import require_safe

from sinovda.awards.models import Award
from sinovda.innovations.models import Form, Kind, Stage
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
    """Counts at most COUNT_CAP + 1 rows (one bounded query); `more` says the count was cut, and
    the pages go as far as the counted rows."""

    @cached_property
    def count(self):
        return self.object_list[: COUNT_CAP + 1].count()

    @property
    def more(self) -> bool:
        return self.count > COUNT_CAP


@public_view
@require_safe
def catalogue(request):
    """Search and filter the published innovations."""
    query = " ".join(_param(request, "cari").split())
    chosen = {name: _param(request, name) for name in filter_form.PARAMS}
    publications = apply_filters(
        _listed(), **{filter_form.PARAMS[name]: value for name, value in chosen.items()}
    )
    if query:
        publications = search.matching(publications, query)
    page = CappedPaginator(publications, PAGE_SIZE).get_page(request.GET.get("halaman"))
    items = _cards(list(page.object_list))
    excerpts = search.snippets(items, query)
    for item in items:
        item.excerpt = excerpts[item.pk]
    kept = {"cari": query, **chosen}
    context = {
        "page": page,
        "count_cap": COUNT_CAP,
        "items": items,
        "query": query,
        "chosen": chosen,
        "filtered": bool(query or any(chosen.values())),
        "filters_open": any(chosen.values()),
        "filter_query": urlencode({k: v for k, v in kept.items() if v}),
        "filters": filter_form.selects(chosen),
        "page_url": request.build_absolute_uri(request.path),
    }
    return render(request, "catalogue/catalogue.html", context)


SIMILAR_ORDER = ("-year", "-maturity", "name")


def _similar(publication):
    """A few published innovations of other Pemda serving the same urusan or tematik: the first
    few of each (one LIMIT query on its index), merged in the page's order."""
    found = {}
    for field in ("main_affair", "theme"):
        value = getattr(publication, field)
        if not value:
            continue
        rows = (
            _listed()
            .filter(**{field: value})
            .exclude(region_id=publication.region_id)
            .order_by(*SIMILAR_ORDER)[:SIMILAR]
        )
        for row in rows:
            found.setdefault(row.pk, row)
    ordered = sorted(found.values(), key=lambda p: p.name)
    ordered.sort(key=lambda p: (p.year, p.maturity), reverse=True)
    return _cards(ordered[:SIMILAR])


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


def _innovation_parts(request, public_id) -> dict | None:
    publication = (
        Publication.objects.select_related("region__province", "agency", "innovation")
        .defer("search_text")
        .filter(innovation__public_id=public_id)
        .first()
    )
    if publication is None:
        return None
    _cards([publication])
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
