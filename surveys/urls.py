"""The surveys pages."""

from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="list"),
    path("import/", views.import_view, name="import"),
    path("<int:pk>/", views.survey_detail, name="detail"),
    path("<int:pk>/results.json", views.survey_results_json, name="results_json"),
    path("<int:pk>/open/", views.survey_open, name="open"),
    path("<int:pk>/links/", views.survey_links, name="links"),
    path("<int:pk>/links/new/", views.survey_create_links, name="create_links"),
    path("answer/<str:token>/", views.answer, name="answer"),
]
