from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "sinovda.regions"
    label = "regions"
