"""Render every public ranking page into the cache now (after a deploy or a results import)."""

import time

from django.core.management.base import BaseCommand

from sinovda.catalogue import rankings_warm


class Command(BaseCommand):
    help = "Pre-render every ranking page (all clusters, provinces, years and languages)."

    def handle(self, *args, **options):
        started = time.monotonic()
        count = rankings_warm.warm()
        self.stdout.write(f"{count} ranking pages rendered in {time.monotonic() - started:.1f} s")
