from django.apps import AppConfig


class WorkersConfig(AppConfig):
    name = "sinovda.workers"
    label = "workers"

    def ready(self):
        from . import checks  # noqa: F401 - registers the settings checks
