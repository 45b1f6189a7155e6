"""The portal's roles (Django groups, created by a migration) and what each may see and change."""

from django.utils.translation import gettext_lazy as _

DEAN_OFFICE = "dean_office"
DEAN_OFFICE_HEAD = "dean_office_head"
ACADEMIC_DEPARTMENT = "academic_department"
VICE_RECTOR = "vice_rector"
ADMINISTRATOR = "administrator"

LABELS = {
    DEAN_OFFICE: _("Dean's office"),
    DEAN_OFFICE_HEAD: _("Dean's office head"),
    ACADEMIC_DEPARTMENT: _("Academic department"),
    VICE_RECTOR: _("Vice-rector"),
    ADMINISTRATOR: _("Administrator"),
}

# Model permissions of each role, as "app_label.codename".
_VIEW_ALL = [
    f"{app}.view_{model}"
    for app, models in {
        "academics": [
            "academicyear",
            "faculty",
            "department",
            "program",
            "studygroup",
            "student",
            "discipline",
            "staffmember",
            "teachingload",
        ],
        "sessions_app": [
            "examsession",
            "assessment",
            "gradesheet",
            "admission",
            "grade",
            "gradechange",
            "sheetevent",
        ],
    }.items()
    for model in models
]
_DEAN_EDIT = [
    "sessions_app.add_assessment",
    "sessions_app.change_assessment",
    "sessions_app.add_admission",
    "sessions_app.change_admission",
    "sessions_app.add_grade",
    "sessions_app.change_grade",
    "sessions_app.change_gradesheet",
]
PERMISSIONS = {
    DEAN_OFFICE: _VIEW_ALL + _DEAN_EDIT,
    DEAN_OFFICE_HEAD: _VIEW_ALL
    + _DEAN_EDIT
    + [
        "sessions_app.reopen_gradesheet",
        "sessions_app.enter_after_deadline",
    ],
    ACADEMIC_DEPARTMENT: _VIEW_ALL
    + [
        f"academics.{verb}_{model}"
        for verb in ("add", "change")
        for model in ("staffmember", "teachingload", "discipline", "program", "department")
    ]
    + ["sessions_app.add_examsession", "sessions_app.change_examsession"],
    VICE_RECTOR: _VIEW_ALL,
    ADMINISTRATOR: [],  # administrators are superusers
}

# Later apps' permissions are granted by their own migrations (reports: the resolutions;
# sessions_app 0003: the state attestation), since they do not exist when the roles are made.
