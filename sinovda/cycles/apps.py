from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "sinovda.cycles"
    label = "cycles"
