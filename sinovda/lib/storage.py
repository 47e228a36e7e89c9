"""Private storage (evidence, emblems, generated files, import stashes): no public URL, ever.

Two backends behind one object. By default files live in a folder outside every served directory
(PRIVATE_MEDIA_ROOT); with STORAGE_URL=s3://bucket/prefix?endpoint_url=… they live in S3-compatible
object storage (sinovda/lib/s3storage.py, loaded only then: boto3 costs a second at start). Either
way files leave only through permission-checked views (sinovda/lib/downloads.py).

Model fields are built once, when the models load, so they hold the `PrivateStorage` below; it hands
each call to the backend the settings name at that moment, so tests (and a deployment) can switch.
"""

import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, Storage


class StorageUnavailable(Exception):
    """The storage could not be reached or refused the request; nothing was stored. Not an
    OSError on purpose: callers that treat OSError as "the file is missing" must not see it."""


# --- STORAGE_URL -----------------------------------------------------------------------------------

S3_OPTIONS = {"endpoint_url", "region", "addressing_style", "acl"}
ACLS = {"private", "bucket-owner-full-control", "none"}


@dataclass(frozen=True)
class S3Location:
    """Where the files go in S3-compatible storage, as STORAGE_URL says."""

    bucket: str
    prefix: str = ""
    endpoint_url: str | None = None
    region: str | None = None
    addressing_style: str | None = None
    acl: str | None = "private"
    # From the URL's user part; else boto3 reads AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)


@lru_cache(maxsize=16)  # read on every storage call; the URL rarely changes
def parse_storage_url(url: str | None) -> S3Location | None:
    """None for the local folder; an S3Location for s3://bucket/prefix?option=value. Messages never
    repeat the URL: it may carry a secret key."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "s3":
        raise ImproperlyConfigured("STORAGE_URL must start with s3:// (or be unset for local disk)")
    if not parts.hostname:
        raise ImproperlyConfigured("STORAGE_URL must name a bucket: s3://bucket/prefix")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(options) - S3_OPTIONS)
    if unknown:
        raise ImproperlyConfigured(
            f"STORAGE_URL has unknown options {', '.join(unknown)}; known: "
            + ", ".join(sorted(S3_OPTIONS))
        )
    acl = options.get("acl", "private")
    if acl not in ACLS:
        raise ImproperlyConfigured(
            "STORAGE_URL acl must be private, bucket-owner-full-control or none"
        )
    style = options.get("addressing_style") or None
    if style not in {None, "path", "virtual", "auto"}:
        raise ImproperlyConfigured("STORAGE_URL addressing_style must be path, virtual or auto")
    endpoint = options.get("endpoint_url") or None
    if endpoint and urlsplit(endpoint).scheme not in {"http", "https"}:
        raise ImproperlyConfigured("STORAGE_URL endpoint_url must be an http(s) address")
    if (parts.username is None) != (parts.password is None):
        raise ImproperlyConfigured(
            "STORAGE_URL credentials need both key id and secret (key:secret@)"
        )
    return S3Location(
        bucket=parts.hostname,
        prefix=parts.path.strip("/"),
        endpoint_url=endpoint,
        region=options.get("region") or None,
        addressing_style=style,
        acl=None if acl == "none" else acl,
        access_key=unquote(parts.username) if parts.username else None,
        secret_key=unquote(parts.password) if parts.password else None,
    )


def without_credentials(url: str | None) -> str:
    """The URL with any key:secret@ removed (kept in settings, shown nowhere)."""
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return parts._replace(netloc=host).geturl()


# --- the backends ----------------------------------------------------------------------------------


class LocalPrivateStorage(FileSystemStorage):
    """The folder PRIVATE_MEDIA_ROOT, read from settings on each use."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public URL; use a permission-checked view.")

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except (FileExistsError, FileNotFoundError):
            raise
        except OSError as error:  # a full or read-only disk: the upload fails, nothing is kept
            raise StorageUnavailable(f"local storage refused the file: {error.strerror}") from error

    def stream(self, name):
        """(readable binary file, size in bytes)."""
        handle = open(self.path(name), "rb")  # noqa: SIM115 - the response closes it
        return handle, os.fstat(handle.fileno()).st_size


_local = LocalPrivateStorage()
_remote: dict[S3Location, Storage] = {}


def backend() -> Storage:
    """The storage STORAGE_URL names now: the local folder, or one S3 storage per location."""
    location = parse_storage_url(getattr(settings, "STORAGE_URL", ""))
    if location is None:
        return _local
    storage = _remote.get(location)
    if storage is None:
        from .s3storage import S3PrivateStorage

        storage = _remote[location] = S3PrivateStorage.at(location)
    return storage


class PrivateStorage(Storage):
    """What model fields hold: every call goes to `backend()`. Only the calls Django's files and
    our code make are passed on; `url` is refused here too."""

    @property
    def is_local(self) -> bool:
        return backend() is _local

    def open(self, name, mode="rb"):
        return backend().open(name, mode)

    def save(self, name, content, max_length=None):
        return backend().save(name, content, max_length=max_length)

    def get_valid_name(self, name):
        return backend().get_valid_name(name)

    def get_alternative_name(self, file_root, file_ext):
        return backend().get_alternative_name(file_root, file_ext)

    def get_available_name(self, name, max_length=None):
        return backend().get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return backend().generate_filename(filename)

    def path(self, name):
        return backend().path(name)  # NotImplementedError on object storage

    def delete(self, name):
        return backend().delete(name)

    def exists(self, name):
        return backend().exists(name)

    def listdir(self, path):
        return backend().listdir(path)

    def size(self, name):
        return backend().size(name)

    def get_modified_time(self, name):
        return backend().get_modified_time(name)

    def url(self, name):
        raise ValueError("Private files have no public URL; use a permission-checked view.")

    def stream(self, name):
        """(readable binary file, size) that reads the stored file piece by piece, for a response.
        FileNotFoundError when it is gone; StorageUnavailable when the storage cannot be reached."""
        return backend().stream(name)

    @contextmanager
    def local_path(self, name):
        """A path on this machine holding the stored file, for libraries that read paths (pdfium,
        Tesseract, Pillow). On object storage the file is streamed into a temporary file that is
        deleted on exit; on local disk it is the stored file itself."""
        storage = backend()
        if storage is _local:
            yield storage.path(name)
            return
        suffix = PurePosixPath(name).suffix
        directory = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
        with tempfile.NamedTemporaryFile(suffix=suffix, dir=directory) as copy:
            storage.download(name, copy)
            copy.flush()
            yield copy.name


_storage = PrivateStorage()


def private_storage():
    return _storage
