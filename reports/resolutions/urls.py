"""URLs of the council's resolutions (ТОКТОМ)."""

from django.urls import path

from . import views

app_name = "resolutions"

urlpatterns = [
    path("", views.resolution_list, name="list"),
    path("new/", views.resolution_create, name="create"),
    path("<int:pk>/", views.resolution_detail, name="detail"),
    path("<int:pk>/edit/", views.resolution_edit, name="edit"),
    path("<int:pk>/adopt/", views.resolution_adopt, name="adopt"),
    path("<int:pk>/docx/", views.resolution_docx, name="docx"),
    path("<int:pk>/pdf/", views.resolution_pdf, name="pdf"),
    path("<int:pk>/pdf/prepare/", views.resolution_pdf_job, name="pdf_job"),
]
