"""Every published IID row becomes a result snapshot (announced, or synthetic for demo figures)."""

from django.db import migrations


def forwards(apps, schema_editor):
    PublishedIndex = apps.get_model("regions", "PublishedIndex")
    ResultSnapshot = apps.get_model("scores", "ResultSnapshot")
    ResultSnapshot.objects.bulk_create(
        ResultSnapshot(
            region_id=row.region_id,
            year=row.year,
            source="sintetis" if row.is_synthetic else "bskdn",
            iid=row.iid,
            predicate=row.predicate,
            innovations=row.innovations,
            citation_title=row.source,
        )
        for row in PublishedIndex.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("scores", "0001_result_snapshots"),
        ("regions", "0005_papua_cluster_list"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
