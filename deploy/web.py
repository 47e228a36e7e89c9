"""Start Sinovda's web server: granian serving the WSGI app (docs/decisions.md, 35; docs/deploy.md).

    python deploy/web.py                 # from the project folder, with the virtualenv's python

Every granian option is a GRANIAN_* environment variable (`granian --help` lists them). This
launcher only fills in the ones Sinovda needs a different default for, then hands over to granian;
whatever the environment sets wins.
"""

import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (cgroups, taskset)
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


DEFAULTS = {
    "GRANIAN_INTERFACE": "wsgi",
    "GRANIAN_HOST": "127.0.0.1",  # nginx is the only client
    "GRANIAN_PORT": "8000",
    "GRANIAN_HTTP": "1",  # nginx talks HTTP/1.1 to its upstreams
    "GRANIAN_WEBSOCKETS": "false",
    # One process per core; a page is CPU-bound Python, so more processes than cores only queue.
    "GRANIAN_WORKERS": str(_cores()),
    # Threads per process that run requests: a few, so one waiting on PostgreSQL does not idle the
    # core. Each thread keeps its own database connection (CONN_MAX_AGE): workers × threads × nodes
    # must stay under PostgreSQL's max_connections (docs/deploy.md). granian's own default for WSGI
    # is hundreds of threads, i.e. hundreds of connections.
    "GRANIAN_BLOCKING_THREADS": "4",
    # Requests a process takes at once; more wait in the listen backlog (nginx waits with them).
    "GRANIAN_BACKPRESSURE": "8",
    "GRANIAN_RESPAWN_FAILED_WORKERS": "true",
    # A process above this resident size (MiB) is replaced: a slow leak cannot grow for ever.
    "GRANIAN_WORKERS_MAX_RSS": "512",
    # On stop or reload, requests in flight get this long before their process is killed.
    "GRANIAN_WORKERS_KILL_TIMEOUT": "30",
    # No access log: the app writes one JSON line per request with its request id (LOG_ACCESS).
    "GRANIAN_LOG_ACCESS_ENABLED": "false",
    "GRANIAN_WORKING_DIR": str(ROOT),
}


def prometheus_dir() -> str:
    """Prometheus multi-process mode: each process writes its numbers to files here and /metrics
    adds them up. Files from an earlier run would be added to the new numbers, so the folder is
    emptied at every start; one folder per server port (PrivateTmp keeps systemd units apart)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or os.path.join(
        tempfile.gettempdir(), f"sinovda-prometheus-{os.environ['GRANIAN_PORT']}"
    )
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    return directory


def main() -> None:
    for name, value in DEFAULTS.items():
        os.environ.setdefault(name, value)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = prometheus_dir()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinovda.settings")
    os.chdir(ROOT)
    # A shell starts background jobs with SIGINT ignored, and an ignored signal stays ignored across
    # exec: granian's worker processes would then never stop on Ctrl+C (`make serve`), and would be
    # killed only after GRANIAN_WORKERS_KILL_TIMEOUT.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    # Same interpreter, same virtualenv: granian's own command line, reading the environment.
    os.execv(sys.executable, [sys.executable, "-m", "granian", "sinovda.wsgi:application"])  # noqa: S606


if __name__ == "__main__":
    main()
