from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sinovda.core"
    label = "core"
