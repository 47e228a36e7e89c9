"""The database cache's table, so production without CACHE_URL (db://sinovda_cache) works right
after `migrate`, with no separate `createcachetable` step to forget.

The default table is always made (switching CACHE_URL to db:// later needs nothing more); a table
named in CACHE_URL at migrate time is made too. `manage.py createcachetable` does the same for a
table named later, and does nothing for tables that exist.
"""

from django.conf import settings
from django.core.management.commands.createcachetable import Command
from django.db import migrations

from sinovda.lib.cache_url import DEFAULT_DB_TABLE


def create_cache_tables(apps, schema_editor):
    tables = {DEFAULT_DB_TABLE}
    for cache in settings.CACHES.values():
        if cache.get("BACKEND") == "django.core.cache.backends.db.DatabaseCache":
            tables.add(cache["LOCATION"])
    command = Command()
    command.verbosity = 0  # normally set by handle(); migrate prints its own progress
    for table in sorted(tables):
        command.create_table(schema_editor.connection.alias, table, dry_run=False)


class Migration(migrations.Migration):
    dependencies = []

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
