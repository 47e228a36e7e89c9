"""Public rankings: national by cluster, and per province (docs/rankings.md)."""

from django.urls import path

from . import rankings_views

urlpatterns = [
    path("peringkat/", rankings_views.ranking_national, name="ranking_national"),
    path(
        "peringkat/<region:region_code>/",
        rankings_views.ranking_province,
        name="ranking_province",
    ),
]
