"""The first middleware: every request gets an id, one access log line and its metrics, and a
database outage met inside a view becomes the 503 page (outage.py) instead of a 500.

It stands before SecurityMiddleware so that even the HTTPS redirect carries an id and is counted.
"""

import logging
import time

from django.conf import settings

from sinovda.lib.request_id import current_request_id, is_valid, new_request_id

from . import metrics
from .outage import is_database_outage, outage_response

HEADER = "X-Request-ID"
# Route arguments that are secrets (password reset and import preview links): never in a log line.
SECRET_ARGUMENTS = {"token", "uidb64"}

access_log = logging.getLogger("sinovda.access")


def request_id_for(request) -> str:
    # A client talking to us directly could send any id (and make its lines look like someone
    # else's), so the header counts only when a proxy we trust sets it.
    if settings.TRUSTED_PROXY_COUNT > 0:
        incoming = request.headers.get(HEADER, "")
        if is_valid(incoming):
            return incoming
    return new_request_id()


def route_name(request) -> str:
    """The URL pattern's name ("catalogue", "api-v1:list_innovations"), never the raw path: one
    label per route keeps the metrics small whatever addresses people try."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "<unmatched>"
    return match.view_name or "<unnamed>"


def loggable_path(request) -> str:
    match = getattr(request, "resolver_match", None)
    path = request.path
    if match is not None:
        for name in SECRET_ARGUMENTS & set(match.kwargs):
            value = str(match.kwargs[name])
            if value:
                path = path.replace(value, "***")
    return path


def user_id(request):
    # Only a user the request already loaded: loading it here would cost a query per request, and
    # fail again during a database outage.
    user = getattr(request, "_cached_user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


def forget_request_id(**kwargs):
    """request_finished: the request is over, later log lines (a worker thread's) are not its."""
    current_request_id.set("")


class RequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        # Not reset when this returns: Django logs an error answer ("Service Unavailable: /x")
        # after the middleware chain, and that line needs the id too. forget_request_id clears it
        # when the response is closed (request_finished).
        current_request_id.set(request.request_id)
        started = time.perf_counter()
        metrics.IN_FLIGHT.inc()
        try:
            response = self.get_response(request)
            response[HEADER] = request.request_id
            duration = time.perf_counter() - started
            route = route_name(request)
            metrics.observe_request(route, response.status_code, duration)
            access_log.info(
                "%s %s %s",
                request.method,
                loggable_path(request),
                response.status_code,
                extra={
                    "method": request.method,
                    "path": loggable_path(request),
                    "route": route,
                    "status": response.status_code,
                    "duration_ms": round(duration * 1000, 1),
                    "user_id": user_id(request),
                },
            )
            return response
        finally:
            metrics.IN_FLIGHT.dec()

    def process_exception(self, request, exception):
        """A view that met a dead database: the outage page (middleware errors go through
        handler500, views.server_error, to the same page)."""
        if is_database_outage(exception):
            return outage_response(request, exception)
        return None
