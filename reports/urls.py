"""The report's pages: the home page, the session report and its drill-down, the sections page,
the dashboard (reports.dashboard.urls, in this namespace), the group summary sheet
(reports.summary.urls, in this namespace), the search (reports.search.urls, likewise), the
examiners whose grades stand apart (reports.examiners.urls, likewise) and the students at risk
(reports.at_risk.urls, likewise)."""

from django.urls import include, path

from . import sections_views, views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", include("reports.dashboard.urls")),
    path("summary/", include("reports.summary.urls")),
    path("search/", include("reports.search.urls")),
    path("examiners/", include("reports.examiners.urls")),
    path("reports/at-risk/", include("reports.at_risk.urls")),
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
