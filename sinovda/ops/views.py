"""Health, readiness, metrics and the error pages. No login: the proxy and the monitor call the
first two; the metrics need the token. None of them says which versions run."""

import sys

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.template import loader
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sinovda.lib.marks import public_view
from sinovda.lib.request_id import current_request_id

from . import metrics
from .health import readiness
from .outage import is_database_outage, outage_response


@public_view
@never_cache
def healthz(request):
    """The process answers. Nothing else is looked at: a database outage must not make the
    supervisor restart healthy processes."""
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@public_view
@never_cache
def readyz(request):
    failing, checks = readiness()
    body = {"status": "fail" if failing else "ok", "checks": checks}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)


def _token_view(view):
    """/metrics answers only a Bearer METRICS_TOKEN: 404 while no token is configured (the endpoint
    does not exist), 401 without a token, 403 with a wrong one."""

    def wrapped(request, *args, **kwargs):
        expected = settings.METRICS_TOKEN
        if not expected:
            raise Http404
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not given:
            response = HttpResponse("authentication required\n", status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not constant_time_compare(given.strip(), expected):
            return HttpResponse("forbidden\n", status=403)
        return view(request, *args, **kwargs)

    wrapped.sinovda_permission = "token"
    return wrapped


@_token_view
@require_GET
@never_cache
def metrics_view(request):
    from prometheus_client import CONTENT_TYPE_LATEST

    return HttpResponse(metrics.scrape(), content_type=CONTENT_TYPE_LATEST)


def server_error(request, template_name="500.html"):
    """handler500: the outage page for a dead database (also when a middleware met it), else the
    500 page with the request id. Rendered without context processors, which may need the database."""
    exception = sys.exc_info()[1]
    if exception is not None and is_database_outage(exception):
        return outage_response(request, exception)
    request_id = getattr(request, "request_id", "") or current_request_id.get()
    body = loader.render_to_string(template_name, {"request_id": request_id})
    return HttpResponse(body, status=500)
