"""The special clusters' lists shipped with Sinovda (sinovda/regions/data/README.md says where from).

Each list is found by its cluster and title, created when missing and brought back to the shipped
values when it differs. A list a national admin has changed in the product (it has `updated_by`) is
left alone: the shipped data only seeds lists, it never overwrites a person's correction.
"""

import csv
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sinovda.regions.models import ClusterList, Region

DATA = Path(__file__).resolve().parents[2] / "data"

# The title migration 0005 gave the Papua list: the same row is found and kept.
PAPUA_TITLE = (
    "Wilayah Papua: enam provinsi Papua dan kabupaten/kotanya (sinovda/regions/data/clusters.csv)"
)
TERTINGGAL_TITLE = (
    "Peraturan Presiden Nomor 63 Tahun 2020 tentang Penetapan Daerah Tertinggal Tahun 2020–2024"
)
PERBATASAN_TITLE = (
    "Lokasi prioritas perbatasan BNPP 2020–2024 (daftar kabupaten/kota belum diperoleh)"
)


@dataclass(frozen=True)
class ShippedList:
    cluster: str
    title: str
    publisher: str
    confidence: str
    note: str
    codes: list[str] = field(default_factory=list)
    valid_from: int | None = None
    valid_to: int | None = None
    # No shipped list has a date or a link the reference supports: both stay empty.
    published_on: datetime.date | None = None
    url: str = ""

    FIELDS = ("publisher", "published_on", "url", "confidence", "note", "valid_from", "valid_to")


def _codes(filename: str, cluster: str | None = None) -> list[str]:
    with open(DATA / filename, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r["code"] for r in rows if cluster is None or r["cluster"] == cluster]


def shipped() -> list[ShippedList]:
    return [
        ShippedList(
            cluster="papua",
            title=PAPUA_TITLE,
            publisher="Sinovda, dari idn-area-data 4.0.1 (Kepmendagri 300.2.2-2138/2025)",
            confidence="inferred",
            note="Diturunkan dari kode provinsi 91–96.",
            codes=_codes("clusters.csv", "papua"),
        ),
        ShippedList(
            cluster="tertinggal",
            title=TERTINGGAL_TITLE,
            publisher="Presiden Republik Indonesia",
            confidence="reported",
            valid_from=2020,
            valid_to=2025,
            note=(
                "62 kabupaten menurut Perpres 63/2020, sebagaimana dimuat ulang beberapa media "
                "nasional pada 8–11 Mei 2020 (belum dicocokkan dengan salinan resmi; tanggal "
                "penetapan dan tautan resmi belum dicatat). Daftar untuk 2025–2029 belum "
                "ditemukan, jadi daftar 2020–2024 dipakai sebagai daftar yang berlaku untuk "
                "edisi 2020–2025 (termasuk edisi 2023–2025) sampai administrator memuat daftar "
                "yang lebih baru. Kode Kemendagri dicocokkan dengan nama hari ini: Maluku "
                "Tenggara Barat kini Kepulauan Tanimbar, dan kabupaten di Papua kini berada di "
                "provinsi hasil pemekaran 2022."
            ),
            codes=_codes("cluster_tertinggal_2020_2024.csv"),
        ),
        ShippedList(
            cluster="perbatasan",
            title=PERBATASAN_TITLE,
            publisher="Badan Nasional Pengelola Perbatasan (BNPP)",
            confidence="transcribed",
            note=(
                "Lokasi prioritas (lokpri) BNPP 2020–2024: 222 kecamatan di 54 kabupaten/kota "
                "pada 15 provinsi (Aceh, Sumatera Utara, Riau, Kepulauan Riau, Kalimantan Barat, "
                "Kalimantan Timur, Kalimantan Utara, Sulawesi Utara, Sulawesi Tengah, Gorontalo, "
                "Maluku, Maluku Utara, Nusa Tenggara Timur, Papua Barat, Papua); untuk 2025–2029 "
                "299 kecamatan prioritas. Daftar kabupaten/kotanya belum diperoleh, jadi klaster "
                "ini dikirim kosong. Administrator nasional dapat memuatnya di halaman Klaster "
                "(impor CSV kode Kemendagri beserta sumber dan masa berlakunya)."
            ),
        ),
    ]


class Command(BaseCommand):
    help = (
        "Create or update the shipped cluster lists (Papua, daerah tertinggal, an empty daerah "
        "perbatasan). Lists changed by an administrator are left alone. Idempotent."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        lists = shipped()
        wanted = {code for item in lists for code in item.codes}
        regions = {r.code: r for r in Region.objects.filter(code__in=wanted)}
        missing = sorted(wanted - regions.keys())
        if missing:
            raise CommandError(
                f"cluster lists name regions that are not loaded: {', '.join(missing)} "
                "(run load_regions first)"
            )
        for item in lists:
            outcome = self._load(item, [regions[c] for c in item.codes])
            if options["verbosity"]:
                self.stdout.write(f"cluster {item.cluster}: {outcome}, {len(item.codes)} Pemda")

    def _load(self, item: ShippedList, members: list[Region]) -> str:
        values = {name: getattr(item, name) for name in ShippedList.FIELDS}
        lst = ClusterList.objects.filter(cluster=item.cluster, title=item.title).first()
        if lst is None:
            lst = ClusterList.objects.create(cluster=item.cluster, title=item.title, **values)
            lst.regions.set(members)
            return "created"
        if lst.updated_by_id is not None:
            return "changed by an administrator, left alone"
        changed = [name for name, value in values.items() if getattr(lst, name) != value]
        same_members = set(lst.regions.values_list("pk", flat=True)) == {r.pk for r in members}
        if not changed and same_members:
            return "unchanged"
        for name in changed:
            setattr(lst, name, values[name])
        # Saved even when only the members change: updated_at is part of the rankings' data
        # version, so cached rankings see the new members.
        lst.save(update_fields=[*changed, "updated_at"])
        if not same_members:
            lst.regions.set(members)
        return "updated"
