"""Putting a backup back, and checking an installation against a backup's manifest.

A restore goes into an empty database only (a restore over live data is the one mistake that cannot
be undone); --force replaces what is there. The dump's checksum is checked before anything changes.
Objects already in the storage with the right checksum are kept; a different object of the same name
is replaced only with --force.
"""

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from . import archive, database, objects
from .database import BackupError

SHOWN = 10  # problems of one kind listed by name; the rest are counted


@dataclass
class Report:
    checked_tables: int = 0
    checked_objects: int = 0
    restored_objects: int = 0
    kept_objects: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        lines = [
            f"tables checked: {self.checked_tables}",
            f"objects checked: {self.checked_objects}",
        ]
        if self.restored_objects or self.kept_objects:
            lines.append(
                f"objects restored: {self.restored_objects}, "
                f"already present and equal: {self.kept_objects}"
            )
        lines += [f"note: {note}" for note in self.notes]
        lines += [f"MISMATCH: {problem}" for problem in self.problems]
        lines.append("result: OK" if self.ok else f"result: {len(self.problems)} mismatch(es)")
        return lines


def _dump_file(backup, manifest: dict, scratch: Path) -> Path:
    """The dump as a file on disk (pg_restore and sqlite3 want a path), its checksum verified."""
    name = manifest["database"]["dump"]
    if not backup.exists(name):
        raise BackupError(f"the backup has no {name}")
    if isinstance(backup, archive.DirectoryReader):
        path = backup.path / name
    else:
        path = scratch / name
        with backup.open(name) as source, open(path, "wb") as target:
            shutil.copyfileobj(source, target, archive.CHUNK)
    with open(path, "rb") as stream:
        size, sha256 = objects.digest(stream)
    if sha256 != manifest["database"]["sha256"] or size != manifest["database"]["size"]:
        raise BackupError(
            f"{name} is damaged (its sha256 differs from the manifest); nothing restored"
        )
    return path


def _existing(entry: dict, storage) -> str:
    """'absent', 'equal' or 'different': what the storage holds under the entry's name."""
    if not storage.exists(entry["name"]):
        return "absent"
    return "equal" if objects.describe(entry["name"], storage) == entry else "different"


def restore(backup, manifest: dict, *, force: bool = False, progress=None) -> Report:
    progress = progress or (lambda message: None)
    db_vendor = database.vendor()
    if manifest["database"]["vendor"] != db_vendor:
        raise BackupError(
            f"this backup is of a {manifest['database']['vendor']} database; "
            f"the configured database is {db_vendor}"
        )
    tables = database.live_tables()
    if tables and not force:
        raise BackupError(
            f"the database is not empty ({len(tables)} tables). Restore into an empty database "
            "(PostgreSQL: dropdb + createdb; SQLite: a new file), or pass --force to replace "
            "everything in it."
        )
    storage = objects.private_storage()
    states = {}
    if manifest["files_included"]:
        for entry in manifest["objects"]:
            if not backup.exists(archive.file_member(entry["name"])):
                raise BackupError(f"the backup has no copy of {entry['name']}")
            states[entry["name"]] = _existing(entry, storage)
        clashes = [name for name, state in states.items() if state == "different"]
        if clashes and not force:
            raise BackupError(
                f"{len(clashes)} object(s) in the storage differ from the backup, e.g. "
                f"{clashes[0]}; pass --force to replace them"
            )

    report = Report()
    with tempfile.TemporaryDirectory(prefix="sinovda-restore-") as scratch:
        dump_path = _dump_file(backup, manifest, Path(scratch))
        database.restore(dump_path, force=force)
    progress(f"database restored from {manifest['database']['dump']}")

    if manifest["files_included"]:
        for entry in manifest["objects"]:
            if states[entry["name"]] == "equal":
                report.kept_objects += 1
                continue
            with backup.open(archive.file_member(entry["name"])) as stream:
                objects.put(entry["name"], stream, storage)
            report.restored_objects += 1
        progress(f"objects restored: {report.restored_objects}")
    else:
        report.notes.append(
            "the backup holds no objects (made without --with-files): the storage must be "
            "restored separately; it is checked against the manifest below"
        )
    verify(manifest, report)
    return report


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN])
    return shown + (f" and {len(names) - SHOWN} more" if len(names) > SHOWN else "")


def _pending_migrations() -> int:
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def verify(manifest: dict, report: Report | None = None) -> Report:
    """Compare the live database and storage with the manifest: row counts and every object."""
    report = report or Report()
    counts = database.live_counts()
    for table, expected in sorted(manifest["tables"].items()):
        report.checked_tables += 1
        if table not in counts:
            report.problems.append(f"table {table} is missing")
        elif counts[table] != expected:
            report.problems.append(
                f"table {table}: {counts[table]} rows, the backup has {expected}"
            )
    extra_tables = sorted(set(counts) - set(manifest["tables"]))
    if extra_tables:
        report.notes.append(f"tables not in the backup: {_listed(extra_tables)}")
    if database.live_migrations() != manifest["migrations"]:
        report.notes.append("the applied migrations differ from the backup's")
    pending = _pending_migrations()
    if pending:
        report.notes.append(
            f"{pending} migration(s) of this code are not applied: run manage.py migrate"
        )

    storage = objects.private_storage()
    missing, damaged = [], []
    for entry in manifest["objects"]:
        report.checked_objects += 1
        if not storage.exists(entry["name"]):
            missing.append(entry["name"])
        elif objects.describe(entry["name"], storage) != entry:
            damaged.append(entry["name"])
    if missing:
        report.problems.append(f"{len(missing)} object(s) missing: {_listed(missing)}")
    if damaged:
        report.problems.append(
            f"{len(damaged)} object(s) differ from their sha256: {_listed(damaged)}"
        )
    known = {entry["name"] for entry in manifest["objects"]}
    extra = [name for name in objects.walk(storage) if name not in known]
    if extra:
        report.notes.append(f"{len(extra)} object(s) not in the backup: {_listed(extra)}")
    return report
