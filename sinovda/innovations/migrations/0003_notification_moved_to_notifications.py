# Notification now lives in the notifications app (same table); remove it from this app's state only.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0002_separation_of_duties_and_reopen"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
    ]
