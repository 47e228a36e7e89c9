"""The public catalogue (katalog/, inovasi/, sitemap.xml, robots.txt) and the region's page for
publishing to it (under /r/<region>/)."""

from django.urls import path

from . import manage_views, views

urlpatterns = [
    path("katalog/", views.catalogue, name="catalogue"),
    path("katalog/<region:region_code>/", views.region, name="catalogue_region"),
    path("katalog/<region:region_code>/opd/<int:pk>/", views.agency, name="catalogue_agency"),
    path("inovasi/<str:public_id>/", views.innovation, name="catalogue_innovation"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path(
        "r/<region:region_code>/siklus/<int:year>/katalog/",
        manage_views.catalogue_manage,
        name="catalogue_manage",
    ),
]
