from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sinovda.backup import archive, manifest, restore
from sinovda.backup.database import BackupError


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an EMPTY database (and its objects, when "
        "the backup holds them), then check row counts and every object's sha256 against the "
        "manifest. --verify-only checks this installation against the manifest and changes nothing. "
        "Exits non-zero on any mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup directory or archive")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="change nothing; compare the database and storage with the backup's manifest",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a non-empty database and objects that differ (destroys what is there)",
        )

    def handle(self, *args, path, verify_only, force, **options):
        try:
            backup = archive.reader(Path(path))
        except (FileNotFoundError, OSError) as error:
            raise CommandError(str(error)) from error
        try:
            made = manifest.read(backup)
            self.stdout.write(
                f"backup of {made['created_at']} (Sinovda {made['sinovda']['version']}, "
                f"commit {made['sinovda']['commit'] or 'unknown'})"
            )
            if verify_only:
                report = restore.verify(made)
            else:
                report = restore.restore(backup, made, force=force, progress=self.stdout.write)
        except (BackupError, OSError, KeyError, ValueError) as error:
            raise CommandError(str(error)) from error
        finally:
            backup.close()
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"verification failed: {len(report.problems)} mismatch(es)")
