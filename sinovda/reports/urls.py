"""Outputs of a region, included under /r/<region>/ by sinovda/urls.py."""

from django.urls import path

from . import views, views_identity, views_rekap
from .views_national import national_entries, national_entry_mark, national_entry_unmark

urlpatterns = [
    path("identitas/", views_identity.region_identity, name="region_identity"),
    path("identitas/lambang/", views_identity.region_emblem, name="region_emblem"),
    path("siklus/<int:year>/keluaran/", views.outputs, name="outputs"),
    path("siklus/<int:year>/keluaran/rekap.csv", views_rekap.rekap_csv, name="rekap_csv"),
    path(
        "siklus/<int:year>/keluaran/buat/<str:kind>/", views.output_request, name="output_request"
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/pdf/",
        views.innovation_output,
        name="innovation_output",
    ),
    path("siklus/<int:year>/aplikasi-nasional/", national_entries, name="national_entries"),
    path(
        "siklus/<int:year>/aplikasi-nasional/<str:public_id>/tandai/",
        national_entry_mark,
        name="national_entry_mark",
    ),
    path(
        "siklus/<int:year>/aplikasi-nasional/<str:public_id>/batal/",
        national_entry_unmark,
        name="national_entry_unmark",
    ),
    path("keluaran/<uuid:pk>/", views.output_detail, name="output_detail"),
    path("keluaran/<uuid:pk>/ulang/", views.output_retry, name="output_retry"),
    path("keluaran/<uuid:pk>/unduh/", views.output_download, name="output_download"),
]
