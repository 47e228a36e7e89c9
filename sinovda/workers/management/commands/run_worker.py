import logging
import os
import socket

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from sinovda.workers import config
from sinovda.workers.worker import SinovdaWorker


def default_worker_id() -> str:
    # Readable in the heartbeat table and the logs, and unique across machines and restarts.
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


class Command(db_worker.Command):
    help = (
        "Run a background worker: django-tasks-db's worker plus a heartbeat, recovery of tasks "
        "left by a dead worker, retries with backoff and the periodic schedule (docs/workers.md). "
        "Run one per machine or more; it exits after --max-tasks tasks or above --max-rss-mb, "
        "and its service manager starts it again."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(worker_id=default_worker_id(), reload=False, queue_name="*")
        parser.add_argument(
            "--max-rss-mb",
            type=int,
            default=getattr(settings, "SINOVDA_WORKER_MAX_RSS_MB", 0) or None,
            help="stop gracefully after a task when resident memory is above this (default: "
            "SINOVDA_WORKER_MAX_RSS_MB)",
        )
        parser.add_argument(
            "--heartbeat",
            type=float,
            default=None,
            help="seconds between heartbeats (default: SINOVDA_WORKER_HEARTBEAT_SECONDS)",
        )

    def configure_logging(self, verbosity):
        super().configure_logging(verbosity)
        # Retries, recoveries and restarts are what an operator reads the worker's log for.
        logging.getLogger("sinovda.workers").setLevel(
            logging.INFO if verbosity else logging.WARNING
        )

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, max_rss_mb, **options):
        if reload:
            raise CommandError("run_worker does not reload; use db_worker --reload in development")
        self.configure_logging(verbosity)
        config.periodic_tasks()  # a bad schedule stops the worker at start, not at 06:00
        config.retry_policies()
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        max_tasks = options["max_tasks"] or getattr(settings, "SINOVDA_WORKER_MAX_TASKS", 0) or None
        worker = SinovdaWorker(
            queue_names=queue_names,
            excluded_queue_names=excluded,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=max_tasks,
            worker_id=options["worker_id"],
            max_rss_bytes=max_rss_mb * 2**20 if max_rss_mb else None,
            heartbeat=options["heartbeat"],
        )
        worker.configure_signals()
        worker.run()
