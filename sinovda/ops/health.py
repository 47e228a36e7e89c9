"""The readiness checks behind /readyz: each answers "ok" or why not, in a word.

Each is cheap (one query, one storage lookup, one read of the queue) so a proxy or monitor can ask
every few seconds. Details of a failure go to the log, never into the answer.
"""

import logging
import os

from django.conf import settings
from django.db import connection

from sinovda.lib.storage import private_storage

logger = logging.getLogger("sinovda.ops")

# A name no file has: exists() on it costs one stat (disk) or one HEAD request (S3), and an
# unreachable or misconfigured storage raises instead of answering.
SENTINEL = ".sinovda-readiness-probe"

OK = "ok"
FAIL = "fail"
STALE = "stale"
UNKNOWN = "unknown"


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("Readiness: database check failed", exc_info=True)
        return FAIL
    return OK


def check_storage() -> str:
    storage = private_storage()
    try:
        try:
            root = storage.path("")
        except NotImplementedError:  # object storage: no local folder
            root = None
        if root is not None:
            # The first upload would create the folder too; a folder that cannot be made or
            # written (a missing volume, wrong owner) is what this catches.
            os.makedirs(root, exist_ok=True)
            if not os.access(root, os.W_OK):
                raise PermissionError(f"{root} is not writable")
        storage.exists(SENTINEL)
    except Exception:
        logger.warning("Readiness: private storage check failed", exc_info=True)
        return FAIL
    return OK


def check_worker() -> str:
    """ "ok" when some worker's heartbeat is inside the workers' stale window
    (SINOVDA_WORKER_STALE_SECONDS, sinovda/workers)."""
    try:
        from sinovda.workers.status import worker_status

        status = worker_status()
    except ImportError:
        return UNKNOWN
    except Exception:
        logger.warning("Readiness: worker status could not be read", exc_info=True)
        return FAIL
    return OK if status.workers_alive > 0 else STALE


def readiness() -> tuple[list[str], dict[str, str]]:
    """(the failing checks' names, every check's result); ready when the first is empty."""
    checks = {"database": check_database(), "storage": check_storage()}
    # Without a database there is no heartbeat to read; skip the second failure.
    checks["worker"] = check_worker() if checks["database"] == OK else UNKNOWN
    failing = {name for name, result in checks.items() if result != OK}
    if not settings.READYZ_REQUIRE_WORKER:
        # A stopped worker delays files and e-mail but pages still work: taking every app node
        # out of the proxy for it would turn a delay into an outage. Monitoring alerts on it.
        failing.discard("worker")
    return sorted(failing), checks
