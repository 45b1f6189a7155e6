"""The accreditation pages."""

from django.urls import path

from . import views

app_name = "accreditation"

urlpatterns = [
    path("", views.AccreditationRegistry.as_view(), name="accreditations"),
    path("new/", views.AccreditationCreate.as_view(), name="accreditation_add"),
    path("<int:pk>/", views.AccreditationEdit.as_view(), name="accreditation_edit"),
    path("<int:pk>/report/", views.accreditation_file, name="accreditation_file"),
    path("licences/", views.LicenceRegistry.as_view(), name="licences"),
    path("licences/new/", views.LicenceCreate.as_view(), name="licence_add"),
    path("licences/<int:pk>/", views.LicenceEdit.as_view(), name="licence_edit"),
    path("seminars/", views.SeminarRegistry.as_view(), name="seminars"),
    path("seminars/new/", views.SeminarCreate.as_view(), name="seminar_add"),
    path("seminars/<int:pk>/", views.SeminarEdit.as_view(), name="seminar_edit"),
    path("seminars/<int:pk>/materials/", views.seminar_file, name="seminar_file"),
    path("sections/", views.report_sections, name="sections"),
]
