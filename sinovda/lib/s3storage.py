"""Private files on S3-compatible object storage (AWS S3, MinIO, Ceph, Garage, moto in the tests).

django-storages' S3Storage with everything that could make a file public taken away: objects are
written with a private ACL (or none, for buckets that disable ACLs) and as attachments, `url()` is
refused, and no presigned address is ever made: downloads stream through the permission-checked
view (docs/decisions.md). Names stay as the models make them (hashes and job ids), and an existing
name is never overwritten, as on local disk.

Uploads stream: a file Django already spooled to disk is sent from its path in parts (nothing held
in memory); other files go through boto3's multipart upload, at most two 8 MB parts in memory.
Every failure to reach the storage becomes `StorageUnavailable`, a missing object FileNotFoundError.
"""

import mimetypes
from contextlib import contextmanager

from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from .storage import S3Location, StorageUnavailable

MB = 1024 * 1024
PART_BYTES = 8 * MB


@contextmanager
def reachable(name: str = ""):
    """Turn the client's errors into ours; the message names the object, never a credential."""
    try:
        yield
    except ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        code = error.response.get("Error", {}).get("Code", "")
        if status == 404 or code in {"NoSuchKey", "404", "NotFound"}:
            raise FileNotFoundError(f"no such object: {name}") from error
        raise StorageUnavailable(
            f"object storage refused the request ({code or status})"
        ) from error
    except (BotoCoreError, Boto3Error) as error:
        raise StorageUnavailable(f"object storage unreachable ({type(error).__name__})") from error


def client_config(location: S3Location) -> Config:
    return Config(
        # An unreachable storage must fail an upload in seconds, not minutes of retries.
        connect_timeout=5,
        read_timeout=60,
        retries={"max_attempts": 3, "mode": "standard"},
        s3={"addressing_style": location.addressing_style or "auto"},
        signature_version="s3v4",
        # Checksums only where S3 requires them: several S3-compatible servers refuse the newer
        # default trailing checksums.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )


def transfer_config() -> TransferConfig:
    config = TransferConfig(
        multipart_threshold=PART_BYTES,
        multipart_chunksize=PART_BYTES,
        max_concurrency=4,
        use_threads=True,
        preferred_transfer_client="classic",
    )
    # Parts read from a file object are held in memory until sent: bound them.
    config.max_in_memory_upload_chunks = 2
    return config


class S3PrivateStorage(S3Storage):
    default_acl = "private"
    querystring_auth = True
    querystring_expire = 60
    file_overwrite = False  # as on local disk: a name in use gets a new one, never replaced
    custom_domain = None
    gzip = False
    # Reading an object (a hand-off pack copying evidence, an emblem) spools it to a temporary
    # file past 1 MB instead of holding it in memory (django-storages' default: no limit).
    max_memory_size = 1 * MB

    @classmethod
    def at(cls, location: S3Location) -> "S3PrivateStorage":
        options = {
            "bucket_name": location.bucket,
            "location": location.prefix,
            "endpoint_url": location.endpoint_url,
            "region_name": location.region,
            "default_acl": location.acl,
            "client_config": client_config(location),
            "transfer_config": transfer_config(),
        }
        if location.access_key:
            options["access_key"] = location.access_key
            options["secret_key"] = location.secret_key
        return cls(**options)

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("Private files have no public URL; use a permission-checked view.")

    def _get_write_parameters(self, name, content=None):
        # The type comes from our own name (the kind sniffed from the bytes), never from what the
        # uploader's browser claimed; and the object is an attachment, should it ever be fetched.
        params = super()._get_write_parameters(name, None)
        params["ContentType"] = mimetypes.guess_type(name)[0] or self.default_content_type
        params["ContentDisposition"] = "attachment"
        return params

    def _key(self, name: str) -> str:
        return self._normalize_name(clean_name(name))

    def _save(self, name, content):
        path = getattr(content, "temporary_file_path", None)
        with reachable(name):
            if path is None:
                return super()._save(name, content)
            cleaned = clean_name(name)
            key = self._normalize_name(cleaned)
            self.bucket.Object(key).upload_file(
                path(), ExtraArgs=self._get_write_parameters(key), Config=self.transfer_config
            )
            return cleaned

    def _open(self, name, mode="rb"):
        with reachable(name):
            return super()._open(name, mode)

    def delete(self, name):
        with reachable(name):
            return super().delete(name)

    def exists(self, name):
        with reachable(name):
            return super().exists(name)

    def listdir(self, name):
        with reachable(name):
            return super().listdir(name)

    def size(self, name):
        with reachable(name):
            return super().size(name)

    def get_modified_time(self, name):
        with reachable(name):
            return super().get_modified_time(name)

    def get_available_name(self, name, max_length=None):
        with reachable(name):
            return super().get_available_name(name, max_length=max_length)

    def stream(self, name):
        """(the object's body, read piece by piece from the connection, size)."""
        with reachable(name):
            response = self.bucket.Object(self._key(name)).get()
        return _Body(response["Body"]), response["ContentLength"]

    def download(self, name, fileobj) -> None:
        """Copy the object into `fileobj` in parts (nothing whole in memory)."""
        with reachable(name):
            self.bucket.Object(self._key(name)).download_fileobj(
                fileobj, Config=self.transfer_config
            )


class _Body:
    """The object's streaming body with only read and close, so FileResponse neither seeks it nor
    guesses its length (the view sets Content-Length from the object)."""

    def __init__(self, body):
        self._body = body

    def read(self, size=-1):
        return self._body.read(None if size is None or size < 0 else size)

    def close(self):
        self._body.close()
