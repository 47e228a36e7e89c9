"""The catalogue's filter form: its GET parameters (Indonesian names, as people see them in the
address) and its selects, with options drawn from what is published.

The selects hold some 700 options (every Pemda with a publication, every tematik, the urusan):
rendered as template code they cost more than the rest of a search page. `fields_html` writes them
in Python (every value escaped) and caches the HTML per catalogue version, language and chosen
filters (the search words are not part of it, so every search shares it)."""

import hashlib
from dataclasses import dataclass
from html import escape

from django.core.cache import cache
from django.db.models import Q
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from sinovda.editions.models import Edition
from sinovda.innovations import affairs
from sinovda.innovations.models import Form, Kind, Stage
from sinovda.regions.models import Agency, Region

from . import fragments, versions
from .fragments import CACHE_SECONDS
from .models import Publication

# GET parameter (Indonesian, as people see it in the address) -> apply_filters keyword.
PARAMS = {
    "daerah": "region",
    "provinsi": "province",
    "opd": "agency",
    "bentuk": "form",
    "jenis": "kind",
    "urusan": "affair",
    "tematik": "theme",
    "tahapan": "stage",
    "tahun": "year",
    "predikat": "predicate",
}


def _predicate_labels() -> list[str]:
    """Predikat names of the published editions, highest first, each once (only the editions'
    predicate lists are read, not their whole documents)."""
    labels = []
    lists = Edition.objects.published().order_by("-year").values_list("data__predicates", flat=True)
    for bands in lists:
        for band in bands or []:
            label = band.get("label") if isinstance(band, dict) else None
            if label and label not in labels:
                labels.append(label)
    return labels


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    selected: bool


@dataclass(frozen=True)
class Filter:
    """One select of the filter form: its GET name, label and option groups [(group label or
    "", [Option])]."""

    name: str
    label: str
    groups: list


def _filter(name, label, choices, chosen, grouped=False) -> Filter:
    """`choices`: [(value, label)], or [(group label, [(value, label)])] when grouped."""
    groups = list(choices) if grouped else [("", list(choices))]
    values = {str(value) for _group, options in groups for value, _label in options}
    if chosen and chosen not in values:
        # A value that names nothing stays visible: it is why the list is empty.
        groups.append(("", [(chosen, chosen)]))
    return Filter(
        name,
        str(label),
        [
            (str(group), [Option(str(v), str(text), str(v) == chosen) for v, text in options])
            for group, options in groups
        ],
    )


def _choices(chosen: dict, stamp: str) -> dict:
    """The published values the selects offer, as plain (value, label) lists from values_list,
    cached per catalogue version (read first, so no list outlives an unpublish) and chosen
    province/Pemda (the lists they narrow)."""
    key = (
        "sinovda:catalogue:choices:"
        + hashlib.sha256(repr((stamp, chosen["provinsi"], chosen["daerah"])).encode()).hexdigest()[
            :32
        ]
    )
    found = cache.get(key)
    if found is not None:
        return found
    published = Publication.objects.order_by()
    provinces = Region.objects.filter(kind=Region.Kind.PROVINCE).order_by("name")
    regions = Region.objects.filter(pk__in=published.values("region_id"))
    if chosen["provinsi"]:
        regions = regions.filter(Q(code=chosen["provinsi"]) | Q(province__code=chosen["provinsi"]))
    found = {
        "provinces": list(provinces.values_list("code", "name")),
        "regions": list(regions.order_by("name").values_list("code", "name")),
        "agencies": [],
        "themes": sorted(published.exclude(theme="").values_list("theme", flat=True).distinct()),
        "years": sorted(published.values_list("year", flat=True).distinct(), reverse=True),
    }
    if chosen["daerah"]:
        agencies = Agency.objects.filter(
            region__code=chosen["daerah"], pk__in=published.values("agency_id")
        ).order_by("name")
        found["agencies"] = list(agencies.values_list("pk", "name"))
    cache.set(key, found, CACHE_SECONDS)
    return found


def selects(chosen: dict, stamp: str | None = None) -> list[Filter]:
    """The filter form's selects, with options from what is published (constant queries; the
    published lists are cached per catalogue version)."""
    if stamp is None:
        stamp, _changed = versions.current()
    choices = _choices(chosen, stamp)
    filters = [
        _filter("provinsi", _("Provinsi"), choices["provinces"], chosen["provinsi"]),
        _filter("daerah", _("Pemda"), choices["regions"], chosen["daerah"]),
    ]
    if chosen["daerah"]:
        filters.append(_filter("opd", _("OPD"), choices["agencies"], chosen["opd"]))
    filters += [
        _filter("bentuk", _("Bentuk inovasi"), Form.choices, chosen["bentuk"]),
        _filter("jenis", _("Jenis inovasi"), Kind.choices, chosen["jenis"]),
        _filter("tahapan", _("Tahapan"), Stage.choices, chosen["tahapan"]),
        _filter("urusan", _("Urusan pemerintahan"), affairs.choices(), chosen["urusan"], True),
        _filter("tematik", _("Tematik"), [(t, t) for t in choices["themes"]], chosen["tematik"]),
        _filter("tahun", _("Tahun laporan"), [(y, y) for y in choices["years"]], chosen["tahun"]),
        _filter(
            "predikat",
            _("Predikat Pemda pada tahun itu"),
            [(p, p) for p in _predicate_labels()],
            chosen["predikat"],
        ),
    ]
    return filters


def _select_html(item: Filter, everything: str) -> str:
    out = [
        f'<div class="field">\n        <label for="id_{item.name}">{escape(item.label)}</label>\n'
        f'        <select name="{item.name}" id="id_{item.name}">\n'
        f'          <option value="">{everything}</option>\n          '
    ]
    for group, options in item.groups:
        if group:
            out.append(f'<optgroup label="{escape(group)}">')
        for option in options:
            chosen = " selected" if option.selected else ""
            out.append(
                f'<option value="{escape(option.value)}"{chosen}>{escape(option.label)}</option>'
            )
        if group:
            out.append("</optgroup>")
    out.append("\n        </select>\n      </div>")
    return "".join(out)


def fields_html(chosen: dict, stamp: str | None = None) -> SafeString:
    """The filter form's selects as HTML, cached per catalogue version (`stamp`, read before any
    data; read here when not given), language and chosen filters, and kept in this process too
    (fragments.shared): every search shares it."""
    if stamp is None:
        stamp, _changed = versions.current()
    parts = (stamp, translation.get_language(), sorted(chosen.items()))
    key = "sinovda:catalogue:filterform:" + hashlib.sha256(repr(parts).encode()).hexdigest()[:32]

    def build():
        everything = escape(_("Semua"))
        return "\n      ".join(_select_html(item, everything) for item in selects(chosen, stamp))

    return mark_safe(fragments.shared(key, build))  # noqa: S308 - every value is escaped above
