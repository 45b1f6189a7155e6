"""The academic department keeps licences, accreditations, seminars and agencies; the
vice-rector and the dean's offices read them.

The roles are the groups of sessions_app.0002_roles; portal.role_permissions adds to them.
"""

from django.db import migrations

from portal.role_permissions import grant_to_roles

MODELS = ["agency", "licenceapplication", "accreditation", "seminar"]
VIEW = [f"view_{model}" for model in MODELS]
PERMISSIONS = {
    "academic_department": [
        f"{verb}_{model}" for verb in ("add", "change", "view", "delete") for model in MODELS
    ],
    "vice_rector": VIEW,
    "dean_office": VIEW,
    "dean_office_head": VIEW,
}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions_app", "0002_roles"),
        ("accreditation", "0001_initial"),
    ]

    operations = [grant_to_roles("accreditation", PERMISSIONS)]
