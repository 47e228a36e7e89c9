"""Outputs of a region, included under /r/<region>/ by sinovda/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("siklus/<int:year>/keluaran/", views.outputs, name="outputs"),
    path(
        "siklus/<int:year>/keluaran/buat/<str:kind>/", views.output_request, name="output_request"
    ),
    path(
        "siklus/<int:year>/inovasi/<str:public_id>/pdf/",
        views.innovation_output,
        name="innovation_output",
    ),
    path("keluaran/<uuid:pk>/", views.output_detail, name="output_detail"),
    path("keluaran/<uuid:pk>/ulang/", views.output_retry, name="output_retry"),
    path("keluaran/<uuid:pk>/unduh/", views.output_download, name="output_download"),
]
