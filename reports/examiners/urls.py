"""The examiners page's URL, included under /examiners/ by reports.urls in its namespace
("reports"): reports:examiners."""

from django.urls import path

from . import views

urlpatterns = [path("", views.examiners, name="examiners")]
