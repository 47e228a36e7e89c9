"""Search of published innovations, in Indonesian, on either database.

PostgreSQL: the stored tsvector `search_vector` (migration 0002: name weight A, tematik and urusan B,
the public story C) under the `sinovda_indonesian` configuration, queried with
websearch_to_tsquery (it accepts anything a person types: quotes, minus, "or", stray symbols);
matches are ranked by ts_rank on the slim `rank_vector` (migration 0003: name A, tematik and urusan
B, summary C), which unlike the full one is not TOASTed; excerpts by ts_headline.

SQLite: the FTS5 table `catalogue_publication_fts` (same three weights through bm25). What a person
types becomes words, each quoted, so nothing typed is read as FTS5 syntax; the last word matches as
a prefix (people stop typing mid-word); excerpts by snippet().

Both index only the public copy (Publication rows); nothing here reads a report. The SQL below is
built only from this module's constants; what a person types is always a parameter.
"""

import re

from django.db import connection
from django.db.models import BooleanField, Expression, FloatField, Q, TextField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from .models import Publication

PG_CONFIG = "sinovda_indonesian"  # created by migration 0002
FTS_TABLE = "catalogue_publication_fts"  # created by migration 0002 (SQLite)
# bm25 weights of the FTS5 columns (name, facets, body), as A/B/C on PostgreSQL.
FTS_WEIGHTS = "10.0, 4.0, 1.0"
# Excerpt markers: characters of Unicode's private use area, removed from published text
# (publish.clean_text), so the only marks in an excerpt are the search's own.
START, STOP = "\ue000", "\ue001"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
SNIPPET_TOKENS = 24
SUMMARY_CHARS = 240
WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12  # a longer query is cut: no one searches with a paragraph
MAX_QUERY = 200
# Equal relevance: the newest report first, then by name (a stable order for paging).
_TIES = ("-year", "name", "pk")


class _TableSQL(Expression):
    """SQL about the queried table's own row, with the table's alias filled in, so it stays right
    when Django renames the table (inside a subquery)."""

    def __init__(self, template, params, output_field):
        super().__init__(output_field=output_field)
        self.template = template
        self.params = tuple(params)

    def as_sql(self, compiler, connection):
        table = compiler.quote_name(compiler.query.get_initial_alias())
        return self.template.format(table=table), list(self.params)


def clean_query(text: str) -> str:
    """The typed text without control characters (PostgreSQL refuses a NUL), bounded."""
    return "".join(ch for ch in (text or "")[:MAX_QUERY] if ch.isprintable()).strip()


def words(text: str) -> list[str]:
    """The words of a query; punctuation and operators a person typed are not syntax here."""
    return WORD.findall(text or "")[:MAX_WORDS]


def fts5_query(text: str) -> str:
    """An FTS5 MATCH expression for the typed text: every word quoted (so AND, NEAR, *, -, ( and "
    mean nothing), all required, the last one as a prefix. Empty when there is no word."""
    found = words(text)
    if not found:
        return ""
    quoted = [f'"{w}"' for w in found]
    quoted[-1] += "*"
    return " ".join(quoted)


def _pg_query() -> str:
    return f"websearch_to_tsquery('{PG_CONFIG}', %s)"


def matching(queryset, text: str):
    """Publication rows of `queryset` matching the typed text, best first (annotated with
    `search_rank`, higher is better). No searchable word gives no rows."""
    text = clean_query(text)
    vendor = connection.vendor
    if vendor == "postgresql":
        if not words(text):
            return queryset.none()
        query = _pg_query()
        matches = _TableSQL(f"{{table}}.search_vector @@ {query}", [text], BooleanField())
        # Match on the full vector (GIN), rank on the slim one (migration 0003): a story-only
        # match ranks 0 and is ordered by the ties, after every match in name, facets or summary.
        rank = _TableSQL(f"ts_rank({{table}}.rank_vector, {query})", [text], FloatField())
        return queryset.filter(matches).annotate(search_rank=rank).order_by("-search_rank", *_TIES)
    if vendor == "sqlite":
        expression = fts5_query(text)
        if not expression:
            return queryset.none()
        matches = _TableSQL(
            f"{{table}}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",  # noqa: S608
            [expression],
            BooleanField(),
        )
        # A materialised ranking, computed once per query (a plain correlated bm25() would run
        # the full-text query once per row).
        rank = _TableSQL(
            f"(WITH ranked AS MATERIALIZED (SELECT rowid AS publication_id, "  # noqa: S608
            f"-bm25({FTS_TABLE}, {FTS_WEIGHTS}) AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s) "
            "SELECT score FROM ranked WHERE publication_id = {table}.id)",
            [expression],
            FloatField(),
        )
        return queryset.filter(matches).annotate(search_rank=rank).order_by("-search_rank", *_TIES)
    return _fallback(queryset, text)


def _fallback(queryset, text: str):
    """Other databases: every word somewhere in the public text (no ranking)."""
    found = words(text)
    if not found:
        return queryset.none()
    for word in found:
        queryset = queryset.filter(
            Q(name__icontains=word) | Q(search_text__icontains=word) | Q(theme__icontains=word)
        )
    return queryset.order_by(*_TIES)


def _marked(raw: str) -> SafeString:
    """Escape the database's excerpt, then turn only our markers into <mark>."""
    html = escape(raw or "")
    if html.count(START) != html.count(STOP):
        html = html.replace(START, "").replace(STOP, "")
    return mark_safe(html.replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def summary_excerpt(publication) -> SafeString:
    """The excerpt shown without a query (or when the story has no match): the summary."""
    return mark_safe(escape(Truncator(publication.summary).chars(SUMMARY_CHARS)))  # noqa: S308


def snippets(publications, text: str) -> dict[int, SafeString]:
    """pk -> an HTML-safe excerpt of each publication's public story with the query's words in
    <mark>; the summary where there is no query or no excerpt (one query for the whole page)."""
    publications = list(publications)
    result = {p.pk: summary_excerpt(p) for p in publications}
    text = clean_query(text)
    if not publications or not words(text):
        return result
    ids = [p.pk for p in publications]
    for pk, raw in _excerpts(ids, text):
        if raw and raw.strip():
            result[pk] = _marked(raw)
    return result


def _excerpts(ids: list[int], text: str) -> list[tuple[int, str]]:
    vendor = connection.vendor
    if vendor == "postgresql":
        headline = _TableSQL(
            f"ts_headline('{PG_CONFIG}', {{table}}.search_text, {_pg_query()}, %s)",
            [text, HEADLINE_OPTIONS],
            TextField(),
        )
        return list(
            Publication.objects.filter(pk__in=ids)
            .annotate(excerpt=headline)
            .values_list("pk", "excerpt")
        )
    if vendor == "sqlite":
        placeholders = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet({FTS_TABLE}, 2, %s, %s, '…', {SNIPPET_TOKENS}) "  # noqa: S608
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [START, STOP, fts5_query(text), *ids])
            return list(cursor.fetchall())
    return []
