from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "sinovda.backup"
    label = "backup"
    verbose_name = "Backup"
