import time

from django.core.management.base import BaseCommand, CommandError

from sinovda.core import nation


class Command(BaseCommand):
    help = (
        "Generate a synthetic nation for tests and benchmarks: every Pemda with OPDs and cycles, "
        "~40,000 innovations at --scale 1.0 with reports, answers, SPD answers and publications "
        f"for {nation.SUBMISSION_YEAR}, and result snapshots for "
        f"{nation.SNAPSHOT_YEARS[0]}–{nation.SNAPSHOT_YEARS[-1]}, all marked "
        f"{nation.SYNTHETIC_TAG!r}. Running it again replaces the previous synthetic data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="multiplies the innovations (0.1 ≈ 4,000)"
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same nation")
        parser.add_argument(
            "--province", help="only this province and its kab/kota (Kemendagri code, e.g. 16)"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="generate even though the database holds real (untagged) innovations",
        )

    def handle(self, *args, scale, seed, province, force, **options):
        if scale <= 0:
            raise CommandError("--scale must be greater than 0.")
        started = time.perf_counter()
        try:
            counts = nation.generate(
                scale=scale, seed=seed, force=force, province=province, progress=self._say
            )
        except nation.Refused as refused:
            raise CommandError(str(refused)) from None
        except ValueError as error:
            raise CommandError(str(error)) from None
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Pemda {counts.regions}, OPD baru {counts.agencies}, siklus baru {counts.cycles}, "
            f"inovasi {counts.innovations}, jawaban SID {counts.answers}, "
            f"jawaban SPD {counts.spd_answers}, publikasi {counts.publications}, "
            f"snapshot {counts.snapshots}"
        )
        self.stdout.write(f"waktu: {elapsed:.1f} s (skala {scale}, seed {seed})")

    def _say(self, message):
        self.stdout.write(f"  {message}")
        self.stdout.flush()
