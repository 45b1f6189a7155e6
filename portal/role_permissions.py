"""A migration operation that gives the roles (the groups of sessions_app.0002_roles) an app's
model permissions, for the apps that come after the roles were made.

It adds to the groups and never `set`s, so what they already hold stays; reversed, it removes
exactly what it gave. Permissions are normally created after all migrations; the roles need them
at once, so they are created first.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant_to_roles(app_label, permissions):
    """RunPython giving each role of `permissions` ({role: [codename, ...]}) those permissions of
    `app_label`."""

    def _permissions(apps, codenames):
        Permission = apps.get_model("auth", "Permission")
        return list(
            Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )

    def grant(apps, schema_editor):
        create_permissions(global_apps.get_app_config(app_label), verbosity=0)
        Group = apps.get_model("auth", "Group")
        for role, codenames in permissions.items():
            group, _created = Group.objects.get_or_create(name=role)
            group.permissions.add(*_permissions(apps, codenames))

    def revoke(apps, schema_editor):
        Group = apps.get_model("auth", "Group")
        for role, codenames in permissions.items():
            for group in Group.objects.filter(name=role):
                group.permissions.remove(*_permissions(apps, codenames))

    return migrations.RunPython(grant, revoke)
