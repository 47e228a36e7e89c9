from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "sinovda.awards"
    label = "awards"
