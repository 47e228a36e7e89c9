"""Move the Papua flags (derived from province codes by tools/build_regions_csv.py) into a cluster list."""

from django.db import migrations

PAPUA_TITLE = "Wilayah Papua: enam provinsi Papua dan kabupaten/kotanya (sinovda/regions/data/clusters.csv)"


def forwards(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    ClusterList = apps.get_model("regions", "ClusterList")
    flags = {
        "papua": Region.objects.filter(is_papua=True),
        "tertinggal": Region.objects.filter(is_tertinggal=True),
        "perbatasan": Region.objects.filter(is_perbatasan=True),
    }
    for cluster, regions in flags.items():
        if not regions.exists():
            continue
        lst = ClusterList.objects.create(
            cluster=cluster,
            title=PAPUA_TITLE if cluster == "papua" else f"Daftar {cluster} (dipindahkan dari data lama)",
            publisher="Sinovda, dari idn-area-data 4.0.1 (Kepmendagri 300.2.2-2138/2025)",
            confidence="inferred" if cluster == "papua" else "transcribed",
            note="Diturunkan dari kode provinsi 91–96." if cluster == "papua" else "",
        )
        lst.regions.set(regions)


def backwards(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    ClusterList = apps.get_model("regions", "ClusterList")
    for lst in ClusterList.objects.all():
        field = {"papua": "is_papua", "tertinggal": "is_tertinggal", "perbatasan": "is_perbatasan"}
        Region.objects.filter(pk__in=lst.regions.values("pk")).update(**{field[lst.cluster]: True})


class Migration(migrations.Migration):
    dependencies = [("regions", "0004_cluster_lists")]
    operations = [migrations.RunPython(forwards, backwards)]
