import csv
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from sinovda.regions.models import Region

DATA = Path(__file__).resolve().parents[2] / "data"
FIELDS = ("name", "kind", "province")


class Command(BaseCommand):
    help = (
        "Load Indonesia's provinsi and kabupaten/kota from sinovda/regions/data, then the cluster "
        "lists (load_clusters). Idempotent."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        with open(DATA / "regions.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        existing = {r.code: r for r in Region.objects.all()}
        created = updated = 0
        # Provinces first, so every kab/kota finds its province.
        for row in sorted(rows, key=lambda r: (r["kind"] != "provinsi", r["code"])):
            values = {
                "name": row["name"],
                "kind": row["kind"],
                "province": existing[row["province_code"]] if row["province_code"] else None,
            }
            region = existing.get(row["code"])
            if region is None:
                existing[row["code"]] = Region.objects.create(code=row["code"], **values)
                created += 1
            elif any(getattr(region, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(region, k, v)
                region.save(update_fields=list(FIELDS))
                updated += 1
        if options["verbosity"]:
            self.stdout.write(
                f"regions: {created} created, {updated} updated, {len(rows)} in the file"
            )
        # Cluster lists name regions by code: they follow the regions, in the same transaction.
        call_command("load_clusters", verbosity=options["verbosity"], stdout=self.stdout)
