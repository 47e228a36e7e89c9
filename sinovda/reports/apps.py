from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "sinovda.reports"
    label = "reports"
