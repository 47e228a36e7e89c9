"""manage.py import_results FILE: load results announced by BSKDN from a CSV file (docs/results.md).

The same reading, checks and writing as the national admin's import page: every error is printed
with its row and column and nothing is written (exit code 2); importing the same file again changes
nothing.
"""

import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from sinovda.scores import results_import, snapshot_actions


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


class Command(BaseCommand):
    help = (
        "Import announced IID results (CSV: code,year,iid,predikat,source[,source_publisher,...])."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (UTF-8, comma or semicolon)")
        parser.add_argument(
            "--publisher", default="", help="publisher for rows that leave it empty"
        )
        parser.add_argument("--date", type=_date, help="source date (YYYY-MM-DD) for rows without")
        parser.add_argument("--url", default="", help="source link for rows that leave it empty")
        parser.add_argument("--user", help="username of the national admin to record as the actor")
        parser.add_argument(
            "--dry-run", action="store_true", help="check and report, write nothing"
        )

    def handle(self, *args, file, publisher, date, url, user, dry_run, **options):
        path = Path(file)
        try:
            with path.open("rb") as handle:
                data = handle.read(results_import.MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}", returncode=2) from None
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user, is_superuser=True).first()
            if actor is None:
                raise CommandError(f"{user} is not a national admin (superuser)", returncode=2)
        defaults = {"publisher": publisher, "date": date, "url": url}
        try:
            rows = results_import.read_csv(data)
            if dry_run:
                plan = results_import.plan_import(rows, defaults)
                if not plan.ok:
                    raise snapshot_actions.ImportRejected(plan)
            else:
                plan = snapshot_actions.import_results(rows, actor, defaults, label=path.name)
        except results_import.FileRejected as rejected:
            raise CommandError(rejected.message, returncode=2) from None
        except snapshot_actions.ImportRejected as rejected:
            for error in rejected.plan.errors:
                column = error.column or "-"
                self.stderr.write(f"baris {error.row}, kolom {column}: {error.message}")
            raise CommandError(
                f"{len(rejected.plan.errors)} error(s) in {path.name}; nothing was imported",
                returncode=2,
            ) from None
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"{plan.rows} rows: {verb} {len(plan.new)} new, {len(plan.corrections)} corrections; "
            f"skipped {len(plan.skip)} already recorded"
        )
