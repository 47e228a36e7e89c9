"""Evidence and generated files on S3-compatible object storage (issue 11 part 2), against a real
S3-protocol server (moto's server mode, tests/s3server.py): files go to the bucket and nowhere
else, leave only through the permission-checked views, never as a bucket address, uploads stream,
the checks read them, and an unreachable storage gives a clear message with nothing recorded."""

import gc
import os
import tracemalloc
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.test.client import ClientHandler
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.evidence import tasks
from sinovda.evidence.actions import store_document
from sinovda.evidence.models import Document, DocumentScan
from sinovda.lib.storage import (
    backend,
    parse_storage_url,
    private_storage,
    without_credentials,
)
from sinovda.regions.models import Role
from sinovda.reports import generators, jobs
from sinovda.reports.identity import change_identity
from sinovda.reports.models import OutputJob, OutputKind
from tests import factories
from tests.s3server import BUCKET, dead_storage_url

pytestmark = pytest.mark.django_db

SET = Path(__file__).resolve().parent.parent / "evidence_set" / "files"
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MB = 1024 * 1024


@pytest.fixture
def s3(settings, s3_url, moto_server):
    """Object storage for this test: a fresh prefix of the session's bucket."""
    settings.STORAGE_URL = s3_url
    prefix = parse_storage_url(s3_url).prefix
    client = moto_server.client()

    class Bucket:
        endpoint = moto_server.endpoint

        @staticmethod
        def keys():
            listed = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix + "/")
            return [item["Key"][len(prefix) + 1 :] for item in listed.get("Contents", [])]

        @staticmethod
        def head(name):
            return client.head_object(Bucket=BUCKET, Key=f"{prefix}/{name}")

        @staticmethod
        def acl(name):
            return client.get_object_acl(Bucket=BUCKET, Key=f"{prefix}/{name}")

        @staticmethod
        def read(name):
            return client.get_object(Bucket=BUCKET, Key=f"{prefix}/{name}")["Body"].read()

    return Bucket


@pytest.fixture
def region():
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def opd(region):
    return factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")


@pytest.fixture
def operator(region, opd):
    return factories.member(region, Role.OPERATOR, agency=opd)


def pdf_bytes(tag=b"1"):
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 /Tag (" + tag + b") >>\nendobj\n"
        b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def mp4_bytes(size):
    """An MP4 of `size` bytes: an ftyp box, then one mdat box of random-looking filler."""
    ftyp = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
    filler = (os.urandom(1024) * (size // 1024 + 1))[: size - len(ftyp) - 8]
    return ftyp + (len(filler) + 8).to_bytes(4, "big") + b"mdat" + filler


def local_files(settings):
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def upload(client, region, name, data, **fields):
    payload = {"subject": "SK Tim Inovasi Daerah", "number": "050/1/2023", **fields}
    payload["file"] = SimpleUploadedFile(name, data, content_type="text/html")
    return client.post(reverse("document_upload", args=[region.code]), payload)


def stored(region, opd, user, data, name="Laporan.pdf"):
    document, _created = store_document(
        region,
        SimpleUploadedFile(name, data),
        agency=opd,
        number="",
        date=None,
        subject="Laporan",
        acting_user=user,
    )
    return document


def download(client, region, document):
    return client.get(reverse("document_download", args=[region.code, document.pk]))


def leaks(text: str, s3) -> list[str]:
    """Anything in `text` that would let a browser reach the bucket without us."""
    host = s3.endpoint.split("//", 1)[1]
    found = [word for word in (host, BUCKET, "X-Amz-", "AWSAccessKeyId", "s3://") if word in text]
    return found


# --- uploads ----------------------------------------------------------------------------------------


def test_an_upload_goes_to_the_bucket_privately_and_not_to_local_disk(
    client, region, operator, settings, s3
):
    client.force_login(operator)
    data = pdf_bytes(b"bucket")
    response = upload(client, region, "SK Tim.pdf", data)
    assert response.status_code == 302
    document = Document.objects.get()
    assert s3.keys() == [document.file.name]
    assert s3.read(document.file.name) == data
    assert local_files(settings) == []
    head = s3.head(document.file.name)
    # The type comes from the sniffed kind, not from the browser's claim (text/html above).
    assert head["ContentType"] == "application/pdf"
    assert head["ContentDisposition"] == "attachment"
    grants = s3.acl(document.file.name)["Grants"]
    assert all(
        "URI" not in grant["Grantee"] for grant in grants
    )  # no AllUsers / AuthenticatedUsers
    # Named by the region, the OPD and the hash of the bytes, as on disk: nothing of the upload's name.
    assert document.file.name.startswith(f"{region.pk}/{document.agency_id}/")
    assert document.file.name.endswith(f"{document.sha256}.pdf")


def test_the_same_name_is_never_overwritten(region, opd, operator, s3):
    storage = private_storage()
    first = storage.save("emblems/x.png", SimpleUploadedFile("x.png", b"first"))
    second = storage.save("emblems/x.png", SimpleUploadedFile("x.png", b"second"))
    assert first != second
    assert s3.read(first) == b"first" and s3.read(second) == b"second"


def test_an_upload_does_not_hold_the_file_in_memory(client, region, operator, s3):
    """20 MB through the whole request (multipart parsing, sniffing, hashing, the S3 upload): the
    process's Python memory grows by far less than the file. The request body is built before
    measuring, as a web server would hold it outside the app."""
    size = 20 * MB
    data = mp4_bytes(size)
    client.force_login(operator)
    request = RequestFactory().post(
        reverse("document_upload", args=[region.code]),
        {"subject": "Video kegiatan", "file": SimpleUploadedFile("video.mp4", data)},
    )
    environ = request.environ
    environ["HTTP_COOKIE"] = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    del data, request
    handler = ClientHandler(enforce_csrf_checks=False)
    # The S3 client is made once per thread (a few MB of endpoint data): not part of an upload.
    private_storage().exists("warm-up")
    gc.collect()
    tracemalloc.start()
    try:
        response = handler(environ)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 302, response.content[:300]
    document = Document.objects.get()
    assert document.size == size and s3.head(document.file.name)["ContentLength"] == size
    assert peak < size / 2, f"peak {peak / MB:.1f} MB for a {size / MB:.0f} MB upload"


# --- downloads --------------------------------------------------------------------------------------


def test_those_who_may_see_it_download_it_through_the_view(client, region, opd, operator, s3):
    data = pdf_bytes(b"download")
    document = stored(region, opd, operator, data, name="Laporan – Dinkes.pdf")
    client.force_login(factories.member(region, Role.VERIFIER))
    response = download(client, region, document)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Length"] == str(len(data))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"
    assert "Location" not in response and "X-Accel-Redirect" not in response


def test_outsiders_get_404_and_never_the_file(client, region, opd, operator, s3):
    data = pdf_bytes(b"secret")
    document = stored(region, opd, operator, data)
    other = factories.region(code="16.11")
    client.force_login(factories.member(other, Role.COORDINATOR))
    assert download(client, region, document).status_code == 404
    client.force_login(factories.member(region, Role.OPERATOR, agency=factories.agency(region)))
    assert download(client, region, document).status_code == 404
    client.logout()
    response = download(client, region, document)
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_the_web_server_shortcut_is_for_local_disk_only(
    client, region, opd, operator, settings, s3
):
    """X-Accel-Redirect names a file on nginx's disk; on object storage the view streams it."""
    settings.EVIDENCE_X_ACCEL_PREFIX = "/_bukti/"
    data = pdf_bytes(b"accel")
    document = stored(region, opd, operator, data)
    client.force_login(operator)
    response = download(client, region, document)
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == data


def test_a_missing_object_is_404(client, region, opd, operator, moto_server, s3):
    document = stored(region, opd, operator, pdf_bytes(b"gone"))
    private_storage().delete(document.file.name)
    client.force_login(operator)
    assert download(client, region, document).status_code == 404


def test_no_bucket_address_reaches_a_page_or_a_header(client, region, opd, operator, s3):
    document = stored(region, opd, operator, pdf_bytes(b"leak"))
    client.force_login(operator)
    pages = [
        client.get(reverse("document_list", args=[region.code])),
        client.get(reverse("document_upload", args=[region.code])),
        download(client, region, document),
    ]
    for response in pages:
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        assert leaks(headers, s3) == []
        if not response.streaming:
            assert leaks(response.content.decode(), s3) == []
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018
    with pytest.raises(ValueError):
        backend().url(document.file.name)  # the S3 storage itself refuses too


# --- generated files --------------------------------------------------------------------------------


@pytest.fixture
def fake_rekap(monkeypatch):
    def write(cycle, out, progress):
        out.write(b"rekap " + cycle.region.code.encode())

    def registry():
        return {
            OutputKind.REKAP: generators.Generator(
                write, "text/plain", lambda c: f"rekap-{c.region.code}.txt"
            )
        }

    monkeypatch.setattr(generators, "registry", registry)


def request_rekap(client, region):
    client.post(reverse("output_request", args=[region.code, 2023, "rekap"]))
    return OutputJob.objects.get()


def test_a_generated_file_is_kept_in_the_bucket_and_downloads(
    client, region, settings, fake_rekap, s3
):
    factories.cycle(region, 2023)
    client.force_login(factories.member(region, Role.COORDINATOR))
    job = jobs.run(request_rekap(client, region))
    assert job.status == OutputJob.Status.DONE and job.size == len(b"rekap 16.10")
    assert s3.keys() == [job.file.name] and local_files(settings) == []
    response = client.get(reverse("output_download", args=[region.code, job.pk]))
    assert b"".join(response.streaming_content) == b"rekap 16.10"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    # Expired: pruned from the bucket.
    assert jobs.prune(job.expires_at + (job.expires_at - job.finished_at)) == 1
    assert s3.keys() == []


def test_a_generated_file_fails_readably_when_the_storage_is_down_and_can_be_retried(
    client, region, settings, fake_rekap, s3
):
    factories.cycle(region, 2023)
    client.force_login(factories.member(region, Role.COORDINATOR))
    job = request_rekap(client, region)
    settings.STORAGE_URL = dead_storage_url()
    job = jobs.run(job)
    assert job.status == OutputJob.Status.FAILED
    assert "Penyimpanan berkas sedang tidak dapat dihubungi" in job.error
    assert not job.file
    page = client.get(reverse("output_detail", args=[region.code, job.pk])).content.decode()
    assert "Penyimpanan berkas sedang tidak dapat dihubungi" in page


# --- checks, emblems ------------------------------------------------------------------------------


def test_the_checks_read_a_file_that_is_not_on_local_disk(
    region, opd, operator, settings, s3, monkeypatch
):
    data = (SET / "ok_sk_bupati.pdf").read_bytes()
    document = stored(region, opd, operator, data, name="SK.pdf")
    paths = []
    real_extract = tasks.extract

    def extract(path, kind, **kwargs):
        paths.append(path)
        assert Path(path).read_bytes() == data
        return real_extract(path, kind, **kwargs)

    monkeypatch.setattr(tasks, "extract", extract)
    scan = tasks.run_document(document.pk)
    assert scan.state == DocumentScan.State.DONE and scan.text_source == "layer"
    assert "Ditetapkan di" in scan.text
    # Read from a temporary copy, deleted afterwards; nothing written to the private folder.
    assert len(paths) == 1 and not Path(paths[0]).exists()
    assert local_files(settings) == []


def test_the_checks_of_a_vanished_object_say_it_cannot_be_read(region, opd, operator, s3):
    document = stored(region, opd, operator, pdf_bytes(b"vanish"))
    private_storage().delete(document.file.name)
    scan = tasks.run_document(document.pk)
    assert scan.state == DocumentScan.State.DONE and scan.readable is False


def test_the_emblem_lives_in_the_bucket_too(client, region, s3):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40 + b"IEND\xaeB`\x82"
    koordinator = factories.member(region, Role.COORDINATOR)
    change_identity(
        region,
        head_name="Panca Wijaya Akbar",
        head_title="Bupati Ogan Ilir",
        emblem=SimpleUploadedFile("lambang.png", png),
        acting_user=koordinator,
    )
    assert s3.keys() == [region.emblem.name]
    client.force_login(koordinator)
    response = client.get(reverse("region_emblem", args=[region.code]))
    assert b"".join(response.streaming_content) == png


# --- storage down -----------------------------------------------------------------------------------


def test_an_upload_while_the_storage_is_down_says_so_and_records_nothing(
    client, region, operator, settings
):
    settings.STORAGE_URL = dead_storage_url()
    settings.TASKS = IMMEDIATE
    client.force_login(operator)
    events = AuditEvent.objects.count()
    response = upload(client, region, "SK.pdf", pdf_bytes(b"down"))
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Penyimpanan berkas sedang tidak dapat dihubungi; berkas ini belum tersimpan. "
        "Unggah ulang beberapa saat lagi."
    ) in page
    assert Document.objects.count() == 0 and DocumentScan.objects.count() == 0
    assert AuditEvent.objects.count() == events
    assert local_files(settings) == []


def test_a_download_while_the_storage_is_down_is_a_clear_503(
    client, region, opd, operator, settings, s3
):
    document = stored(region, opd, operator, pdf_bytes(b"later"))
    settings.STORAGE_URL = dead_storage_url()
    client.force_login(operator)
    response = download(client, region, document)
    assert response.status_code == 503 and response["Retry-After"]
    assert "Penyimpanan berkas sedang tidak dapat dihubungi" in response.content.decode()


# --- STORAGE_URL ------------------------------------------------------------------------------------


def test_storage_url_is_read_strictly_and_never_repeats_a_secret():
    location = parse_storage_url(
        "s3://AKID:s%2Fcret@bukti/sinovda/?endpoint_url=https://s3.example.go.id&region=id-1"
        "&addressing_style=path&acl=none"
    )
    assert (location.bucket, location.prefix, location.endpoint_url) == (
        "bukti",
        "sinovda",
        "https://s3.example.go.id",
    )
    assert (location.access_key, location.secret_key, location.acl) == ("AKID", "s/cret", None)
    assert "cret" not in repr(location)
    assert parse_storage_url("") is None
    assert parse_storage_url("s3://bukti").acl == "private"
    for bad in (
        "https://bukti/x",
        "s3:///x",
        "s3://AKID:s%2Fcret@bukti/?colour=blue",
        "s3://AKID:s%2Fcret@bukti/?acl=public-read",
        "s3://AKID:s%2Fcret@bukti/?endpoint_url=ftp://x",
    ):
        with pytest.raises(ImproperlyConfigured) as refused:
            parse_storage_url(bad)
        assert "cret" not in str(refused.value)
    assert without_credentials("s3://AKID:s%2Fcret@bukti/x?region=a") == "s3://bukti/x?region=a"


def test_an_emblem_upload_while_the_storage_is_down_says_so_and_keeps_the_old_identity(
    client, region, settings
):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40 + b"IEND\xaeB`\x82"
    settings.STORAGE_URL = dead_storage_url()
    client.force_login(factories.member(region, Role.COORDINATOR))
    events = AuditEvent.objects.count()
    response = client.post(
        reverse("region_identity", args=[region.code]),
        {"head_name": "Nama Baru", "head_title": "", "emblem": SimpleUploadedFile("l.png", png)},
    )
    assert response.status_code == 200
    assert "Penyimpanan berkas sedang tidak dapat dihubungi" in response.content.decode()
    region.refresh_from_db()
    assert region.head_name == "" and not region.emblem
    assert AuditEvent.objects.count() == events
