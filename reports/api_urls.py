"""The JSON API of the report's figures."""

from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("reports/achievement/", api.achievement_view, name="achievement"),
]
