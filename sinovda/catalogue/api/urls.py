"""/api/v1/: the open-data API (main.py). Its views are django-ninja's, under the `api-v1` namespace."""

from django.urls import path

from .main import api

urlpatterns = [path("", api.urls)]
