from django.urls import path

from . import dashboard_views, sections_views, views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", dashboard_views.dashboard_page, name="dashboard"),
    path(
        "dashboard/faculty/<int:faculty_id>/",
        dashboard_views.dashboard_faculty,
        name="dashboard_faculty",
    ),
    path(
        "dashboard/group/<int:group_id>/", dashboard_views.dashboard_group, name="dashboard_group"
    ),
    path("reports/session/", views.session_report, name="session_report"),
    path("reports/sections/", sections_views.sections, name="sections"),
    path("reports/session/export.xlsx", views.session_report_xlsx, name="session_report_xlsx"),
    path(
        "reports/session/<int:session_id>/faculty/<int:faculty_id>/",
        views.session_report_faculty,
        name="session_report_faculty",
    ),
    path(
        "reports/session/<int:session_id>/group/<int:group_id>/",
        views.session_report_group,
        name="session_report_group",
    ),
]
