"""The academic department keeps the surveys; the vice-rector and the dean's offices read them.

The roles are the groups of sessions_app.0002_roles; this adds to them (never `set`), so the
permissions they already hold stay. The links are the academic department's alone: whoever holds
an unused link can answer.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

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


def _permissions(apps, codenames):
    Permission = apps.get_model("auth", "Permission")
    return list(
        Permission.objects.filter(content_type__app_label="surveys", codename__in=codenames)
    )


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; the roles need them now.
    create_permissions(global_apps.get_app_config("surveys"), verbosity=0)
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
        ("surveys", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
