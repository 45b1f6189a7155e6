"""The vice-rector's office reviews the execution reports of the council's resolution; the
academic department reads the execution of every item. A dean's office holds no model permission
here: it sees and reports on the items that name its faculty (reports.execution.services)."""

from django.db import migrations

from portal.role_permissions import grant_to_roles

PERMISSIONS = {
    "vice_rector": [
        "view_assignment",
        "review_assignment",
        "view_executionreport",
        "view_assignmentevent",
    ],
    "academic_department": ["view_assignment", "view_executionreport", "view_assignmentevent"],
}


class Migration(migrations.Migration):
    dependencies = [
        ("sessions_app", "0002_roles"),
        ("reports", "0005_execution"),
    ]

    operations = [grant_to_roles("reports", PERMISSIONS)]
