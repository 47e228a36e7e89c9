from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "sinovda.catalogue"
    label = "catalogue"
    verbose_name = _("Katalog publik")

    def ready(self):
        from . import versions  # noqa: F401 - connects the version's post_save receiver
