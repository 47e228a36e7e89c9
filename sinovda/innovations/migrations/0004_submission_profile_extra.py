from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0003_notification_moved_to_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="profile_extra",
            field=models.JSONField(blank=True, default=dict, verbose_name="Profil menurut edisi"),
        ),
    ]
