"""Prometheus metrics: requests and latency per route and status class, requests in flight, database
errors, and the background queue read from sinovda.workers at scrape time.

Several server processes (granian's workers): with PROMETHEUS_MULTIPROC_DIR set before the process
starts (the client library reads it at import), every process writes its numbers to files there and
a scrape adds them up. The folder must be emptied when the server starts (deploy/web.py does), and the
live gauges of a process that died (a respawned worker) are dropped at scrape time here. Metrics are
per node: scrape each app node, not the load balancer.
"""

import logging
import os
from pathlib import Path

from django.utils import timezone
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger("sinovda.ops")

REQUESTS = Counter(
    "sinovda_http_requests_total",
    "HTTP requests answered, by route name and status class.",
    ["route", "status"],
)
LATENCY = Histogram(
    "sinovda_http_request_duration_seconds",
    "Time to answer a request, by route name and status class.",
    ["route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
IN_FLIGHT = Gauge(
    "sinovda_http_requests_in_flight",
    "Requests being answered now.",
    multiprocess_mode="livesum",
)
DB_ERRORS = Counter(
    "sinovda_db_errors_total",
    "Requests that met an unreachable database (answered 503).",
)


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def observe_request(route: str, status: int, seconds: float) -> None:
    label = status_class(status)
    REQUESTS.labels(route, label).inc()
    LATENCY.labels(route, label).observe(seconds)


class WorkerStatusCollector:
    """The queue as the database sees it now (one query per scrape, in sinovda.workers), so every
    node reports the same numbers and nothing has to be kept in step."""

    def collect(self):
        up = GaugeMetricFamily(
            "sinovda_worker_status_up", "1 if the queue could be read at this scrape."
        )
        try:
            from sinovda.workers.status import worker_status

            status = worker_status()
        except Exception:  # the database may be down: say so instead of failing the scrape
            logger.warning("Could not read the worker status for metrics", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        values = {
            "sinovda_workers_alive": ("Workers with a recent heartbeat.", status.workers_alive),
            "sinovda_queue_ready": ("Jobs waiting to run.", status.queue_ready),
            "sinovda_jobs_running": ("Jobs running now.", status.running),
            "sinovda_jobs_failed_last_hour": (
                "Jobs that failed in the last hour.",
                status.failed_last_hour,
            ),
            "sinovda_queue_oldest_ready_age_seconds": (
                "Age of the oldest waiting job (0 when none waits).",
                status.oldest_ready_age_seconds or 0,
            ),
        }
        if status.newest_heartbeat is not None:
            age = (timezone.now() - status.newest_heartbeat).total_seconds()
            values["sinovda_worker_heartbeat_age_seconds"] = (
                "Seconds since the newest worker heartbeat.",
                max(age, 0.0),
            )
        for name, (documentation, value) in values.items():
            family = GaugeMetricFamily(name, documentation)
            family.add_metric([], float(value))
            yield family


class _ThisProcess:
    def collect(self):
        return REGISTRY.collect()


def forget_dead_processes(directory: str) -> None:
    """A process that died (killed, or replaced for its memory) leaves its "requests in flight"
    file behind, and the sum would count its last requests for ever. Counters stay: they are
    totals. Same machine, so a process id that no longer exists is a dead worker."""
    for path in Path(directory).glob("gauge_live*_*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if pid.isdigit() and not _alive(int(pid)):
            multiprocess.mark_process_dead(int(pid), directory)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, another user's
        return True
    return True


def scrape() -> bytes:
    """The text exposition: this process's metrics (or every worker's, in multiprocess mode) and
    the queue."""
    registry = CollectorRegistry()
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        forget_dead_processes(directory)
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())
    registry.register(WorkerStatusCollector())
    return generate_latest(registry)
