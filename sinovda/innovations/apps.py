from django.apps import AppConfig


class InnovationsConfig(AppConfig):
    name = "sinovda.innovations"
    label = "innovations"
