from django.core.management import call_command
from django.core.management.base import BaseCommand

from sinovda.core import demo


class Command(BaseCommand):
    help = "Load the demo region (Kabupaten Ogan Ilir) with its OPDs, people and cycle. Idempotent."

    def handle(self, *args, **options):
        call_command("load_regions", verbosity=0)
        logins = demo.load()
        self.stdout.write("")
        self.stdout.write("Sinovda demo is ready: http://127.0.0.1:8000/")
        self.stdout.write(f"Every demo account uses the password: {demo.DEMO_PASSWORD}")
        for username, description in logins:
            self.stdout.write(f"  {username:<24} {description}")
        self.stdout.write("")
