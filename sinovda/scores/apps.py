from django.apps import AppConfig


class ScoresConfig(AppConfig):
    name = "sinovda.scores"
    label = "scores"
