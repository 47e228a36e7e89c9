from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sinovda.backup import manifest
from sinovda.backup.database import BackupError


class Command(BaseCommand):
    help = (
        "Back up the database and a manifest of the private storage (name, size, sha256 of every "
        "object) to a directory, or to a .tar/.tar.gz archive; --with-files copies the objects too. "
        "docs/deploy.md has the restore drill."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a new directory, or a file ending in .tar/.tar.gz/.tgz")
        parser.add_argument(
            "--with-files", action="store_true", help="copy every stored object into the backup"
        )

    def handle(self, *args, path, with_files, **options):
        target = Path(path)
        try:
            made = manifest.create(target, with_files=with_files, progress=self.stdout.write)
        except (BackupError, FileExistsError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(made["tables"].values())
        self.stdout.write(
            f"backup written to {target}: {len(made['tables'])} tables, {rows} rows, "
            f"{len(made['objects'])} objects" + (" (copied)" if with_files else " (listed)")
        )
