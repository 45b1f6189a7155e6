"""The vice-rector's office edits the council's resolutions; the academic department reads them.

The roles are the groups of sessions_app.0002_roles; portal.role_permissions adds to them.
"""

from django.db import migrations

from portal.role_permissions import grant_to_roles

PERMISSIONS = {
    "vice_rector": [
        "view_resolution",
        "add_resolution",
        "change_resolution",
        "view_resolutionitem",
        "add_resolutionitem",
        "change_resolutionitem",
        "delete_resolutionitem",
    ],
    "academic_department": ["view_resolution", "view_resolutionitem"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("sessions_app", "0002_roles"),
        ("reports", "0001_resolution"),
    ]

    operations = [grant_to_roles("reports", PERMISSIONS)]
