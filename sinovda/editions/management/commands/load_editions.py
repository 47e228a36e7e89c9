from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from sinovda import methodology
from sinovda.audit.models import record
from sinovda.editions.actions import as_json
from sinovda.editions.models import Edition


class Command(BaseCommand):
    help = "Load the edition data files (sinovda/methodology/editions/*.toml) into the database."

    def add_arguments(self, parser):
        parser.add_argument("--directory", help="read the files from this folder instead")

    @transaction.atomic
    def handle(self, *args, directory=None, **options):
        specs = methodology.load_editions(directory)  # refuses the lot if any file is invalid
        for year, spec in sorted(specs.items()):
            data = as_json(spec.to_dict())
            origin = f"file:{year}.toml"
            edition = Edition.objects.filter(year=year).first()
            if edition is None:
                edition = Edition.objects.create(
                    year=year,
                    data=data,
                    origin=origin,
                    status=Edition.Status.PUBLISHED,
                    published_at=timezone.now(),
                )
                record("edition.load", obj=edition, after={"origin": origin})
                self.stdout.write(f"{year}: loaded")
            elif edition.edited or edition.origin != origin:
                self.stdout.write(f"{year}: kept (changed in the product; the file is not applied)")
            elif edition.data != data:
                edition.data = data
                edition.save(update_fields=["data", "updated_at"])
                record("edition.update_from_file", obj=edition, after={"origin": origin})
                self.stdout.write(f"{year}: updated from the file")
            else:
                self.stdout.write(f"{year}: unchanged")
