"""The academic department keeps the surveys; the vice-rector and the dean's offices read them.

The roles are the groups of sessions_app.0002_roles; this adds to them (never `set`), so the
permissions they already hold stay. The links are the academic department's alone: whoever holds
an unused link can answer.
"""

from django.db import migrations

from portal.role_permissions import grant_to_roles

MODELS = ["survey", "question", "option", "response", "answer", "surveylink"]
READ = [f"view_{model}" for model in MODELS if model != "surveylink"]
PERMISSIONS = {
    "academic_department": [
        f"{verb}_{model}" for verb in ("add", "change", "view", "delete") for model in MODELS
    ],
    "vice_rector": READ,
    "dean_office": READ,
    "dean_office_head": READ,
}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions_app", "0002_roles"),
        ("surveys", "0001_initial"),
    ]

    operations = [grant_to_roles("surveys", PERMISSIONS)]
