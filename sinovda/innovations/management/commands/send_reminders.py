import datetime

from django.core.management.base import BaseCommand, CommandError

from sinovda.innovations import reminders
from sinovda.notifications import outbox, periodic


class Command(BaseCommand):
    help = (
        "The daily job: reminders to OPDs at D-14/7/3/1 before the submit deadline, the "
        "verifiers' queue, the personal daily digests; then send the outbox. Run it once a day "
        "(cron or a systemd timer), or once with --schedule to let the worker run it every day. "
        "Running it twice the same day sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to run for, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="do not run now; queue the daily task for the worker (once, whatever the calls)",
        )

    def handle(self, *args, date=None, schedule=False, **options):
        if schedule:
            at = periodic.schedule_daily(reminders.daily_reminders)
            if at is None:
                self.stdout.write("The daily task is already queued (or the backend cannot wait).")
            else:
                self.stdout.write(f"The daily task will run at {at:%Y-%m-%d %H:%M %Z}.")
            return
        try:
            day = datetime.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError("--date must be YYYY-MM-DD") from None
        summary = reminders.send_daily(day)
        outcome = outbox.send_due()
        self.stdout.write(
            f"{summary.agencies} OPD reminder(s), {summary.queues} queue digest(s), "
            f"{summary.digests} personal digest(s); {outcome.sent} e-mail(s) sent, "
            f"{outcome.retry} to retry."
        )
