"""The demo region: Kabupaten Ogan Ilir (Sumatera Selatan) and its neighbours.

Facts come from ../shared/context/ogan-ilir.md (public reports). Everything invented is marked synthetic:
people are fictional, the IID values of kab/kota without a public figure are result snapshots with the
source "sintetis", and every generated report ends its `result` with "[Data demo sintetis]". The demo
holds a 2023 cycle (90 innovations, every state) and a closed 2022 cycle on an edition inferred from
2023, with answers, reviews, SPD answers and small evidence files, calibrated so that the verified IID
equals the published figures; the closed cycles are finalised by the koordinator, so Sinovda's own
computed result sits beside the publicly reported one; the verified 2023 innovations are published in the
public catalogue. What is real and what is not: docs/demo.md and
demo_innovations.py.
"""

import contextlib
import copy
import datetime
import hashlib
import random
import struct
import zlib
from decimal import Decimal
from fractions import Fraction

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from sinovda import methodology
from sinovda.audit.models import AuditEvent
from sinovda.awards import actions as award_actions
from sinovda.awards.models import Award
from sinovda.catalogue.actions import publish
from sinovda.catalogue.models import Publication
from sinovda.cycles.models import Cycle
from sinovda.editions import actions as edition_actions
from sinovda.editions.models import Edition
from sinovda.evidence.actions import store_document
from sinovda.evidence.models import Document, evidence_path
from sinovda.innovations.models import (
    REPORTED_STATES,
    Answer,
    FieldComment,
    Form,
    InitiatorKind,
    Innovation,
    Kind,
    RegionAnswer,
    ReviewState,
    Stage,
    State,
    Submission,
)
from sinovda.regions.access import access_for
from sinovda.regions.models import Agency, Membership, Region, Role
from sinovda.scores import bridge, snapshot_actions
from sinovda.scores.models import ResultSnapshot, Source

from . import demo_innovations as di

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
    users = {"admin": _user("admin", "Admin Nasional (sintetis)", superuser=True)}
    for username, full_name, role, agency_short, code, description in PEOPLE:
        user = _user(username, full_name)
        users[username] = user
        Membership.objects.update_or_create(
            user=user,
            region=Region.objects.get(code=code),
            defaults={"role": role, "agency": agencies.get(agency_short), "is_active": True},
        )
        logins.append((username, description))

    cycle_2023 = _cycle_2023(region)
    cycle_2022 = _cycle_2022(region, _edition_2022(users["admin"]), users["admin"])
    _content(region, agencies, users, {2022: cycle_2022, 2023: cycle_2023})
    _published_results(users["admin"])
    _finalise_closed_cycles(users["koordinator"], {2022: cycle_2022, 2023: cycle_2023})
    _identity(region)
    _awards(region, users["koordinator"], {2022: cycle_2022, 2023: cycle_2023})
    _catalogue(users["koordinator"], cycle_2023)
    return logins


def _catalogue(coordinator, cycle):
    """The koordinator publishes the verified 2023 innovations in the public catalogue; a reload
    publishes only what is not public yet (so it writes nothing the second time)."""
    public = set(Publication.objects.values_list("innovation_id", flat=True))
    for submission in Submission.objects.filter(cycle=cycle, state=State.VERIFIED).order_by("name"):
        if submission.innovation_id not in public:
            publish(submission, acting_user=coordinator)


def _identity(region):
    """Who signs Ogan Ilir's reports and certificates (ogan-ilir.md); set once, never overwritten."""
    if not region.head_name:
        region.head_name, region.head_title = "Panca Wijaya Akbar, S.H.", "Bupati Ogan Ilir"
        region.save(update_fields=["head_name", "head_title"])


# The awards handed out at the "Rapat Pelaporan Hasil IGA dan Pemberian Penghargaan IGA" (2023: on
# 22 December; Disdukcapil 5th by number of reports, the second year running). Which other awards
# were given is not public: the demo adds the top three by verified maturity in 2023 (synthetic).
AWARDS = {
    2022: ({"most_reported": 5}, datetime.datetime(2022, 12, 20, 10, tzinfo=datetime.UTC)),
    2023: (
        {"most_reported": 5, "highest_maturity": 3},
        datetime.datetime(2023, 12, 22, 3, tzinfo=datetime.UTC),
    ),
}


def _awards(region, coordinator, cycles):
    access = access_for(coordinator, region)
    for year, (selection, issued_at) in AWARDS.items():
        cycle = cycles[year]
        if Award.objects.filter(cycle=cycle).exists():
            continue  # created once, like the rest of the demo
        awards = award_actions.issue_ranked_awards(access, cycle, selection)
        Award.objects.filter(pk__in=[a.pk for a in awards]).update(issued_at=issued_at)


def scores() -> list[tuple[int, "methodology.ScoreViews"]]:
    """The demo region's claimed and verified scores per cycle, computed as the dashboard does."""
    cycles = Cycle.objects.filter(region__code=OGAN_ILIR).select_related("edition", "region")
    return [(c.edition.year, bridge.cycle_scores(c)) for c in cycles.order_by("edition__year")]


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
    cycle, _ = Cycle.objects.get_or_create(
        region=region,
        edition=edition,
        defaults={
            "opens_on": today - datetime.timedelta(days=30),
            "submit_deadline": today + datetime.timedelta(days=30),
            "review_deadline": today + datetime.timedelta(days=60),
        },
    )
    return cycle


EDITION_2022_LABEL = "IID / IGA 2022 (disimpulkan dari 2023)"
INFERRED_2022 = "S-DEMO-INFER2022"


def _edition_2022(admin):
    """The 2022 pedoman is not available: the 2023 edition cloned as 2022, every value marked
    inferred, its eligibility window moved one year back (T-2..T-1 = 2020-2021), then published."""
    edition = Edition.objects.filter(year=2022).first()
    if edition is not None:
        return edition
    edition = edition_actions.clone_edition(
        Edition.objects.get(year=2023), year=2022, acting_user=admin
    )
    data = copy.deepcopy(edition.data)
    data["label"] = EDITION_2022_LABEL
    _mark_inferred(data)
    data["sources"][INFERRED_2022] = {
        "ref": "Sinovda demo: disalin dari edisi 2023 (pedoman IID 2022 tidak tersedia)",
        "confidence": "inferred",
        "what": (
            "Pedoman IGA 2022 tidak ditemukan. Seluruh nilai edisi ini disalin dari edisi 2023 "
            "dan hanya disimpulkan berlaku untuk 2022; jendela penerapan digeser satu tahun "
            "(T-2..T-1 = 2020-2021). Jangan dipakai sebagai rujukan resmi."
        ),
    }
    data["eligibility"].update(
        start="2020-01-01", end="2021-12-31", rule="Innovations applied in 2020 and 2021 (T-2..T-1)"
    )
    edition = edition_actions.save_draft(
        edition,
        data,
        action="edition.edit",
        acting_user=admin,
        summary={"after": {"label": EDITION_2022_LABEL, "confidence": "inferred"}},
    )
    return edition_actions.publish_edition(edition, acting_user=admin)


def _mark_inferred(node):
    """Every provenance in the document becomes 'inferred' and cites the inference source."""
    if isinstance(node, dict):
        if "confidence" in node:
            node["confidence"] = "inferred"
            if isinstance(node.get("source"), list) and INFERRED_2022 not in node["source"]:
                node["source"].append(INFERRED_2022)
        for value in node.values():
            _mark_inferred(value)
    elif isinstance(node, list):
        for value in node:
            _mark_inferred(value)


def _cycle_2022(region, edition, admin):
    """The closed 2022 cycle. The dates are synthetic (the real 2022 schedule is not in our sources)."""
    cycle, _ = Cycle.objects.get_or_create(
        region=region,
        edition=edition,
        defaults={
            "opens_on": datetime.date(2022, 6, 1),
            "submit_deadline": datetime.date(2022, 8, 31),
            "review_deadline": datetime.date(2022, 9, 30),
            "created_by": admin,
        },
    )
    return cycle


# How the publicly reported figures are cited. ogan-ilir.md summarises public reports (the regency's
# own statements and news coverage quoting BSKDN); the address of each original was not recorded,
# so the citation names the kind of source and carries no link.
REPORTED_PUBLISHER = {
    OGAN_ILIR: "Pemerintah Kabupaten Ogan Ilir (Balitbangda)",
}
OTHER_PUBLISHER = "Pemberitaan media daring yang mengutip BSKDN Kemendagri"
REPORTED_NOTE = "Angka dari laporan publik yang dirangkum untuk demo Sinovda; tautan sumber aslinya tidak dicatat."
SYNTHETIC_TITLE = "Nilai sintetis untuk demo Sinovda (bukan angka resmi)"
SYNTHETIC_PUBLISHER = "Sinovda (data demo)"
# Citation titles written by earlier versions of the demo (an internal file path shown as a title).
OLD_TITLES = {"Laporan publik (lihat context/ogan-ilir.md)", "Sintetis untuk demo"}


def _reported_title(region, year):
    if region.code == OGAN_ILIR and year == 2022:
        # Sources give 61.16 for 2023 "up 9.96 from 2022"; the 2022 figure follows from both.
        return (
            "Hasil IGA 2022 Kabupaten Ogan Ilir menurut laporan publik "
            "(IID 2023 dikurangi kenaikan 9,96 yang diumumkan)"
        )
    return f"Hasil IGA {year} {region.name} menurut laporan publik"


def _published_results(admin):
    """Known IID values for Sumatera Selatan's kab/kota (announced by BSKDN, as reported in public
    sources), and synthetic ones for the rest. Snapshots are immutable: a figure already recorded
    the same way is left alone, so loading the demo again writes nothing."""
    rng = random.Random(1610)  # fixed seed: the same demo every time  # noqa: S311
    specs = {e.year: e.spec() for e in Edition.objects.filter(year__in=[2022, 2023, 2024])}
    regions = list(Region.objects.filter(province__code=SUMSEL).order_by("code"))
    existing = {
        (s.region_id, s.year, s.source, s.iid, s.citation_title)
        for s in ResultSnapshot.objects.filter(region__in=regions)  # withdrawn ones stay withdrawn
    }
    new = []
    for region in regions:
        known = REPORTED.get(region.code, {})
        for year in (2022, 2023, 2024):
            if year in known:
                iid, count = known[year]
                source, title = Source.ANNOUNCED, _reported_title(region, year)
                publisher = REPORTED_PUBLISHER.get(region.code, OTHER_PUBLISHER)
                note = REPORTED_NOTE
            elif year == 2024 and region.code == OGAN_ILIR:
                continue  # no public 2024 figure and the demo's own cycles cover Ogan Ilir
            else:
                iid = f"{rng.uniform(38, 62):.2f}"
                count = rng.randint(25, 110)
                source, title, publisher = Source.SYNTHETIC, SYNTHETIC_TITLE, SYNTHETIC_PUBLISHER
                note = ""
            if (region.pk, year, source, Decimal(iid), title) in existing:
                continue
            # 2022 uses the demo's inferred 2022 edition (= the 2023 bands).
            spec = specs.get(year) or specs[2023]
            new.append(
                ResultSnapshot(
                    region=region,
                    year=year,
                    source=source,
                    iid=Decimal(iid),
                    predicate=spec.predicate_for(Decimal(iid)).label,
                    innovations=count or None,
                    citation_title=title,
                    citation_publisher=publisher,
                    note=note,
                )
            )
    ResultSnapshot.objects.bulk_create(new)
    for old in ResultSnapshot.objects.standing().filter(
        region__in=regions, citation_title__in=OLD_TITLES
    ):
        snapshot_actions.withdraw_snapshot(
            old, admin, "Diganti hasil yang sama dengan rujukan yang dapat dibaca (demo)."
        )


def _finalise_closed_cycles(coordinator, cycles):
    """The koordinator fixes the result of every demo cycle whose review deadline has passed
    (2022; 2023 only once its review window, placed around the demo's creation, is over)."""
    for _year, cycle in sorted(cycles.items()):
        if snapshot_actions.finalise_refusal(cycle) is not None:
            continue
        with contextlib.suppress(snapshot_actions.SnapshotRefused):  # finalised, unchanged since
            snapshot_actions.finalise_cycle(
                cycle, coordinator, note="Ditetapkan saat demo dimuat (data sintetis)."
            )


# --- the demo's innovations, answers and evidence ---------------------------------------------------
#
# Built from demo_innovations.IDEAS (91 innovations, 90 of them sent) for the 2023 cycle and, for
# the 72 of them already applied by 2021, the 2022 cycle. Levels, review decisions, notes, dates and
# documents are generated from a fixed seed, then a few accepted answers are nudged one level at a
# time until the verified IID computed by the engine equals the published figure (TARGET_IID).
# Everything generated is synthetic.

QUALITY_SHIFT = {2022: -0.18, 2023: 0.15}  # the innovations matured between the years
TARGET_IID = {2023: Decimal("61.16"), 2022: Decimal("51.20")}  # public figures (ogan-ilir.md)
SYNTHETIC_TAG = "[Data demo sintetis]"
WINDOWS = {
    2022: (datetime.date(2020, 1, 1), datetime.date(2021, 12, 31)),
    2023: (datetime.date(2021, 1, 1), datetime.date(2022, 12, 31)),
}
# 2023: 90 innovations sent, as Ogan Ilir reported 90 that year (ogan-ilir.md), most verified and a
# few still in review, plus one draft that cannot be sent (Field Trip Education, outside the window).
# 2022 (closed): 70, nearly all verified.
STATE_COUNTS = {
    2023: {
        "verified": 74,
        "submitted": 6,
        "returned": 5,
        "rejected": 5,
        "draft": 1,
    },
    2022: {"verified": 65, "rejected": 4, "withdrawn": 3},
}
FIXED_STATES = {
    2023: {
        "Sanjo Barokah": "verified",
        "Aku Mandiri": "verified",
        "Lope Capil": "returned",  # operator.disdukcapil has a report to fix
        "Field Trip Education": "draft",  # launched 28-07-2023: outside the 2023 window
        "Pusling Malam": "returned",
        "Posbindu Lansia Keliling": "submitted",
        "Gerakan Ogan Ilir Membaca": "submitted",
    },
    2022: {
        "Sanjo Barokah": "verified",
        "Aku Mandiri": "verified",
        # Withdrawn from small OPDs, so Disdukcapil is 5th by number of reports in 2022 as well.
        "Tapping Box Restoran": "withdrawn",
        "Rapat Tanpa Kertas": "withdrawn",
        "Profil Desa Online": "withdrawn",
    },
}
# SPD rows: (claimed, verified, note when lowered). Verified view: 2023 48.5, 2022 42.25 of 63.
SPD_LEVELS = {
    2023: {
        "1": (3, 3, ""),
        "2": (3, 3, ""),
        "3": (3, 3, ""),
        "4": (2, 2, ""),
        "5": (2, 2, ""),
        "6a": (2, 2, ""),
        "6b": (2, 2, ""),
        "7": (2, 2, ""),
        "8": (2, 2, ""),
        "9": (3, 3, ""),
        "10": (2, 2, ""),
        "11a": (2, 2, ""),
        "11b": (2, 2, ""),
        "12a": (2, 2, ""),
        "12b": (2, 2, ""),
        "13": (3, 2, "SK penghargaan inovator 2022 belum diunggah; yang ada hanya piagam 2021."),
        "14": (3, 3, ""),
        "15": (2, 1, "Roadmap inovasi masih berupa draf dan belum ditetapkan dengan Perbup."),
    },
    2022: {
        "1": (3, 3, ""),
        "2": (3, 3, ""),
        "3": (3, 3, ""),
        "4": (2, 2, ""),
        "5": (2, 2, ""),
        "6a": (2, 2, ""),
        "6b": (2, 2, ""),
        "7": (
            2,
            1,
            "Data realisasi investasi T-1 dari DPMPTSP tidak sama dengan data BKPM; dipakai data BKPM.",
        ),
        "8": (2, 2, ""),
        "9": (3, 3, ""),
        "10": (2, 2, ""),
        "11a": (1, 1, ""),
        "11b": (2, 2, ""),
        "12a": (2, 2, ""),
        "12b": (2, 2, ""),
        "13": (2, 2, ""),
        "14": (
            2,
            1,
            "Hanya satu kajian yang memuat rekomendasi kebijakan inovasi; kajian lain bersifat umum.",
        ),
        "15": (1, 1, ""),
    },
}
SPD_DOCUMENT = {
    "1": "rpjmd",
    "3": "apbd",
    "4": "dpmptsp",
    "5": "bps",
    "6a": "bps",
    "6b": "bps",
    "7": "dpmptsp",
    "8": "apbd",
    "9": "bpk",
    "10": "lakip",
    "11a": "bps",
    "11b": "bps",
    "12a": "bps",
    "12b": "bps",
    "13": "penghargaan",
    "14": "kajian",
    "15": "roadmap",
}
KECAMATAN = [
    "Indralaya",
    "Indralaya Selatan",
    "Indralaya Utara",
    "Tanjung Batu",
    "Tanjung Raja",
    "Muara Kuang",
    "Rantau Alai",
    "Kandis",
    "Sungai Pinang",
    "Rantau Panjang",
    "Pemulutan",
    "Pemulutan Barat",
    "Pemulutan Selatan",
    "Lubuk Keliat",
    "Payaraman",
    "Rambang Kuang",
]
FIRST_NAMES = [
    "Nurhayati",
    "M. Rizki Pratama",
    "Yulia Safitri",
    "Hendra Saputra",
    "Siti Aminah",
    "Fajar Ramadhan",
    "Eka Novianti",
    "Ahmad Zulkarnain",
    "Dian Puspita",
    "Rudi Hartono",
    "Mardiana",
    "Agus Salim",
]
BASE_LAWS = [
    "UU Nomor 23 Tahun 2014 tentang Pemerintahan Daerah (Pasal 386-390)",
    "PP Nomor 38 Tahun 2017 tentang Inovasi Daerah",
    "Permendagri Nomor 104 Tahun 2018 tentang Penilaian dan Pemberian Penghargaan dan/atau Insentif "
    "Inovasi Daerah",
]
AFFAIR_LAWS = {
    di.KES: ["UU Nomor 36 Tahun 2009 tentang Kesehatan"],
    di.PEND: ["UU Nomor 20 Tahun 2003 tentang Sistem Pendidikan Nasional"],
    di.BUDAYA: ["UU Nomor 5 Tahun 2017 tentang Pemajuan Kebudayaan"],
    di.ADM: [
        "UU Nomor 24 Tahun 2013 tentang Perubahan atas UU Nomor 23 Tahun 2006 tentang Administrasi "
        "Kependudukan",
        "Perpres Nomor 96 Tahun 2018 tentang Persyaratan dan Tata Cara Pendaftaran Penduduk dan "
        "Pencatatan Sipil",
    ],
    di.SOS: ["UU Nomor 11 Tahun 2009 tentang Kesejahteraan Sosial"],
    di.KOMINFO: ["UU Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik"],
    di.PM: ["PP Nomor 6 Tahun 2021 tentang Penyelenggaraan Perizinan Berusaha di Daerah"],
    di.UANG: ["PP Nomor 12 Tahun 2019 tentang Pengelolaan Keuangan Daerah"],
    di.TANI: ["UU Nomor 22 Tahun 2019 tentang Sistem Budi Daya Pertanian Berkelanjutan"],
    di.PU: [
        "UU Nomor 38 Tahun 2004 tentang Jalan",
        "UU Nomor 26 Tahun 2007 tentang Penataan Ruang",
    ],
    di.PKP: ["UU Nomor 1 Tahun 2011 tentang Perumahan dan Kawasan Permukiman"],
    di.TRANTIB: ["PP Nomor 16 Tahun 2018 tentang Satuan Polisi Pamong Praja"],
    di.LH: ["UU Nomor 32 Tahun 2009 tentang Perlindungan dan Pengelolaan Lingkungan Hidup"],
    di.PMD: ["UU Nomor 6 Tahun 2014 tentang Desa"],
    di.PPPA: [
        "UU Nomor 35 Tahun 2014 tentang Perubahan atas UU Nomor 23 Tahun 2002 tentang "
        "Perlindungan Anak"
    ],
    di.RENCANA: ["UU Nomor 25 Tahun 2004 tentang Sistem Perencanaan Pembangunan Nasional"],
    di.LITBANG: ["UU Nomor 11 Tahun 2019 tentang Sistem Nasional Ilmu Pengetahuan dan Teknologi"],
}
THEME_ISSUES = {
    di.DIG: "Transformasi digital layanan pemerintahan menjadi isu strategis nasional melalui Sistem "
    "Pemerintahan Berbasis Elektronik (SPBE), dan pandemi COVID-19 mempercepat kebutuhan layanan yang "
    "tidak mengharuskan warga datang ke kantor.",
    di.MISKIN: "Penanggulangan kemiskinan adalah prioritas Kabupaten Ogan Ilir; penduduk miskin dan "
    "rentan paling sulit menjangkau layanan dasar sehingga layanan perlu mendatangi mereka.",
    di.INV: "Kemudahan berusaha dan investasi menjadi kunci pemulihan ekonomi daerah setelah pandemi dan "
    "penerapan perizinan berusaha berbasis risiko.",
    di.PAP: "Percepatan penurunan stunting dan pengendalian inflasi merupakan prioritas aktual Presiden "
    "yang wajib didukung pemerintah daerah sampai ke tingkat desa.",
    di.NON: "Peningkatan kualitas pelayanan publik dan tata kelola pemerintahan yang efektif merupakan "
    "isu strategis yang tertuang dalam RPJMD Kabupaten Ogan Ilir.",
}
LOWERED_NOTES = {
    "16": "Dasar hukum yang diunggah berupa SK Kepala Perangkat Daerah, bukan SK Kepala Daerah.",
    "17": "SK tim hanya memuat {n} nama pengelola; tingkat disesuaikan dengan jumlah SDM.",
    "18": "DPA yang diunggah hanya memuat anggaran tahun berjalan; anggaran T-1 dan T-2 tidak terlihat.",
    "19": "Tangkapan layar menunjukkan pengolahan data di lembar kerja, belum sistem informasi daring.",
    "20": "Daftar hadir bimtek kedua tidak dilampirkan; hanya satu kegiatan yang terbukti.",
    "21": "RKPD T-2 tidak memuat nomenklatur kegiatan inovasi ini.",
    "22": "Undangan rapat hanya menunjukkan tiga aktor yang terlibat.",
    "23": "Pelaksana ditetapkan dengan SK Kepala Perangkat Daerah, bukan SK Kepala Daerah.",
    "24": "SK tim pengelola hanya memuat dua perangkat daerah.",
    "25": "Tautan berita tidak dapat dibuka; diterima sebagai konten media sosial.",
    "26": "Pedoman teknis belum dapat diakses daring; tautan yang dicantumkan tidak aktif.",
    "27": "Layanan melalui aplikasi belum terbukti; yang terlihat hanya akun media sosial.",
    "28": "SOP mencantumkan waktu layanan 3 hari kerja, bukan 1 hari.",
    "29": "Rekapitulasi pengaduan tidak memuat persentase tindak lanjut.",
    "30": "Aplikasi mobile belum tersedia; yang terbukti hanya web aplikasi.",
    "31": "Surat pernyataan replikasi dari daerah lain belum ditandatangani.",
    "32": "Proposal tidak memuat durasi penciptaan yang jelas; dipakai tanggal SK dan tanggal uji coba.",
    "33": "Daftar penerima manfaat yang diunggah memuat {n} orang; tingkat disesuaikan.",
    "34": "Laporan SKM bukan khusus layanan inovasi ini; diterima sebagai monev internal.",
    "35": "Video belum memuat unsur penjaringan dan pemilihan ide.",
}
REJECTED_NOTES = [
    "Bukti dukung tidak memuat nama inovasi.",
    "Dokumen bertanggal 2019, di luar periode penilaian.",
    "Berkas yang diunggah tidak sesuai dengan indikator ini.",
    "Halaman yang memuat tanda tangan dan tanggal penetapan tidak disertakan.",
]
REJECT_REASONS = [
    "Inovasi ini merupakan pelaksanaan program rutin tanpa unsur pembaruan daerah; tidak memenuhi "
    "kriteria inovasi daerah menurut PP 38/2017.",
    "Bukti penerapan tidak menunjukkan inovasi sudah diterapkan dalam periode penilaian.",
    "Seluruh bukti dukung tidak memuat nama inovasi dan video tidak dapat diputar.",
    "Inovasi yang sama sudah dilaporkan OPD lain dengan nama berbeda; digabungkan ke laporan tersebut.",
]
RETURN_NOTE = (
    "Mohon perbaiki indikator yang diberi catatan dan lengkapi rancang bangun (bagian tahapan), "
    "lalu kirim kembali."
)
FIELD_COMMENTS = [
    ("design", "Bagian tahapan belum mencantumkan tanggal uji coba dan lokasi uji coba."),
    ("result", "Cantumkan angka capaian tahun terakhir, bukan hanya target."),
    ("budget", "Anggaran belum sesuai dengan DPA yang diunggah; mohon periksa kembali."),
]


def _content(region, agencies, users, cycles):
    """Innovations, reports, answers, SPD answers and evidence of both demo cycles (once)."""
    documents = _documents(region, agencies, users)  # also restores missing files on disk
    if Innovation.objects.filter(region=region, name="Sanjo Barokah").exists():
        return  # already loaded: the demo is created once and never overwritten
    rng = random.Random(20231610)  # fixed seed: the same demo every time
    profiles = {idea.name: _innovation_profile(idea, rng) for idea in di.IDEAS}
    plans = {}
    for year in (2022, 2023):
        plan = _plan(year, profiles, rng)
        _calibrate(cycles[year], plan, rng)
        plans[year] = plan
    _write(region, agencies, users, cycles, plans, documents)


class _Answer:
    """A planned answer: the claim, then the review (state is a ReviewState value)."""

    __slots__ = ("claimed", "verified", "state", "note")

    def __init__(self, claimed):
        self.claimed, self.verified, self.state, self.note = claimed, None, "pending", ""


def _innovation_profile(idea, rng):
    """What stays true of an innovation across years: how good its reports are (0..1), where it
    was tried first, and who started it when an ASN did."""
    quality = rng.uniform(0.5, 0.95)
    if idea.name in di.KNOWN:
        quality = max(quality, 0.85)
    places = rng.sample(KECAMATAN, 2)
    person = f"{rng.choice(FIRST_NAMES)} (sintetis)"
    return {"quality": quality, "places": places, "person": person}


def _levels(idea, quality, rng):
    """Claimed levels for the 20 SID indicators (mandatory ones always answered)."""
    digital = idea.kind == "D"

    def around(q, spread=0.55):
        return max(1, min(3, round(1 + 2 * q + rng.gauss(0, spread))))

    levels = {}
    for code in map(str, (16, 17, 18, 20, 21, 22, 23, 24, 25, 26, 29, 32, 34, 35)):
        levels[code] = around(quality)
    if rng.random() < 0.8:
        levels["16"] = 3  # most cite the Perbup on inovasi daerah
    levels["19"] = 3 if digital else around(quality - 0.35)
    levels["27"] = 3 if digital else around(quality - 0.3)
    levels["28"] = around(quality + 0.15) if digital else around(quality - 0.2)
    levels["30"] = around(quality + 0.2) if digital else 1
    levels["33"] = 3 if idea.users > 200 else (2 if idea.users > 100 else 1)
    levels["31"] = 1 if quality > 0.85 and rng.random() < 0.5 else None  # replicated elsewhere
    for code in ("18", "20", "24", "26", "29", "34"):
        if rng.random() > quality + 0.15:
            levels[code] = None  # optional indicators left empty
    return {code: level for code, level in levels.items() if level is not None}


def _states(year, rng):
    names = [idea.name for idea in _ideas(year)]
    fixed = FIXED_STATES[year]
    pool = []
    for state, count in STATE_COUNTS[year].items():
        pool += [state] * (count - sum(1 for s in fixed.values() if s == state))
    free = [n for n in names if n not in fixed]
    rng.shuffle(pool)
    assert len(pool) == len(free), (year, len(pool), len(free))
    return {**fixed, **dict(zip(free, pool, strict=True))}


def _ideas(year):
    if year == 2023:
        return di.IDEAS
    return [idea for idea in di.IDEAS if idea.started <= "2021-12-31"]


def _plan(year, profiles, rng):
    """Per innovation: state and answers (claimed, verified, review decision, note)."""
    states = _states(year, rng)
    plan = []
    partly_reviewed = 0
    for idea in _ideas(year):
        profile = profiles[idea.name]
        quality = profile["quality"] + QUALITY_SHIFT[year]
        state = states[idea.name]
        answers = {code: _Answer(level) for code, level in _levels(idea, quality, rng).items()}
        if state == "draft":  # a draft is still being filled in
            for code in list(answers)[rng.randint(8, 16) :]:
                del answers[code]
        reviewed = {
            "verified": list(answers),
            "returned": list(answers),
            "rejected": list(answers)[:6],
            # the verifikator is halfway through the first two reports waiting for review
            "submitted": list(answers)[:7] if partly_reviewed < 2 else [],
        }.get(state, [])
        for code in reviewed:
            _review(answers[code], code, idea, state, rng)
        partly_reviewed += state == "submitted"
        if state == "returned":  # a returned report always says what to fix
            code = rng.choice(["17", "22", "28", "33", "35"])
            answers[code].claimed = max(answers[code].claimed, 2)
            _review(answers[code], code, idea, state, rng, decision="lowered")
        plan.append({"idea": idea, "state": state, "answers": answers, "profile": profile})
    return plan


def _review(answer, code, idea, state, rng, decision=None):
    if decision is None:
        roll = rng.random()
        if state == "rejected":
            decision = "rejected" if roll < 0.5 else "accepted"
        else:
            decision = "accepted" if roll < 0.84 else ("lowered" if roll < 0.96 else "rejected")
    if decision == "lowered" and answer.claimed <= 1:
        decision = "rejected"
    answer.state = decision
    if decision == "accepted":
        answer.verified, answer.note = answer.claimed, ""
    elif decision == "lowered":
        answer.verified = answer.claimed - 1
        n = {"17": [0, 8, 24][answer.verified], "33": [0, 84, 143][answer.verified]}.get(code, 0)
        answer.note = LOWERED_NOTES[code].format(n=n)
    else:
        answer.verified, answer.note = 0, rng.choice(REJECTED_NOTES)


def _region_input(plan, spd):
    innovations = []
    for i, item in enumerate(plan):
        if item["state"] not in REPORTED_STATES:
            continue
        answers = item["answers"]
        idea = item["idea"]
        innovations.append(
            methodology.InnovationInput(
                id=str(i),
                name=idea.name,
                claimed={c: a.claimed for c, a in answers.items()},
                verified={c: a.verified for c, a in answers.items() if a.state != "pending"},
                urusan=frozenset([idea.main, *idea.others]),
                rejected=item["state"] == State.REJECTED,
            )
        )
    return methodology.RegionInput(
        innovations=innovations,
        spd_levels={code: c for code, (c, _v, _n) in spd.items()},
        spd_verified={code: v for code, (_c, v, _n) in spd.items()},
    )


def _calibrate(cycle, plan, rng):
    """Nudge accepted answers (claim and verification together) one level at a time, keeping only
    the steps that bring the verified IID closer, until it equals the published figure."""
    spec = cycle.edition.spec()
    spd = SPD_LEVELS[cycle.edition.year]
    target = Fraction(TARGET_IID[cycle.edition.year])
    policy = bridge.unreviewed_policy()

    def distance():
        result = methodology.score(spec, _region_input(plan, spd), "verified", policy)
        return abs(result.iid_exact - target), result.iid

    candidates = [
        (item, code)
        for item in plan
        if item["state"] in ("verified", "returned")
        for code, answer in item["answers"].items()
        if answer.state == "accepted" and code != "31"
    ]
    rng.shuffle(candidates)
    gap, iid = distance()
    for item, code in candidates * 3:
        if iid == TARGET_IID[cycle.edition.year]:
            break
        answer = item["answers"][code]
        step = 1 if iid < TARGET_IID[cycle.edition.year] else -1
        if not 1 <= answer.claimed + step <= 3:
            continue
        answer.claimed = answer.verified = answer.claimed + step
        new_gap, new_iid = distance()
        if new_gap < gap:
            gap, iid = new_gap, new_iid
        else:
            answer.claimed = answer.verified = answer.claimed - step


# --- evidence -------------------------------------------------------------------------------------

PERBUP = ("Peraturan Bupati Ogan Ilir Nomor 14 Tahun 2021 tentang Inovasi Daerah", "14 Tahun 2021")
SPD_DOCUMENTS = {
    "rpjmd": (
        "RPJMD Kabupaten Ogan Ilir 2021-2026 (visi, misi dan program inovasi)",
        "Perda 6/2021",
    ),
    "apbd": ("Perda APBD dan Laporan Realisasi PAD Kabupaten Ogan Ilir T-1 s.d. T-3", "Perda APBD"),
    "bps": ("Ringkasan data BPS: PDRB per kapita, TPT, kemiskinan dan IPM Ogan Ilir", "BPS 16.10"),
    "dpmptsp": (
        "Rekapitulasi izin terbit dan realisasi investasi T-1 dan T-2 (DPMPTSP)",
        "DPMPTSP",
    ),
    "bpk": ("Laporan Hasil Pemeriksaan BPK atas LKPD Kabupaten Ogan Ilir", "LHP BPK"),
    "lakip": ("Laporan hasil evaluasi SAKIP Kabupaten Ogan Ilir", "LHE SAKIP"),
    "penghargaan": ("Keputusan Bupati tentang Penerima Penghargaan Inovator Daerah", "SK Bupati"),
    "kajian": ("Kumpulan kajian dan rekomendasi kebijakan inovasi Balitbangda", "Balitbangda"),
    "roadmap": ("Roadmap Inovasi Daerah Kabupaten Ogan Ilir (draf)", "Balitbangda"),
    "rkpd": (
        "Perbup tentang RKPD Kabupaten Ogan Ilir (program dan kegiatan inovasi)",
        "Perbup RKPD",
    ),
}


def _documents(region, agencies, users):
    """The demo's evidence files (about 120, all synthetic), stored once in private storage:
    a shared Perbup, a few region documents, one PDF per innovation and one PNG per OPD."""
    coordinator = users["koordinator"]
    date = datetime.date(2022, 3, 1)
    documents = {}
    title, number = PERBUP
    documents["perbup"] = _store(
        region,
        _pdf(title, ["Ditetapkan di Indralaya pada 12 April 2021"]),
        f"{title}.pdf",
        agencies["Setda"],
        number,
        datetime.date(2021, 4, 12),
        title,
        coordinator,
    )
    for key, (title, number) in SPD_DOCUMENTS.items():
        documents[key] = _store(
            region,
            _pdf(title, ["Bukti dukung SPD"]),
            f"{key}.pdf",
            agencies["Balitbangda"],
            number,
            date,
            title,
            coordinator,
        )
    for idea in di.IDEAS:
        title = f"Profil, SK tim pengelola dan laporan inovasi {idea.name}"
        lines = [f"Inovasi: {idea.name} ({idea.about})", f"OPD: {agencies[idea.agency].name}"]
        documents[idea.name] = _store(
            region,
            _pdf(title, lines),
            f"Profil {idea.name}.pdf",
            agencies[idea.agency],
            f"800/{abs(hash_text(idea.name)) % 900 + 100}/{idea.agency}/2022",
            date,
            title,
            users.get(f"operator.{idea.agency.lower()}", coordinator),
        )
    for short, agency in agencies.items():
        title = f"Dokumentasi sosialisasi dan tangkapan layar layanan inovasi {short}"
        documents[f"png:{short}"] = _store(
            region, _png(title), f"Sosialisasi {short}.png", agency, "", date, title, coordinator
        )
    return documents


def hash_text(text: str) -> int:
    """A stable small number from a text (Python's hash() changes between runs)."""
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _store(region, content, name, agency, number, date, subject, user):
    sha256 = hashlib.sha256(content).hexdigest()
    existing = Document.objects.filter(region=region, agency=agency, sha256=sha256).first()
    storage = Document._meta.get_field("file").storage
    if existing is not None:
        if not storage.exists(existing.file.name):  # the files were removed: write them again
            with storage.open(existing.file.name, "wb") as fh:
                fh.write(content)
        return existing
    # A file left at this path by an earlier database (e.g. after deleting var/sinovda.sqlite3)
    # belongs to no document: remove it, or storage would keep both under different names.
    kind = name.rsplit(".", 1)[-1]
    path = evidence_path(Document(region=region, agency=agency, sha256=sha256, kind=kind), name)
    if storage.exists(path):
        storage.delete(path)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    document, _created = store_document(
        region, upload, agency=agency, number=number, date=date, subject=subject, acting_user=user
    )
    return document


def _pdf(title: str, lines: list[str]) -> bytes:
    """A minimal valid one-page PDF (about 1 KB) that names what it is."""

    def text(value):
        value = value.encode("latin-1", "replace").decode("latin-1")
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    rows = ["PEMERINTAH KABUPATEN OGAN ILIR", title, *lines, "Dokumen demo Sinovda - SINTETIS"]
    ops = ["BT", "/F1 11 Tf", "14 TL", "50 790 Td"]
    ops += [f"({text(row[:95])}) Tj T*" for row in rows]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Title (%s) /Producer (Sinovda demo, sintetis) >>"
        % text(title[:120]).encode("latin-1"),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _png(title: str) -> bytes:
    """A tiny valid PNG (16x16, one colour from the title) carrying the title as text."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    colour = hashlib.sha256(title.encode()).digest()[:3]
    raw = b"".join(b"\x00" + colour * 16 for _ in range(16))
    title_bytes = title.encode("latin-1", "replace")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0))
        + chunk(b"tEXt", b"Title\x00" + title_bytes + b" (demo Sinovda, sintetis)")
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# --- writing ---------------------------------------------------------------------------------------

INITIATOR_KINDS = {
    "kd": InitiatorKind.HEAD,
    "dprd": InitiatorKind.COUNCIL,
    "opd": InitiatorKind.AGENCY,
    "asn": InitiatorKind.CIVIL_SERVANT,
    "mas": InitiatorKind.PUBLIC,
}
FORMS = {"tk": Form.GOVERNANCE, "pp": Form.PUBLIC_SERVICE, "ln": Form.OTHER}


def _write(region, agencies, users, cycles, plans, documents):
    rng = random.Random(1610)  # timestamps only
    verifier, coordinator = users["verifikator"], users["koordinator"]

    def operator(idea):
        return users.get(f"operator.{idea.agency.lower()}", coordinator)

    innovations = Innovation.objects.bulk_create(
        Innovation(region=region, agency=agencies[i.agency], name=i.name, created_by=operator(i))
        for i in di.IDEAS
    )
    innovation_of = {i.name: i for i in innovations}
    submissions, answers, links, events, comments = {}, [], [], [], []
    for year in (2022, 2023):
        cycle = cycles[year]
        batch = []
        for item in plans[year]:
            idea, state = item["idea"], item["state"]
            previous = submissions.get((2022, idea.name)) if year == 2023 else None
            submitted_at, decided_at = _times(cycle, state, rng)
            submission = Submission(
                innovation=innovation_of[idea.name],
                cycle=cycle,
                state=state,
                previous=previous,
                carry_over_note=_carry_over_note(idea) if previous else "",
                submitted_at=submitted_at,
                submitted_by=operator(idea) if submitted_at else None,
                decided_at=decided_at,
                created_by=operator(idea),
                **_profile_fields(idea, item["profile"], year, state),
            )
            batch.append(submission)
            submissions[(year, idea.name)] = submission
        Submission.objects.bulk_create(batch)
        for item, submission in zip(plans[year], batch, strict=True):
            idea = item["idea"]
            for code, planned in item["answers"].items():
                reviewed = planned.state != "pending"
                answer = Answer(
                    submission=submission,
                    indicator_code=code,
                    claimed_level=planned.claimed,
                    claimed_by=operator(idea),
                    verified_level=planned.verified,
                    review_state=planned.state,
                    review_note=planned.note,
                    reviewed_by=verifier if reviewed else None,
                    reviewed_at=submission.decided_at or submission.submitted_at
                    if reviewed
                    else None,
                    link=submission.video_url if code == "35" else "",
                )
                answers.append(answer)
                links.append(_answer_documents(idea, code, planned, documents))
            events += _events(region, submission, item, users)
            if item["state"] == "returned":
                for field, note in rng.sample(FIELD_COMMENTS, 2):
                    comments.append(
                        FieldComment(submission=submission, field=field, note=note, author=verifier)
                    )
    Answer.objects.bulk_create(answers)
    through = Answer.documents.through
    through.objects.bulk_create(
        through(answer_id=answer.pk, document_id=document.pk)
        for answer, docs in zip(answers, links, strict=True)
        for document in docs
    )
    FieldComment.objects.bulk_create(comments)
    _write_spd(cycles, documents, coordinator, verifier)
    _write_events(events)


def _times(cycle, state, rng):
    """When a report was sent and decided: inside its cycle's window (2023: around today)."""
    if state == "draft":
        return None, None
    if cycle.edition.year == 2022:
        day = datetime.datetime.combine(cycle.opens_on, datetime.time(9), tzinfo=datetime.UTC)
        submitted = day + datetime.timedelta(days=rng.uniform(20, 88))
    else:
        submitted = timezone.now() - datetime.timedelta(days=rng.uniform(4, 28))
    if state in ("verified", "rejected", "returned"):
        return submitted, submitted + datetime.timedelta(days=rng.uniform(0.5, 3))
    return submitted, None


def _carry_over_note(idea):
    change = (
        "fitur baru dan perluasan jumlah pengguna"
        if idea.kind == "D"
        else "perluasan wilayah layanan ke kecamatan baru dan penambahan petugas"
    )
    return f"Dilanjutkan dari laporan IGA 2022. Perubahan sejak tahun lalu: {change}. (sintetis)"


def _profile_fields(idea, profile, year, state):
    start, end = WINDOWS[year]
    started = datetime.date.fromisoformat(idea.started)
    developed = datetime.date.fromisoformat(idea.developed) if idea.developed else None
    if developed and developed > end:
        developed = None  # that development came later than this cycle
    in_window = start <= started <= end or (developed and start <= developed <= end)
    if not in_window and started < start:  # an older innovation, developed again in the window
        developed = datetime.date(end.year, started.month, min(started.day, 28))
    trial = started - datetime.timedelta(days=60 + hash_text(idea.name) % 60)
    scale = 0.6 if year == 2022 else 1
    users = max(1, round(idea.users * scale))
    budget = round(idea.budget * (0.85 if year == 2022 else 1), -6) or idea.budget
    agency_name = {short: name for name, short in AGENCIES}[idea.agency]
    initiator = {
        "kd": "Bupati Ogan Ilir",
        "dprd": "Anggota DPRD Kabupaten Ogan Ilir (sintetis)",
        "opd": f"{agency_name} Kabupaten Ogan Ilir",
        "asn": f"{profile['person']}, ASN {idea.agency}",
        "mas": "Kelompok masyarakat Kecamatan Indralaya Selatan",
    }[idea.initiator]
    return {
        "name": idea.name,
        "stage": Stage.IMPLEMENTATION,
        "initiator_kind": INITIATOR_KINDS[idea.initiator],
        "initiator_name": initiator,
        "kind": Kind.DIGITAL if idea.kind == "D" else Kind.NON_DIGITAL,
        "form": FORMS[idea.form],
        "main_affair": idea.main,
        "other_affairs": list(idea.others),
        "theme": idea.theme,
        "trial_date": trial,
        "implementation_date": started,
        "development_date": developed,
        "design": _design(idea, profile, agency_name, initiator, trial, started, developed),
        "goal": (
            f"Memastikan {idea.who} di Kabupaten Ogan Ilir memperoleh layanan {idea.name} "
            f"({idea.about}) dengan lebih cepat, mudah dan terjangkau, sehingga masalah berikut "
            f"teratasi: {idea.problem}."
        ),
        "benefit": (
            f"Bagi {idea.who}: layanan lebih dekat, waktu dan biaya berkurang. Bagi {agency_name}: "
            f"proses kerja lebih tertib dan setiap tindak lanjut dapat dipantau. Bagi pemerintah "
            f"daerah: mendukung sasaran RPJMD pada urusan {idea.main.lower()}."
        ),
        "result": _result(idea, users, year),
        "budget": Decimal(budget),
        "video_url": f"https://www.youtube.com/watch?v=sinovda-demo-{hash_text(idea.name):08x}",
    }


def _result(idea, users, year):
    n = hash_text(idea.name + str(year))
    if idea.kind == "D":
        before, after = 3 + n % 5, 1
        change = (
            f"waktu layanan rata-rata turun dari {before} hari kerja menjadi {after} hari kerja"
        )
    else:
        before = 35 + n % 25
        after = min(98, before + 15 + n % 20)
        change = f"cakupan layanan sasaran naik dari {before} persen menjadi {after} persen"
    count = f"{users:,}".replace(",", ".")  # Indonesian thousands separator
    return (
        f"Sampai akhir {year - 1}, {count} {idea.who} telah menerima manfaat {idea.name}; "
        f"{change}. Survei kepuasan pengguna menunjukkan nilai {80 + n % 15} (baik). "
        + SYNTHETIC_TAG
    )


def _design(idea, profile, agency_name, initiator, trial, started, developed):
    """Rancang bangun in its six parts, composed from the innovation's own facts (300+ words)."""
    laws = list(BASE_LAWS)
    if idea.form == "pp":
        laws.append("UU Nomor 25 Tahun 2009 tentang Pelayanan Publik")
    for affair in (idea.main, *idea.others):
        laws += [law for law in AFFAIR_LAWS.get(affair, []) if law not in laws]
    if idea.kind == "D":
        laws.append("Perpres Nomor 95 Tahun 2018 tentang Sistem Pemerintahan Berbasis Elektronik")
    laws.append(f"{PERBUP[0]} (nomor sintetis)")
    places = " dan ".join(f"Kecamatan {p}" for p in profile["places"])
    partners = ", ".join(idea.partners)
    kind_text = (
        "Seluruh proses dicatat dalam aplikasi sehingga data dapat dipantau setiap saat dan laporan "
        "tersusun otomatis."
        if idea.kind == "D"
        else "Layanan diberikan langsung oleh petugas dengan jadwal yang diumumkan, dan setiap "
        "kegiatan dicatat dalam buku register serta dilaporkan bulanan."
    )
    novelty = (
        "Sebelumnya layanan hanya tersedia secara tatap muka di kantor pada jam kerja; kini warga "
        "dapat mengaksesnya dari mana saja tanpa biaya tambahan."
        if idea.kind == "D"
        else "Sebelumnya warga harus datang sendiri ke kantor dan menanggung biaya perjalanan; kini "
        "layanan yang mendatangi mereka atau dikerjakan bersama warga."
    )
    development = (
        f"pengembangan terbaru dilakukan pada {developed:%d-%m-%Y} berdasarkan hasil evaluasi"
        if developed
        else "pengembangan dilakukan bertahap sesuai hasil evaluasi"
    )
    return "\n\n".join(
        [
            "1. Dasar hukum\n" + "; ".join(laws) + ".",
            f"2. Permasalahan\nSebelum {idea.name} diterapkan, {idea.problem}. Kondisi ini "
            f"dirasakan terutama oleh {idea.who} di {places}. Masalah tersebut tercatat dalam forum "
            f"konsultasi publik, laporan pengaduan dan rapat evaluasi {agency_name}.",
            f"3. Isu strategis\n{THEME_ISSUES[idea.theme]} {idea.name} sejalan dengan misi RPJMD "
            f"Kabupaten Ogan Ilir untuk meningkatkan kualitas pelayanan publik dan daya saing daerah, "
            f"serta dengan sasaran urusan {idea.main.lower()}"
            + (
                f" yang beririsan dengan urusan {', '.join(a.lower() for a in idea.others)}"
                if idea.others
                else ""
            )
            + ".",
            f"4. Metode pembaharuan\n{idea.name} ({idea.about}) bekerja sebagai berikut: "
            f"{idea.method}. {kind_text} Pelaksanaannya melibatkan {partners}. Balitbangda selaku "
            f"koordinator inovasi daerah memantau capaian setiap triwulan.",
            f"5. Keunggulan dan kebaharuan\n{novelty} Inovasi ini dirancang sesuai kondisi Ogan Ilir "
            f"yang sebagian wilayahnya berupa rawa lebak dan desa di tepi sungai, biayanya rendah "
            f"sehingga dapat direplikasi oleh daerah lain, dan melibatkan {len(idea.partners) + 1} "
            f"pihak sehingga tidak bergantung pada satu unit kerja.",
            f"6. Tahapan inovasi\nIde digagas oleh {initiator} dan dibahas bersama mitra; rancangan "
            f"dan SOP disusun lalu disosialisasikan kepada petugas. Uji coba dimulai pada "
            f"{trial:%d-%m-%Y} di {places}; penerapan ke seluruh wilayah sejak {started:%d-%m-%Y}; "
            f"{development}. Monitoring dan evaluasi dilakukan setiap triwulan melalui laporan "
            f"internal dan survei kepuasan pengguna.",
        ]
    )


def _answer_documents(idea, code, planned, documents):
    if code == "35":
        return []  # the video is a link
    if code == "16" and planned.claimed == 3:
        return [documents["perbup"]]
    if code == "21":
        return [documents["rkpd"]]
    if code in ("25", "29", "30"):
        return [documents[f"png:{idea.agency}"]]
    return [documents[idea.name]]


def _events(region, submission, item, users):
    """The audit trail of a report, so its history page tells the story."""
    state = item["state"]
    operator = users.get(f"operator.{item['idea'].agency.lower()}", users["koordinator"])
    steps = [("submission.create", operator, None, {"name": submission.name})]
    if state != "draft":
        steps.append(("submission.submit", operator, {"state": "draft"}, {"state": "submitted"}))
    verifier = users["verifikator"]
    if state == "verified":
        steps.append(("submission.verify", verifier, {"state": "submitted"}, {"state": state}))
    elif state == "rejected":
        note = REJECT_REASONS[hash_text(submission.name) % len(REJECT_REASONS)]
        steps.append(
            ("submission.reject", verifier, {"state": "submitted"}, {"state": state, "note": note})
        )
    elif state == "returned":
        steps.append(
            (
                "submission.return",
                verifier,
                {"state": "submitted"},
                {"state": state, "note": RETURN_NOTE},
            )
        )
    elif state == "withdrawn":
        steps.append(("submission.withdraw", operator, {"state": "submitted"}, {"state": state}))
    return [
        (
            AuditEvent(
                action=action,
                actor=actor,
                object_type=submission._meta.label_lower,
                object_id=str(submission.pk),
                object_repr=str(submission)[:200],
                region=region,
                before=before,
                after=after,
            ),
            submission.submitted_at if action != "submission.create" else None,
            submission.decided_at,
        )
        for action, actor, before, after in steps
    ]


def _write_events(events):
    rows = AuditEvent.objects.bulk_create(event for event, _s, _d in events)
    # auto_now_add stamped them now; put each where it happened (a few grouped updates).
    by_time = {}
    for row, (_event, submitted, decided) in zip(rows, events, strict=True):
        when = submitted if row.action == "submission.submit" else decided or submitted
        if row.action == "submission.create":
            # Drafted a week before it was sent, so a report's history reads in order.
            when = submitted - datetime.timedelta(days=7) if submitted else None
        if when is not None:
            by_time.setdefault(when.date(), []).append(row.pk)
    for day, pks in by_time.items():
        stamp = datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)
        AuditEvent.objects.filter(pk__in=pks).update(created_at=min(stamp, timezone.now()))


def _write_spd(cycles, documents, coordinator, verifier):
    rows, links = [], []
    for year, cycle in cycles.items():
        reviewed_at = (
            timezone.now() - datetime.timedelta(days=3)
            if year == 2023
            else datetime.datetime(2022, 9, 20, 10, tzinfo=datetime.UTC)
        )
        for code, (claimed, verified, note) in SPD_LEVELS[year].items():
            rows.append(
                RegionAnswer(
                    cycle=cycle,
                    row_code=code,
                    claimed_level=claimed,
                    verified_level=verified,
                    review_state=ReviewState.ACCEPTED
                    if verified == claimed
                    else ReviewState.LOWERED,
                    review_note=note,
                    reviewed_by=verifier,
                    reviewed_at=reviewed_at,
                    answered_by=coordinator,
                )
            )
            links.append(documents[SPD_DOCUMENT[code]] if code in SPD_DOCUMENT else None)
    RegionAnswer.objects.bulk_create(rows)
    through = RegionAnswer.documents.through
    through.objects.bulk_create(
        through(regionanswer_id=row.pk, document_id=doc.pk)
        for row, doc in zip(rows, links, strict=True)
        if doc is not None
    )
