"""Generated files as background jobs: requested, made by the database-backed worker, downloaded,
retried after a failure, expired; and who may have which (issue 9 part 6)."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sinovda.audit.models import AuditEvent
from sinovda.regions.models import Role
from sinovda.reports import generators, jobs
from sinovda.reports.models import OutputJob, OutputKind
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def cycle(region):
    return factories.cycle(region, 2023)


@pytest.fixture
def fake_rekap(monkeypatch):
    """A small generator in place of the real rekap, to test the job machinery on its own."""
    calls = []

    def write(cycle, out, progress):
        calls.append(cycle.pk)
        progress(50, "menulis")
        out.write(b"rekap " + cycle.region.code.encode())

    def registry():
        return {
            OutputKind.REKAP: generators.Generator(
                write, "text/plain", lambda c: f"rekap-{c.region.code}.txt"
            )
        }

    monkeypatch.setattr(generators, "registry", registry)
    return calls


def request(client, region, kind="rekap"):
    return client.post(reverse("output_request", args=[region.code, 2023, kind]))


# A real transaction: the worker commits as it claims and finishes the task (and, between tasks, closes
# a connection that is inside a transaction, as a test's wrapping transaction would be).
@pytest.mark.django_db(transaction=True)
def test_a_requested_file_waits_for_the_worker_then_downloads(client, region, cycle, fake_rekap):
    koordinator = factories.member(region, Role.COORDINATOR)
    client.force_login(koordinator)
    response = request(client, region)
    job = OutputJob.objects.get()
    assert response["Location"] == reverse("output_detail", args=[region.code, job.pk])
    assert job.status == OutputJob.Status.QUEUED and fake_rekap == []
    page = client.get(response["Location"]).content.decode()
    assert "Menunggu giliran dibuat" in page and 'http-equiv="refresh"' in page

    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)

    job.refresh_from_db()
    assert job.status == OutputJob.Status.DONE and job.progress == 100
    assert job.expires_at > timezone.now() + datetime.timedelta(days=6)
    download = client.get(reverse("output_download", args=[region.code, job.pk]))
    assert b"".join(download.streaming_content) == b"rekap 16.10"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert AuditEvent.objects.filter(action="output.request").exists()


def test_a_failure_says_so_and_can_be_retried(client, region, cycle, monkeypatch, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    attempts = []

    def flaky(cycle, out, progress):
        attempts.append(1)
        if len(attempts) == 1:
            raise RuntimeError("disk full")
        out.write(b"ok")

    monkeypatch.setattr(
        generators,
        "registry",
        lambda: {OutputKind.REKAP: generators.Generator(flaky, "text/plain", lambda c: "r.txt")},
    )
    client.force_login(factories.member(region, Role.COORDINATOR))
    request(client, region)
    failed = OutputJob.objects.get()
    assert failed.status == OutputJob.Status.FAILED
    page = client.get(reverse("output_detail", args=[region.code, failed.pk])).content.decode()
    assert "Coba lagi" in page and str(failed.pk)[:8] in page and "disk full" not in page
    client.post(reverse("output_retry", args=[region.code, failed.pk]))
    assert OutputJob.objects.filter(status=OutputJob.Status.DONE).count() == 1


def test_an_expired_file_is_gone_and_pruned(client, region, cycle, fake_rekap, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(factories.member(region, Role.COORDINATOR))
    request(client, region)
    job = OutputJob.objects.get()
    OutputJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - datetime.timedelta(1))
    download = reverse("output_download", args=[region.code, job.pk])
    assert client.get(download).status_code == 410
    assert jobs.prune() == 1
    job.refresh_from_db()
    assert not job.file
    assert client.get(download).status_code == 410


@pytest.mark.parametrize(
    "role,kind,allowed",
    [
        (Role.COORDINATOR, "handoff", True),
        (Role.VERIFIER, "handoff", False),
        (Role.LEADER, "certificates", False),
        (Role.LEADER, "rekap", True),
        (Role.VERIFIER, "report", True),
        (Role.OPERATOR, "rekap", False),
    ],
)
def test_who_may_make_which_output(client, region, cycle, role, kind, allowed, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client.force_login(factories.member(region, role))
    response = request(client, region, kind)
    assert response.status_code == (302 if allowed else 403)
    assert OutputJob.objects.exists() == allowed


def test_outsiders_and_province_roles_never_get_a_regions_file(client, region, cycle, settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    job = OutputJob.objects.create(region=region, cycle=cycle, kind=OutputKind.REKAP)
    detail = reverse("output_detail", args=[region.code, job.pk])
    elsewhere = factories.region(code="16.11")
    client.force_login(factories.member(elsewhere, Role.COORDINATOR))
    assert client.get(detail).status_code == 404
    client.force_login(factories.member(region.province, Role.PROVINCE_VIEWER))
    assert client.get(detail).status_code == 404
    assert request(client, region).status_code == 403
    # A job of another region is 404 even through one's own region's address.
    client.force_login(factories.member(elsewhere, Role.COORDINATOR))
    assert client.get(reverse("output_detail", args=["16.11", job.pk])).status_code == 404


def test_unknown_kind_is_404(client, region, cycle):
    client.force_login(factories.member(region, Role.COORDINATOR))
    assert request(client, region, "bogus").status_code == 404


def test_the_outputs_page_does_not_query_per_file(client, region, cycle):
    koordinator = factories.member(region, Role.COORDINATOR)
    client.force_login(koordinator)
    url = reverse("outputs", args=[region.code, 2023])
    OutputJob.objects.create(region=region, cycle=cycle, kind="rekap", requested_by=koordinator)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for kind in ["report", "handoff", "certificates", "rekap"]:
        someone = factories.member(region, Role.VERIFIER)
        OutputJob.objects.create(region=region, cycle=cycle, kind=kind, requested_by=someone)
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count(reverse("output_detail", args=[region.code, OutputJob.objects.first().pk]))
    assert len(many) == len(few)
