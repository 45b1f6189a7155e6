"""The group summary sheet's URLs, included under /summary/ by reports.urls in its namespace
("reports"): reports:group_summary, reports:group_summary_xlsx, reports:group_summary_print."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:session_id>/<int:group_id>/", views.summary_page, name="group_summary"),
    path(
        "<int:session_id>/<int:group_id>/summary.xlsx",
        views.summary_xlsx,
        name="group_summary_xlsx",
    ),
    path("<int:session_id>/<int:group_id>/print/", views.summary_print, name="group_summary_print"),
]
