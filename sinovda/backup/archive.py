"""Where a backup lives: a directory, or a tar archive (.tar, .tar.gz, .tgz).

Both are written and read through the same few methods, one member at a time, so no file is ever
held whole in memory. A backup holds password hashes and personal data: it is created readable by
its owner only.
"""

import io
import os
import shutil
import tarfile
import time
from pathlib import Path, PurePosixPath

CHUNK = 1024 * 1024

MANIFEST = "manifest.json"
FILES_DIR = "files"


def is_tar(path: Path) -> bool:
    return path.name.endswith((".tar", ".tar.gz", ".tgz"))


def safe_member(name: str) -> str:
    """A relative name that cannot climb out of the backup (no absolute path, no '..')."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"unsafe name in backup: {name!r}")
    return str(path)


class DirectoryWriter:
    def __init__(self, path: Path):
        if path.exists() and any(path.iterdir()):
            raise FileExistsError(f"{path} exists and is not empty")
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = path

    def _target(self, name: str) -> Path:
        target = self.path / safe_member(name)
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        return target

    def add_stream(self, name: str, stream, size: int | None = None) -> None:
        with open(self._target(name), "xb") as out:
            os.chmod(out.fileno(), 0o600)
            shutil.copyfileobj(stream, out, CHUNK)

    def add_path(self, name: str, source: Path) -> None:
        target = self._target(name)
        if source.resolve() != target.resolve():
            shutil.move(source, target)
        os.chmod(target, 0o600)

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add_stream(name, io.BytesIO(data))

    def scratch(self) -> Path:
        """A folder inside the backup for files a tool writes itself (the database dump)."""
        return self.path

    def close(self) -> None:
        pass


class TarWriter:
    def __init__(self, path: Path):
        if path.exists():
            raise FileExistsError(f"{path} exists")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(fd, "wb")
        mode = "w:gz" if path.name.endswith((".gz", ".tgz")) else "w"
        self._tar = tarfile.open(fileobj=self._file, mode=mode)  # noqa: SIM115 - closed by close()
        self.path = path

    def _info(self, name: str, size: int) -> tarfile.TarInfo:
        info = tarfile.TarInfo(safe_member(name))
        info.size = size
        info.mode = 0o600
        info.mtime = int(time.time())
        return info

    def add_stream(self, name: str, stream, size: int | None = None) -> None:
        # A tar header carries the size before the bytes; tarfile then reads exactly that many.
        if size is None:
            raise ValueError("a tar member needs its size up front")
        self._tar.addfile(self._info(name, size), stream)

    def add_path(self, name: str, source: Path) -> None:
        with open(source, "rb") as stream:
            self.add_stream(name, stream, source.stat().st_size)
        source.unlink()

    def add_bytes(self, name: str, data: bytes) -> None:
        self.add_stream(name, io.BytesIO(data), len(data))

    def scratch(self) -> Path:
        return self.path.parent

    def close(self) -> None:
        self._tar.close()
        self._file.close()


def writer(path: Path):
    return TarWriter(path) if is_tar(path) else DirectoryWriter(path)


class DirectoryReader:
    def __init__(self, path: Path):
        self.path = path

    def exists(self, name: str) -> bool:
        return (self.path / safe_member(name)).is_file()

    def open(self, name: str):
        return open(self.path / safe_member(name), "rb")

    def close(self) -> None:
        pass


class TarReader:
    def __init__(self, path: Path):
        self._tar = tarfile.open(path, mode="r:*")  # noqa: SIM115 - closed by close()
        self._members = {
            member.name: member for member in self._tar.getmembers() if member.isfile()
        }

    def exists(self, name: str) -> bool:
        return safe_member(name) in self._members

    def open(self, name: str):
        return self._tar.extractfile(self._members[safe_member(name)])

    def close(self) -> None:
        self._tar.close()


def reader(path: Path):
    if not path.exists():
        raise FileNotFoundError(f"no backup at {path}")
    return DirectoryReader(path) if path.is_dir() else TarReader(path)


def file_member(name: str) -> str:
    """Where a stored object sits inside the backup."""
    return f"{FILES_DIR}/{safe_member(name)}"
