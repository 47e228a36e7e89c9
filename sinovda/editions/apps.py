from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "sinovda.editions"
    label = "editions"
