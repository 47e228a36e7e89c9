from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "sinovda.evidence"
    label = "evidence"

    def ready(self):
        from . import signals

        signals.connect()
