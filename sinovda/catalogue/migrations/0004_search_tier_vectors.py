"""Search relevance by field tiers (PostgreSQL only; SQLite keeps its FTS5 table from 0002).

Ranking every match with ts_rank read every matching row: for a common word (all 20,000 publications
of the national dataset) that took 60–140 ms whatever the index. The search now orders matches by
the heaviest fields that hold every word of the query (the name, then the name with tematik and
urusan, then the whole public text) and, within a tier, in the catalogue's listing order (newest
year, name): each tier is read in the order index `catalogue_pub_order_idx` with a LIMIT, so a page
costs about the rows it shows (docs/catalogue.md, "Search").

Two small stored vectors, each with a GIN index so that a word rare in names or facets is found
through the index rather than by walking the order: `name_vector` (the name, weight A) and
`label_vector` (the name A, tematik and urusan B). Both are exactly the first parts of
`search_vector` (0002), so a query without negation that matches them matches the whole text.
`rank_vector` (0003) is no longer read and goes.
"""

from django.db import migrations

PG_CONFIG = "sinovda_indonesian"
NAME = f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, coalesce(name, '')), 'A')"
FACETS = (
    f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, "
    "coalesce(theme, '') || ' ' || coalesce(main_affair, '') || ' ' "
    "|| coalesce(other_affairs::text, '')), 'B')"
)
FORWARD = [
    "ALTER TABLE catalogue_publication DROP COLUMN IF EXISTS rank_vector",
    "ALTER TABLE catalogue_publication ADD COLUMN name_vector tsvector "
    f"GENERATED ALWAYS AS ({NAME}) STORED",
    "ALTER TABLE catalogue_publication ADD COLUMN label_vector tsvector "
    f"GENERATED ALWAYS AS ({NAME} || {FACETS}) STORED",
    "CREATE INDEX catalogue_publication_name_search_idx ON catalogue_publication "
    "USING GIN (name_vector)",
    "CREATE INDEX catalogue_publication_label_search_idx ON catalogue_publication "
    "USING GIN (label_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS catalogue_publication_name_search_idx",
    "DROP INDEX IF EXISTS catalogue_publication_label_search_idx",
    "ALTER TABLE catalogue_publication DROP COLUMN IF EXISTS name_vector",
    "ALTER TABLE catalogue_publication DROP COLUMN IF EXISTS label_vector",
    "ALTER TABLE catalogue_publication ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS ("
    f"{NAME} || {FACETS} || "
    f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, coalesce(summary, '')), 'C')) STORED",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0003_version_order_rank")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
