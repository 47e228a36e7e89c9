"""Write the national rekap of an edition year (every Pemda's reported innovations and IID):

python manage.py export_national --year 2023 --out rekap-nasional-2023.xlsx
"""

from django.core.management.base import BaseCommand, CommandError

from sinovda.editions.models import Edition
from sinovda.reports.rekap import write_national_rekap


class Command(BaseCommand):
    help = "Write the national rekap (all Pemda of an edition year) to an XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, type=int, help="edition year, e.g. 2023")
        parser.add_argument("--out", required=True, help="path of the .xlsx file to write")

    def handle(self, *args, year, out, **options):
        if not Edition.objects.filter(year=year).exists():
            raise CommandError(f"No edition {year}.")
        verbosity = options.get("verbosity", 1)

        def progress(percent, step=""):
            if verbosity > 1:
                self.stderr.write(f"{percent:3d}% {step}")

        with open(out, "wb") as fh:
            count = write_national_rekap(year, fh, progress)
        if verbosity:
            self.stdout.write(f"{out}: {count} innovation(s)")
