"""The academic department keeps licences, accreditations, seminars and agencies; the
vice-rector and the dean's offices read them.

The roles are the groups of sessions_app.0002_roles; this adds to them (never `set`), so the
permissions they already hold stay.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

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


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(content_type__app_label="accreditation", codename__in=codenames)
    )


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the roles need them now.
    create_permissions(global_apps.get_app_config("accreditation"), verbosity=0)
    Group = apps.get_model("auth", "Group")
    for role, codenames in PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*_permissions(apps, codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for role, codenames in PERMISSIONS.items():
        for group in Group.objects.filter(name=role):
            group.permissions.remove(*_permissions(apps, codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions_app", "0002_roles"),
        ("accreditation", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
