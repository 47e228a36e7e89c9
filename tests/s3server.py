"""A real S3-protocol server for the tests: moto's server mode, in its own process on a free port.

Its own process, not a thread: the memory tests measure this process only, and moto keeps every
object in memory. One server per test session, one bucket, a fresh prefix per test. Skipped when
moto is not installed, except in CI (SINOVDA_REQUIRE_SERVERS=1), where that is a failure.
"""

import importlib.util
import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass

import pytest

BUCKET = "sinovda-test"
REGION = "us-east-1"
# moto accepts any credentials; these travel in the URL, as a deployment may do.
CREDENTIALS = "testing:testing"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_moto() -> None:
    if importlib.util.find_spec("moto") and importlib.util.find_spec("flask"):
        return
    message = "moto[server] is not installed: the object-storage tests need it (uv sync --dev)"
    if os.environ.get("SINOVDA_REQUIRE_SERVERS") == "1":
        pytest.fail(message)
    pytest.skip(message)


@dataclass
class MotoServer:
    process: subprocess.Popen
    endpoint: str

    def url(self, prefix: str = "") -> str:
        prefix = prefix or uuid.uuid4().hex
        return f"s3://{CREDENTIALS}@{BUCKET}/{prefix}?endpoint_url={self.endpoint}&region={REGION}"

    def client(self):
        import boto3

        key, secret = CREDENTIALS.split(":")
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=REGION,
            aws_access_key_id=key,
            aws_secret_access_key=secret,
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_moto(timeout: float = 30) -> MotoServer:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("moto server did not start")
    server = MotoServer(process, f"http://127.0.0.1:{port}")
    server.client().create_bucket(Bucket=BUCKET)
    return server


@pytest.fixture(scope="session")
def moto_server():
    require_moto()
    server = start_moto()
    yield server
    server.stop()


@pytest.fixture
def s3_url(moto_server):
    """STORAGE_URL for a fresh, empty prefix of the session's bucket."""
    return moto_server.url()


def dead_storage_url() -> str:
    """An S3 URL whose endpoint nobody listens on: storage down."""
    return f"s3://{CREDENTIALS}@{BUCKET}/down?endpoint_url=http://127.0.0.1:{free_port()}&region={REGION}"
