from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.formats import number_format

from sinovda.core import demo


class Command(BaseCommand):
    help = (
        "Load the demo region (Kabupaten Ogan Ilir): OPDs, people, the 2022 and 2023 cycles with "
        "their innovations, answers and evidence. Idempotent."
    )

    def handle(self, *args, **options):
        call_command("load_regions", verbosity=0)
        logins = demo.load()
        self.stdout.write("")
        self.stdout.write("Sinovda demo is ready: http://127.0.0.1:8000/")
        self.stdout.write(f"Every demo account uses the password: {demo.DEMO_PASSWORD}")
        for username, description in logins:
            self.stdout.write(f"  {username:<24} {description}")
        self.stdout.write("")
        self.stdout.write("Kabupaten Ogan Ilir, IID computed by the engine (claimed / verified):")
        for year, views in demo.scores():
            claimed, verified = views.claimed, views.verified
            self.stdout.write(
                f"  {year}: {_iid(claimed.iid)} ({claimed.predicate}) / "
                f"{_iid(verified.iid)} ({verified.predicate}), {verified.n} innovations reported"
            )
        self.stdout.write("")


def _iid(value) -> str:
    return number_format(value, 2, use_l10n=False)
