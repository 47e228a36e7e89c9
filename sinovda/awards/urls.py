"""Awards: the region's pages (under /r/<region>/) and the public certificate check (/piagam/).

Included once, at the root, by sinovda/urls.py.
"""

from django.urls import path

from . import views

region = "r/<region:region_code>/"
cycle = region + "siklus/<int:year>/penghargaan/"

urlpatterns = [
    path(cycle, views.award_list, name="award_list"),
    path(cycle + "pratinjau/", views.award_preview, name="award_preview"),
    path(cycle + "tetapkan/", views.award_issue, name="award_issue"),
    path(cycle + "khusus/", views.award_manual, name="award_manual"),
    path(cycle + "<int:pk>/cabut/", views.award_revoke, name="award_revoke"),
    path(cycle + "<int:pk>/piagam/", views.award_certificate, name="award_certificate"),
    path(region + "opd/<int:pk>/penghargaan/", views.agency_awards, name="agency_awards"),
    path("piagam/<str:verification_code>/", views.award_verify, name="award_verify"),
]
