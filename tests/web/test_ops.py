"""Operations surface (sinovda/ops, docs/operations.md): health and readiness probes, request ids and
JSON logs, the error and outage pages, metrics behind a token, Sentry only when configured.

The outage tests make the database fail in two ways: a patched cursor (any database), and a real
PostgreSQL connection cut under a running granian server by a TCP relay the test stops and starts again.
"""

import contextlib
import io
import json
import logging
import os
import re
import select
import socket
import socketserver
import subprocess
import sys
import threading
import time
import types
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from django.utils import timezone

from sinovda.lib.logs import JsonFormatter, RequestIdFilter, logging_config
from sinovda.lib.request_id import current_request_id
from sinovda.ops.sentry import init_sentry, scrub_event
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
GENERATED_ID = re.compile(r"[0-9a-f]{32}")
CUT_CURSOR = "django.db.backends.utils.CursorWrapper.execute"


# --- a URL configuration with views that fail, for the error pages -------------------------------


def _boom(request):
    raise RuntimeError("secret detail that must not reach the page")


def _query(request):
    from sinovda.regions.models import Region

    return HttpResponse(str(Region.objects.count()))


_boom.sinovda_permission = _query.sinovda_permission = "public"
urlpatterns = [
    path("boom/", _boom),
    path("query/", _query),
    path("", include("sinovda.urls")),
]
handler500 = "sinovda.ops.views.server_error"


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = __name__
    return Client(raise_request_exception=False)


# --- a stand-in for sinovda.workers.status --------------------------------------------------------


@dataclass
class FakeStatus:
    workers_alive: int = 1
    newest_heartbeat: datetime | None = None
    queue_ready: int = 3
    running: int = 1
    failed_last_hour: int = 2
    oldest_ready_age_seconds: float | None = 42.0


@pytest.fixture
def worker(monkeypatch):
    """Replaces sinovda.workers.status with a module whose worker_status() returns `state`."""
    state = FakeStatus(newest_heartbeat=timezone.now())
    module = types.ModuleType("sinovda.workers.status")

    def worker_status():
        if isinstance(state.workers_alive, Exception):
            raise state.workers_alive
        return state

    module.worker_status = worker_status
    monkeypatch.setitem(sys.modules, "sinovda.workers.status", module)
    return state


@pytest.fixture
def log_lines():
    """The project's real log chain (filter + JSON formatter) on the root logger, into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root, access = logging.getLogger(), logging.getLogger("sinovda.access")
    old_levels = root.level, access.level
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    access.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(old_levels[0])
    access.setLevel(old_levels[1])


# --- /healthz -------------------------------------------------------------------------------------


def test_healthz_answers_ok_without_login_and_without_the_database(client):
    # No django_db mark: any query would raise here.
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_probes_are_not_sent_to_https_but_pages_are(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code in {200, 503}
    assert client.get("/katalog/").status_code == 301


def test_the_settings_exempt_the_probes_from_the_https_redirect():
    from django.conf import settings

    for probe in ("healthz", "readyz", "metrics"):
        assert any(re.search(pattern, probe) for pattern in settings.SECURE_REDIRECT_EXEMPT)


def test_probes_ignore_the_language_and_need_no_slash(client):
    response = client.get("/healthz", headers={"accept-language": "en"}, follow=False)
    assert response.status_code == 200  # no redirect to /healthz/ or /en/healthz


# --- /readyz --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readyz_is_200_with_every_check_named(client, worker):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "storage": "ok", "worker": "ok"},
    }


@pytest.mark.django_db
def test_readyz_says_nothing_about_versions(client, worker):
    import django

    response = client.get("/readyz")
    body = response.content.decode()
    for secret in ("Django", django.get_version(), sys.version.split()[0], "python"):
        assert secret not in body
    assert not response.has_header("Server")


@pytest.mark.django_db
def test_readyz_is_503_naming_the_database_when_it_fails(client, worker):
    with mock.patch(CUT_CURSOR, side_effect=OperationalError("connection refused")):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["database"]
    assert body["checks"]["database"] == "fail"
    assert "connection refused" not in response.content.decode()


@pytest.mark.django_db
def test_readyz_is_503_naming_the_storage_when_it_cannot_be_reached(
    client, worker, settings, tmp_path
):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the evidence folder should be")
    settings.PRIVATE_MEDIA_ROOT = blocker
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]


@pytest.mark.django_db
def test_readyz_asks_remote_storage_about_a_sentinel(client, worker, monkeypatch):
    asked = []

    class Unreachable:
        def path(self, name):
            raise NotImplementedError("object storage has no local path")

        def exists(self, name):
            asked.append(name)
            raise ConnectionError("endpoint unreachable")

    monkeypatch.setattr("sinovda.ops.health.private_storage", lambda: Unreachable())
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]
    assert asked == [".sinovda-readiness-probe"]


@pytest.mark.django_db
def test_a_stale_worker_is_reported_but_the_node_stays_ready_by_default(client, worker):
    worker.workers_alive = 0
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == "stale"


@pytest.mark.django_db
def test_no_live_worker_makes_it_not_ready_when_required(client, worker, settings):
    settings.READYZ_REQUIRE_WORKER = True
    worker.workers_alive = 0
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "fail",
        "checks": {"database": "ok", "storage": "ok", "worker": "stale"},
        "failing": ["worker"],
    }
    worker.workers_alive = 2
    assert client.get("/readyz").status_code == 200


@pytest.mark.django_db
def test_readyz_reads_the_real_worker_heartbeats(client, settings):
    # No fake: sinovda.workers.status on the test database, where no worker ever beat.
    settings.READYZ_REQUIRE_WORKER = False
    assert client.get("/readyz").json()["checks"]["worker"] == "stale"
    settings.READYZ_REQUIRE_WORKER = True
    assert client.get("/readyz").status_code == 503


@pytest.mark.django_db
def test_an_unreadable_worker_status_fails_the_worker_check(client, worker, settings):
    settings.READYZ_REQUIRE_WORKER = True
    worker.workers_alive = RuntimeError("table missing")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "fail"


# --- request id -----------------------------------------------------------------------------------


def test_every_answer_carries_a_new_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert GENERATED_ID.fullmatch(first) and GENERATED_ID.fullmatch(second)
    assert first != second


def test_an_incoming_request_id_is_ignored_without_a_trusted_proxy(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    response = client.get("/healthz", headers={"x-request-id": "abcdef12-from-client"})
    assert response["X-Request-ID"] != "abcdef12-from-client"


def test_a_trusted_proxys_request_id_is_kept(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/healthz", headers={"x-request-id": "0af7651916cd43dd-8448eb211c80319c"})
    assert response["X-Request-ID"] == "0af7651916cd43dd-8448eb211c80319c"


@pytest.mark.parametrize(
    "incoming",
    ["short", "a" * 65, "abcdefgh\r\nSet-Cookie: x=1", "abcdefgh<script>", "abc def ghi", ""],
)
def test_a_malformed_request_id_is_replaced(client, settings, incoming):
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/healthz", headers={"x-request-id": incoming})
    assert GENERATED_ID.fullmatch(response["X-Request-ID"])


@pytest.mark.django_db  # closing a response also tidies database connections
def test_the_request_id_is_in_the_context_until_the_response_is_closed(settings, rf):
    from sinovda.ops.middleware import RequestMiddleware

    seen = {}

    def view(request):
        seen["request"] = request.request_id
        seen["context"] = current_request_id.get()
        return HttpResponse("ok")

    response = RequestMiddleware(view)(rf.get("/x"))
    assert seen["request"] == seen["context"] == response["X-Request-ID"]
    response.close()  # what the WSGI server does when the answer is sent (request_finished)
    assert current_request_id.get() == ""


# --- logs -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_json_access_line_per_request(client, log_lines):
    user = factories.national_admin()
    client.force_login(user)
    response = client.get("/katalog/?q=rahasia&page=2")
    access = [line for line in log_lines() if line["logger"] == "sinovda.access"]
    assert len(access) == 1
    line = access[0]
    assert line["method"] == "GET"
    assert line["path"] == "/katalog/"  # never the query string
    assert "rahasia" not in json.dumps(line)
    assert line["route"] == "catalogue"
    assert line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float)
    assert line["user_id"] == user.pk
    assert line["request_id"] == response["X-Request-ID"]
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


@pytest.mark.django_db
def test_secrets_in_the_path_are_not_logged(client, log_lines):
    client.get("/sandi/atur/MQ/c2v-0123456789abcdef/")
    (line,) = [line for line in log_lines() if line["logger"] == "sinovda.access"]
    assert "0123456789abcdef" not in json.dumps(line)
    assert line["path"] == "/sandi/atur/***/***/"


@pytest.mark.django_db
def test_other_log_lines_carry_the_request_id(client, log_lines, worker, settings):
    not_found = client.get("/tidak-ada/?token=abc")
    settings.READYZ_REQUIRE_WORKER = True
    worker.workers_alive = 0
    not_ready = client.get("/readyz")  # an answer (not an exception), logged after the middleware
    lines = [line for line in log_lines() if line["logger"] != "sinovda.access"]
    by_message = {line["message"]: line for line in lines}
    assert by_message["Not Found: /tidak-ada/"]["request_id"] == not_found["X-Request-ID"]
    assert by_message["Service Unavailable: /readyz"]["request_id"] == not_ready["X-Request-ID"]
    # Django's request object (its repr has the query string) is left out.
    assert all("request" not in line and "abc" not in json.dumps(line) for line in lines)


def test_json_lines_hold_the_traceback_and_outside_a_request_no_id():
    record = logging.LogRecord("sinovda.x", logging.ERROR, __file__, 1, "failed %s", ("job",), None)
    try:
        raise ValueError("boom")
    except ValueError:
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "failed job"
    assert "ValueError: boom" in line["exc"]
    assert "request_id" not in line


def test_log_format_selects_the_formatter():
    json_config = logging_config("json", "INFO", access_log=True)
    assert json_config["formatters"]["default"] == {"()": "sinovda.lib.logs.JsonFormatter"}
    assert json_config["loggers"]["sinovda.access"]["level"] == "INFO"
    text_config = logging_config("text", "WARNING", access_log=False)
    assert "%(request_id)s" in text_config["formatters"]["default"]["format"]
    assert text_config["loggers"]["sinovda.access"]["level"] == "WARNING"


def _settings_in(env_overrides, code):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL"}}
    env.update({"DJANGO_SETTINGS_MODULE": "sinovda.settings", **env_overrides})
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result


PRODUCTION = {
    "SINOVDA_ENV": "production",
    "SECRET_KEY": "x" * 60,
    "ALLOWED_HOSTS": "sinovda.example.go.id",
}


def test_production_logs_json_by_default_and_refuses_an_unknown_format(tmp_path):
    code = "from django.conf import settings; print(settings.LOG_FORMAT)"
    env = {**PRODUCTION, "SQLITE_PATH": str(tmp_path / "db.sqlite3")}
    assert _settings_in(env, code).stdout.strip() == "json"
    refused = _settings_in({**env, "LOG_FORMAT": "xml"}, code)
    assert refused.returncode != 0 and "LOG_FORMAT" in refused.stderr


# --- error pages and the database outage ----------------------------------------------------------


def test_the_500_page_shows_the_request_id_and_no_detail(failing_urls):
    response = failing_urls.get("/boom/")
    assert response.status_code == 500
    page = response.content.decode()
    assert response["X-Request-ID"] in page
    assert "Terjadi kesalahan" in page
    assert "secret detail" not in page and "Traceback" not in page
    assert 'name="viewport"' in page


@pytest.mark.django_db
def test_a_dead_database_in_a_view_gives_the_503_page_with_retry_after(failing_urls):
    from sinovda.ops import metrics

    before = metrics.DB_ERRORS._value.get()
    with mock.patch(CUT_CURSOR, side_effect=OperationalError("server closed the connection")):
        response = failing_urls.get("/query/")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Layanan sedang dipulihkan" in page and "Coba lagi sebentar lagi" in page
    assert response["X-Request-ID"] in page
    assert "server closed" not in page
    assert metrics.DB_ERRORS._value.get() == before + 1


@pytest.mark.django_db
def test_a_dead_database_met_by_a_middleware_also_gives_the_503_page():
    # Signed in: the session and the user are read by middleware, before any view runs.
    client = Client(raise_request_exception=False)
    client.force_login(factories.national_admin())
    with mock.patch(CUT_CURSOR, side_effect=OperationalError("server closed the connection")):
        response = client.get("/")
    assert response.status_code == 503
    assert "Layanan sedang dipulihkan" in response.content.decode()


@pytest.mark.django_db
def test_the_api_gets_a_json_503(client):
    with mock.patch(CUT_CURSOR, side_effect=OperationalError("no route to host")):
        response = client.get("/api/v1/regions")
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert response.json()["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_the_database_settings_check_connections_before_reuse():
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        pytest.skip("SQLite has no server connection to lose")
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True


# --- metrics --------------------------------------------------------------------------------------


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = "s3cret-metrics-token"
    return {"authorization": "Bearer s3cret-metrics-token"}


def test_metrics_do_not_exist_without_a_token_configured(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"authorization": "Bearer "}).status_code == 404


def test_metrics_refuse_a_missing_or_wrong_token(client, token):
    missing = client.get("/metrics")
    assert missing.status_code == 401 and missing["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/metrics", headers={"authorization": "Bearer nope"}).status_code == 403
    basic = client.get("/metrics", headers={"authorization": "Basic czNjcmV0"})
    assert basic.status_code == 401


def test_the_token_is_compared_in_constant_time(client, token):
    with mock.patch(
        "sinovda.ops.views.constant_time_compare", wraps=lambda a, b: a == b
    ) as compare:
        client.get("/metrics", headers={"authorization": "Bearer guess"})
    compare.assert_called_once_with("guess", "s3cret-metrics-token")


@pytest.mark.django_db
def test_metrics_count_requests_by_route_name_and_status_class(client, token, worker):
    client.get("/healthz")
    client.get("/no/such/page-98765/")
    text = client.get("/metrics", headers=token).content.decode()
    assert re.search(r'sinovda_http_requests_total\{route="healthz",status="2xx"\} \d', text)
    assert 'sinovda_http_request_duration_seconds_bucket{le="0.1",route="healthz"' in text
    assert 'route="<unmatched>",status="4xx"' in text
    assert "page-98765" not in text  # never the raw path
    assert "sinovda_http_requests_in_flight" in text
    assert "sinovda_db_errors_total" in text


@pytest.mark.django_db
def test_metrics_read_the_queue_at_scrape_time(client, token, worker):
    text = client.get("/metrics", headers=token).content.decode()
    assert "sinovda_worker_status_up 1.0" in text
    assert "sinovda_workers_alive 1.0" in text
    assert "sinovda_queue_ready 3.0" in text
    assert "sinovda_jobs_running 1.0" in text
    assert "sinovda_jobs_failed_last_hour 2.0" in text
    assert "sinovda_queue_oldest_ready_age_seconds 42.0" in text
    assert re.search(r"sinovda_worker_heartbeat_age_seconds \d", text)
    worker.queue_ready = 7
    assert "sinovda_queue_ready 7.0" in client.get("/metrics", headers=token).content.decode()


@pytest.mark.django_db
def test_metrics_read_the_real_queue(client, token):
    text = client.get("/metrics", headers=token).content.decode()
    assert "sinovda_worker_status_up 1.0" in text
    assert "sinovda_workers_alive 0.0" in text and "sinovda_queue_ready 0.0" in text
    assert "sinovda_worker_heartbeat_age_seconds" not in text  # no worker ever beat


@pytest.mark.django_db
def test_metrics_still_answer_when_the_queue_cannot_be_read(client, token, worker):
    worker.workers_alive = OperationalError("database down")
    response = client.get("/metrics", headers=token)
    assert response.status_code == 200
    assert "sinovda_worker_status_up 0.0" in response.content.decode()


def test_metrics_only_answer_get(client, token):
    assert client.post("/metrics", headers=token).status_code == 405


def test_metrics_add_up_across_processes_in_multiprocess_mode(tmp_path):
    """Two server processes record requests into PROMETHEUS_MULTIPROC_DIR; a third scrapes the sum.
    A dead process's "in flight" gauge is dropped; its counted requests stay."""
    directory = tmp_path / "prometheus"
    directory.mkdir()
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        "SQLITE_PATH": str(tmp_path / "empty.sqlite3"),
    }
    record = (
        "from sinovda.ops import metrics\n"
        "metrics.observe_request('catalogue', 200, 0.02)\n"
        "metrics.IN_FLIGHT.inc()  # dies while answering"
    )
    for _ in range(2):
        assert _settings_in(env, record).returncode == 0
    assert len(list(directory.glob("gauge_livesum_*.db"))) == 2
    scrape = _settings_in(env, "from sinovda.ops import metrics; print(metrics.scrape().decode())")
    assert scrape.returncode == 0, scrape.stderr
    assert 'sinovda_http_requests_total{route="catalogue",status="2xx"} 2.0' in scrape.stdout
    assert "sinovda_http_requests_in_flight 0.0" in scrape.stdout
    assert len(list(directory.glob("gauge_livesum_*.db"))) == 1  # the scraping process's own


# --- Sentry ---------------------------------------------------------------------------------------


def test_without_a_dsn_no_error_reporting_starts():
    import sentry_sdk

    assert init_sentry() is False
    assert not sentry_sdk.is_initialized()


def test_with_a_dsn_sentry_starts_without_personal_data(tmp_path):
    code = (
        "import json, sentry_sdk\n"
        "client = sentry_sdk.get_client()\n"
        "print(json.dumps({k: client.options[k] for k in ('send_default_pii', 'environment',"
        " 'release', 'traces_sample_rate', 'max_request_body_size')} |"
        " {'on': sentry_sdk.is_initialized()}))"
    )
    result = _settings_in(
        {
            "SENTRY_DSN": "http://public@127.0.0.1:9/1",
            "SENTRY_RELEASE": "sinovda@1.2.3",
            "SENTRY_TRACES_SAMPLE_RATE": "0.05",
            "SQLITE_PATH": str(tmp_path / "db.sqlite3"),
        },
        code,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "send_default_pii": False,
        "environment": "development",
        "release": "sinovda@1.2.3",
        "traces_sample_rate": 0.05,
        "max_request_body_size": "never",
        "on": True,
    }


def test_events_lose_cookies_authorization_and_bodies_and_gain_the_request_id():
    event = {
        "request": {
            "url": "https://x/masuk/",
            "cookies": {"sessionid": "abc"},
            "data": {"password": "hunter2"},
            "headers": {"Authorization": "Bearer t", "Cookie": "sessionid=abc", "Accept": "*/*"},
        }
    }
    token = current_request_id.set("req-12345678")
    try:
        scrubbed = scrub_event(event)
    finally:
        current_request_id.reset(token)
    assert scrubbed["request"] == {"url": "https://x/masuk/", "headers": {"Accept": "*/*"}}
    assert scrubbed["tags"]["request_id"] == "req-12345678"


# --- a real PostgreSQL outage under granian -------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Relay:
    """A TCP relay from a local port to PostgreSQL that the test can cut (closing every connection
    through it) and restore: an outage and a recovery without touching the shared server."""

    def __init__(self, port, target):
        self.port, self.target = port, target
        self.server = None
        self.sockets = []

    def start(self):
        relay = self

        class Pipe(socketserver.BaseRequestHandler):
            def handle(self):
                upstream = socket.create_connection(relay.target)
                relay.sockets += [self.request, upstream]
                try:
                    while True:
                        ready, _, _ = select.select([self.request, upstream], [], [], 1)
                        for source in ready:
                            data = source.recv(65536)
                            if not data:
                                return
                            (upstream if source is self.request else self.request).sendall(data)
                except OSError:
                    return
                finally:
                    upstream.close()

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Pipe)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def cut(self):
        if self.server is None:
            return
        self.server.shutdown()
        self.server.server_close()
        self.server = None
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []


def _get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - http://127.0.0.1
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:  # headers: case-insensitive (granian sends lowercase)
        return error.code, error.headers, error.read().decode()


@pytest.fixture
def server_over_relay(db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…)")
    # `db` makes the test database (and names it in settings_dict); the server reads it through the
    # relay, in its own connections.
    db = connection.settings_dict
    relay = Relay(_free_port(), (db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    relay.start()
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}{password}@127.0.0.1:{relay.port}/{db['NAME']}",
        DEBUG="false",
        LOG_FORMAT="json",
        LOG_ACCESS="true",
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed after the server stops
    # The production server as deploy/web.py runs it: one process, two request threads (each with
    # its own kept connection, so both must recover).
    server = ["granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)]
    server += ["--workers", "1", "--blocking-threads", "2", "--no-access-log"]
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", *server, "sinovda.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a loaded machine can take a while to import everything
    while True:
        try:
            _get(base + "/healthz")
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail("the server did not start:\n" + (tmp_path / "server.log").read_text())
            time.sleep(0.2)
    yield base, relay, tmp_path / "server.log"
    process.terminate()
    process.wait(timeout=10)
    log.close()
    relay.cut()


def test_postgresql_lost_and_back_gives_503_then_recovers_by_itself(server_over_relay):
    base, relay, log = server_over_relay
    assert _get(base + "/readyz")[0] == 200
    assert _get(base + "/katalog/")[0] == 200  # the worker now holds a kept connection

    relay.cut()  # PostgreSQL "goes away": the kept connection dies, new ones are refused
    status, headers, page = _get(base + "/katalog/")
    assert status == 503
    assert headers["Retry-After"] == "10"
    assert "Layanan sedang dipulihkan" in page and headers["X-Request-ID"] in page
    assert _get(base + "/readyz")[0] == 503
    assert _get(base + "/healthz")[0] == 200  # the process itself is fine

    relay.start()  # PostgreSQL is back
    back = time.monotonic()
    statuses = [_get(base + "/katalog/")[0] for _ in range(6)]
    assert statuses == [200] * 6, statuses
    assert _get(base + "/readyz")[0] == 200
    assert time.monotonic() - back < 10

    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "sinovda.access"]
    assert {line["status"] for line in access} >= {200, 503}
    assert all(GENERATED_ID.fullmatch(line["request_id"]) for line in access)
