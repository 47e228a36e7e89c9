"""The catalogue's data version moves when a publication is deleted, however it is deleted.

Saves are caught by a post_save receiver (catalogue.versions). Deletes happen through unpublishing
(which also bumps), a deleted innovation (ON DELETE CASCADE in Django), the admin, and bulk deletes
(the synthetic nation's reset). A post_delete receiver would turn every bulk delete into a
row-by-row delete with signals, so the database does it: a trigger in the deleting transaction,
once per statement on PostgreSQL, once per row on SQLite (which has no statement triggers; the
update of one row is cheap). The stamp only has to differ from the last one.

Like the FTS5 triggers of 0002, the SQLite trigger is dropped when a later migration rebuilds
catalogue_publication: tests/web/test_catalogue_search.py::test_the_sqlite_index_triggers_exist
lists it.
"""

from django.db import migrations

PG_FORWARD = [
    """
    CREATE FUNCTION catalogue_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE catalogue_catalogueversion
        SET stamp = substr(md5(random()::text || clock_timestamp()::text), 1, 16),
            changed_at = now()
        WHERE id = 1;
        RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER catalogue_publication_version_ad AFTER DELETE ON catalogue_publication "
    "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_version_bump()",
]
PG_BACKWARD = [
    "DROP TRIGGER IF EXISTS catalogue_publication_version_ad ON catalogue_publication",
    "DROP FUNCTION IF EXISTS catalogue_version_bump()",
]
SQLITE_FORWARD = [
    "CREATE TRIGGER catalogue_publication_version_ad AFTER DELETE ON catalogue_publication "
    "BEGIN UPDATE catalogue_catalogueversion SET stamp = lower(hex(randomblob(8))), "
    "changed_at = strftime('%Y-%m-%d %H:%M:%f', 'now') WHERE id = 1; END"
]
SQLITE_BACKWARD = ["DROP TRIGGER IF EXISTS catalogue_publication_version_ad"]


def _run(schema_editor, statements):
    for statement in statements:
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_FORWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_FORWARD)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, PG_BACKWARD)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0004_search_tier_vectors")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
