import time

from django.core.management.base import BaseCommand, CommandError

from sinovda.scores.recompute import recompute_year


class Command(BaseCommand):
    help = (
        "Recompute every Pemda's verified result of an edition year from the database (a check "
        "and a timing; nothing is stored)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args, year, **options):
        started = time.perf_counter()
        results = recompute_year(year)
        elapsed = time.perf_counter() - started
        if not results:
            raise CommandError(f"No cycle of the edition year {year}.")
        predicates = {}
        for result in results.values():
            predicates[result.predicate] = predicates.get(result.predicate, 0) + 1
        innovations = sum(r.n for r in results.values())
        self.stdout.write(
            f"{year}: {len(results)} Pemda, {innovations} reported innovations, "
            f"recomputed in {elapsed:.2f} s"
        )
        for predicate, count in sorted(predicates.items()):
            self.stdout.write(f"  {predicate}: {count}")
