from django.urls import path

from .views import admission, browse, imports, sheets

app_name = "sessions"

urlpatterns = [
    path("", browse.session_list, name="session_list"),
    path("<int:session_id>/", browse.session_detail, name="session_detail"),
    path("<int:session_id>/groups/<int:group_id>/", browse.group_detail, name="group_detail"),
    path(
        "<int:session_id>/groups/<int:group_id>/history/",
        browse.group_history,
        name="group_history",
    ),
    path(
        "<int:session_id>/groups/<int:group_id>/admission/<str:stage>/",
        admission.admission_sheet,
        name="admission",
    ),
    path("sheets/<int:assessment_id>/<str:attempt>/", sheets.sheet, name="sheet"),
    path("sheets/<int:assessment_id>/<str:attempt>/submit/", sheets.submit, name="sheet_submit"),
    path("sheets/<int:assessment_id>/<str:attempt>/lock/", sheets.lock, name="sheet_lock"),
    path("sheets/<int:assessment_id>/<str:attempt>/reopen/", sheets.reopen, name="sheet_reopen"),
    path(
        "sheets/<int:assessment_id>/<str:attempt>/examiner/",
        sheets.examiner,
        name="sheet_examiner",
    ),
    path("sheets/<int:assessment_id>/<str:attempt>/history/", sheets.history, name="sheet_history"),
    path("sheets/<int:assessment_id>/<str:attempt>/print/", sheets.print_sheet, name="sheet_print"),
    path(
        "sheets/<int:assessment_id>/<str:attempt>/download.xlsx",
        sheets.download,
        name="sheet_download",
    ),
    path("sheets/<int:assessment_id>/<str:attempt>/upload/", sheets.upload, name="sheet_upload"),
    path("import/", imports.import_results, name="import"),
    path("import/template.xlsx", imports.template, name="import_template"),
    path("import/errors/<str:token>.xlsx", imports.errors, name="import_errors"),
]
