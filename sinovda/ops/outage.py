"""While the database is unreachable, people get a calm 503 page with Retry-After, not a 500.

The page and its rendering touch no database: no context processors (they read the session,
memberships, notifications), only the request id. Django then discards the broken connection at the
end of the request (it was marked by the error) and CONN_HEALTH_CHECKS tests a kept connection before
the next request uses it, so the app recovers by itself when PostgreSQL is back.
"""

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

from sinovda.lib.request_id import current_request_id

from . import metrics

RETRY_AFTER_SECONDS = 10

logger = logging.getLogger("sinovda.ops")


def is_database_outage(exception) -> bool:
    return isinstance(exception, (OperationalError, InterfaceError))


def outage_response(request, exception) -> HttpResponse:
    metrics.DB_ERRORS.inc()
    logger.warning("Database unavailable: %s", exception.__class__.__name__)
    request_id = getattr(request, "request_id", "") or current_request_id.get()
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _("Layanan sedang dipulihkan. Coba lagi sebentar lagi."),
                "request_id": request_id,
            },
            status=503,
        )
    else:
        body = loader.render_to_string("503.html", {"request_id": request_id})
        response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
