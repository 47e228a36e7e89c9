"""Snapshots: the koordinator finalising a cycle, national results imported (national admin)."""

from django.urls import path

from . import views_snapshots as views

cycle = "r/<region:region_code>/siklus/<int:year>/hasil/"
national = "hasil-nasional/"

urlpatterns = [
    path(cycle, views.cycle_results, name="cycle_results"),
    path(cycle + "tetapkan/", views.cycle_finalise, name="cycle_finalise"),
    path(national, views.national_results, name="national_results"),
    path(national + "impor/", views.national_results_import, name="national_results_import"),
    path(national + "contoh.csv", views.national_results_example, name="national_results_example"),
    path(national + "<int:pk>/tarik/", views.snapshot_withdraw, name="snapshot_withdraw"),
]
