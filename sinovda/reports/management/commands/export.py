"""Write one of the year's outputs to a file, the same bytes the web makes:

python manage.py export handoff --region 16.10 --year 2023 --out paket.zip
"""

from django.core.management.base import BaseCommand, CommandError

from sinovda.cycles.models import Cycle
from sinovda.reports import generators
from sinovda.reports.models import OutputKind

CYCLE_KINDS = [OutputKind.HANDOFF, OutputKind.REPORT, OutputKind.REKAP, OutputKind.CERTIFICATES]


class Command(BaseCommand):
    help = "Write a cycle's output (handoff, report, rekap, certificates) to a file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[str(k) for k in CYCLE_KINDS])
        parser.add_argument("--region", required=True, help="Kemendagri code, e.g. 16.10")
        parser.add_argument("--year", required=True, type=int, help="edition year, e.g. 2023")
        parser.add_argument("--out", required=True, help="path of the file to write")

    def handle(self, *args, kind, region, year, out, **options):
        try:
            cycle = Cycle.objects.select_related("region", "edition").get(
                region__code=region, edition__year=year
            )
        except Cycle.DoesNotExist:
            raise CommandError(f"No cycle {year} for region {region}.") from None
        generator = generators.get(kind)
        verbosity = options.get("verbosity", 1)

        def progress(percent, step=""):
            if verbosity > 1:
                self.stderr.write(f"{percent:3d}% {step}")

        with open(out, "wb") as fh:
            generator.write(cycle, fh, progress)
        if verbosity:
            self.stdout.write(f"{out}: {generator.filename(cycle)}")
