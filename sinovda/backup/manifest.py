"""Making a backup and reading one back: the manifest says what the backup holds and how to know
that a restored installation is the same (row counts per table, sha256 of every stored object)."""

import json
import shutil
import subprocess  # noqa: S404 - `git rev-parse` for the commit, when the code is a checkout
import tempfile
from importlib import metadata
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from . import archive, database, objects

FORMAT = 1


def _version() -> dict:
    try:
        version = metadata.version("sinovda")
    except metadata.PackageNotFoundError:
        version = None
    commit = None
    git = shutil.which("git")
    if git and (Path(settings.BASE_DIR) / ".git").exists():
        result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        commit = result.stdout.strip() or None
    return {"version": version, "commit": commit}


def _file_digest(path: Path) -> tuple[int, str]:
    with open(path, "rb") as stream:
        return objects.digest(stream)


def _add_object(out, name: str, storage) -> dict:
    size = objects.size_of(name, storage)
    with storage.open(name, "rb") as stream:
        reader = objects.HashingReader(stream)
        out.add_stream(archive.file_member(name), reader, size)
        if reader.size != size or stream.read(1):
            raise database.BackupError(f"{name} changed while it was copied; run the backup again")
    return {"name": name, "size": reader.size, "sha256": reader.sha256.hexdigest()}


def create(path: Path, *, with_files: bool = False, progress=None) -> dict:
    """Write a backup to `path` (a directory, or a .tar/.tar.gz archive) and return its manifest.

    The database first, then the objects: an object stored after the dump is only an extra file, and
    every object the dump refers to was stored before it (uploads store the file, then the row).
    """
    progress = progress or (lambda message: None)
    db_vendor = database.vendor()
    storage = objects.private_storage()
    out = archive.writer(path)
    try:
        dump_name = database.DUMP_NAMES[db_vendor]
        with tempfile.TemporaryDirectory(dir=out.scratch(), prefix=".dump-") as scratch:
            dump_path = Path(scratch) / dump_name
            counts, migrations = database.dump(dump_path)
            dump_size, dump_sha = _file_digest(dump_path)
            out.add_path(dump_name, dump_path)
        progress(f"database: {len(counts)} tables, {sum(counts.values())} rows")
        described = []
        for name in objects.walk(storage):
            if with_files:
                described.append(_add_object(out, name, storage))
            else:
                described.append(objects.describe(name, storage))
        progress(f"storage: {len(described)} objects, {sum(o['size'] for o in described)} bytes")
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "sinovda": _version(),
            "database": {
                "vendor": db_vendor,
                "dump": dump_name,
                "size": dump_size,
                "sha256": dump_sha,
            },
            "migrations": migrations,
            "tables": counts,
            "files_included": with_files,
            "objects": described,
        }
        out.add_bytes(archive.MANIFEST, json.dumps(manifest, indent=1).encode())
        out.close()
    except BaseException:
        out.close()
        _discard(path)
        raise
    return manifest


def _discard(path: Path) -> None:
    """A half-written backup must not be mistaken for a good one."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


def read(backup) -> dict:
    if not backup.exists(archive.MANIFEST):
        raise database.BackupError("this is not a Sinovda backup: manifest.json is missing")
    with backup.open(archive.MANIFEST) as stream:
        manifest = json.load(stream)
    if manifest.get("format") != FORMAT:
        raise database.BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest
