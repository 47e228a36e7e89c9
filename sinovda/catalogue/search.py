"""Search of published innovations, in Indonesian, on either database.

PostgreSQL: the stored tsvector `search_vector` (migration 0002: name weight A, tematik and urusan B,
the public story C) under the `sinovda_indonesian` configuration, queried with
websearch_to_tsquery (it accepts anything a person types: quotes, minus, "or", stray symbols).
Relevance is by *tier*: the heaviest fields that hold every word of the query (migration 0004) —
the name (3), else the name with tematik and urusan (2), else the whole public text (1) — and,
within a tier, the catalogue's listing order (newest year, then name). A page (`page`) reads at
most a page's worth of rows of each vector in that order, plus the capped count, so a word found in
all 20,000 publications costs about what a rare one does; ranking every match with ts_rank cost
60–140 ms for such a word. Excerpts by
ts_headline of the summary when it holds a word of the query, else of the whole public text.

SQLite: the FTS5 table `catalogue_publication_fts` (same three weights through bm25). What a person
types becomes words, each quoted, so nothing typed is read as FTS5 syntax; the last word matches as
a prefix (people stop typing mid-word); excerpts by snippet().

Both index only the public copy (Publication rows); nothing here reads a report. The SQL below is
built only from this module's constants; what a person types is always a parameter.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Expression, FloatField, IntegerField, Q, TextField
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator

from sinovda.innovations.models import Innovation
from sinovda.regions.models import Agency, Region

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


def _negated(text: str) -> bool:
    """Whether the query may exclude words (websearch's -word): then a match in the name or the
    facets does not imply a match of the whole text, so the tiers check the whole text too."""
    return "-" in text


def _pg_condition(sql: str, text: str) -> _TableSQL:
    """`sql` with {table} for the row's table and {q} for the typed query (a parameter each time)."""
    count = sql.count("{q}")
    sql = sql.replace("{q}", _pg_query())
    return _TableSQL(sql, [text] * count, BooleanField())


_PG_MATCH = "{table}.search_vector @@ {q}"
_PG_IN_NAME = "{table}.name_vector @@ {q}"
_PG_IN_LABEL = "{table}.label_vector @@ {q}"
_PG_TIER_SQL = (
    "CASE WHEN {table}.name_vector @@ {q} THEN 3 WHEN {table}.label_vector @@ {q} THEN 2 ELSE 1 END"
)


def _sqlite_match(expression: str) -> _TableSQL:
    return _TableSQL(
        f"{{table}}.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",  # noqa: S608
        [expression],
        BooleanField(),
    )


def matches(queryset, text: str):
    """Publication rows of `queryset` matching the typed text, unordered and without a rank: for
    counting, and for callers with an order of their own (the API's cursor)."""
    text = clean_query(text)
    vendor = connection.vendor
    if vendor == "postgresql":
        if not words(text):
            return queryset.none()
        return queryset.filter(_pg_condition(_PG_MATCH, text))
    if vendor == "sqlite":
        expression = fts5_query(text)
        return queryset.filter(_sqlite_match(expression)) if expression else queryset.none()
    return _fallback(queryset, text)


def matching(queryset, text: str):
    """Publication rows of `queryset` matching the typed text, best first (annotated with
    `search_rank`, higher is better: the tier on PostgreSQL, bm25 on SQLite). No searchable word
    gives no rows. A page of results is cheaper through `page` (same order)."""
    text = clean_query(text)
    vendor = connection.vendor
    if vendor == "postgresql":
        if not words(text):
            return queryset.none()
        tier = _TableSQL(_PG_TIER_SQL.replace("{q}", _pg_query()), [text, text], IntegerField())
        return (
            queryset.filter(_pg_condition(_PG_MATCH, text))
            .annotate(search_rank=tier)
            .order_by("-search_rank", *_TIES)
        )
    if vendor == "sqlite":
        expression = fts5_query(text)
        if not expression:
            return queryset.none()
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
        return (
            queryset.filter(_sqlite_match(expression))
            .annotate(search_rank=rank)
            .order_by("-search_rank", *_TIES)
        )
    return _fallback(queryset, text)


@dataclass(frozen=True)
class Page:
    ids: list[int]  # the page's primary keys, in the order of `matching`
    count: int  # matches counted up to the cap given (cap + 1 or more: "more than cap")
    # PostgreSQL: the page's rows for a card, fetched in the same query (dicts of CARD_COLUMNS
    # and "excerpt", the raw ts_headline); None elsewhere (fetch them by id).
    cards: list[dict] | None = None


# What a card shows (catalogue views): column -> SQL on the joined tables of `page`.
CARD_COLUMNS = {
    "pk": "p.id",
    "name": "p.name",
    "year": "p.year",
    "form": "p.form",
    "kind": "p.kind",
    "stage": "p.stage",
    "summary": "p.summary",
    # Scalar subqueries rather than joins: the same index reads, and planning the page's query
    # with three more joined tables cost more than running it.
    "region_name": "(SELECT r.name FROM {region} r WHERE r.id = p.region_id)",
    "agency_name": "(SELECT a.name FROM {agency} a WHERE a.id = p.agency_id)",
    "public_id": "(SELECT i.public_id FROM {innovation} i WHERE i.id = p.innovation_id)",
}


def page(queryset, text: str, offset: int, limit: int, count_upto: int, conditions=None) -> Page:
    """One page of `matching(queryset, text)` and the number of matches counted up to
    `count_upto`: one query on PostgreSQL, two elsewhere.

    PostgreSQL: the page in tier order is the first `offset + limit` rows of that order, and those
    are among the first `offset + limit` rows (in listing order) of the name matches, the name and
    facet matches, and all matches: three reads of one indexed vector each, every one with a LIMIT
    (the planner's estimate for a single vector is good, so it walks the order index for a
    common word and takes the GIN index for a rare one). A row's tier comes from its two small
    vectors. The count is a fourth read, unordered, that stops at `count_upto` matches.

    `conditions` (from `direct_conditions`, the same filters `queryset` applies): the four reads are
    then written here directly instead of compiled by the ORM, which cost more than the reads
    themselves on a cold page."""
    text = clean_query(text)
    if connection.vendor != "postgresql":
        found = matching(queryset, text)
        counted = matches(queryset, text).order_by()[:count_upto].count()
        return Page(list(found.values_list("pk", flat=True)[offset : offset + limit]), counted)
    if not words(text) or queryset.query.is_empty():
        return Page([], 0, [])
    reach = offset + limit
    if conditions is not None:
        branches, (count_sql, count_params) = _direct_reads(text, reach, count_upto, conditions)
        return _page_query(
            queryset, text, offset, limit, count_upto, branches, count_sql, count_params
        )
    flags = {
        "in_name": _pg_condition(_PG_IN_NAME, text),
        "in_label": _pg_condition(_PG_IN_LABEL, text),
    }
    reads = [(_PG_IN_NAME, reach), (_PG_IN_LABEL, reach), (_PG_MATCH, reach)]
    branches = []
    try:
        for condition, rows in reads:
            if condition != _PG_MATCH and _negated(text):
                condition = f"{condition} AND {_PG_MATCH}"
            branch = (
                queryset.filter(_pg_condition(condition, text))
                .annotate(**flags)
                .order_by(*_TIES)
                .values_list("pk", "year", "name", "in_name", "in_label")[:rows]
            )
            branches.append(branch.query.sql_with_params())
        # The count needs no order: it stops at `count_upto` matches wherever they are.
        counted = matches(queryset, text).order_by().values_list("pk")[:count_upto]
        count_sql, count_params = counted.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (e.g. an empty id list)
        return Page([], 0, [])
    return _page_query(queryset, text, offset, limit, count_upto, branches, count_sql, count_params)


def _tables() -> dict[str, str]:
    return {
        name: connection.ops.quote_name(model._meta.db_table)
        for name, model in (
            ("publication", Publication),
            ("region", Region),
            ("agency", Agency),
            ("innovation", Innovation),
        )
    }


def _page_query(queryset, text, offset, limit, count_upto, branches, count_sql, count_params):
    (name_sql, name_params), (label_sql, label_params), (all_sql, all_params) = branches
    excerpt, excerpt_params = _excerpt_sql("p", text, found_in_story="shown.tier = 1")
    tables = _tables()
    # Django cannot order a union of sliced queries: the merge is written here, around the
    # ORM's own SQL for each read (filters and joins included); then the shown rows' card
    # columns and excerpts (ts_headline only for them), and the count, in the same round trip.
    columns = ", ".join(f"{sql.format(**tables)} AS {name}" for name, sql in CARD_COLUMNS.items())
    # A read runs only when the reads before it found fewer rows than the page reaches (the
    # condition on the previous read's count is a one-time filter: when it is false, PostgreSQL
    # does not start the scan): a word in 20 names never walks the index for the whole text,
    # which cost 7–16 ms for a common word.
    sql = (
        f"WITH by_name AS MATERIALIZED ({name_sql}), "  # noqa: S608
        "by_label AS MATERIALIZED (SELECT * FROM ("
        f"{label_sql}) AS label_read WHERE (SELECT count(*) FROM by_name) < %s), "
        "by_all AS MATERIALIZED (SELECT * FROM ("
        f"{all_sql}) AS all_read WHERE (SELECT count(*) FROM by_name) < %s "
        "AND (SELECT count(*) FROM by_label) < %s), "
        "shown AS (SELECT pk, tier, row_number() OVER (ORDER BY tier DESC, year DESC, name, pk) "
        "AS place FROM (SELECT pk, year, name, "
        "CASE WHEN in_name THEN 3 WHEN in_label THEN 2 ELSE 1 END AS tier "
        "FROM (SELECT * FROM by_name UNION SELECT * FROM by_label UNION SELECT * FROM by_all) "
        "AS candidates (pk, year, name, in_name, in_label)) AS tiered "
        "ORDER BY place LIMIT %s OFFSET %s) "
        f"SELECT {columns}, {excerpt} AS excerpt, "
        f"(SELECT count(*) FROM ({count_sql}) AS counted) AS counted "
        f"FROM shown JOIN {tables['publication']} p ON p.id = shown.pk "
        "ORDER BY shown.place"
    )
    reach = offset + limit
    params = [
        *name_params,
        *label_params,
        reach,
        *all_params,
        reach,
        reach,
        limit,
        offset,
        *excerpt_params,
        *count_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    if rows:
        return Page([row["pk"] for row in rows], rows[0]["counted"], rows)
    if offset == 0:
        return Page([], 0, [])
    # A page past the end: the count still matters (the paginator then shows the last page).
    return Page([], matches(queryset, text).order_by()[:count_upto].count(), [])


# The filters the direct SQL of `page` writes itself (filters.apply_filters's simple ones), as SQL
# on the publication row `p`; {region} is the region table. Each takes one parameter per %s.
_DIRECT_FILTERS = {
    "region": ("p.region_id IN (SELECT id FROM {region} WHERE code = %s)", 1),
    "province": (
        "p.region_id IN (SELECT r.id FROM {region} r LEFT JOIN {region} pr "
        "ON pr.id = r.province_id WHERE r.code = %s OR pr.code = %s)",
        2,
    ),
    "form": ("p.form = %s", 1),
    "kind": ("p.kind = %s", 1),
    "stage": ("p.stage = %s", 1),
    "theme": ("p.theme = %s", 1),
    "year": ("p.year = %s", 1),
}


def direct_conditions(filters: dict) -> list[tuple[str, list]] | None:
    """The filters (apply_filters's keyword -> typed value) as SQL for `page`, or None when one of
    them needs the ORM (urusan, predikat, OPD, a value that is not a sensible year): the caller
    then passes none and `page` compiles the queryset's own SQL."""
    conditions = []
    for name, value in filters.items():
        if value is None or str(value).strip() == "":
            continue
        if name not in _DIRECT_FILTERS:
            return None
        value = str(value).strip()
        if name == "year":
            if not value.isdigit() or not 1900 <= int(value) <= 2999:
                return None
            value = int(value)
        sql, count = _DIRECT_FILTERS[name]
        conditions.append((sql, [value] * count))
    return conditions


def _direct_reads(text: str, reach: int, count_upto: int, conditions):
    """The three ordered reads and the count of `page`, for the publications under `conditions`."""
    tables = _tables()
    where = [sql.format(region=tables["region"]) for sql, _params in conditions]
    where_params = [param for _sql, params in conditions for param in params]
    query = _pg_query()
    match = _PG_MATCH.format(table="p", q=query)
    flags = f"{_PG_IN_NAME.format(table='p', q=query)}, {_PG_IN_LABEL.format(table='p', q=query)}"
    branches = []
    for condition in (_PG_IN_NAME, _PG_IN_LABEL, _PG_MATCH):
        parts = [condition.format(table="p", q=query)]
        if condition != _PG_MATCH and _negated(text):
            parts.append(match)
        sql = (
            f"SELECT p.id, p.year, p.name, {flags} FROM {tables['publication']} p "  # noqa: S608
            f"WHERE {' AND '.join(parts + where)} ORDER BY p.year DESC, p.name ASC, p.id ASC "
            "LIMIT %s"
        )
        branches.append((sql, [text, text, *[text] * len(parts), *where_params, reach]))
    count_sql = (
        f"SELECT p.id FROM {tables['publication']} p "  # noqa: S608
        f"WHERE {' AND '.join([match, *where])} LIMIT %s"
    )
    return branches, (count_sql, [text, *where_params, count_upto])


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


_EXCERPT = (
    "CASE WHEN to_tsvector('{config}', {table}.summary) @@ {q} "
    "THEN ts_headline('{config}', {table}.summary, {q}, %s) "
    "WHEN {in_story} THEN ts_headline('{config}', {table}.search_text, {q}, %s) END"
)


def _excerpt_sql(table: str, text: str, found_in_story: str = "TRUE") -> tuple[str, list]:
    """The excerpt: the summary's headline when the summary holds the query; else, for a row
    `found_in_story` (SQL; a search page knows the row's tier), the headline of the whole public
    text; else NULL (the plain summary is shown: the query's words are in the card's name, tematik
    or urusan, and a headline of the whole text, ≈0.3 ms a row, would only repeat them)."""
    sql = _EXCERPT.replace("{config}", PG_CONFIG).replace("{q}", _pg_query())
    sql = sql.replace("{table}", table).replace("{in_story}", found_in_story)
    return sql, [text, text, HEADLINE_OPTIONS, text, HEADLINE_OPTIONS]


def excerpt_sql(text: str) -> Expression:
    """PostgreSQL: the raw excerpt (with START/STOP markers) of the row, for annotate(). The
    summary (≈300 characters of tujuan and manfaat) when it holds the query, else the whole public
    text: ts_headline parses all the text it is given, and the whole text is ~1 kB (≈0.4 ms a row
    against ≈0.03 ms for the summary)."""
    sql, params = _excerpt_sql("{table}", text)
    return _TableSQL(sql, params, TextField())


def marked(raw: str | None) -> SafeString | None:
    """An excerpt from the database as safe HTML, or None when it is empty."""
    return _marked(raw) if raw and raw.strip() else None


def _excerpts(ids: list[int], text: str) -> list[tuple[int, str]]:
    vendor = connection.vendor
    if vendor == "postgresql":
        return list(
            Publication.objects.filter(pk__in=ids)
            .annotate(excerpt=excerpt_sql(text))
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
