"""The private storage, seen object by object: every name, its size and sha256.

Only `private_storage()`'s listdir/open/save/delete are used, so the same code walks a local folder
and an S3 bucket. Objects are read in chunks; the size is counted while hashing, so each object costs
one read and no extra metadata call.
"""

import hashlib
from collections.abc import Iterator

from django.core.files import File

from sinovda.lib.storage import private_storage

from .archive import CHUNK


def walk(storage=None, prefix: str = "") -> Iterator[str]:
    """Every object name under `prefix`, sorted, with '/' between folders."""
    storage = storage or private_storage()
    try:
        folders, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for folder in sorted(folders):
        yield from walk(storage, f"{prefix}{folder}/")


class HashingReader:
    """Passes reads through and keeps a running sha256 and byte count of what went by."""

    def __init__(self, stream):
        self._stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def digest(stream) -> tuple[int, str]:
    reader = HashingReader(stream)
    while reader.read(CHUNK):
        pass
    return reader.size, reader.sha256.hexdigest()


def describe(name: str, storage=None) -> dict:
    storage = storage or private_storage()
    with storage.open(name, "rb") as stream:
        size, sha256 = digest(stream)
    return {"name": name, "size": size, "sha256": sha256}


def size_of(name: str, storage=None) -> int:
    return (storage or private_storage()).size(name)


def put(name: str, stream, storage=None) -> None:
    """Store `stream` under exactly `name` (an existing object of that name is replaced)."""
    storage = storage or private_storage()
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, File(stream, name=name))
    if saved != name:
        raise RuntimeError(f"storage kept {name!r} as {saved!r}")
