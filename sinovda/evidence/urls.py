"""Evidence pages, included under /r/<region>/bukti/ by sinovda/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.document_list, name="document_list"),
    path("unggah/", views.document_upload, name="document_upload"),
    path("<int:pk>/unduh/", views.document_download, name="document_download"),
    path("<int:pk>/periksa-ulang/", views.document_recheck, name="document_recheck"),
]
