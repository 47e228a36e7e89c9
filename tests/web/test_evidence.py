"""Evidence (bukti dukung): what is accepted, what is refused, and who may download it."""

import hashlib
import io
import random
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sinovda.audit.models import AuditEvent
from sinovda.evidence.actions import sanitise_name, store_document
from sinovda.evidence.forms import DocumentUploadForm
from sinovda.evidence.models import Document
from sinovda.evidence.sniff import Refused, normalise_kinds, sniff
from sinovda.innovations.models import Answer, Innovation, Submission
from sinovda.regions.models import Role
from tests import factories

# --- files, made here ---------------------------------------------------------------------------


def pdf_bytes(body=b"", tag=b"1"):
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 /Tag ("
        + tag
        + b") >>\nendobj\n"
        + body
        + b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def pdf_with_stream(dictionary: bytes, data: bytes):
    body = b"5 0 obj\n<< " + dictionary + b" /Length " + str(len(data)).encode() + b" >>\nstream\n"
    return pdf_bytes(body + data + b"\nendstream\nendobj\n")


def jpg_bytes(tag=b"1", size=2000):
    filler = random.Random(tag).randbytes(size)
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00" + tag + filler + b"\xff\xd9"


def png_bytes(tag=b"1"):
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + tag + b"\x00" * 40 + b"IEND\xaeB`\x82"


def mp4_bytes(tag=b"1"):
    ftyp = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
    return ftyp + b"\x00\x00\x00\x10free" + tag.ljust(8, b"\x00") + b"\x00" * 100


def zip_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode.\r\n"
ZIP = zip_bytes({"virus.exe": EXE})
DOCX = zip_bytes(
    {
        "[Content_Types].xml": "<Types/>",
        "word/document.xml": "<w:document>SK Tim Inovasi</w:document>",
    }
)
JS_IN_OBJECT_STREAM = pdf_with_stream(
    b"/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
    zlib.compress(b"6 0 << /S /JavaScript /JS (app.alert(1)) >>"),
)

# (name it is uploaded under, bytes, words the refusal must contain)
HOSTILE = {
    "svg": ("logo.svg", b'<?xml version="1.0"?><svg><script>alert(1)</script></svg>', "SVG"),
    "html": ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "halaman web"),
    "html-renamed-pdf": (
        "laporan.pdf",
        b"\xef\xbb\xbf\n  <html><body>hi</body></html>",
        "halaman web",
    ),
    "utf16-html": ("laporan.pdf", "\ufeff<html>x</html>".encode("utf-16-le"), "halaman web"),
    "php": ("foto.php.jpg", b"<?php system($_GET['c']); ?>", "skrip"),
    "shell": ("run.pdf", b"#!/bin/sh\nrm -rf /\n", "skrip"),
    "exe-renamed-pdf": ("sk.pdf", EXE, "program komputer"),
    "elf": ("foto.png", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64, "program komputer"),
    "mach-o": ("foto.png", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 64, "program komputer"),
    "zip": ("arsip.zip", ZIP, "arsip ZIP"),
    "docx": ("laporan.docx", DOCX, "DOCX"),
    "docx-renamed-pdf": ("laporan.pdf", DOCX, "Simpan dokumennya sebagai PDF"),
    "rar": ("bukti.rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 40, "arsip terkompresi"),
    "gzip": ("bukti.pdf.gz", b"\x1f\x8b\x08\x00" + b"\x00" * 40, "arsip terkompresi"),
    "old-word": ("sk.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "PDF"),
    "jpeg-zip-polyglot": ("foto.jpg", jpg_bytes(b"poly") + ZIP, "tersembunyi"),
    "pdf-zip-polyglot": ("sk.pdf", pdf_bytes(tag=b"poly") + ZIP, "tersembunyi"),
    "png-with-pdf-inside": ("foto.png", png_bytes(b"x") + pdf_bytes(), "tersembunyi"),
    "pdf-javascript": (
        "sk.pdf",
        pdf_bytes(b"3 0 obj\n<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n"),
        "/JavaScript",
    ),
    "pdf-escaped-javascript": (
        "sk.pdf",
        pdf_bytes(b"3 0 obj\n<< /OpenAction << /S /J#61va#53cript /JS (x) >> >>\nendobj\n"),
        "/JavaScript",
    ),
    "pdf-js-in-object-stream": ("sk.pdf", JS_IN_OBJECT_STREAM, "skrip"),
    "pdf-launch": (
        "sk.pdf",
        pdf_bytes(b"3 0 obj\n<< /S /Launch /F (cmd.exe) >>\nendobj\n"),
        "/Launch",
    ),
    "pdf-embedded-file": (
        "sk.pdf",
        pdf_bytes(b"3 0 obj\n<< /Type /EmbeddedFile /Length 0 >>\nstream\n\nendstream\nendobj\n"),
        "/EmbeddedFile",
    ),
    "pdf-encrypted": (
        "sk.pdf",
        pdf_bytes(b"4 0 obj\n<< /Encrypt 9 0 R >>\nendobj\n"),
        "kata sandi",
    ),
    "gif": ("foto.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 20, "GIF"),
    "webp": ("foto.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 30, "PNG atau JPG"),
    "quicktime": (
        "video.mov",
        b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 30,
        "MOV",
    ),
    "unknown": ("catatan.pdf", b"Just some plain text pretending to be a PDF", "bukan PDF"),
}


# --- people and places ------------------------------------------------------------------------------


@pytest.fixture
def region(db):
    return factories.region(code="16.10", name="Kabupaten Ogan Ilir")


@pytest.fixture
def opd(region):
    return factories.agency(region, name="Dinas Kesehatan", short_name="Dinkes")


@pytest.fixture
def operator(region, opd):
    return factories.member(region, Role.OPERATOR, agency=opd)


@pytest.fixture
def koordinator(region):
    return factories.member(region, Role.COORDINATOR)


def url(name, region, *args, query=""):
    return reverse(name, args=[region.code, *args]) + (f"?{query}" if query else "")


def upload(client, region, name, data, query="", follow=False, **fields):
    payload = {"subject": "SK Tim Inovasi Daerah", "number": "050/1/2023", "date": "2023-08-17"}
    payload.update(fields)
    payload["file"] = SimpleUploadedFile(name, data, content_type="application/pdf")
    return client.post(url("document_upload", region, query=query), payload, follow=follow)


def stored_files(settings):
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def make_document(region, agency=None, data=None, subject="Foto kegiatan", user=None):
    data = data or jpg_bytes(subject.encode())
    document, created = store_document(
        region,
        SimpleUploadedFile("foto.jpg", data),
        agency=agency,
        number="",
        date=None,
        subject=subject,
        acting_user=user,
    )
    assert created
    return document


def attach_to_answer(document, agency, region):
    cycle = factories.cycle(region) if not region.cycles.exists() else region.cycles.first()
    innovation = Innovation.objects.create(region=region, agency=agency, name="Inovasi Uji")
    submission = Submission.objects.create(innovation=innovation, cycle=cycle, name="Inovasi Uji")
    answer = Answer.objects.create(submission=submission, indicator_code="I01")
    answer.documents.add(document)
    return answer


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


# --- refused files ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_files_are_refused_with_a_message_and_nothing_is_kept(
    client, region, operator, settings, case
):
    name, data, words = HOSTILE[case]
    client.force_login(operator)
    response = upload(client, region, name, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ada masalah" in html
    assert words in html, html[html.find("error-summary") :][:800]
    assert not Document.objects.exists()
    assert not stored_files(settings)
    assert not AuditEvent.objects.filter(action="document.upload").exists()


@pytest.mark.django_db
def test_an_empty_file_is_refused(client, region, operator, settings):
    client.force_login(operator)
    response = upload(client, region, "kosong.pdf", b"")
    assert "Berkas ini kosong" in response.content.decode()
    assert not Document.objects.exists() and not stored_files(settings)


@pytest.mark.django_db
def test_a_file_over_its_kinds_limit_is_refused(client, region, operator, settings):
    settings.EVIDENCE_MAX_BYTES = {"pdf": 1000, "jpg": 5000, "png": 5000, "mp4": 5000}
    client.force_login(operator)
    response = upload(client, region, "besar.pdf", pdf_bytes(b"%" + b"x" * 2000))
    html = response.content.decode()
    assert "melebihi batas" in html and "untuk PDF" in html and "Perkecil berkas" in html
    assert not Document.objects.exists() and not stored_files(settings)


@pytest.mark.django_db
def test_a_file_over_every_limit_is_not_even_received(client, region, operator, settings):
    settings.EVIDENCE_MAX_BYTES = {"pdf": 1000, "jpg": 1000, "png": 1000, "mp4": 2000}
    client.force_login(operator)
    response = upload(client, region, "besar.mp4", mp4_bytes() + b"\x00" * 5000)
    html = response.content.decode()
    assert "batas terbesar" in html and "MP4" in html
    assert not Document.objects.exists() and not stored_files(settings)


def test_size_message_names_size_limit_and_kind(settings):
    settings.EVIDENCE_MAX_BYTES = {"pdf": 10 * 1024 * 1024, "jpg": 1, "png": 1, "mp4": 1}
    big = SimpleUploadedFile("a.pdf", pdf_bytes(b"%" + b"x" * int(12.25 * 1024 * 1024)))
    with pytest.raises(Refused) as refused:
        store_document(None, big, agency=None, number="", date=None, subject="", acting_user=None)
    assert refused.value.message == (
        "Ukuran berkas 12,3 MB melebihi batas 10 MB untuk PDF. Perkecil berkas lalu unggah lagi."
    )


@pytest.mark.django_db
def test_a_kind_the_indicator_does_not_accept_is_refused_naming_the_accepted_kinds(
    client, region, operator, settings
):
    client.force_login(operator)
    response = upload(client, region, "foto.png", png_bytes(), query="jenis=PDF")
    html = response.content.decode()
    assert "Indikator ini hanya menerima PDF, sedangkan berkas ini PNG" in html
    assert not Document.objects.exists() and not stored_files(settings)


@pytest.mark.django_db
def test_form_normalises_edition_kind_names(region, operator, opd):
    form = DocumentUploadForm(
        {"subject": "Foto"},
        {"file": SimpleUploadedFile("sk.pdf", pdf_bytes())},
        region=region,
        agency=opd,
        acting_user=operator,
        allowed_kinds=["JPEG", "JPG", "PNG"],
    )
    assert not form.is_valid()
    assert "hanya menerima JPG atau PNG" in form.errors["file"][0]
    assert not Document.objects.exists()
    assert normalise_kinds(["PDF", "JPEG", "JPG", "PNG", "MOV", "URL", "mp4"]) == (
        "pdf",
        "jpg",
        "png",
        "mp4",
    )


@pytest.mark.django_db
def test_file_problems_are_reported_with_other_errors_and_nothing_is_kept(
    client, region, operator, settings
):
    client.force_login(operator)
    response = upload(client, region, "x.pdf", EXE, subject="")
    html = response.content.decode()
    assert "Isi tentang apa dokumen ini" in html and "program komputer" in html
    response = upload(client, region, "x.pdf", pdf_bytes(), subject="")
    assert "Isi tentang apa dokumen ini" in response.content.decode()
    assert not Document.objects.exists() and not stored_files(settings)


# --- accepted files ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,data,kind",
    [
        ("sk.pdf", pdf_bytes(), "pdf"),
        ("foto.jpg", jpg_bytes(), "jpg"),
        ("foto.png", png_bytes(), "png"),
        ("video.mp4", mp4_bytes(), "mp4"),
        ("tanpa-nama", pdf_bytes(tag=b"2"), "pdf"),
    ],
)
def test_good_files_are_kept_with_kind_hash_and_size(
    client, region, operator, opd, settings, name, data, kind
):
    client.force_login(operator)
    response = upload(client, region, name, data)
    assert response.status_code == 302
    assert response["Location"] == url("document_list", region)
    document = Document.objects.get()
    assert document.kind == kind
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)
    assert document.agency == opd and document.uploaded_by == operator
    assert (document.number, str(document.date)) == ("050/1/2023", "2023-08-17")
    [path] = stored_files(settings)
    assert path.read_bytes() == data
    assert path.name == f"{document.sha256}.{kind}"
    event = AuditEvent.objects.get(action="document.upload")
    assert event.actor == operator and event.region == region
    assert event.after["sha256"] == document.sha256 and event.ip == "127.0.0.1"


@pytest.mark.django_db
def test_a_large_binary_file_is_not_mistaken_for_a_polyglot(region):
    data = jpg_bytes(b"big", size=3 * 1024 * 1024)
    document = make_document(region, data=data)
    assert document.size == len(data)


@pytest.mark.django_db
def test_koordinator_uploads_for_the_region(client, region, koordinator):
    client.force_login(koordinator)
    assert upload(client, region, "sk.pdf", pdf_bytes()).status_code == 302
    assert Document.objects.get().agency is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.VERIFIER, Role.LEADER])
def test_readers_do_not_upload(client, region, role, settings):
    client.force_login(factories.member(region, role))
    assert client.get(url("document_upload", region)).status_code == 403
    assert upload(client, region, "sk.pdf", pdf_bytes()).status_code == 403
    assert not Document.objects.exists() and not stored_files(settings)


@pytest.mark.django_db
def test_upload_checks_the_csrf_token(region, operator, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)
    assert upload(client, region, "sk.pdf", pdf_bytes()).status_code == 403
    assert not Document.objects.exists() and not stored_files(settings)


@pytest.mark.django_db
def test_upload_page_is_a_multipart_form(client, region, operator):
    client.force_login(operator)
    html = client.get(url("document_upload", region, query="jenis=JPG,JPEG,PNG")).content.decode()
    assert 'enctype="multipart/form-data"' in html and "novalidate" in html
    assert 'accept=".jpg,.jpeg,image/jpeg,.png,image/png"' in html
    assert "JPG atau PNG" in html


@pytest.mark.django_db
def test_the_same_file_twice_reuses_the_first_and_says_so(client, region, operator, koordinator):
    data = pdf_bytes(tag=b"dup")
    client.force_login(koordinator)
    upload(client, region, "sk.pdf", data, subject="SK Bupati Nomor 12")
    first = Document.objects.get()
    client.force_login(operator)
    response = client.post(
        url("document_upload", region),
        {"subject": "Lain", "file": SimpleUploadedFile("lagi.pdf", data)},
        follow=True,
    )
    html = response.content.decode()
    assert "Berkas yang sama sudah ada: SK Bupati Nomor 12, diunggah" in html
    assert koordinator.display_name in html
    assert list(Document.objects.all()) == [first]
    assert first.subject == "SK Bupati Nomor 12"
    assert AuditEvent.objects.filter(action="document.upload").count() == 1


@pytest.mark.django_db
def test_store_document_returns_the_existing_document(region, koordinator):
    data = png_bytes(b"same")
    first = make_document(region, data=data, subject="Pertama", user=koordinator)
    again, created = store_document(
        region,
        SimpleUploadedFile("b.png", data),
        agency=None,
        number="",
        date=None,
        subject="Kedua",
        acting_user=koordinator,
    )
    assert (again, created) == (first, False)
    # Another region keeps its own copy.
    other = factories.region(code="16.11")
    assert make_document(other, data=data).region == other


@pytest.mark.django_db
def test_the_same_opd_uploading_the_same_file_again_reuses_it(client, region, operator, opd):
    data = pdf_bytes(tag=b"again")
    client.force_login(operator)
    upload(client, region, "sk.pdf", data, subject="SK Kepala Dinas")
    first = Document.objects.get()
    response = upload(client, region, "lagi.pdf", data, subject="Lain", follow=True)
    assert "Berkas yang sama sudah ada: SK Kepala Dinas, diunggah" in response.content.decode()
    assert list(Document.objects.all()) == [first] and first.agency == opd


@pytest.mark.django_db
def test_another_opds_file_is_stored_anew_and_never_revealed(
    client, region, opd, operator, settings
):
    data = pdf_bytes(tag=b"secret")
    theirs = make_document(region, agency=opd, data=data, subject="SK Rahasia", user=operator)
    other_opd = factories.agency(region)
    other_operator = factories.member(region, Role.OPERATOR, agency=other_opd)
    client.force_login(other_operator)
    back = f"/r/{region.code}/siklus/2023/inovasi/abc/indikator/I01/"
    response = upload(client, region, "sk.pdf", data, query=f"next={back}", subject="SK Kami")
    mine = Document.objects.exclude(pk=theirs.pk).get()
    assert response["Location"] == f"{back}?dokumen={mine.pk}"
    assert (mine.agency, mine.uploaded_by, mine.subject) == (other_opd, other_operator, "SK Kami")
    assert mine.sha256 == theirs.sha256 and mine.file.name != theirs.file.name
    assert sorted(p.read_bytes() for p in stored_files(settings)) == [data, data]
    assert AuditEvent.objects.filter(action="document.upload").count() == 2
    # The next page shows the message the upload left: about this OPD's new document only.
    html = client.get(url("document_list", region)).content.decode()
    assert "Bukti dukung SK Kami diunggah." in html
    for secret in ("SK Rahasia", operator.display_name, "sudah ada"):
        assert secret not in html, secret
    # Uploading the same bytes did not open the other OPD's document to this one.
    assert download(client, region, theirs).status_code == 404
    assert download(client, region, mine).status_code == 200


@pytest.mark.django_db
def test_koordinator_uploading_a_file_only_an_opd_has_makes_a_region_wide_document(
    client, region, opd, operator, koordinator
):
    data = pdf_bytes(tag=b"opd-only")
    theirs = make_document(region, agency=opd, data=data, subject="Punya Dinkes", user=operator)
    client.force_login(koordinator)
    assert upload(client, region, "perbup.pdf", data, subject="Perbup").status_code == 302
    region_wide = Document.objects.exclude(pk=theirs.pk).get()
    assert (region_wide.agency, region_wide.subject) == (None, "Perbup")
    # Every OPD may now use it, while the OPD's own copy stays its own.
    client.force_login(factories.member(region, Role.OPERATOR))
    assert download(client, region, region_wide).status_code == 200
    assert download(client, region, theirs).status_code == 404


@pytest.mark.django_db
def test_the_same_bytes_are_kept_once_per_opd_and_once_region_wide(region, opd):
    from django.db import IntegrityError, transaction

    other_opd = factories.agency(region)

    def row(agency):
        return Document.objects.create(
            region=region, agency=agency, sha256="ab" * 32, size=1, kind="pdf", file="x"
        )

    row(opd), row(other_opd), row(None)
    for agency in (opd, None):
        with pytest.raises(IntegrityError), transaction.atomic():
            row(agency)


@pytest.mark.django_db
def test_a_concurrent_upload_of_the_same_file_is_reused_within_its_scope(
    region, opd, operator, monkeypatch, settings
):
    from sinovda.evidence import actions

    data = png_bytes(b"race")
    other = make_document(region, agency=factories.agency(region), data=data, subject="Lain")
    first = make_document(region, agency=opd, data=data, subject="Pertama", user=operator)
    real, calls = actions._same_file, []

    def missed_by_the_first_look(*args):
        calls.append(args)
        return None if len(calls) == 1 else real(*args)

    # The first look finds nothing, as if the other upload committed just after it.
    monkeypatch.setattr(actions, "_same_file", missed_by_the_first_look)
    again, created = store_document(
        region,
        SimpleUploadedFile("b.png", data),
        agency=opd,
        number="",
        date=None,
        subject="Kedua",
        acting_user=operator,
    )
    assert (again, created) == (first, False) and again != other
    assert len(calls) == 2 and len(stored_files(settings)) == 2


@pytest.mark.django_db
def test_upload_returns_to_a_safe_next_page_with_the_document(client, region, operator):
    client.force_login(operator)
    back = f"/r/{region.code}/siklus/2023/inovasi/abc/indikator/I01/?tab=1"
    response = upload(client, region, "sk.pdf", pdf_bytes(), query=f"next={back}")
    document = Document.objects.get()
    assert response["Location"] == f"{back}&dokumen={document.pk}"
    for unsafe in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = upload(
            client, region, "sk.pdf", pdf_bytes(tag=unsafe.encode()), query=f"next={unsafe}"
        )
        assert response["Location"] == url("document_list", region), unsafe


# --- names ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_hostile_name_is_sanitised(client, region, operator):
    client.force_login(operator)
    upload(client, region, "../../etc/passwd<script>.pdf", pdf_bytes())
    document = Document.objects.get()
    assert document.original_name == "passwdscript.pdf"
    assert "passwd" not in document.file.name and ".." not in document.file.name


@pytest.mark.parametrize(
    "raw,clean",
    [
        ("..\\..\\windows\\sk.pdf", "sk.pdf"),
        ("foto\u202egpj.exe", "fotogpj.exe"),
        ("la\x00po\nran\t.pdf", "laporan.pdf"),
        ("  ...  ", "berkas.pdf"),
        ("", "berkas.pdf"),
        ('"quoted"|name?.pdf', "quotedname.pdf"),
        ("Laporan – Dinas Kesehatan.pdf", "Laporan – Dinas Kesehatan.pdf"),
    ],
)
def test_sanitise_name(raw, clean):
    assert sanitise_name(raw, "pdf") == clean


def test_long_names_keep_their_extension():
    name = sanitise_name("a" * 500 + ".pdf", "pdf")
    assert len(name) == 150 and name.endswith("a.pdf")


# --- downloads --------------------------------------------------------------------------------------


@pytest.fixture
def document(region, opd, operator):
    data = pdf_bytes(tag=b"download")
    document, _ = store_document(
        region,
        SimpleUploadedFile("Laporan – Dinas Kesehatan.pdf", data),
        agency=opd,
        number="1",
        date=None,
        subject="Laporan",
        acting_user=operator,
    )
    document.data = data
    return document


def download(client, region, document):
    return client.get(url("document_download", region, document.pk))


@pytest.mark.django_db
def test_logged_out_visitors_are_sent_to_sign_in_and_never_get_the_file(client, region, document):
    response = download(client, region, document)
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    assert document.data not in body(response)


@pytest.mark.django_db
def test_people_of_another_region_get_404(client, region, document):
    other = factories.region(code="16.11")
    for role in (Role.COORDINATOR, Role.VERIFIER, Role.OPERATOR):
        client.force_login(factories.member(other, role))
        assert download(client, region, document).status_code == 404
        # Nor through their own region's address.
        assert download(client, other, document).status_code == 404


@pytest.mark.django_db
def test_operator_of_another_opd_gets_404_until_it_is_attached_to_its_answer(
    client, region, document
):
    other_opd = factories.agency(region)
    client.force_login(factories.member(region, Role.OPERATOR, agency=other_opd))
    assert download(client, region, document).status_code == 404
    attach_to_answer(document, other_opd, region)
    assert download(client, region, document).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.VERIFIER, Role.COORDINATOR, Role.LEADER, Role.OPERATOR, "province", "admin"]
)
def test_those_who_may_see_it_download_it_as_a_safe_attachment(
    client, region, document, operator, role
):
    if role == Role.OPERATOR:
        person = operator
    elif role == "province":
        # A province reads evidence only when the region shares it (test_integrity covers the
        # default, where it gets 404).
        region.share_with_province = True
        region.save(update_fields=["share_with_province"])
        person = factories.member(region.province, Role.PROVINCE_VIEWER)
    elif role == "admin":
        person = factories.national_admin()
    else:
        person = factories.member(region, role)
    client.force_login(person)
    response = download(client, region, document)
    assert response.status_code == 200
    assert body(response) == document.data
    assert response["Content-Type"] == "application/pdf"
    # Django's RFC 6266 header: a non-ASCII name travels only in the encoded filename* form.
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Laporan%20%E2%80%93%20Dinas%20Kesehatan.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_download_name_gets_the_extension_of_the_real_kind(client, region, koordinator):
    document, _ = store_document(
        region,
        SimpleUploadedFile("foto.pdf", png_bytes(b"renamed")),
        agency=None,
        number="",
        date=None,
        subject="",
        acting_user=koordinator,
    )
    client.force_login(koordinator)
    response = download(client, region, document)
    assert response["Content-Type"] == "image/png"
    assert 'filename="foto.pdf.png"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_download_can_be_handed_to_the_web_server(client, region, document, koordinator, settings):
    settings.EVIDENCE_X_ACCEL_PREFIX = "/_bukti/"
    client.force_login(koordinator)
    response = download(client, region, document)
    assert response["X-Accel-Redirect"] == f"/_bukti/{document.file.name}"
    assert response.content == b""
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_download_is_read_only(client, region, document, koordinator):
    client.force_login(koordinator)
    assert client.post(url("document_download", region, document.pk)).status_code == 405


@pytest.mark.django_db
def test_the_file_is_reachable_through_no_other_address(client, region, document, koordinator):
    client.force_login(koordinator)
    name = document.file.name
    for path in (
        f"/static/{name}",
        f"/media/{name}",
        f"/{name}",
        f"/private/{name}",
        f"/var/private/{name}",
        f"/r/{region.code}/bukti/{name}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert document.data not in body(response), path
    with pytest.raises(ValueError):
        document.file.url  # noqa: B018


@pytest.mark.django_db
def test_downloads_are_not_audited(client, region, document, koordinator):
    client.force_login(koordinator)
    before = AuditEvent.objects.count()
    download(client, region, document)
    assert AuditEvent.objects.count() == before


# --- the list ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_operators_list_only_their_opds_documents(client, region, opd, operator):
    mine = make_document(region, agency=opd, subject="Punya Dinkes")
    other_opd = factories.agency(region)
    theirs = make_document(region, agency=other_opd, subject="Punya OPD lain")
    shared = make_document(region, agency=other_opd, subject="Dipakai Dinkes")
    attach_to_answer(shared, opd, region)
    client.force_login(operator)
    html = client.get(url("document_list", region)).content.decode()
    assert mine.subject in html and shared.subject in html
    assert theirs.subject not in html
    client.force_login(factories.member(region, Role.VERIFIER))
    html = client.get(url("document_list", region)).content.decode()
    assert all(d.subject in html for d in (mine, theirs, shared))


@pytest.mark.django_db
def test_search_by_number_or_subject(client, region, koordinator):
    make_document(region, subject="SK Tim Inovasi")
    make_document(region, subject="Foto peluncuran")
    client.force_login(koordinator)
    html = client.get(url("document_list", region, query="cari=tim+inov")).content.decode()
    assert "SK Tim Inovasi" in html and "Foto peluncuran" not in html


@pytest.mark.django_db
def test_list_runs_the_same_number_of_queries_for_many_documents(client, region, koordinator):
    client.force_login(koordinator)
    agencies = [factories.agency(region) for _ in range(3)]
    make_document(region, agency=agencies[0], subject="d0", user=koordinator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url("document_list", region)).status_code == 200
        return len(queries)

    few = count()
    for i in range(1, 30):
        make_document(region, agency=agencies[i % 3], subject=f"d{i}", user=koordinator)
    assert count() == few


@pytest.mark.django_db
def test_list_is_paginated(client, region, koordinator):
    for i in range(27):
        make_document(region, subject=f"dokumen-{i:02d}")
    client.force_login(koordinator)
    html = client.get(url("document_list", region)).content.decode()
    assert "Halaman 1 dari 2" in html
    html = client.get(url("document_list", region, query="halaman=2")).content.decode()
    assert html.count("dokumen-") == 2


# --- the sniffer on its own -------------------------------------------------------------------------


def test_sniffer_finds_a_name_cut_by_the_inflate_step():
    # The inflater works in 1 MB pieces; put the name across the boundary.
    filler = b"0 0 m " * ((1024 * 1024 - 6) // 6)
    content = filler[: 1024 * 1024 - 5] + b" /JavaScript "
    data = pdf_with_stream(b"/Filter /FlateDecode", zlib.compress(content))
    with pytest.raises(Refused) as refused:
        sniff(data)
    assert refused.value.code == "pdf_active"


def test_sniffer_accepts_a_plain_compressed_pdf():
    content = b"BT /F1 12 Tf 72 712 Td (Surat Keputusan) Tj ET /JSX /Im1 Do"
    assert sniff(pdf_with_stream(b"/Filter /FlateDecode", zlib.compress(content))).kind == "pdf"


def test_sniffer_refuses_object_streams_it_cannot_read():
    data = pdf_with_stream(b"/Type /ObjStm /Filter /LZWDecode", b"\x80\x0b\x60\x50")
    with pytest.raises(Refused) as refused:
        sniff(data)
    assert refused.value.code == "pdf_uninspectable"


def test_sniffer_refuses_a_decompression_bomb(monkeypatch):
    from sinovda.evidence import sniff as module

    monkeypatch.setattr(module, "PDF_INFLATE_BUDGET", 1024 * 1024)
    data = pdf_with_stream(b"/Filter /FlateDecode", zlib.compress(b"\x00" * 3 * 1024 * 1024))
    with pytest.raises(Refused) as refused:
        sniff(data)
    assert refused.value.code == "pdf_too_complex"


def test_operator_sees_region_wide_documents_such_as_the_perbup(
    client, region, opd, operator, koordinator
):
    perbup = make_document(region, agency=None, subject="Perbup Inovasi Daerah", user=koordinator)
    other_opd = factories.agency(region)
    foreign = make_document(region, agency=other_opd, subject="Dokumen OPD lain")
    client.force_login(operator)
    assert client.get(url("document_download", region, perbup.pk)).status_code == 200
    assert client.get(url("document_download", region, foreign.pk)).status_code == 404
    submission = factories.submission(factories.cycle(region), agency=opd)
    page = client.get(
        reverse("answer_edit", args=[region.code, 2023, submission.innovation.public_id, "16"])
    ).content.decode()
    assert "Perbup Inovasi Daerah" in page and "Dokumen OPD lain" not in page
