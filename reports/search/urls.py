"""The search's page, included by reports/urls.py in the `reports` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.search, name="search"),
]
