"""The national admin's cluster lists, included at /klaster/."""

from django.urls import path

from .views import clusters

urlpatterns = [
    path("", clusters.cluster_lists, name="cluster_lists"),
    path("baru/", clusters.cluster_list_create, name="cluster_list_create"),
    path("<int:pk>/", clusters.cluster_list_detail, name="cluster_list_detail"),
    path("<int:pk>/ubah/", clusters.cluster_list_update, name="cluster_list_update"),
    path("<int:pk>/impor/", clusters.cluster_list_import, name="cluster_list_import"),
]
