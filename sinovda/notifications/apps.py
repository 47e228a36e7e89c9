from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "sinovda.notifications"
    label = "notifications"
