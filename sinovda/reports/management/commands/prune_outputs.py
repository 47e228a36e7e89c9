from django.core.management.base import BaseCommand

from sinovda.reports.jobs import prune


class Command(BaseCommand):
    help = "Delete generated files whose retention has passed (SINOVDA_OUTPUT_RETENTION_DAYS)."

    def handle(self, *args, **options):
        count = prune()
        self.stdout.write(f"{count} expired file(s) deleted.")
