import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from sinovda.notifications import digest, outbox


class Command(BaseCommand):
    help = (
        "Write today's daily digests (people who chose 'ringkasan harian') and send them. "
        "`send_reminders` does this too; run this one alone where reminders are not wanted."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the digest's day, YYYY-MM-DD (default: today)")

    def handle(self, *args, date=None, **options):
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        with translation.override(settings.LANGUAGE_CODE):
            written = digest.send_digests(day)
        outcome = outbox.send_due()
        self.stdout.write(f"{written} digest(s) written; {outcome.sent} e-mail(s) sent.")
