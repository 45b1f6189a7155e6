"""The dashboard's URLs, included under /dashboard/ by reports.urls in its namespace ("reports"):
reports:dashboard, reports:dashboard_faculty, reports:dashboard_group."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("faculty/<int:faculty_id>/", views.dashboard_faculty, name="dashboard_faculty"),
    path("group/<int:group_id>/", views.dashboard_group, name="dashboard_group"),
]
