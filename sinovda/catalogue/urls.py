"""The public side: catalogue, rankings, open-data API. Included once, at the root."""

from django.urls import include, path

urlpatterns = [
    path("", include("sinovda.catalogue.urls_public")),
    path("", include("sinovda.catalogue.urls_rankings")),
    path("api/v1/", include("sinovda.catalogue.api.urls")),
]
