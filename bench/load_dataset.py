"""The load proof's dataset: a copy of the national synthetic dataset (or one generated province),
opened again for work, with people who have a known password (bench/load.py)."""

import collections
import datetime
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import harness

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "uji-beban-2026"  # noqa: S105 - synthetic people in a throwaway database
TEMPLATE = "sinovda_nation"
GENERATE_PROVINCE = "16"  # Sumatera Selatan: 17 Pemda


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def pg(url: str, program: str, *args: str, **options) -> subprocess.CompletedProcess:
    """Run a PostgreSQL client program against the server of `url` (its password, if any, in the
    environment, never on the command line)."""
    parts = urlsplit(url)
    server = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    server += ["-U", parts.username or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": parts.password} if parts.password else {})}
    command = [str(harness.postgres_bin() / program), *server, *args]
    return subprocess.run(command, env=env, **options)  # noqa: S603 - fixed programs


def copy_database(server_url: str, name: str, template: str) -> None:
    """A fresh copy of the template (PostgreSQL refuses while someone is connected to it: retry)."""
    pg(server_url, "dropdb", "--if-exists", "--force", name, check=True)
    for attempt in range(30):
        done = pg(server_url, "createdb", "-T", template, name, capture_output=True, text=True)
        if done.returncode == 0:
            return
        if "being accessed by other users" not in done.stderr or attempt == 29:
            sys.exit(f"createdb -T {template} {name}: {done.stderr.strip()}")
        time.sleep(2)


def generate_database(server_url: str, name: str, scale: float) -> None:
    """An empty database filled with one province of the synthetic nation (for CI)."""
    pg(server_url, "dropdb", "--if-exists", "--force", name, check=True)
    pg(server_url, "createdb", name, check=True)
    env = {**os.environ, "DATABASE_URL": with_database(server_url, name)}
    for command in (
        ["migrate", "--no-input", "-v", "0"],
        ["load_editions"],
        ["load_regions"],
        ["generate_nation", "--scale", str(scale), "--province", GENERATE_PROVINCE],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def setup_django(site: harness.Installation) -> None:
    """Django in this process, on the site's database and storage (for the checks), but with the
    development settings: it serves nothing."""
    env = site.env()
    for name in ("DATABASE_URL", "PRIVATE_MEDIA_ROOT", "STORAGE_URL", "CACHE_URL"):
        if name in env:
            os.environ[name] = env[name]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sinovda.settings")
    import django

    django.setup()


def prepare(operators_wanted: int) -> dict:
    """People, open cycles and report states for the journeys; returns the plan the users read."""
    from django.db import transaction
    from django.db.models import Count
    from django.utils import timezone

    from sinovda.catalogue.models import Publication
    from sinovda.core.nation import SUBMISSION_YEAR
    from sinovda.cycles.models import Cycle
    from sinovda.editions.models import Edition
    from sinovda.regions.models import Region

    today = timezone.localdate()
    edition = Edition.objects.get(year=SUBMISSION_YEAR)
    cycles = (
        Cycle.objects.filter(edition=edition, region__kind__in=["kabupaten", "kota"])
        .annotate(n=Count("submissions"))
        .order_by("-n", "region__code")
        .select_related("region")
    )
    plan = {"year": SUBMISSION_YEAR, "operators": [], "verifiers": [], "koordinators": []}
    plan["sid_codes"] = [row.code for row in edition.spec().sid_rows]
    with transaction.atomic():
        for cycle in cycles:
            if len(plan["operators"]) >= operators_wanted and len(plan["koordinators"]) >= 3:
                break
            _prepare_region(cycle, plan, today)
    ids = list(
        Publication.objects.order_by("?").values_list("innovation__public_id", flat=True)[:500]
    )
    provinces = list(Region.objects.filter(kind="provinsi").values_list("code", flat=True))
    plan["public"] = {"ids": ids, "provinces": provinces}
    return plan


def _prepare_region(cycle, plan: dict, today: datetime.date) -> None:
    """Open the region's cycle for reporting, split its reports, make its people (into `plan`)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from sinovda.innovations.models import Answer, State, Submission
    from sinovda.regions.models import Membership, Role

    User = get_user_model()  # noqa: N806 - Django's usual name

    region = cycle.region
    cycle.opens_on = today - datetime.timedelta(days=30)
    cycle.submit_deadline = today + datetime.timedelta(days=30)
    cycle.review_deadline = today + datetime.timedelta(days=60)
    cycle.save(update_fields=["opens_on", "submit_deadline", "review_deadline"])

    def person(username: str, role: str, agency=None) -> str:
        """The person, made once (--keep-db runs prepare again on the same database)."""
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(username, password=PASSWORD, full_name=username)
        Membership.objects.get_or_create(
            user=user, region=region, defaults={"role": role, "agency": agency}
        )
        return username

    code = region.code.replace(".", "")
    plan["koordinators"].append(
        {"username": person(f"k{code}", Role.COORDINATOR), "region": region.code}
    )
    verifiers = [person(f"v{i}{code}", Role.VERIFIER) for i in range(1, 4)]
    by_agency: dict = collections.defaultdict(list)
    for submission in Submission.objects.filter(cycle=cycle).select_related("innovation__agency"):
        by_agency[submission.innovation.agency].append(submission)
    drafts, sent = [], []
    for agency, submissions in sorted(by_agency.items(), key=lambda item: item[0].pk):
        submissions.sort(key=lambda s: s.pk)
        editable = submissions[0::2]  # every OPD keeps at least one report to edit
        drafts += editable
        sent += submissions[1::2]
        plan["operators"].append(
            {
                "username": person(f"o{agency.pk}", Role.OPERATOR, agency),
                "region": region.code,
                "subs": [s.innovation.public_id for s in editable],
            }
        )
    Submission.objects.filter(pk__in=[s.pk for s in drafts]).update(
        state=State.DRAFT, submitted_at=None, reopened_until=None
    )
    Submission.objects.filter(pk__in=[s.pk for s in sent]).update(
        state=State.SUBMITTED, submitted_at=timezone.now(), reopened_until=None
    )
    codes = collections.defaultdict(list)
    for submission_id, indicator in Answer.objects.filter(
        submission__in=sent, claimed_level__isnull=False
    ).values_list("submission_id", "indicator_code"):
        codes[submission_id].append(indicator)
    reviewable = [[s.innovation.public_id, codes[s.pk]] for s in sent if codes[s.pk]]
    for i, username in enumerate(verifiers):  # each verifier judges its own share of the reports
        share = reviewable[i :: len(verifiers)]
        if share:
            plan["verifiers"].append({"username": username, "region": region.code, "subs": share})


def describe_dataset() -> str:
    from django.db import connection

    from sinovda.catalogue.models import Publication
    from sinovda.innovations.models import Answer, Submission

    return (
        f"{connection.settings_dict['NAME']}: {Submission.objects.count()} laporan, "
        f"{Answer.objects.count()} jawaban, {Publication.objects.count()} diterbitkan"
    )
