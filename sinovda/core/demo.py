"""The demo region: Kabupaten Ogan Ilir (Sumatera Selatan) and its neighbours.

Facts come from ../shared/context/ogan-ilir.md (public reports). Everything invented is marked synthetic:
people are fictional, and the IID values of kab/kota without a public figure carry `is_synthetic=True`.
"""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sinovda.cycles.models import Cycle
from sinovda.editions.models import Edition
from sinovda.regions.models import Agency, Membership, PublishedIndex, Region, Role

DEMO_PASSWORD = "sinovda-demo-2023"  # noqa: S105 - a published demo password, on demo accounts only
OGAN_ILIR = "16.10"
SUMSEL = "16"

# The OPDs of a real kabupaten (names as Ogan Ilir writes them where sources name them).
AGENCIES = [
    ("Badan Penelitian dan Pengembangan Daerah", "Balitbangda"),
    ("Sekretariat Daerah", "Setda"),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    ("Dinas Pendidikan dan Kebudayaan", "Disdikbud"),
    ("Dinas Kesehatan", "Dinkes"),
    ("Dinas Sosial", "Dinsos"),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR"),
    ("Dinas Perumahan dan Kawasan Permukiman", "Disperkim"),
    ("Satuan Polisi Pamong Praja", "Satpol PP"),
    ("Dinas Komunikasi dan Informatika", "Diskominfo"),
    ("Dinas Pertanian", "Distan"),
    ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
    ("Badan Perencanaan Pembangunan Daerah", "Bappeda"),
    ("Badan Pengelolaan Keuangan dan Aset Daerah", "BPKAD"),
    ("Badan Pendapatan Daerah", "Bapenda"),
    ("Dinas Lingkungan Hidup", "DLH"),
    ("Dinas Pemberdayaan Masyarakat dan Desa", "Dinas PMD"),
    ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak", "DP3A"),
    ("Rumah Sakit Umum Daerah", "RSUD"),
]

# (username, full name, role, agency short name or None, region code, description)
PEOPLE = [
    (
        "koordinator",
        "Rina Koordinator (sintetis)",
        Role.COORDINATOR,
        None,
        OGAN_ILIR,
        "koordinator, Balitbangda Ogan Ilir",
    ),
    (
        "verifikator",
        "Budi Verifikator (sintetis)",
        Role.VERIFIER,
        None,
        OGAN_ILIR,
        "verifikator, Ogan Ilir",
    ),
    (
        "pimpinan",
        "Sekda Demo (sintetis)",
        Role.LEADER,
        None,
        OGAN_ILIR,
        "pimpinan (read-only), Ogan Ilir",
    ),
    (
        "operator.disdukcapil",
        "Sari Operator (sintetis)",
        Role.OPERATOR,
        "Disdukcapil",
        OGAN_ILIR,
        "operator OPD, Disdukcapil",
    ),
    (
        "operator.dinkes",
        "Andi Operator (sintetis)",
        Role.OPERATOR,
        "Dinkes",
        OGAN_ILIR,
        "operator OPD, Dinas Kesehatan",
    ),
    (
        "operator.disdikbud",
        "Dewi Operator (sintetis)",
        Role.OPERATOR,
        "Disdikbud",
        OGAN_ILIR,
        "operator OPD, Dinas Pendidikan dan Kebudayaan",
    ),
    (
        "provinsi",
        "Koordinator Provinsi (sintetis)",
        Role.PROVINCE_COORDINATOR,
        None,
        SUMSEL,
        "koordinator provinsi Sumatera Selatan (read-only)",
    ),
    (
        "pemantau",
        "Pemantau Provinsi (sintetis)",
        Role.PROVINCE_VIEWER,
        None,
        SUMSEL,
        "pemantau provinsi Sumatera Selatan (read-only)",
    ),
]

# Published IID values reported in public sources (context/ogan-ilir.md): region code -> {year: iid}.
REPORTED = {
    "16.10": {2022: ("51.20", 0), 2023: ("61.16", 90)},  # Ogan Ilir
    "16.07": {2022: ("50.43", 0), 2023: ("51.71", 0), 2024: ("55.79", 0)},  # Banyuasin
    "16.08": {2022: ("50.48", 0), 2023: ("44.18", 72)},  # OKU Timur
    "16.11": {2023: ("49.57", 0), 2024: ("53.64", 0)},  # Empat Lawang
}


@transaction.atomic
def load() -> list[tuple[str, str]]:
    """Create or refresh the demo; returns (username, description) for the printed login list."""
    region = Region.objects.get(code=OGAN_ILIR)
    agencies = {}
    for name, short in AGENCIES:
        agency, _ = Agency.objects.get_or_create(
            region=region, short_name=short, defaults={"name": name}
        )
        agencies[short] = agency
    if region.coordinator_agency_id != agencies["Balitbangda"].pk:
        region.coordinator_agency = agencies["Balitbangda"]
        region.save(update_fields=["coordinator_agency"])

    logins = [("admin", "admin nasional (superuser): edisi pedoman, Pemda")]
    _user("admin", "Admin Nasional (sintetis)", superuser=True)
    for username, full_name, role, agency_short, code, description in PEOPLE:
        user = _user(username, full_name)
        Membership.objects.update_or_create(
            user=user,
            region=Region.objects.get(code=code),
            defaults={"role": role, "agency": agencies.get(agency_short), "is_active": True},
        )
        logins.append((username, description))

    _cycle_2023(region)
    _published_indices()
    return logins


def _user(username, full_name, superuser=False):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"full_name": full_name, "email": f"{username}@demo.invalid"},
    )
    if created or not user.check_password(DEMO_PASSWORD):
        user.set_password(DEMO_PASSWORD)
    user.is_superuser = user.is_staff = superuser
    user.is_active = True
    user.must_change_password = False
    user.save()
    return user


def _cycle_2023(region):
    """The 2023 cycle. Its window is placed around today so the demo can be used for reporting;
    the real 2023 penjaringan ran roughly June to August 2023."""
    edition = Edition.objects.get(year=2023)
    today = timezone.localdate()
    Cycle.objects.get_or_create(
        region=region,
        edition=edition,
        defaults={
            "opens_on": today - datetime.timedelta(days=30),
            "submit_deadline": today + datetime.timedelta(days=30),
            "review_deadline": today + datetime.timedelta(days=60),
        },
    )


def _published_indices():
    """Known IID values for Sumatera Selatan's kab/kota, and synthetic ones for the rest."""
    rng = random.Random(1610)  # fixed seed: the same demo every time  # noqa: S311
    specs = {e.year: e.spec() for e in Edition.objects.filter(year__in=[2023, 2024])}
    for region in Region.objects.filter(province__code=SUMSEL).order_by("code"):
        known = REPORTED.get(region.code, {})
        for year in (2022, 2023, 2024):
            if year in known:
                iid, count = known[year]
                source, synthetic = "Laporan publik (lihat context/ogan-ilir.md)", False
            elif year == 2024 and region.code == OGAN_ILIR:
                continue  # no public 2024 figure and the demo's own cycles cover Ogan Ilir
            else:
                iid = f"{rng.uniform(38, 62):.2f}"
                count = rng.randint(25, 110)
                source, synthetic = "Sintetis untuk demo", True
            # 2022 is classified with the 2023 bands (the 2022 pedoman is not available).
            spec = specs.get(year) or specs[2023]
            PublishedIndex.objects.update_or_create(
                region=region,
                year=year,
                defaults={
                    "iid": Decimal(iid),
                    "predicate": spec.predicate_for(Decimal(iid)).label,
                    "innovations": count or None,
                    "source": source,
                    "is_synthetic": synthetic,
                },
            )
