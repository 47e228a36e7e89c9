"""Plain factory functions with sensible defaults for test data."""

import datetime
import itertools

from django.contrib.auth import get_user_model

from sinovda.cycles.models import Cycle
from sinovda.editions.models import Edition
from sinovda.innovations.models import Answer, Innovation, State, Submission
from sinovda.regions.models import Agency, Membership, Region, Role

PASSWORD = "a-Test-password-991"
_seq = itertools.count(1)


def province(code="16", name="Sumatera Selatan"):
    region, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "kind": Region.Kind.PROVINCE}
    )
    return region


def region(code=None, name=None, province_code="16"):
    n = next(_seq)
    code = code or f"{province_code}.{50 + n % 40:02d}"
    return Region.objects.create(
        code=code,
        name=name or f"Kabupaten Uji {n}",
        kind=Region.Kind.REGENCY,
        province=province(province_code, name=f"Provinsi {province_code}"),
    )


def agency(region, name=None, short_name=None):
    n = next(_seq)
    return Agency.objects.create(
        region=region, name=name or f"Dinas Uji {n}", short_name=short_name or f"DU{n}"
    )


def user(username=None, **extra):
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(
        username=username, password=PASSWORD, full_name=f"Orang {username}", **extra
    )


def member(region, role, agency=None, username=None):
    if role == Role.OPERATOR and agency is None:
        agency = globals()["agency"](region)
    person = user(username)
    Membership.objects.create(user=person, region=region, role=role, agency=agency)
    return person


def national_admin():
    return user(is_superuser=True, is_staff=True)


def edition(year=2023):
    """The edition of that year, loaded from the shipped data file."""
    existing = Edition.objects.filter(year=year).first()
    if existing:
        return existing
    from sinovda import methodology
    from sinovda.editions.actions import as_json

    spec = methodology.load_editions()[year]
    return Edition.objects.create(
        year=year,
        data=as_json(spec.to_dict()),
        origin=f"file:{year}.toml",
        status=Edition.Status.PUBLISHED,
    )


def cycle(region, year=2023, opens_on=None, submit_deadline=None, review_deadline=None):
    today = datetime.date.today()
    return Cycle.objects.create(
        region=region,
        edition=edition(year),
        opens_on=opens_on or today - datetime.timedelta(days=10),
        submit_deadline=submit_deadline or today + datetime.timedelta(days=10),
        review_deadline=review_deadline or today + datetime.timedelta(days=40),
    )


def cycle_of(region, year=2023):
    return Cycle.objects.get(region=region, edition__year=year)


def submission(cycle, agency=None, name=None, state=State.DRAFT, levels=None, **profile):
    """A report with the given claimed levels ({code: level}); complete profile by default."""
    agency = agency or globals()["agency"](cycle.region)
    name = name or f"Inovasi Uji {next(_seq)}"
    innovation = Innovation.objects.create(region=cycle.region, agency=agency, name=name)
    values = {**complete_profile(cycle), **profile}
    report = Submission.objects.create(
        innovation=innovation, cycle=cycle, name=name, state=state, **values
    )
    for code, level in (levels or {}).items():
        Answer.objects.create(submission=report, indicator_code=code, claimed_level=level)
    return report


def complete_profile(cycle):
    """Profile values with which a report of the cycle's edition can be sent: the columns as
    always (2023 shape), and for an edition with more fields (2024+: rancang bangun in parts,
    tujuan and hasil in parts, prioritas, misi, perkembangan) their values in `profile_extra`."""
    spec = cycle.edition.spec()
    minimum = spec.rancang_bangun.min_words or 0
    start = spec.eligibility.start if spec.eligibility else datetime.date(2022, 1, 1)
    values = {
        "stage": "penerapan",
        "initiator_kind": "opd",
        "initiator_name": "Kepala Dinas",
        "kind": "digital",
        "form": "pelayanan_publik",
        "main_affair": "Kesehatan",
        "implementation_date": start + datetime.timedelta(days=30),
        "design": " ".join(["rancang"] * (minimum + 5)),
        "goal": "Tujuan",
        "benefit": "Manfaat",
        "result": "Hasil",
    }
    parts = [f for f in spec.design_fields if not f.column]
    if parts:  # the rancang bangun in parts: no one-text design, the words spread over the parts
        del values["design"]
    per_part = -(-(minimum + 5) // max(len(parts), 1))
    extra = {}
    for field in spec.profile_fields:
        if field.column or field.type in ("agency", "urusan") or not field.required:
            continue
        if field in parts:
            extra[field.code] = " ".join(["rancang"] * per_part)
        elif field.type == "choice" and field.options:
            extra[field.code] = field.options[0].value
        elif field.type == "yesno":
            extra[field.code] = "tidak"
        elif field.type == "date":
            extra[field.code] = values["implementation_date"].isoformat()
        elif field.type == "number":
            extra[field.code] = "1"
        elif field.type == "url":
            extra[field.code] = "https://example.org/"
        elif field.type == "document":
            continue  # a document needs a file: tests that want one attach it
        else:
            extra[field.code] = field.label
    if extra:
        values["profile_extra"] = extra
    return values


def mandatory_levels(cycle, level=2):
    """Claimed levels for every mandatory SID row of the cycle's edition."""
    return {row.code: level for row in cycle.edition.spec().sid_rows if row.mandatory}
