from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sinovda.audit"
    label = "audit"
