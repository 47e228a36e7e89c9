"""A real Redis for the tests: Debian's redis-server in its own process on a free port, which a
test can stop and start again on the same port (an outage and its end).

Skipped when redis-server is missing, except in CI (SINOVDA_REQUIRE_SERVERS=1), where that fails.
"""

import os
import shutil
import socket
import subprocess
import time

import pytest

from tests.s3server import free_port


def binary() -> str:
    found = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not os.path.exists(found):
        if os.environ.get("SINOVDA_REQUIRE_SERVERS"):
            pytest.fail("redis-server is required (SINOVDA_REQUIRE_SERVERS is set)")
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    return found


class RedisServer:
    def __init__(self, directory):
        self.binary = binary()
        self.directory = str(directory)
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - the installed redis-server, fixed arguments
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", self.directory],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False
