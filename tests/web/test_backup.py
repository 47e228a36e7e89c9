"""manage.py backup / restore: backup → wipe → restore gives the same rows and the same bytes; a
damaged object, a damaged dump and a non-empty database are caught. Runs on SQLite and PostgreSQL
(pg_dump/pg_restore from the PostgreSQL client tools)."""

import hashlib
import io
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from sinovda.evidence.actions import store_document
from sinovda.evidence.models import Document
from sinovda.innovations.models import Submission
from sinovda.regions.models import Role
from tests import factories
from tests.web.test_evidence import jpg_bytes, mp4_bytes, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)


# --- an installation with evidence, and ways to lose it --------------------------------------------


def make_installation():
    region = factories.region(name="Kabupaten Cadangan")
    opd = factories.agency(region, name="Dinas Arsip")
    operator = factories.member(region, Role.OPERATOR, agency=opd)
    factories.member(region, Role.VERIFIER)
    cycle = factories.cycle(region)
    report = factories.submission(cycle, agency=opd, levels={"I01": 2, "I02": 3})
    files = [
        ("sk.pdf", pdf_bytes(tag=b"SK")),
        ("foto.jpg", jpg_bytes(b"foto", size=300_000)),
        ("video.mp4", mp4_bytes(b"video")),
        ("region.pdf", pdf_bytes(tag=b"region")),
    ]
    for index, (name, data) in enumerate(files):
        document, _ = store_document(
            region,
            SimpleUploadedFile(name, data),
            agency=opd if index < 3 else None,
            number=f"{index}/2023",
            date=None,
            subject=f"Bukti {name}",
            acting_user=operator,
        )
        report.answers.first().documents.add(document)
    return report


def table_rows() -> dict[str, int]:
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    return counts


def stored_files(settings) -> dict[str, str]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in root.rglob("*")
        if path.is_file()
    }


def wipe_database():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys = OFF")
            cursor.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
            for kind, name in cursor.fetchall():
                if kind in {"table", "view", "trigger"}:
                    cursor.execute(f'DROP {kind.upper()} IF EXISTS "{name}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    assert table_rows() == {}


def wipe_storage(settings):
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)


def run(*args) -> str:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
    except CommandError as error:
        error.output = out.getvalue()
        raise
    return out.getvalue()


@pytest.fixture(autouse=True)
def _schema_back(transactional_db):
    """A test that fails between wipe and restore must not leave the next tests without tables."""
    yield
    if not table_rows():
        call_command("migrate", verbosity=0)


@pytest.fixture
def installation(settings):
    # These tests damage files on disk by hand; S3 has its own test at the end.
    settings.STORAGE_URL = ""
    report = make_installation()
    return report, table_rows(), stored_files(settings)


# --- the round trip -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["backup", "backup.tar.gz"])
def test_backup_wipe_restore_gives_the_same_rows_and_bytes(settings, tmp_path, installation, name):
    _, rows, files = installation
    assert len(files) == 4 and rows["evidence_document"] == 4
    target = tmp_path / name
    run("backup", str(target), "--with-files")

    wipe_database()
    wipe_storage(settings)
    output = run("restore", str(target))

    assert "result: OK" in output
    assert "objects restored: 4" in output
    assert table_rows() == rows
    assert stored_files(settings) == files
    # The restored installation works: the ORM reads the rows and the files behind them.
    assert Submission.objects.get().answers.count() == 2
    for document in Document.objects.all():
        with document.file.open("rb") as stream:
            assert hashlib.sha256(stream.read()).hexdigest() == document.sha256


def test_the_manifest_lists_every_object_with_size_and_sha256(settings, tmp_path, installation):
    _, rows, files = installation
    run("backup", str(tmp_path / "b"))
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())

    assert manifest["tables"] == rows
    assert {entry["name"]: entry["sha256"] for entry in manifest["objects"]} == files
    for entry in manifest["objects"]:
        assert entry["size"] == (Path(settings.PRIVATE_MEDIA_ROOT) / entry["name"]).stat().st_size
    assert manifest["database"]["vendor"] == connection.vendor
    assert "0001_initial" in manifest["migrations"]["evidence"]
    assert manifest["created_at"] and manifest["files_included"] is False
    assert not (tmp_path / "b" / "files").exists()


def test_a_backup_is_readable_by_its_owner_only(tmp_path, installation):
    run("backup", str(tmp_path / "b"), "--with-files")
    run("backup", str(tmp_path / "b.tar"))
    assert stat.S_IMODE((tmp_path / "b").stat().st_mode) == 0o700
    for path in [*(tmp_path / "b").rglob("*"), tmp_path / "b.tar"]:
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_objects_kept_elsewhere_are_checked_not_copied(settings, tmp_path, installation):
    """Without --with-files the storage is restored by other means (a bucket's replica); restore
    brings the database back and checks the objects that are there."""
    _, rows, files = installation
    run("backup", str(tmp_path / "b"))
    wipe_database()
    output = run("restore", str(tmp_path / "b"))
    assert "holds no objects" in output and "result: OK" in output
    assert table_rows() == rows and stored_files(settings) == files


# --- what must be caught ------------------------------------------------------------------------


def test_a_damaged_object_in_the_backup_is_reported(settings, tmp_path, installation):
    run("backup", str(tmp_path / "b"), "--with-files")
    copy = next((tmp_path / "b" / "files").rglob("*.jpg"))
    data = bytearray(copy.read_bytes())
    data[5000] ^= 0xFF
    copy.write_bytes(bytes(data))
    wipe_database()
    wipe_storage(settings)

    with pytest.raises(CommandError, match="verification failed") as failure:
        run("restore", str(tmp_path / "b"))
    assert "differ from their sha256" in failure.value.output
    assert copy.name in failure.value.output


def test_verify_only_finds_a_changed_or_missing_object_in_the_live_storage(
    settings, tmp_path, installation
):
    run("backup", str(tmp_path / "b"))
    assert "result: OK" in run("restore", str(tmp_path / "b"), "--verify-only")

    root = Path(settings.PRIVATE_MEDIA_ROOT)
    pdfs = sorted(root.rglob("*.pdf"))
    pdfs[0].write_bytes(pdfs[0].read_bytes() + b"tampered")
    pdfs[1].unlink()
    with pytest.raises(CommandError) as failure:
        run("restore", str(tmp_path / "b"), "--verify-only")
    assert "1 object(s) missing" in failure.value.output
    assert "1 object(s) differ" in failure.value.output


def test_verify_only_finds_rows_that_changed(tmp_path, installation):
    report, _, _ = installation
    run("backup", str(tmp_path / "b"))
    report.answers.first().delete()
    with pytest.raises(CommandError) as failure:
        run("restore", str(tmp_path / "b"), "--verify-only")
    assert "table innovations_answer: 1 rows, the backup has 2" in failure.value.output


def test_a_non_empty_database_is_refused(tmp_path, installation):
    _, rows, _ = installation
    run("backup", str(tmp_path / "b"))
    with pytest.raises(CommandError, match="the database is not empty"):
        run("restore", str(tmp_path / "b"))
    assert table_rows() == rows


def test_force_replaces_a_non_empty_database(settings, tmp_path, installation):
    report, rows, files = installation
    run("backup", str(tmp_path / "b"), "--with-files")
    factories.submission(report.cycle)  # written after the backup: gone after the restore
    assert "result: OK" in run("restore", str(tmp_path / "b"), "--force")
    assert table_rows() == rows and stored_files(settings) == files


def test_a_damaged_dump_is_refused_before_anything_changes(tmp_path, installation):
    run("backup", str(tmp_path / "b"))
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    dump = tmp_path / "b" / manifest["database"]["dump"]
    dump.write_bytes(dump.read_bytes()[:-100])
    wipe_database()
    with pytest.raises(CommandError, match="damaged"):
        run("restore", str(tmp_path / "b"))
    assert table_rows() == {}


def test_a_stored_object_that_differs_is_not_overwritten_without_force(
    settings, tmp_path, installation
):
    run("backup", str(tmp_path / "b"), "--with-files")
    wipe_database()
    victim = next(Path(settings.PRIVATE_MEDIA_ROOT).rglob("*.mp4"))
    victim.write_bytes(b"something else")
    with pytest.raises(CommandError, match="differ from the backup"):
        run("restore", str(tmp_path / "b"))
    assert table_rows() == {}


def test_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="no backup at"):
        run("restore", str(tmp_path / "nothing"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(CommandError, match="manifest.json is missing"):
        run("restore", str(tmp_path / "empty"))


def test_an_existing_target_is_not_overwritten(tmp_path, installation):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="not empty"):
        run("backup", str(tmp_path / "b"))
    assert (tmp_path / "b" / "keep.txt").read_text() == "mine"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL credentials")
def test_the_database_password_never_reaches_a_command_line(monkeypatch, tmp_path, installation):
    import subprocess

    from sinovda.backup import database

    seen = []
    real_run = subprocess.run

    def spy(command, **kwargs):
        seen.append((command, kwargs.get("env", {})))
        return real_run(command, **kwargs)

    monkeypatch.setattr(database.subprocess, "run", spy)
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "not-on-the-command-line")
    run("backup", str(tmp_path / "b"))
    command, env = seen[0]
    assert os.path.basename(command[0]) == "pg_dump"
    assert not any("not-on-the-command-line" in part for part in command)
    assert env["PGPASSWORD"] == "not-on-the-command-line"


# --- object storage -------------------------------------------------------------------------------


def bucket_objects(moto_server, s3_url) -> dict[str, str]:
    from tests.s3server import BUCKET

    prefix = s3_url.split(f"{BUCKET}/", 1)[1].split("?", 1)[0] + "/"
    client = moto_server.client()
    found = {}
    for item in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", []):
        body = client.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        found[item["Key"][len(prefix) :]] = hashlib.sha256(body).hexdigest()
    return found


def empty_bucket(moto_server, s3_url):
    from tests.s3server import BUCKET

    prefix = s3_url.split(f"{BUCKET}/", 1)[1].split("?", 1)[0] + "/"
    client = moto_server.client()
    for item in client.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def test_the_round_trip_through_s3_storage(settings, tmp_path, s3_url, moto_server):
    """The same commands on S3-compatible storage: objects are walked, copied and put back through
    the storage API, never through a local folder."""
    settings.STORAGE_URL = s3_url
    make_installation()
    rows, objects = table_rows(), bucket_objects(moto_server, s3_url)
    assert len(objects) == 4 and not Path(settings.PRIVATE_MEDIA_ROOT).exists()
    run("backup", str(tmp_path / "b.tar"), "--with-files")

    wipe_database()
    empty_bucket(moto_server, s3_url)
    assert "result: OK" in run("restore", str(tmp_path / "b.tar"))
    assert table_rows() == rows and bucket_objects(moto_server, s3_url) == objects

    empty_bucket(moto_server, s3_url)
    with pytest.raises(CommandError) as failure:
        run("restore", str(tmp_path / "b.tar"), "--verify-only")
    assert "4 object(s) missing" in failure.value.output
