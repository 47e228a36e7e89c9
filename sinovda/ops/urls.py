from django.urls import path

from . import views

# No trailing slash: probes use the exact paths, and CommonMiddleware must not redirect them.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
]
