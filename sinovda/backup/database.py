"""The database part of a backup: a consistent dump plus the facts the manifest records about it
(row counts per table, applied migrations), taken from the same moment as the dump.

PostgreSQL: `pg_dump --format=custom` inside an exported snapshot, so the counts describe exactly
the rows in the dump even while the site keeps writing; `pg_restore` back. Credentials go to the
tools through the environment (PGPASSWORD), never on a command line where `ps` would show them.
SQLite: the online backup API of sqlite3 (a consistent copy of a live WAL database), both ways.
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump/pg_restore are the tools for the job
from pathlib import Path

from django.db import connection, transaction

DUMP_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}

PG_ENV = {
    "HOST": "PGHOST",
    "PORT": "PGPORT",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",
    "NAME": "PGDATABASE",
}
PG_SSL_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


class BackupError(Exception):
    pass


def vendor() -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")
    return connection.vendor


# --- what is in a database ----------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(cursor, db_vendor: str) -> list[str]:
    if db_vendor == "postgresql":
        cursor.execute(
            "SELECT tablename FROM pg_tables "
            "WHERE schemaname = ANY(current_schemas(false)) ORDER BY tablename"
        )
    else:
        cursor.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    return [row[0] for row in cursor.fetchall()]


def _counts(cursor, db_vendor: str) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor, db_vendor):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - a quoted table name
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations(cursor, db_vendor: str) -> dict[str, list[str]]:
    if "django_migrations" not in _tables(cursor, db_vendor):
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(app, []).append(name)
    return applied


def live_tables() -> list[str]:
    with connection.cursor() as cursor:
        return _tables(cursor, vendor())


def live_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return _counts(cursor, vendor())


def live_migrations() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        return _migrations(cursor, vendor())


# --- PostgreSQL -----------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The newest Debian build of a PostgreSQL tool (a pg_dump must not be older than the
    server), else the one on PATH."""
    debian = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: [int(part) for part in path.parts[-3].split(".") if part.isdigit()],
    )
    if debian:
        return str(debian[-1])
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} not found (install the PostgreSQL client tools)")
    return found


def pg_environment() -> dict[str, str]:
    settings_dict = connection.settings_dict
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    for setting, variable in PG_ENV.items():
        if settings_dict.get(setting):
            env[variable] = str(settings_dict[setting])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in PG_SSL_ENV.items():
        if options.get(option):
            env[variable] = str(options[option])
    return env


def _run(command: list[str]) -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell, secrets in env only
        command, env=pg_environment(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {result.stderr.strip()}")


def _dump_postgresql(target: Path) -> tuple[dict, dict]:
    if connection.in_atomic_block:
        raise BackupError("a backup cannot run inside a transaction")
    connection.ensure_connection()
    # One REPEATABLE READ transaction whose snapshot pg_dump joins: counts and dump see the same rows.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        counts = _counts(cursor, "postgresql")
        migrations = _migrations(cursor, "postgresql")
        _run([pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}"])
    return counts, migrations


def _restore_postgresql(source: Path, *, force: bool) -> None:
    if force:
        # Tables that the dump does not know would survive pg_restore --clean; drop them all.
        with connection.cursor() as cursor:
            for table in _tables(cursor, "postgresql"):
                cursor.execute(f"DROP TABLE IF EXISTS {_quote(table)} CASCADE")
    _run(
        [
            pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={connection.settings_dict['NAME']}",
            str(source),
        ]
    )
    connection.close()


# --- SQLite -------------------------------------------------------------------------------------


def _dump_sqlite(target: Path) -> tuple[dict, dict]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        cursor = copy.cursor()
        # Counted on the copy: exactly what the backup holds.
        return _counts(cursor, "sqlite"), _migrations(cursor, "sqlite")
    finally:
        copy.close()
        os.chmod(target, 0o600)


def _restore_sqlite(source: Path, *, force: bool) -> None:
    copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        connection.ensure_connection()
        copy.backup(connection.connection)
    finally:
        copy.close()


# --- the two entry points -----------------------------------------------------------------------


def dump(target: Path) -> tuple[dict, dict]:
    """Write the dump to `target`; return (row counts per table, applied migrations) as of it."""
    if vendor() == "postgresql":
        return _dump_postgresql(target)
    return _dump_sqlite(target)


def restore(source: Path, *, force: bool = False) -> None:
    if vendor() == "postgresql":
        _restore_postgresql(source, force=force)
    else:
        _restore_sqlite(source, force=force)
