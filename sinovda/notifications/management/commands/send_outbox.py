from django.core.management.base import BaseCommand

from sinovda.notifications import outbox


class Command(BaseCommand):
    help = (
        "Send the e-mails that are due in the outbox (new ones and retries). Safe to run from cron "
        "every few minutes beside the worker: two senders never take the same e-mail."
    )

    def handle(self, *args, **options):
        outcome = outbox.send_due()
        self.stdout.write(
            f"{outcome.sent} sent, {outcome.retry} to retry later, {outcome.failed} failed for good."
        )
