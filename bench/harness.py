"""A local installation of Sinovda as it runs for real, for the load and fault proofs.

From the project's own files and Debian's packages, everything on loopback in one temporary folder:
two app nodes (granian) on free ports, nginx in front of them (its config written into the folder),
one or two background workers (`manage.py run_worker`), and optionally redis-server as the shared
cache (CACHE_URL) and a moto S3 server as the object storage (STORAGE_URL). Each process runs in its
own process group under a name ("node1", "worker2", "nginx", ...), so a fault can kill exactly one.
`stop()` ends all of them and removes the folder; it runs on exit, Ctrl+C and SIGTERM too.

`PrivateCluster` is a PostgreSQL server of our own (Debian's binaries, a free port, as `nobody` when
root, like .ci/run), for the faults that stop and restart the database.

    uv run python bench/harness.py --database-url postgres://…/db [--redis] [--s3] [--workers 2]
"""

from __future__ import annotations

import argparse
import atexit
import collections
import contextlib
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
BUCKET = "sinovda-proof"
S3_CREDENTIALS = "proof:proof"  # moto accepts any
X_ACCEL_PREFIX = "/_bukti/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process for port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def http_status(url: str, timeout: float = 5.0) -> int:
    """The status of a GET, 0 when there is no answer at all."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - our loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def as_postgres_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run the command as `nobody` (like .ci/run)."""
    if os.geteuid() != 0:
        return command
    return ["su", "nobody", "-s", "/bin/sh", "-c", " ".join(_quote(part) for part in command)]


def _quote(text: str) -> str:
    return shlex.quote(text)


def postgres_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise RuntimeError("PostgreSQL is not installed (Debian: apt-get install postgresql)")


class PrivateCluster:
    """A throwaway PostgreSQL cluster on a free loopback port (trust auth, user `sinovda`)."""

    def __init__(self, folder: Path):
        self.bin = postgres_bin()
        self.data = folder / "pgdata"
        self.socket = folder / "pgsocket"
        self.port = free_port()
        self.running = False

    def url(self, database: str = "sinovda") -> str:
        return f"postgres://sinovda@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> None:
        command = as_postgres_owner([str(self.bin / args[0]), *args[1:]])
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603

    def init(self) -> None:
        for folder in (self.data, self.socket):
            folder.mkdir(parents=True)
            if os.geteuid() == 0:
                shutil.chown(folder, "nobody")
        self._run("initdb", "-D", str(self.data), "-U", "sinovda", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-k {self.socket} -p {self.port} -c listen_addresses=127.0.0.1"
        log = str(self.data / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        self.running = True

    def stop(self) -> None:
        """Fast shutdown: SIGINT to the postmaster, then wait. A signal, not `pg_ctl stop`: this
        also runs at exit, where Python 3.12 may no longer start processes."""
        if not self.running:
            return
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            time.sleep(0.1)
        self.running = False

    def createdb(self, name: str) -> str:
        createdb = str(self.bin / "createdb")
        subprocess.run(  # noqa: S603
            [createdb, "-h", "127.0.0.1", "-p", str(self.port), "-U", "sinovda", name], check=True
        )
        return self.url(name)


class Installation:
    """App nodes, nginx, workers (and Redis, moto) for one DATABASE_URL; see the module docstring."""

    def __init__(
        self,
        database_url: str,
        *,
        nodes: int = 2,
        node_workers: int = 1,
        workers: int = 1,
        redis: bool = False,
        s3: bool = False,
        extra_env: dict[str, str] | None = None,
        folder: Path | None = None,
    ):
        self.database_url = database_url
        self.nodes, self.node_workers, self.workers = nodes, node_workers, workers
        self.use_redis, self.use_s3 = redis, s3
        self.extra_env = extra_env or {}
        self.own_folder = folder is None
        self.folder = folder or Path(tempfile.mkdtemp(prefix="sinovda-proof-"))
        self.folder.chmod(0o755)  # nginx's workers (nobody) read the private files via X-Accel
        self.processes: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}
        self.s3_endpoint = ""
        self.url = ""
        self._stopped = False
        self.killed: set[str] = set()  # stopped on purpose: not restarted
        self.restarts: collections.Counter = collections.Counter()

    # --- the environment every app process gets ------------------------------------------------
    def env(self) -> dict[str, str]:
        private = self.folder / "private"
        private.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "SINOVDA_ENV": "production",
            "SECRET_KEY": getattr(self, "_secret", None) or self._new_secret(),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": self.database_url,
            "PRIVATE_MEDIA_ROOT": str(private),
            "EVIDENCE_X_ACCEL_PREFIX": X_ACCEL_PREFIX,
            "TRUSTED_PROXY_COUNT": "1",
            "PROMETHEUS_MULTIPROC_DIR": str(self.folder / "prometheus"),
            "PYTHONUNBUFFERED": "1",
        }
        (self.folder / "prometheus").mkdir(exist_ok=True)
        if self.use_redis:
            env["CACHE_URL"] = f"redis://127.0.0.1:{self.ports['redis']}/0"
        if self.use_s3:
            env["STORAGE_URL"] = (
                f"s3://{S3_CREDENTIALS}@{BUCKET}/evidence?endpoint_url={self.s3_endpoint}"
                "&region=us-east-1"
            )
        env.update(self.extra_env)
        return env

    def _new_secret(self) -> str:
        self._secret = secrets.token_urlsafe(50)
        return self._secret

    # --- starting --------------------------------------------------------------------------------
    def _spawn(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own binaries, fixed arguments
            command,
            cwd=ROOT,
            env=env or self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill reaches its children too
        )
        log.close()
        self.processes[name] = process
        return process

    def manage(self, *args: str) -> None:
        command = [sys.executable, "manage.py", *args]
        subprocess.run(command, cwd=ROOT, env=self.env(), check=True)  # noqa: S603

    def start(self) -> Installation:
        _register(self)
        if self.use_redis:
            self.start_redis()
        if self.use_s3:
            self.start_moto()
        self.manage("migrate", "--no-input", "-v", "0")
        self.manage("collectstatic", "--no-input", "-v", "0")
        for n in range(1, self.nodes + 1):
            self.start_node(f"node{n}")
        for n in range(1, self.workers + 1):
            self.start_worker(f"worker{n}")
        self.start_nginx()
        threading.Thread(target=self._restart_workers, daemon=True).start()
        return self

    def _restart_workers(self) -> None:
        """As systemd does (deploy/systemd/sinovda-worker@.service: Restart=always, RestartSec=2),
        a worker that exits by itself (e.g. on a database outage) is started again after 2 s."""
        while not self._stopped:
            for name, process in list(self.processes.items()):
                if (
                    name.startswith("worker")
                    and name not in self.killed
                    and process.poll() is not None
                ):
                    time.sleep(2)
                    if not self._stopped and name not in self.killed:
                        self.restarts[name] += 1
                        self.start_worker(name)
            time.sleep(0.5)

    def start_node(self, name: str) -> None:
        port = self.ports.setdefault(name, free_port())
        command = [
            str(VENV_BIN / "granian"),
            *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", str(self.node_workers), "--blocking-threads", "1", "--no-ws"),
            "sinovda.wsgi:application",
        ]
        process = self._spawn(name, command)
        wait_for_port(port, 180, process)

    def start_worker(self, name: str) -> None:
        self.killed.discard(name)
        has_run_worker = (ROOT / "sinovda/workers/management/commands/run_worker.py").exists()
        command = [sys.executable, "manage.py", "run_worker" if has_run_worker else "db_worker"]
        self._spawn(name, command)

    def start_redis(self) -> None:
        port = self.ports.setdefault("redis", free_port())
        command = [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
        command += ["--appendonly", "no", "--dir", str(self.folder)]
        wait_for_port(port, 20, self._spawn("redis", command, env=dict(os.environ)))

    def start_moto(self) -> None:
        port = self.ports.setdefault("moto", free_port())
        command = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
        wait_for_port(port, 30, self._spawn("moto", command, env=dict(os.environ)))
        self.s3_endpoint = f"http://127.0.0.1:{port}"
        if not self.ports.get("bucket"):
            import boto3

            key, secret = S3_CREDENTIALS.split(":")
            boto3.client(
                "s3",
                endpoint_url=self.s3_endpoint,
                region_name="us-east-1",
                aws_access_key_id=key,
                aws_secret_access_key=secret,
            ).create_bucket(Bucket=BUCKET)
            self.ports["bucket"] = 1

    def start_nginx(self) -> None:
        port = self.ports.setdefault("nginx", free_port())
        config = self.folder / "nginx.conf"
        config.write_text(self.nginx_config(port))
        process = self._spawn("nginx", [NGINX, "-c", str(config), "-p", str(self.folder)])
        wait_for_port(port, 20, process)
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while http_status(self.url + "/masuk/") != 200:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the login page does not answer 200; logs in {self.folder}")
            time.sleep(0.5)

    def nginx_config(self, port: int) -> str:
        """nginx's main config around the project's site (deploy/nginx/sinovda.conf) moved onto
        loopback; without that file, a minimal site of the same shape."""
        folder = self.folder
        temp = "\n".join(
            f"  {kind}_temp_path {folder}/nginx-{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
        site = self.project_site(port) or self.minimal_site(port)
        return f"""{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
{temp}
{site}
}}
"""

    def node_lines(self, options: str) -> str:
        return "\n".join(
            f"    server 127.0.0.1:{self.ports[name]} {options};"
            for name in sorted(self.ports)
            if name.startswith("node")
        )

    def project_site(self, port: int) -> str:
        """deploy/nginx/sinovda.conf with our nodes in its upstream, plain http on our port instead
        of its TLS server (the port-80 redirect server left out), and our folders for its paths."""
        path = ROOT / "deploy/nginx/sinovda.conf"
        if not path.exists():
            return ""
        text = path.read_text()
        head, *servers = re.split(r"(?m)^server \{", text)
        tls = next((body for body in servers if re.search(r"listen 443", body)), None)
        if tls is None or not re.search(r"(?m)^\s*server 127\.0\.0\.1:\d+", head):
            return ""
        options = re.search(r"(?m)^\s*server 127\.0\.0\.1:\d+ ([^;]*);", head).group(1)
        lines = []
        for line in (head + "server {" + tls).splitlines():
            stripped = line.strip()
            if re.match(r"server 127\.0\.0\.1:\d+", stripped):
                if options is not None:
                    lines.append(self.node_lines(options))
                    options = None
                continue
            if stripped.startswith(("ssl_", "server_name", "listen [::]")):
                continue
            if stripped.startswith("listen "):
                line = f"    listen 127.0.0.1:{port};"
            line = re.sub(
                r"(access_log|error_log)\s+/var/log/nginx/[^ ;]+",
                rf"\1 {self.folder}/nginx-site.log",
                line,
            )
            line = line.replace("/srv/sinovda/app", str(ROOT))
            line = line.replace("/var/lib/sinovda/private/", f"{self.folder}/private/")
            lines.append(line)
        return "\n".join(lines)

    def minimal_site(self, port: int) -> str:
        """Upstream of the nodes, proxy headers, body limit, timeouts, static files, the internal
        evidence location for X-Accel-Redirect."""
        nodes = self.node_lines("max_fails=1 fail_timeout=5s")
        folder = self.folder
        return f"""  upstream sinovda {{
{nodes}
    keepalive 32;
  }}
  server {{
    listen 127.0.0.1:{port};
    client_max_body_size 60m;
    client_body_timeout 60s;
    location /static/ {{ alias {ROOT}/staticfiles/; expires 30d; access_log off; }}
    location {X_ACCEL_PREFIX} {{ internal; alias {folder}/private/; }}
    location / {{
      proxy_pass http://sinovda;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Request-ID $request_id;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
      proxy_send_timeout 30s;
      proxy_request_buffering on;
      proxy_next_upstream error timeout http_502;
    }}
  }}"""

    # --- faults and teardown ----------------------------------------------------------------------
    def pids(self, prefix: str) -> list[int]:
        """Every live process (children included) of the named processes starting with `prefix`."""
        groups = {p.pid for name, p in self.processes.items() if name.startswith(prefix)}
        return [pid for pid, group in _process_groups().items() if group in groups]

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        process = self.processes[name]
        self.killed.add(name)
        _signal_group(process, sig)
        process.wait()

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        if self.own_folder and not os.environ.get("PROOF_KEEP_FOLDER"):
            shutil.rmtree(self.folder, ignore_errors=True)

    def log_tail(self, name: str, lines: int = 20) -> str:
        path = self.folder / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def _process_groups() -> dict[int, int]:
    """pid -> process group of every process on the machine (from /proc)."""
    groups = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        groups[int(entry.name)] = int(fields[2])  # state, ppid, pgrp
    return groups


def rss_mb(pid: int) -> float:
    """Resident memory of one process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


# Everything started is stopped on exit, on Ctrl+C and on SIGTERM.
_running: list = []


def _register(thing) -> None:
    if not _running:
        atexit.register(stop_everything)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    _running.append(thing)


def stop_everything() -> None:
    while _running:
        thing = _running.pop()
        try:
            thing.stop()
        except Exception as error:  # noqa: BLE001 - keep stopping the rest
            print(f"stopping {thing.__class__.__name__}: {error}", file=sys.stderr)


def register_cluster(cluster: PrivateCluster) -> None:
    _register(cluster)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--nodes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--redis", action="store_true", help="Redis as the shared cache")
    parser.add_argument("--s3", action="store_true", help="moto as the object storage")
    args = parser.parse_args()
    if not args.database_url or not args.database_url.startswith("postgres"):
        sys.exit("--database-url (PostgreSQL) is required")
    site = Installation(
        args.database_url, nodes=args.nodes, workers=args.workers, redis=args.redis, s3=args.s3
    ).start()
    print(f"Sinovda at {site.url}/  (folder {site.folder}; Ctrl+C stops everything)")
    for name, process in site.processes.items():
        print(f"  {name:8} pid {process.pid}  port {site.ports.get(name, '-')}")
    try:
        while all(p.poll() is None for p in site.processes.values()):
            time.sleep(1)
        print("a process ended; stopping the rest")
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
