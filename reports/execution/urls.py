"""URLs of the execution of the council's resolutions."""

from django.urls import path

from . import views

app_name = "execution"

urlpatterns = [
    path("", views.item_list, name="list"),
    path("<int:pk>/", views.item_detail, name="item"),
    path("<int:pk>/report/<int:responsible_pk>/", views.report_submit, name="report"),
    path("<int:pk>/review/<int:report_pk>/", views.report_review, name="review"),
    path("<int:pk>/plan/", views.item_plan, name="plan"),
    path("<int:pk>/cancel/", views.item_cancel, name="cancel"),
    path("<int:pk>/restore/", views.item_restore, name="restore"),
    path(
        "<int:pk>/attachment/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
]
